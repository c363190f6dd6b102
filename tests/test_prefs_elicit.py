"""Preference elicitation against models whose truth is known: synthetic ones, and litellm mocks."""

from __future__ import annotations

import math

from scipy.stats import spearmanr

from prefgym.entities import default_catalog
from prefgym.models import Gateway, use_gateway
from prefgym.models.synthetic import parse_model_id, utility
from prefgym.prefs.config import PreferencesConfig, Probe
from prefgym.prefs.estimate import estimate_calls
from prefgym.prefs.measure import measure
from prefgym.prefs.summary import PreferenceSummary
from prefgym.runner import RunDir
from prefgym.tasks import synthetic_world

ENTITIES = default_catalog().entities[:16]


def planted_rho(model: str, values: dict[str, float]) -> float:
    params = parse_model_id(model)
    ids = list(values)
    return spearmanr([utility(params, i) for i in ids], [values[i] for i in ids])[0]


async def test_all_methods_recover_planted_utilities_and_write_their_files(tmp_path):
    probe = Probe("synthetic/planted", PreferencesConfig(samples=2, active_samples=2, ranking_repeats=4, heldout_pairs=6))
    entities = ENTITIES[:12]
    run = RunDir(tmp_path)
    gateway = run.gateway(synthetic_world(entities))
    with use_gateway(gateway):
        result = await measure(probe, entities)
    run.write_preferences(result)
    summary = result.summary
    assert run.preferences("synthetic/planted") == PreferenceSummary.model_validate_json(summary.model_dump_json())
    for method in ("pairwise", "active"):
        for scorer in ("elo", "bt", "thurstonian"):
            values = {e: v.fitted(method)[scorer].value for e, v in summary.entities.items()}
            assert planted_rho("synthetic/planted", values) >= 0.9, (method, scorer)
            for v in summary.entities.values():
                s = v.fitted(method)[scorer]
                assert s.low <= s.value <= s.high
    ranks = {e: -v.ranking.mean_rank for e, v in summary.entities.items()}
    assert planted_rho("synthetic/planted", ranks) >= 0.85
    assert summary.method_agreement("pairwise") >= 0.85
    assert summary.active.heldout.accuracy > 0.6
    # what was asked is on disk: every answer, every ranking, every call, and the planted truth
    assert len(list(run.comparisons("synthetic/planted"))) == summary.pairwise.answers + summary.active.answers
    assert len(list(run.rankings("synthetic/planted"))) == 4
    assert len(list(run.calls())) == gateway.stats.provider_calls == summary.calls["provider_calls"]
    truth = run.planted()["synthetic/planted"]
    assert set(truth["utilities"]) == {e.id for e in entities}  # the world it was shown, no more


async def test_estimate_matches_the_calls_made():
    cfg = PreferencesConfig(samples=2, active_samples=1, ranking_repeats=2, method="all", heldout_pairs=4)
    planned = {e.probe: e.calls for e in estimate_calls("synthetic/planted", cfg, ENTITIES[:9])}
    assert planned["pairwise"] == 9 * 8 // 2 * 2 * 2 and planned["ranking"] == 2
    with use_gateway(Gateway(world=synthetic_world(ENTITIES))):
        summary = (await measure(Probe("synthetic/planted", cfg), ENTITIES[:9])).summary
    assert summary.pairwise.answers == planned["pairwise"]
    assert summary.active.answers == planned["active"]
    assert summary.ranking.repeats == planned["ranking"]


async def test_position_bias_is_detected_and_both_orders_cancel_it():
    model = "synthetic/planted:position_bias=1.5"
    cfg = PreferencesConfig(samples=2, method="pairwise")
    with use_gateway(Gateway(world=synthetic_world(ENTITIES))):
        summary = (await measure(Probe(model, cfg), ENTITIES[:12])).summary
        plain = (await measure(Probe("synthetic/planted", cfg), ENTITIES[:12])).summary
    bias = summary.pairwise.position_bias
    assert bias.rate > 0.65 and bias.p_value < 1e-6
    values = {e: v.pairwise["bt"].value for e, v in summary.entities.items()}
    assert planted_rho(model, values) >= 0.9
    assert plain.pairwise.position_bias.p_value > 0.001


async def test_refusals_are_kept_as_data_with_finite_wide_scores():
    with use_gateway(Gateway()):
        from prefgym.models import current_gateway

        gateway = current_gateway()
        original = gateway.complete

        async def refusing(model, messages, **kwargs):  # litellm's real mock path, a model that refuses
            return await original(model, messages, mock_response="I'm sorry, I don't have personal preferences.",
                                  **kwargs)

        gateway.complete = refusing
        result = await measure(Probe("openai/gpt-4o-mini", PreferencesConfig(samples=1, method="pairwise")), ENTITIES[:4])
    assert result.summary.pairwise.outcomes["refused"] == 12
    assert {c.outcome for c in result.comparisons} == {"refused"} and all("sorry" in c.raw for c in result.comparisons)
    for v in result.summary.entities.values():
        assert math.isfinite(v.pairwise["bt"].value)
