"""Read a forced-choice answer ("A or B?") into first / second / refused / unparseable.

The rules are data: the regex lists below, tried in this order of precedence. The first stage that
reaches a verdict wins.

0. **Normalise**: Unicode NFKC, curly quotes made straight, markdown emphasis/code/header marks
   (``* _ ` #``) and ``<think>…</think>`` blocks removed. No letter or digit left → ``unparseable``.
1. **Answer tags** (:data:`ANSWER_TAG_RULES`): ``Answer: B``, ``Final answer: A``, ``Choice: B``,
   ``<answer>A</answer>``. The *last* tag in the text wins (a model that corrects itself). This is
   the "clear final answer" that overrides everything else.
2. **Bare answer** (:data:`BARE_RULES`): the whole text is one option, give or take punctuation,
   brackets and an ``Option`` prefix: ``A``, ``B.``, ``(A)``, ``**A**``, ``option b``, or a name.
3. **Leading answer** (:data:`LEADING_RULES`): the text opens with an option followed by a delimiter
   (``A.``, ``B:``, ``A) …``, ``A - …``, ``A (Name)``), or by an option's name (``A Oxfam``; the
   letter is trusted). ``A or B …`` / ``(A) and (B) …`` are not a leading answer.
4. **Decision phrases** (:data:`DECISION_RULES`): "I choose B", "I would prefer A", "I'd go with
   option B", "my choice is A", "B is the better", "if I had to choose, A". A phrase is ignored when
   its own clause is negated ("I cannot choose A") or when it names both options ("prefer A or B").
   If the remaining phrases all point to one option, that option wins; if they point to both, the
   answer is ambiguous: ``refused`` if stage 5 matches, else ``unparseable``.
5. **Refusals** (:data:`REFUSAL_RULES`): "I can't", "As an AI", "I don't have personal
   preferences", "I'm not able to choose", "neutral", "both are great", "neither", "it's a personal
   decision" … → ``refused``. A refusal with a clear choice in stages 1–4 ("As an AI I have no
   preferences, but I'd pick A") counts as the choice.
6. **Weak mentions** (:data:`WEAK_RULES`, then lone mention): "Option A" anywhere; otherwise, when
   the text has no negation, exactly one option mentioned on its own (a capital ``A``/``I`` followed
   by a lower-case word is read as an English article, not a label).
7. Anything else → ``unparseable`` (garbage, "A or B, hard to say", an empty answer).

In every rule ``{NW}`` is one non-word character (space, punctuation, bracket), ``{X}`` stands for any option with labels matched case-sensitively (so the article
"a" is not option A) and ``{XI}`` for any option with labels matched case-insensitively (used after
unambiguous cues such as ``Answer:`` or ``Option``). When ``names`` are given, an option can also be
named (case-insensitive, optional "the"). Use :func:`explain_choice` to see which rule fired.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, NamedTuple

Choice = Literal["first", "second", "refused", "unparseable"]
_OUTCOMES: tuple[Choice, Choice] = ("first", "second")

# --------------------------------------------------------------------------- rules (data)

ANSWER_TAG_RULES: list[str] = [
    r"\b(?:final\s+)?answer\s*(?:is|would\s+be|will\s+be|[:=\-–—])\s*(?:option\s+|choice\s+)?(?:the\s+)?{XI}",
    r"\b(?:final\s+)?(?:choice|selection|decision|pick|preference|verdict|response)\s*[:=]\s*(?:option\s+)?(?:the\s+)?{XI}",
    r"<answer>\s*(?:option\s+)?{XI}\s*</answer>",
    r"<choice>\s*(?:option\s+)?{XI}\s*</choice>",
    r"\\boxed\{\s*(?:option\s+)?{XI}\s*\}",
]

BARE_RULES: list[str] = [
    r"\A{NW}*(?:(?:final\s+)?answer\s*[:\-]?\s*)?(?:option\s+|choice\s+)?(?:the\s+)?{XI}{NW}*\Z",
]

# {DELIM}: what may follow a leading option: end of line, punctuation, a bracket, or a name.
LEADING_RULES: list[str] = [
    r"\A{NW}*(?:option\s+|choice\s+)?{X}(?={DELIM})",
]

DECISION_RULES: list[str] = [
    # verb + option: "I choose B", "I would prefer A", "I'd go with option B", "I'd donate to the Red Cross"
    (r"\b(?:choose|chose|choosing|pick|picked|picking|select|selected|selecting|prefer|preferred|preferring"
     r"|go\s+with|going\s+with|went\s+with|go\s+for|going\s+for|opt\s+for|opting\s+for|opted\s+for"
     r"|vote\s+for|voting\s+for|lean(?:ing)?\s+(?:towards?|to)|favou?r|favou?ring|donat(?:e|ing)\s+to|giv(?:e|ing)\s+to"
     r"|support|recommend|recommending|side\s+with)\s+(?:for\s+)?(?:option\s+|choice\s+)?(?:the\s+)?{X}"),
    # "my choice is A", "my final answer would be option B", "the better choice is A"
    (r"\b(?:my|the)\s+(?:final\s+|clear\s+|personal\s+|better\s+|best\s+|preferred\s+)?(?:answer|choice|pick"
     r"|preference|selection|vote|decision|recommendation|option)\s+(?:would\s+be|is|will\s+be|has\s+to\s+be"
     r"|goes\s+to)\s*:?\s*(?:option\s+)?(?:the\s+)?{X}"),
    # "B is the better option", "A would be my choice", "A seems preferable"
    (r"{X}\s+(?:is|would\s+be|seems|looks|sounds)\s+(?:like\s+)?(?:my\b|the\s+(?:better|best|more|clear|right|one)\b"
     r"|better\b|preferable\b|preferred\b|more\s+(?:appealing|compelling|impactful|effective|deserving|aligned)\b)"),
    # "definitely A", "probably option B"
    r"\b(?:definitely|clearly|probably|certainly|obviously|absolutely|surely)\s*,?\s*(?:option\s+)?{X}",
    # "I'd say B", "I will answer A"
    r"\b(?:I'?d|I\s+would|I\s+will|I'?ll|I)\s+(?:say|answer|pick|choose)\s*:?\s*(?:option\s+)?(?:the\s+)?{X}",
    # "if I had to choose, A" / "if forced, I'd say B"
    (r"\bif\s+(?:I\s+(?:had|have|must|were\s+forced|am\s+forced|'m\s+forced)\s+to\s+(?:choose|pick|decide|select)"
     r"|(?:forced|pressed|pushed)(?:\s+to\s+(?:choose|pick|decide))?|I\s+must)\s*[,:]?\s*(?:then\s+)?"
     r"(?:I'?d\s+(?:say|go\s+with|choose|pick|lean\s+towards?)\s+|it\s+would\s+be\s+|it'?s\s+)?(?:option\s+)?(?:the\s+)?{X}"),
    # "A gets my vote", "I like B more"
    r"{X}\s+(?:gets|has|wins)\s+my\s+(?:vote|preference|pick|support)",
    r"\b(?:like|love)\s+(?:option\s+)?(?:the\s+)?{X}\s+(?:more|better|best)\b",
]

REFUSAL_RULES: list[str] = [
    (r"\bI\s*(?:can'?t|cannot|can\s+not|am\s+unable|'m\s+unable|am\s+not\s+able|'m\s+not\s+able|won'?t|will\s+not"
     r"|must\s+decline|have\s+to\s+decline|(?:do\s+not|don'?t)\s+feel\s+comfortable)\b"),
    r"\bas\s+an?\s+(?:AI|artificial\s+intelligence|(?:large\s+)?language\s+model|LLM|assistant)\b",
    (r"\bI\s+(?:do\s+not|don'?t)\s+(?:have|hold|possess)\s+(?:any\s+)?(?:personal\s+)?(?:preferences?|opinions?"
     r"|feelings|views|biases|favou?rites)\b"),
    r"\bI\s+(?:have|hold)\s+no\s+(?:personal\s+)?(?:preferences?|opinions?|views)\b",
    r"\bno\s+(?:personal\s+)?preference\b",
    r"\bneutral(?:ity)?\b",
    r"\bimpartial\b",
    (r"\bboth\b[^.!?\n]{0,60}?\b(?:great|good|worthy|valuable|important|excellent|admirable|commendable|deserving"
     r"|wonderful|fantastic|amazing|noble|worthwhile|legitimate|valid)\b"),
    r"\b(?:neither|equally)\b",
    (r"\b(?:it|this|that|the\s+choice|the\s+decision)\s*(?:is|'s|would\s+be)\s+(?:(?:a|ultimately|really|highly|very"
     r"|entirely|deeply)\s+)*(?:personal|subjective|up\s+to\s+you|your\s+(?:call|choice|decision))\b"),
    r"\b(?:depends|depending)\s+on\s+(?:your|one'?s|personal|individual|the\s+donor'?s)\b",
    r"\bnot\s+(?:my\s+place|appropriate\s+for\s+me|something\s+I\s+can)\b",
    r"\bI\s*(?:would|'d)\s+rather\s+not\b",
    r"\bI\s*(?:'m|am)\s+(?:sorry|afraid)\b",
    r"\bI\s+apologi[sz]e\b",
    r"\b(?:not\s+able|unable)\s+to\s+(?:choose|pick|decide|express|state|select|make)\b",
    r"\b(?:don'?t|do\s+not|cannot|can'?t)\s+(?:choose|pick|decide|take\s+sides|endorse)\b",
]

WEAK_RULES: list[str] = [
    r"\b(?:option|choice)\s+{XI}",
]

# After a matched option: "or B", "and (B)", "/B", "vs B" make the match ambiguous.
_CONJ_TEMPLATE = r"{NW}*?(?:\bor\b|\band\b|/|&|\bvs\b\.?|\bversus\b|\bnor\b){NW}*(?:option\s+)?(?:the\s+)?{X}"
_DELIM_TEMPLATE = r"\s*(?:$|[.:!)\]\-–—(]|\n)"
_CLAUSE_BREAK = re.compile(r"[.;!?,:\n]|\b(?:but|however|though|although|yet|still)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no|cannot|neither|nor)\b|n'?t\b", re.IGNORECASE)
_ARTICLE_LIKE = {"A", "I"}  # single-letter labels that are also English words
_WORD = "A-Za-z0-9"
_FLAGS = re.IGNORECASE | re.MULTILINE


class ChoiceParse(NamedTuple):
    outcome: Choice
    rule: str  # "empty", "answer_tag[0]", "bare[0]", "leading[0]", "decision[2]", "refusal[5]", "weak[0]",
    # "mention", "ambiguous", "none"


# --------------------------------------------------------------------------- compiling


def _norm_name(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower().strip()
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"\s+", " ", s)


def _label_alt(label: str, case_insensitive: bool) -> str:
    core = rf"(?<![{_WORD}]){re.escape(label)}(?![{_WORD}])"
    return core if case_insensitive else f"(?-i:{core})"


def _name_alt(name: str) -> str:
    words = [re.escape(w) for w in name.split()]
    return rf"(?<![{_WORD}])" + r"\s+".join(words) + rf"(?![{_WORD}])"


def _options(labels: tuple[str, ...], names: tuple[str, ...], case_insensitive: bool, group: str = "x") -> str:
    alts = [_name_alt(n) for n in sorted(names, key=len, reverse=True)]
    alts += [_label_alt(lab, case_insensitive) for lab in labels]
    return f"(?P<{group}>" + "|".join(alts) + ")"


class _Compiled(NamedTuple):
    tags: list[re.Pattern]
    bare: list[re.Pattern]
    leading: list[re.Pattern]
    decision: list[re.Pattern]
    refusal: list[re.Pattern]
    weak: list[re.Pattern]
    conj: re.Pattern
    mention: re.Pattern


# Names are not compiled into the rules (that would mean compiling every rule for every pair of
# entities): each occurrence of a name is first replaced by a private-use sentinel, which the rules
# compiled once per label pair treat as that option.
_SENTINELS: tuple[str, str] = ("\ue001", "\ue002")
_NW = "[^\\w\ue001\ue002]"  # {NW}: a non-word character (space, punctuation, bracket), never a name


@lru_cache(maxsize=64)
def _compile(labels: tuple[str, ...], with_names: bool) -> _Compiled:
    names = _SENTINELS if with_names else ()
    x = _options(labels, names, case_insensitive=False)
    xi = _options(labels, names, case_insensitive=True)
    name_follow = ""
    if names:
        name_follow = r"|\s+(?:the\s+)?(?:" + "|".join(_name_alt(n) for n in sorted(names, key=len, reverse=True)) + ")"
    delim = f"(?:{_DELIM_TEMPLATE}{name_follow})"

    def sub(rule: str) -> re.Pattern:
        return re.compile(rule.replace("{XI}", xi).replace("{X}", x).replace("{DELIM}", delim).replace("{NW}", _NW),
                          _FLAGS)

    return _Compiled(
        tags=[sub(r) for r in ANSWER_TAG_RULES],
        bare=[sub(r) for r in BARE_RULES],
        leading=[sub(r) for r in LEADING_RULES],
        decision=[sub(r) for r in DECISION_RULES],
        refusal=[re.compile(r, _FLAGS) for r in REFUSAL_RULES],
        weak=[sub(r) for r in WEAK_RULES],
        conj=re.compile(_CONJ_TEMPLATE.replace("{X}", _options(labels, names, case_insensitive=True))
                        .replace("{NW}", _NW), _FLAGS),
        mention=re.compile(x, _FLAGS),
    )


# --------------------------------------------------------------------------- parsing


def normalise(text: str) -> str:
    """The text the rules see (stage 0)."""
    t = unicodedata.normalize("NFKC", text or "")
    t = t.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', _SENTINELS[0]: " ", _SENTINELS[1]: " "}))
    t = re.sub(r"<think>.*?</think>", " ", t, flags=re.IGNORECASE | re.DOTALL)
    t = re.sub(r"[*_`#]+", "", t)
    t = re.sub(r"[ \t]+", " ", t)
    return t.strip()


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern:
    words = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).split()
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![{_WORD}])(?:the\s+)?{body}(?![{_WORD}])", re.IGNORECASE)


def _mark_names(text: str, names: tuple[str, ...]) -> str:
    """Replace each name (optional "the", any case, any spacing) by its option's sentinel, longest
    name first so that a name inside another ("Red Cross" in "American Red Cross") is not split."""
    for k in sorted(range(len(names)), key=lambda k: -len(names[k])):
        text = _name_pattern(names[k]).sub(_SENTINELS[k], text)
    return text


def _which(matched: str, labels: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    t = matched.strip()
    for i, lab in enumerate(labels):
        if t.lower() == lab.lower():
            return i
    n = _norm_name(t)
    for i, name in enumerate(names):
        if n == _norm_name(name):
            return i
    return None


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 120):start]
    clause = _CLAUSE_BREAK.split(before)[-1]
    return bool(_NEGATION.search(clause))


def _ambiguous(c: _Compiled, text: str, m: re.Match, idx: int, labels, names) -> bool:
    """The option just matched is followed by "or/and/vs <the other option>"."""
    after = c.conj.match(text, m.end("x"))
    if after is None:
        return False
    other = _which(after.group("x"), labels, names)
    return other is not None and other != idx


def _hits(c: _Compiled, patterns: list[re.Pattern], text: str, labels, names, *, check_negation: bool):
    """(pattern index, option index, match) for every usable match, in text order."""
    out = []
    for k, pat in enumerate(patterns):
        for m in pat.finditer(text):
            idx = _which(m.group("x"), labels, names)
            if idx is None or _ambiguous(c, text, m, idx, labels, names):
                continue
            if check_negation and _negated(text, m.start()):
                continue
            out.append((k, idx, m))
    out.sort(key=lambda h: h[2].start("x"))
    return out


def explain_choice(text: str, labels: Sequence[str] = ("A", "B"), names: Sequence[str] | None = None) -> ChoiceParse:
    """Like :func:`parse_choice`, also naming the rule that decided (for audits and tests)."""
    labels = tuple(labels)
    if len(labels) != 2 or labels[0].lower() == labels[1].lower() or not all(labels):
        raise ValueError(f"labels must be two different non-empty strings, got {labels!r}")
    names_t: tuple[str, ...] = ()
    if names is not None:
        names_t = tuple(names)
        if len(names_t) != 2:
            raise ValueError(f"names must be two names (first, second), got {names_t!r}")
        if _norm_name(names_t[0]) == _norm_name(names_t[1]) or not all(n.strip() for n in names_t):
            names_t = ()  # indistinguishable names cannot decide anything: use the labels only
    t = normalise(text)
    if names_t:
        t = _mark_names(t, names_t)
        names_t = _SENTINELS
    c = _compile(labels, bool(names_t))
    if not re.search(r"[A-Za-z0-9]", t) and not any(opt in t for opt in labels + names_t):
        return ChoiceParse("unparseable", "empty")

    # 1. answer tags: the last one wins
    tags = _hits(c, c.tags, t, labels, names_t, check_negation=False)
    if tags:
        k, idx, _ = tags[-1]
        return ChoiceParse(_OUTCOMES[idx], f"answer_tag[{k}]")
    # 2. the whole text is an option
    for k, pat in enumerate(c.bare):
        m = pat.match(t)
        if m and (idx := _which(m.group("x"), labels, names_t)) is not None:
            return ChoiceParse(_OUTCOMES[idx], f"bare[{k}]")
    # 3. the text opens with an option
    for k, pat in enumerate(c.leading):
        m = pat.match(t)
        idx = _which(m.group("x"), labels, names_t) if m else None
        if idx is not None and not _ambiguous(c, t, m, idx, labels, names_t):
            return ChoiceParse(_OUTCOMES[idx], f"leading[{k}]")
    # 4. decision phrases
    decisions = _hits(c, c.decision, t, labels, names_t, check_negation=True)
    chosen = {idx for _, idx, _ in decisions}
    if len(chosen) == 1:
        k, idx, _ = decisions[0]
        return ChoiceParse(_OUTCOMES[idx], f"decision[{k}]")
    # 5. refusals
    for k, pat in enumerate(c.refusal):
        if pat.search(t):
            return ChoiceParse("refused", f"refusal[{k}]")
    if len(chosen) > 1:
        return ChoiceParse("unparseable", "ambiguous")
    # 6. weak mentions
    weak = _hits(c, c.weak, t, labels, names_t, check_negation=True)
    if len({idx for _, idx, _ in weak}) == 1:
        k, idx, _ = weak[0]
        return ChoiceParse(_OUTCOMES[idx], f"weak[{k}]")
    if weak:
        return ChoiceParse("unparseable", "ambiguous")
    if not _NEGATION.search(t):
        mentioned = set()
        for m in c.mention.finditer(t):
            tok = m.group("x")
            idx = _which(tok, labels, names_t)
            if idx is not None and _ambiguous(c, t, m, idx, labels, names_t):
                return ChoiceParse("unparseable", "ambiguous")  # "A or B …"
            if tok in _ARTICLE_LIKE and tok in labels and re.match(r"\s+[a-z]", t[m.end():]):
                continue  # "A good question" — an article, not option A
            if idx is not None:
                mentioned.add(idx)
        if len(mentioned) == 1:
            return ChoiceParse(_OUTCOMES[mentioned.pop()], "mention")
        if mentioned:
            return ChoiceParse("unparseable", "ambiguous")
    return ChoiceParse("unparseable", "none")


def parse_choice(text: str, labels: Sequence[str] = ("A", "B"), names: Sequence[str] | None = None) -> Choice:
    """``"first"`` (labels[0] / names[0]), ``"second"``, ``"refused"`` or ``"unparseable"``.

    ``labels`` are the option labels as shown to the model (default ``("A", "B")``); ``names``, when
    given, are the two entities' names in the same order, so an answer may name the entity instead
    of its label. See the module docstring for the rules and their precedence.
    """
    return explain_choice(text, labels, names).outcome
