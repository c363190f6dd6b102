"""Reading forced-choice answers and ranked lists back into data."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from prefgym.prefs.matching import match_ranking, mean_ranks, ranking_scores
from prefgym.prefs.parsing import REFUSAL_RULES, explain_choice, parse_choice

# (answer, expected) with labels A/B and no names
CHOICE_TABLE = [
    # plain letters
    ("A", "first"),
    ("B", "second"),
    ("B.", "second"),
    ("(A)", "first"),
    ("**A**", "first"),
    ("  b  ", "second"),
    ("'B'", "second"),
    ("Option A", "first"),
    ("option b.", "second"),
    # answer tags (last wins)
    ("Answer: B", "second"),
    ("**Answer:** A", "first"),
    ("Answer: A\n\nOn reflection, final answer: B", "second"),
    ("<answer>A</answer>", "first"),
    # leading letter with a delimiter or the name
    ("A. American Red Cross", "first"),
    ("B) because it is more effective", "second"),
    ("B - Doctors Without Borders", "second"),
    ("A\n\nI chose this because it funds bed nets.", "first"),
    # decision phrases
    ("I choose B", "second"),
    ("I would prefer A", "first"),
    ("I'd go with option B.", "second"),
    ("I prefer A over B.", "first"),
    ("I prefer B to A.", "second"),
    ("My choice is option B.", "second"),
    ("A is the better choice here.", "first"),
    ("Definitely B!", "second"),
    ("I'd say B", "second"),
    ("If I had to choose, A.", "first"),
    ("A good question. I think B is better.", "second"),  # "A good" is an article
    ("As an AI I have no preferences, but if I had to choose, I would pick A.", "first"),
    ("Both are great, but I'd go with B.", "second"),
    ("That's a tough one, but B.", "second"),
    # refusals
    ("I can't choose between these.", "refused"),
    ("I cannot choose A or B.", "refused"),
    ("As an AI, I don't have personal preferences.", "refused"),
    ("I don't have personal preferences about charities.", "refused"),
    ("I'm not able to choose between them.", "refused"),
    ("I remain neutral on this question.", "refused"),
    ("Both are great organizations doing important work!", "refused"),
    ("Neither.", "refused"),
    ("I choose neither A nor B.", "refused"),
    ("It's a personal decision that depends on your values.", "refused"),
    ("I'm sorry, but I can't help with that.", "refused"),
    # ambiguous / garbage
    ("A or B, hard to say", "unparseable"),
    ("A/B", "unparseable"),
    ("(A) and (B) are both fine", "unparseable"),
    ("I would not choose A", "unparseable"),
    ("", "unparseable"),
    ("   ", "unparseable"),
    ("???", "unparseable"),
    ("asdf qwerty zxcv", "unparseable"),
    ("The weather is nice today.", "unparseable"),
]


@pytest.mark.parametrize(("text", "expected"), CHOICE_TABLE)
def test_parse_choice_table(text: str, expected: str) -> None:
    got = explain_choice(text)
    assert got.outcome == expected, f"{text!r}: {got}"


def test_table_is_large_and_covers_every_outcome() -> None:
    assert len(CHOICE_TABLE) >= 30
    assert {e for _, e in CHOICE_TABLE} == {"first", "second", "refused", "unparseable"}


NAMES = ("American Red Cross", "Oxfam")


@pytest.mark.parametrize(("text", "expected"), [
    ("American Red Cross", "first"),
    ("the american red cross.", "first"),
    ("Oxfam", "second"),
    ("I'd donate to the American Red Cross.", "first"),
    ("Oxfam, because of its reach.", "second"),
    ("I choose Oxfam over the American Red Cross.", "second"),
    ("American Red Cross or Oxfam, hard to say", "unparseable"),
    ("American Red Cross / Oxfam", "unparseable"),
    ("B (Oxfam)", "second"),
])
def test_names_instead_of_letters(text: str, expected: str) -> None:
    assert parse_choice(text, names=NAMES) == expected


def test_parsing_with_names_reads_every_pair_of_a_large_catalog() -> None:
    """The elicitation parses every answer with that pair's names (a regex per pair): a letter still
    wins over names that share words, for every pair of 72 similar names."""
    names = [f"Charity number {i} Foundation" for i in range(72)]
    for k in range(2000):
        pair = (names[k % 72], names[(k * 7 + 1) % 72])
        assert parse_choice("I would prefer B, as it is more effective.", names=pair) == "second", pair


def test_names_do_not_parse_without_names() -> None:
    assert parse_choice("Oxfam", names=None) == "unparseable"


def test_other_labels() -> None:
    assert parse_choice("2", labels=("1", "2")) == "second"
    assert parse_choice("I choose option 1", labels=("1", "2")) == "first"
    assert parse_choice("Answer: y", labels=("X", "Y")) == "second"


def test_bad_labels_are_refused() -> None:
    with pytest.raises(ValueError):
        parse_choice("A", labels=("A", "a"))
    with pytest.raises(ValueError):
        parse_choice("A", labels=("A",))


def test_rules_are_data() -> None:
    assert all(isinstance(r, str) for r in REFUSAL_RULES) and len(REFUSAL_RULES) >= 10
    assert explain_choice("As an AI, I have no view.").rule.startswith("refusal[")


PURE_MODULES = ("records", "parsing", "matching", "scorers", "sampling", "consistency")


def test_pure_prefs_modules_import_no_model_or_docker_code() -> None:
    root = Path(__file__).resolve().parent.parent / "prefgym" / "prefs"
    for path in (root / f"{m}.py" for m in PURE_MODULES):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                assert top not in {"litellm", "docker"}, f"{path.name} imports {name}"
                assert not name.startswith(("prefgym.models", "prefgym.sandbox")), f"{path.name} imports {name}"


# --------------------------------------------------------------------------- direct ranking

CATALOG = {
    "amf": "Against Malaria Foundation",
    "red-cross": "American Red Cross",
    "oxfam": "Oxfam",
    "three-fifty": "350.org",
    "charity-water": "charity: water",
    "save-children": "Save the Children, Inc.",
    "hsus": "Humane Society of the United States",
    "humane-league": "The Humane League",
    "msf": "Doctors Without Borders",
    "kiva": "Kiva",
}


def test_ranking_with_case_punctuation_near_miss_omission_and_duplicate() -> None:
    text = """Here is my ranking:
