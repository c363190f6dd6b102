"""Preference elicitation against models whose truth is known: synthetic ones, and litellm mocks."""

from __future__ import annotations

import json
import math

from scipy.stats import spearmanr

from prefgym.entities import default_catalog
from prefgym.models import CallRecorder, Gateway, use_gateway
from prefgym.models.synthetic import parse_model_id, utility
from prefgym.prefs.elicit import PrefsConfig
from prefgym.prefs.estimate import estimate_calls
from prefgym.prefs.measure import measure

ENTITIES = default_catalog().entities[:16]


def planted_rho(model: str, values: dict[str, float]) -> float:
    params = parse_model_id(model)
    ids = list(values)
    return spearmanr([utility(params, i) for i in ids], [values[i] for i in ids])[0]


async def test_all_methods_recover_planted_utilities_and_write_their_files(tmp_path):
    cfg = PrefsConfig(model="synthetic/planted", samples=2, ranking_repeats=4, heldout_pairs=8)
    gateway = Gateway(recorder=CallRecorder(tmp_path / "calls.jsonl"))
    with use_gateway(gateway):
        summary = await measure(cfg, ENTITIES, tmp_path)
    assert json.loads((tmp_path / "scores.json").read_text()) == json.loads(json.dumps(summary))
    for method in ("pairwise", "active"):
        for scorer in ("elo", "bt", "thurstonian"):
            values = {e: v[method][scorer]["value"] for e, v in summary["entities"].items()}
            assert planted_rho("synthetic/planted", values) >= 0.9, (method, scorer)
            for v in summary["entities"].values():
                assert v[method][scorer]["low"] <= v[method][scorer]["value"] <= v[method][scorer]["high"]
    ranks = {e: -v["ranking"]["mean_rank"] for e, v in summary["entities"].items()}
    assert planted_rho("synthetic/planted", ranks) >= 0.85
    assert summary["agreement"]["pairwise/thurstonian"]["ranking/mean_rank"] >= 0.85
    assert summary["active"]["heldout"]["accuracy"] > 0.6
    # what was asked is on disk: every answer, every ranking, every call, and the planted truth
    lines = (tmp_path / "pairwise.jsonl").read_text().splitlines()
    assert len(lines) == summary["pairwise"]["answers"] + summary["active"]["answers"]
    assert len((tmp_path / "ranking.jsonl").read_text().splitlines()) == 4
    assert sum(1 for _ in open(tmp_path / "calls.jsonl")) == gateway.stats.provider_calls == summary["calls"]["provider_calls"]
    assert "synthetic/planted" in json.loads((tmp_path / "planted.json").read_text())


async def test_estimate_matches_the_calls_made(tmp_path):
    cfg = PrefsConfig(model="synthetic/planted", samples=3, ranking_repeats=2, method="all", heldout_pairs=4)
    planned = {e.probe: e.calls for e in estimate_calls(cfg, ENTITIES[:10])}
    assert planned["pairwise"] == 10 * 9 // 2 * 2 * 3 and planned["ranking"] == 2
    with use_gateway(Gateway()):
        summary = await measure(cfg, ENTITIES[:10], tmp_path)
    assert summary["pairwise"]["answers"] == planned["pairwise"]
    assert summary["active"]["answers"] == planned["active"]
    assert summary["ranking"]["repeats"] == planned["ranking"]


async def test_position_bias_is_detected_and_both_orders_cancel_it(tmp_path):
    model = "synthetic/planted:position_bias=1.5"
    cfg = PrefsConfig(model=model, samples=2, method="pairwise")
    with use_gateway(Gateway()):
        summary = await measure(cfg, ENTITIES[:12], tmp_path)
    bias = summary["pairwise"]["position_bias"]
    assert bias["rate"] > 0.65 and bias["p_value"] < 1e-6
    values = {e: v["pairwise"]["bt"]["value"] for e, v in summary["entities"].items()}
    assert planted_rho(model, values) >= 0.9
    unbiased = PrefsConfig(model="synthetic/planted", samples=2, method="pairwise")
    with use_gateway(Gateway()):
        plain = await measure(unbiased, ENTITIES[:12], tmp_path / "plain")
    assert plain["pairwise"]["position_bias"]["p_value"] > 0.001


async def test_refusals_are_kept_as_data_with_finite_wide_scores(tmp_path):
    cfg = PrefsConfig(model="openai/gpt-4o-mini", samples=1, method="pairwise")
    with use_gateway(Gateway()):
        from prefgym.models import current_gateway

        gateway = current_gateway()
        original = gateway.complete

        async def refusing(model, messages, **kwargs):  # litellm's real mock path, a model that refuses
            return await original(model, messages, mock_response="I'm sorry, I don't have personal preferences.",
                                  **kwargs)

        gateway.complete = refusing
        summary = await measure(cfg, ENTITIES[:4], tmp_path)
    assert summary["pairwise"]["outcomes"]["refused"] == 12
    rows = [json.loads(line) for line in (tmp_path / "pairwise.jsonl").read_text().splitlines()]
    assert {r["outcome"] for r in rows} == {"refused"} and all("sorry" in r["raw"] for r in rows)
    for v in summary["entities"].values():
        assert math.isfinite(v["pairwise"]["bt"]["value"])
