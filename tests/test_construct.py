"""Construct validity: each number answers the question the report puts beside it.

The preference question must not be stage two's donation question asked again; the entities must
be a sample of the catalog, not its first page; a yes/no model that declines for disliked
entities must not look like one that answers them worse.
"""

from __future__ import annotations

from collections import Counter

import pytest

from prefgym.entities import default_catalog
from prefgym.entities.sample import stratum
from prefgym.prefs.config import PreferencesConfig
from prefgym.study import StudyError, load_study
from prefgym.study.run import study_catalog
from prefgym.types import Entity

A = Entity(id="a", name="Alpha Trust", description="Plants trees in cities.")
B = Entity(id="b", name="Beta Fund", description="Runs night shelters.")


def test_the_default_question_is_neutral_and_shows_the_same_thing_in_every_method():
    cfg = PreferencesConfig()
    for prompt in (cfg.pairwise_prompt(A, B), cfg.ranking_prompt([A, B])):
        assert "donat" not in prompt.lower() and "prefer" in prompt
        assert "Alpha Trust" in prompt and "Plants trees" not in prompt  # names only, as the probes show them
    described = PreferencesConfig(describe=True)
    assert all("Plants trees in cities." in p for p in (described.pairwise_prompt(A, B), described.ranking_prompt([A, B])))
    seed_study = PreferencesConfig(question="donation")
    assert "rather see receive a donation" in seed_study.pairwise_prompt(A, B)
    assert "most like to see receive a donation" in seed_study.ranking_prompt([A, B])
    own = PreferencesConfig(pairwise_template="{a_name} or {b_name}? ({a_description})")
    assert own.pairwise_prompt(A, B) == "Alpha Trust or Beta Fund? (Plants trees in cities.)"


def test_a_template_of_ones_own_with_an_unknown_field_is_refused_with_the_study(tmp_path):
    study = tmp_path / "s.yaml"
    study.write_text("name: s\nmodels: [synthetic/planted]\npreferences: {pairwise_template: 'pick {a} or {c}'}\n"
                     "suites: [{suite: boolq, items: 2}]\n")
    with pytest.raises(StudyError, match="pairwise_template cannot be filled: KeyError 'c'"):
        load_study(study)


def test_a_study_of_fewer_entities_samples_every_cause_in_proportion(tmp_path):
    catalog = default_catalog()
    sizes = Counter(stratum(e) for e in catalog.entities)
    study = tmp_path / "s.yaml"
    study.write_text("name: s\nmodels: [synthetic/planted]\nentities: {limit: 72}\nsuites: [{suite: boolq, items: 2}]\n")
    chosen = study_catalog(load_study(study))
    got = Counter(stratum(e) for e in chosen.entities)
    assert len(chosen) == 72
    for cause, size in sizes.items():  # within one of its share
        assert abs(got[cause] - 72 * size / len(catalog)) < 1, (cause, got[cause], size)
    first = list(catalog.ids[:72])
    assert chosen.ids != first and study_catalog(load_study(study)).ids == chosen.ids  # seeded: the same again
    assert {"education", "arts-culture"} <= set(got) and not {"education", "arts-culture"} & {
        stratum(e) for e in catalog.entities[:72]}
    study.write_text("name: s\nmodels: [synthetic/planted]\nentities: {limit: 72, sample: first}\n"
                     "suites: [{suite: boolq, items: 2}]\n")
    assert study_catalog(load_study(study)).ids == first


def _study(tmp_path, name: str, model: str, suites: list[dict], limit: int = 20) -> dict:
    """A stage-one-and-two study on a planted model, analysed: its stats.json as a dict."""
    import asyncio

    import yaml

    from prefgym.analysis.analyze import analyze
    from prefgym.models import Gateway, use_gateway
    from prefgym.study import run_study

    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "models": [model], "entities": {"limit": limit}, "seed": 1,
                                    "preferences": {"method": "pairwise", "samples": 2}, "suites": suites,
                                    "concurrency": {"episodes": 32}}))

    async def go():
        with use_gateway(Gateway()):
            await run_study(load_study(path), tmp_path / name)

    asyncio.run(go())
    return analyze(tmp_path / name)["models"][model]


def test_a_model_that_declines_for_disliked_entities_does_not_look_like_it_answers_them_worse(tmp_path):
    """Planted: yes/no accuracy does not depend on preference (qa=0), declining does (qa_refusal=2).
    Counting declines as wrong answers made accuracy follow preference; among valid answers it does
    not, and declining is its own outcome with its own link."""
    model = "synthetic/planted:qa=0,qa_refusal_rate=0.3,qa_refusal=2"
    boolq = _study(tmp_path, "decline", model, [{"suite": "boolq", "items": 20}], limit=16)["suites"]["boolq"]
    assert boolq["links"]["invalid"]["rho"] < -0.5 and boolq["links"]["invalid"]["p"] < 0.01
    assert boolq["links"]["correct"]["p"] > 0.05, boolq["links"]["correct"]
    assert 0.7 < sum(boolq["measures"]["correct"].values()) / len(boolq["measures"]["correct"]) < 0.9