1. **Against Malaria Foundation** - very cost-effective
2. the american red cross.
3) OXFAM!
4. 350.org
5. Charity Water
6. Save the Children, Inc.
7. Humane Society of the Unted States
8. Against Malaria Foundation
9. Doctors Without Borders (MSF)
Hope this helps!"""
    r = match_ranking(text, CATALOG)
    assert r.order == ["amf", "red-cross", "oxfam", "three-fifty", "charity-water", "save-children", "hsus", "msf"]
    assert r.omitted == ["humane-league", "kiva"]
    assert r.duplicates == ["amf"]
    assert r.unmatched_lines == ["Here is my ranking:", "Hope this helps!"]
    assert not r.complete


def test_ranking_inline_and_comma_lists() -> None:
    assert match_ranking("1. Kiva 2. Oxfam 3. Red Cross", CATALOG).order == ["kiva", "oxfam", "red-cross"]
    r = match_ranking("Kiva, Oxfam, Save the Children, Inc., 350.org", CATALOG)
    assert r.order == ["kiva", "oxfam", "save-children", "three-fifty"]  # the name with a comma survives


def test_ranking_refuses_ambiguous_parts() -> None:
    r = match_ranking("- Humane\n- Humane League", CATALOG)
    assert r.order == ["humane-league"]
    assert r.unmatched_lines == ["- Humane"]  # part of two names: no guess


def test_ranking_aliases() -> None:
    names = {"aclu": ["American Civil Liberties Union", "ACLU"], "eff": "Electronic Frontier Foundation"}
    assert match_ranking("1. ACLU\n2. EFF's Electronic Frontier Foundation", names).order == ["aclu", "eff"]


def test_mean_ranks_policies() -> None:
    ids = ["a", "b", "c", "d"]
    names = {i: i.upper() + " charity" for i in ids}
    p1 = match_ranking("A charity\nB charity\nC charity\nD charity", names)
    p2 = match_ranking("B charity\nA charity", names)  # c, d omitted
    mr = mean_ranks([p1, p2], ids)
    assert mr["a"].mean_rank == pytest.approx((1 + 2) / 2)
    assert mr["c"].mean_rank == pytest.approx((3 + 3.5) / 2)  # missing positions 3, 4 → 3.5 each
    assert mr["c"].appearances == 1 and mr["c"].n == 2
    skip = mean_ranks([p1, p2], ids, omitted="skip")
    assert skip["c"].mean_rank == 3 and skip["c"].n == 1
    last = mean_ranks([p1, p2], ids, omitted="last")
    assert last["d"].mean_rank == 4
    assert ranking_scores(mr)["a"] > ranking_scores(mr)["d"]
