"""Direct ranking: match the names in a model's ranked list back to entity ids.

:func:`match_ranking` reads one answer. Each non-empty line is one item (a line that is a list of
names separated by commas, semicolons or ``>`` is several, and so is a line with several inline
numbers ``1. X 2. Y``). A list marker (``1.``, ``2)``, ``#3``, ``-``, ``*``, ``•``, ``Rank 4:``) is
dropped, then the item is matched to an entity, trying in order:

1. **exact**: the normalised item equals a normalised name or alias (lower case, accents and
   punctuation dropped, ``&`` → ``and``, a leading "the" dropped; the id itself, with hyphens as
   spaces, is an alias);
2. **exact head**: the item cut at its first `` - ``, ``: ``, `` (``, ``, `` … (explanations after the
   name) equals a name;
3. **contained**: one or more names occur in the item as whole words: the earliest, then longest;
4. **unique part**: the item (at least 4 characters) is a whole-word part of exactly one name
   ("Red Cross" → "American Red Cross");
5. **near miss**: ``difflib`` ratio ≥ ``cutoff`` (default 0.85) with one name, clearly better than
   any other entity's.

Items that match nothing go to ``unmatched_lines``. An entity matched again goes to ``duplicates``
(one entry per extra occurrence) and keeps its first position; entities never matched are
``omitted``. Names containing commas are safe: a whole line is tried before it is split, and a split
line rejoins neighbouring pieces when together they form a name.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from prefgym.types import Record

OmittedPolicy = Literal["mean_missing", "last", "skip"]


class RankingParse(Record):
    order: list[str]  # entity ids in the model's order, first occurrence only
    omitted: list[str]  # ids never matched, in the order of ``names``
    duplicates: list[str]  # ids matched again after their first occurrence (one entry per repeat)
    unmatched_lines: list[str]  # non-empty items that matched no entity

    @property
    def complete(self) -> bool:
        return not self.omitted and not self.duplicates


_BULLET = re.compile(
    r"^\s*(?:(?:rank(?:ed)?|no\.?|number)?\s*#?\d{1,3}(?:st|nd|rd|th)?\s*(?:[.):\]]|[-–—])(?:\s+|$)|\(\d{1,3}\)\s*"
    r"|[-*•·+>▪◦‣]\s+)",
    re.IGNORECASE,
)
_INLINE_NUMBER = re.compile(r"(?:^|\s)\(?\d{1,3}[.)]\s+")
_HEAD_CUTS = re.compile(r"\s+[-–—]\s+|:\s|\s\(|,\s|;\s|\s+because\b|\s+since\b")


def _key(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = s.replace("&", " and ").replace("'", "").replace("’", "")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    return re.sub(r"^the\s+", "", s)


class _Index:
    def __init__(self, names: Mapping[str, str | Sequence[str]]):
        self.ids = list(names)
        self.aliases: list[tuple[str, str]] = []  # (key, id)
        for eid, nm in names.items():
            alts = [nm] if isinstance(nm, str) else list(nm)
            keys = {_key(a) for a in alts} | {_key(eid.replace("-", " "))}
            self.aliases += [(k, eid) for k in keys if k]
        self.exact: dict[str, set[str]] = {}
        for k, eid in self.aliases:
            self.exact.setdefault(k, set()).add(eid)

    def exact_match(self, text: str) -> str | None:
        hit = self.exact.get(_key(text), set())
        return next(iter(hit)) if len(hit) == 1 else None

    def head_match(self, text: str) -> str | None:
        for cut in _HEAD_CUTS.finditer(text):
            if (eid := self.exact_match(text[: cut.start()])) is not None:
                return eid
        return None

    def contained(self, text: str) -> str | None:
        padded = f" {_key(text)} "
        best: tuple[int, int, str] | None = None
        for k, eid in self.aliases:
            if len(k) < 3:
                continue
            pos = padded.find(f" {k} ")
            if pos >= 0:
                cand = (pos, -len(k), eid)
                if best is None or cand < best:
                    best = cand
        return best[2] if best else None

    def unique_part(self, text: str) -> str | None:
        k = _key(text)
        if len(k) < 4:
            return None
        hits = {eid for ak, eid in self.aliases if f" {k} " in f" {ak} "}
        return next(iter(hits)) if len(hits) == 1 else None

    def near(self, text: str, cutoff: float, *, heads: bool = True) -> str | None:
        cands = [text] + ([text[: c.start()] for c in _HEAD_CUTS.finditer(text)] if heads else [])
        best: dict[str, float] = {}
        for cand in cands:
            ck = _key(cand)
            if len(ck) < 3:
                continue
            for ak, eid in self.aliases:
                sm = difflib.SequenceMatcher(None, ck, ak)
                if sm.real_quick_ratio() < cutoff - 0.02 or sm.quick_ratio() < cutoff - 0.02:
                    continue  # upper bounds on the ratio: cannot be a near miss
                r = sm.ratio()
                if r > best.get(eid, 0.0):
                    best[eid] = r
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < cutoff:
            return None
        if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 0.02:
            return None  # two entities equally close: refuse to guess
        return ranked[0][0]

    def strict(self, text: str, cutoff: float) -> str | None:
        """Exact, or a near miss: used for the pieces of a split line, where containment would lie."""
        return self.exact_match(text) or self.near(text, cutoff, heads=False)

    def match(self, text: str, cutoff: float) -> str | None:
        return (self.exact_match(text) or self.head_match(text) or self.contained(text)
                or self.unique_part(text) or self.near(text, cutoff))


def _split_pieces(line: str, index: _Index, cutoff: float) -> list[str] | None:
    """Split a line listing several names ("X, Y > Z"); None unless every piece is a name."""
    pieces = [p.strip() for p in re.split(r"\s*(?:[,;]|>|→|\s\|\s)\s*", line) if p.strip()]
    if len(pieces) < 2:
        return None
    out, i = [], 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):  # longest run of pieces that forms a name ("X, Inc.")
            joined = _BULLET.sub("", ", ".join(pieces[i:j]))
            # a run of pieces must be a name exactly; a single piece may be a near miss
            hit = index.exact_match(joined) if j > i + 1 else index.strict(joined, cutoff)
            if hit is not None:
                out.append(joined)
                i = j
                break
        else:
            return None
    return out if len(out) >= 2 else None


def _items(text: str) -> Iterable[str]:
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"[*_`]+", "", t)
    for raw in t.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(_INLINE_NUMBER.findall(line)) >= 2:  # "1. X 2. Y 3. Z" on one line
            for part in re.split(r"(?:^|\s)(?=\(?\d{1,3}[.)]\s+)", line):
                if part.strip():
                    yield part.strip()
        else:
            yield line


def match_ranking(text: str, names: Mapping[str, str | Sequence[str]], *, cutoff: float = 0.85) -> RankingParse:
    """Match a ranked list to entity ids. ``names`` maps id → name (or a list of name and aliases)."""
    index = _Index(names)
    order: list[str] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    unmatched: list[str] = []

    def add(eid: str) -> None:
        if eid in seen:
            duplicates.append(eid)
        else:
            seen.add(eid)
            order.append(eid)

    for item in _items(text):
        body = _BULLET.sub("", item, count=1).strip()
        if not body:
            continue
        eid = index.exact_match(body)
        if eid is None:
            pieces = _split_pieces(body, index, cutoff)
            if pieces is not None:
                for p in pieces:
                    add(index.strict(p, cutoff))  # type: ignore[arg-type]
                continue
            eid = index.match(body, cutoff)
        if eid is None:
            unmatched.append(item)
        else:
            add(eid)
    omitted = [eid for eid in index.ids if eid not in seen]
    return RankingParse(order=order, omitted=omitted, duplicates=duplicates, unmatched_lines=unmatched)


class MeanRank(Record):
    mean_rank: float  # 1 = most preferred; NaN when the policy leaves no rank at all
    sd: float  # across parses (NaN with fewer than two ranks)
    appearances: int  # parses in which the entity was matched
    n: int  # parses that contributed a rank


def mean_ranks(parses: Sequence[RankingParse], ids: Sequence[str], *,
               omitted: OmittedPolicy = "mean_missing") -> dict[str, MeanRank]:
    """Average rank per id over repeated rankings.

    Ranks count only the ids in ``ids`` (others in a parse are ignored): the m matched ones get
    1..m in the model's order. An id missing from a parse gets, by ``omitted``:

    ``"mean_missing"`` (default)
        the mean of the positions left over, (m + 1 + N) / 2 — every missing id ties for the
        remaining places, so the ranks of one parse still sum to N(N+1)/2;
    ``"last"``
        rank N;
    ``"skip"``
        no rank from that parse (an id never matched then has a NaN mean).
    """
    if omitted not in ("mean_missing", "last", "skip"):
        raise ValueError(f"unknown omitted policy {omitted!r}")
    ids = list(ids)
    n_ids = len(ids)
    wanted = set(ids)
    ranks: dict[str, list[float]] = {i: [] for i in ids}
    appear = dict.fromkeys(ids, 0)
    for p in parses:
        present = [e for e in p.order if e in wanted]
        m = len(present)
        for r, e in enumerate(present, start=1):
            ranks[e].append(float(r))
            appear[e] += 1
        fill = {"mean_missing": (m + 1 + n_ids) / 2, "last": float(n_ids), "skip": None}[omitted]
        if fill is not None:
            for e in ids:
                if e not in present:
                    ranks[e].append(fill)
    out = {}
    for e in ids:
        rs = ranks[e]
        mean = sum(rs) / len(rs) if rs else math.nan
        sd = math.sqrt(sum((r - mean) ** 2 for r in rs) / (len(rs) - 1)) if len(rs) > 1 else math.nan
        out[e] = MeanRank(mean_rank=mean, sd=sd, appearances=appear[e], n=len(rs))
    return out


def ranking_scores(ranks: Mapping[str, MeanRank]) -> dict[str, float]:
    """Mean ranks as scores where higher = more preferred (``-mean_rank``), to compare with pairwise
    scores by Spearman's ρ."""
    return {e: -r.mean_rank for e, r in ranks.items()}


class RankingAnswer(Record):
    """One direct ranking (one line of ``ranking.jsonl``)."""

    repeat: int
    shown: list[str]  # ids in the order presented
    raw: str
    parse: RankingParse
    model: str