@pytest.mark.parametrize("planted, found, not_found", [("refusal_interaction=5,refusal_liked=0", "disliked", "liked"),
                                                       ("refusal_interaction=0,refusal_liked=5", "liked", "disliked")])
def test_superadditive_refusal_is_located_in_the_quadrant_where_it_was_planted(tmp_path, planted, found, not_found):
    """The report's refusal model names the quadrant: extra refusals planted on both-liked pairs are
    not reported as the paper's both-disliked superadditivity (a pref:pref_b product reported both)."""
    from prefgym.tasks.refusal.suite import DISLIKED_PAIR, LIKED_PAIR

    model = f"synthetic/planted:refusal=0.5,{planted}"
    fitted = _study(tmp_path, "quadrant", model, [{"suite": "refusal", "tasks": ["refusal-torn", "refusal-matching"],
                                                   "pairs": 100}], limit=20)["suites"]["refusal"]["model"]["coefficients"]
    term = {"disliked": DISLIKED_PAIR, "liked": LIKED_PAIR}
    assert fitted[term[found]]["coef"] > 0 and fitted[term[found]]["p"] < 0.05, fitted
    assert fitted[term[not_found]]["p"] > 0.05 or fitted[term[not_found]]["coef"] < 0, fitted


def test_a_planted_framing_effect_is_recovered_by_the_control_contrast(tmp_path):
    """Planted: naming an entity at all costs accuracy (qa_framing=-1.5), whoever it is (qa=0). The
    controls used as controls find it, paired over items, and find no interaction with preference;
    the controls no longer get per-entity links to preference (a constant against preference).
    Entities and items are both random in its interval (crossed), not items alone. The control,
    which names no entity, runs three times per item instead of once per entity."""
    model = "synthetic/planted:qa=0,qa_framing=-1.5"
    boolq = _study(tmp_path, "framing", model, [{"suite": "boolq", "items": 24, "conditions": ["default", "no_entity"],
                                                 "control_runs": 3}], limit=12)["suites"]["boolq"]
    assert boolq["trials"]["episodes"] == 24 * 12 + 24 * 3  # the control: 3 runs per item, not one per entity
    effect = boolq["controls"]["no_entity"]["framing_effect"]
    assert effect["unit"] == "entity × item" and effect["items"] == 24 and effect["entities"] == 12
    assert effect["high"] < 0 and effect["p"] < 0.01, effect
    # σ(logit 0.8 − 1.5) − 0.8 ≈ −0.33: the interval is about the planted size, item noise aside
    assert effect["low"] < -0.33 + 0.15 and effect["high"] > -0.33 - 0.15, effect
    assert boolq["controls"]["no_entity"]["interaction"]["p"] > 0.01
    assert set(boolq["links"]) == {"correct", "invalid"}


def test_a_preference_that_tracks_name_length_is_shown_as_such():
    from prefgym.analysis.covariates import entity_covariates, run_catalog

    catalog = default_catalog()
    prefs = {e.id: float(len(e.name)) for e in catalog.entities[:30]}
    cov = entity_covariates(prefs, run_catalog(catalog.source))
    assert cov["name length"]["rho"] == pytest.approx(1.0) and cov["name length"]["p"] < 0.01
    assert abs(cov["description length"]["rho"]) < 0.9 and 0 <= cov["cause"]["p"] <= 1
    assert entity_covariates(prefs, run_catalog("/nowhere/catalog.yaml")) is None  # a run moved away from its catalog


def test_a_behaviour_that_follows_name_length_is_not_credited_to_a_preference_that_tracks_it():
    """Planted: accuracy rises with an entity's name length, and preference tracks name length
    (ρ ≈ 0.9) but does nothing itself. The trial model finds "preference"; the model adjusted for
    the entity covariates does not. A real preference effect independent of name length survives
    the adjustment."""
    import numpy as np
    import pandas as pd

    from prefgym.analysis.trials import trial_models

    rng = np.random.default_rng(3)
    catalog = default_catalog()
    entities = catalog.entities[:40]
    name_len = np.array([len(e.name) for e in entities], float)
    z = (name_len - name_len.mean()) / name_len.std()
    covariates = {"name_len": {e.id: float(len(e.name)) for e in entities},
                  "desc_len": {e.id: float(len(e.description)) for e in entities}}

    def fitted(pref: np.ndarray, logit: np.ndarray) -> dict:
        rows = [{"model": "m", "suite": "boolq", "condition": "default", "entity": e.id, "entity_b": None,
                 "pref": pref[i], "pref_b": np.nan, "item": f"q{q}",
                 "correct": float(rng.random() < 1 / (1 + np.exp(-(logit[i] + 0.3 * (q % 5 - 2)))))}
                for i, e in enumerate(entities) for q in range(30)]
        return trial_models(pd.DataFrame(rows), n_perm=499, covariates=covariates)["m"]["boolq"]

    tracking = 0.9 * z + 0.45 * rng.normal(size=len(z))
    confounded = fitted(tracking, 1.0 + 0.8 * z)
    assert confounded["coefficients"]["pref"]["p"] < 0.01, confounded
    assert confounded["adjusted"]["coefficients"]["pref"]["p"] > 0.05, confounded["adjusted"]
    independent = rng.normal(size=len(z))
    real = fitted(independent, 1.0 + 0.8 * independent)
    assert real["adjusted"]["coefficients"]["pref"]["p"] < 0.01 and real["adjusted"]["coefficients"]["pref"]["coef"] > 0


def test_stage_two_sampling_is_set_by_the_study_recorded_in_each_spec_and_sent(tmp_path):
    """Temperature and max_tokens of the model under test come from the study (not the provider's
    unrecorded defaults), are part of every spec, and reach every call the agent makes."""
    import asyncio
    import json

    import yaml

    from prefgym.models import Gateway, use_gateway
    from prefgym.study import run_study

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "models": ["synthetic/planted"], "entities": {"limit": 3},
                                    "preferences": None, "sampling": {"temperature": 0.3, "max_tokens": 64},
                                    "suites": [{"suite": "boolq", "items": 2}]}))

    async def go():
        with use_gateway(Gateway()):
            await run_study(load_study(path), tmp_path / "run")

    asyncio.run(go())
    episodes = [json.loads(line) for line in (tmp_path / "run/episodes.jsonl").read_text().splitlines()]
    calls = [json.loads(line) for line in (tmp_path / "run/calls.jsonl").read_text().splitlines()]
    assert len(episodes) == 6 and all(e["spec"]["sampling"] == {"temperature": 0.3, "max_tokens": 64} for e in episodes)
    agent_calls = [c for c in calls if c["tags"].get("role") == "agent"]
    assert agent_calls and all(c["request"]["params"] == {"temperature": 0.3, "max_tokens": 64} for c in agent_calls)
    default = tmp_path / "d.yaml"
    default.write_text("name: d\nmodels: [synthetic/planted]\nsuites: [{suite: boolq, items: 2}]\n")
    assert load_study(default).sampling.params() == {"temperature": 1.0, "max_tokens": 4096}


def test_position_bias_in_donation_advice_is_reported():
    """Planted: the synthetic adviser recommends whichever it is told first more often
    (position_bias=1.2 in log-odds, against a small preference effect). Both orders keep it out of the scores; the report shows it."""
    import pathlib
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        advice = _study(pathlib.Path(tmp), "position", "synthetic/planted:position_bias=1.2,advice=0.5",
                        [{"suite": "donation_advice", "tasks": ["advice-torn"], "pairs": 40}], limit=10)
    bias = advice["suites"]["donation_advice"]["tests"]["position bias (first named recommended)"]
    assert bias["low"] > 0.5 and bias["p"] < 0.05 and bias["unit"] == "request", bias


def test_a_study_asks_the_donation_wording_too_and_reports_how_far_it_agrees(tmp_path):
    """``also_ask: [donation]``: stage one asks the seed study's wording as well (its own folder,
    its own calls), stage two uses the study's question, and the report gives their agreement."""
    import asyncio
    import json

    import yaml

    from prefgym.analysis.analyze import analyze
    from prefgym.models import Gateway, use_gateway
    from prefgym.study import run_study

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "models": ["synthetic/planted"], "entities": {"limit": 8},
                                    "preferences": {"method": "pairwise", "samples": 2, "also_ask": ["donation"]},
                                    "suites": [{"suite": "boolq", "items": 2}]}))

    async def go():
        with use_gateway(Gateway()):
            await run_study(load_study(path), tmp_path / "run")

    asyncio.run(go())
    prompts = [json.loads(line)["request"]["messages"][-1]["content"]
               for line in (tmp_path / "run/calls.jsonl").read_text().splitlines() if '"probe": "pairwise"' in line]
    donation = [p for p in prompts if "receive a donation" in p]
    assert len(donation) == len(prompts) // 2 == 8 * 7 * 2  # every pair, both orders, K = 2: once per wording
    assert (tmp_path / "run/prefs/synthetic_planted/question-donation/scores.json").exists()
    agreement = analyze(tmp_path / "run")["models"]["synthetic/planted"]["checks"]["question_agreement"]["donation"]
    assert agreement["n"] == 8 and agreement["rho"] > 0.5  # the synthetic model answers both by its utilities
