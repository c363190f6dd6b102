"""Grader for campaign-page. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Everything expected is hard-coded below from the pristine content.json and hero.png, so edits the
agent made to the inputs change nothing; an instance of the family (generate.py) brings its own
through grader_kit.params(). The page is parsed with html.parser into a small tree.
"""

import hashlib
import os
import re
from html.parser import HTMLParser

SITE = os.path.join(os.getcwd(), "site")
PAGE = os.path.join(SITE, "index.html")
CSS = os.path.join(SITE, "style.css")

TITLE = "Safe Water for Lakeside Schools \u2014 2025 Appeal"
TAGLINE = "Clean water & a healthy school day for 1,200 pupils."
HERO_SHA256 = "fce75b34aeca463e0a98dbbdb8c36a69e5c210e1d7ac2ad454aa14bbae681e7a"
HERO_ALT = 'Pupils at Lakeside Primary holding a "Water for all" banner beside the new rainwater tank'
PROGRESS = "$187,432.50 raised of $250,000.00 goal (74% funded)"
DEADLINE = "Donations close on 5 November 2025."
SECTIONS = [  # (id, heading, paragraphs) of the non-draft sections, in ascending "order"
    ("story", "Why Lakeside needs water", [
        "Fewer than 1 in 3 (<33%) of the district's schools had a working tap in 2024.",
        "Pupils walk up to 4 km a day to fetch water, and attendance drops by half in the dry season.",
    ]),
    ("impact", "What your gift does", [
        "$25 buys a filter cartridge that keeps one classroom's tank safe for a term.",
        "$2,500 builds a hand-washing station with six taps next to the latrines.",
    ]),
    ("give", "Ways to give", [
        "Give online with a card, or by bank transfer quoting the reference <LAKESIDE-25> so we can match your gift.",
        "Employers' match funding & payroll giving are welcome too.",
    ]),
]
DRAFT_MARKERS = ["budget-notes", "Internal: budget notes", "contingency line"]
TIERS_HEADER = ["Tier", "Amount", "Perks"]
TIERS = [
    ["Supporter", "$19.99", "Digital postcard from the pupils"],
    ["Friend", "$25.00", "Thank-you email and term updates"],
    ["Builder", "$100.00", "Builder's badge and quarterly updates"],
    ["Classroom Sponsor", "$2,500.00", "A year of filters for one classroom"],
    ["Water Champion", "$2,500.00", "Your name on the tank plaque & a visit report"],
    ["School Partner", "$12,000.00", "Framed photo and a named tap"],
]
LINKS = [  # (label, url, external)
    ("Donate now", "https://donate.example.org/lakeside-water", True),
    ("Read our 2024 annual report", "reports/annual-2024.pdf", False),
    ("Email the campaign team", "mailto:water@example.org", False),
    ("Follow the build", "http://updates.example.net/lakeside", True),
]

DRAFT_IDS = ["budget-notes"]

from grader_kit import check, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own campaign content
if INSTANCE:
    TITLE, TAGLINE, HERO_ALT = INSTANCE["title"], INSTANCE["tagline"], INSTANCE["hero_alt"]
    PROGRESS, DEADLINE = INSTANCE["progress"], INSTANCE["deadline"]
    SECTIONS = [tuple(s) for s in INSTANCE["sections"]]
    DRAFT_IDS, DRAFT_MARKERS = INSTANCE["draft_ids"], INSTANCE["draft_markers"]
    TIERS, LINKS = INSTANCE["tiers"], [tuple(ln) for ln in INSTANCE["links"]]

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# an open element of the key's kind is closed implicitly when one of these starts
IMPLIED_END = {
    "p": {"address", "article", "aside", "blockquote", "div", "dl", "fieldset", "footer", "form", "h1", "h2", "h3",
          "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul", "figure"},
    "li": {"li"},
    "td": {"td", "th", "tr", "tbody", "tfoot"},
    "th": {"td", "th", "tr", "tbody", "tfoot"},
    "tr": {"tr", "tbody", "tfoot"},
    "thead": {"tbody", "tfoot"},
    "tbody": {"tbody", "tfoot"},
    "option": {"option"},
}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self):
        out = []
        for c in self.children:
            out.append(c if isinstance(c, str) else c.text())
        return "".join(out)

    def norm_text(self):
        return " ".join(self.text().split())

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k) == v for k, v in attrs.items())]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        while self.cur.tag in IMPLIED_END and tag in IMPLIED_END[self.cur.tag]:
            self.cur = self.cur.parent
        attrs = {k.lower(): (v if v is not None else "") for k, v in attrs}
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        attrs = {k.lower(): (v if v is not None else "") for k, v in attrs}
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


_cache = {}


def page():
    """(raw source, tree) of site/index.html; raises if it is missing or unreadable."""
    if "error" in _cache:
        raise _cache["error"]
    if "page" not in _cache:
        try:
            with open(PAGE, encoding="utf-8") as f:
                raw = f.read()
            if not raw.strip():
                raise ValueError("site/index.html is empty")
            tb = TreeBuilder()
            tb.feed(raw)
            tb.close()
            _cache["page"] = (raw, tb.root)
        except Exception as exc:
            _cache["error"] = exc
            raise
    return _cache["page"]


def one(root, tag=None, **attrs):
    found = root.find_all(tag, **attrs)
    if len(found) != 1:
        desc = (tag or "element") + "".join(f"[{k}={v!r}]" for k, v in attrs.items())
        raise ValueError(f"expected exactly one {desc}, found {len(found)}")
    return found[0]


def classes(node):
    return node.attrs.get("class", "").split()




@check("document_basics")
def _():
    _raw, root = page()
    html = one(root, "html")
    lang = html.attrs.get("lang", "").strip().lower()
    charset = any(m.attrs.get("charset", "").strip().lower() in ("utf-8", "utf8") for m in root.find_all("meta"))
    title = one(root, "title").norm_text()
    ok = lang == "en" and charset and title == TITLE
    return ok, f"lang={lang!r} meta_charset_utf8={charset} title={title!r}"


@check("header_h1_and_tagline")
def _():
    _raw, root = page()
    h1s = [h.norm_text() for h in root.find_all("h1")]
    taglines = [p.norm_text() for p in root.find_all("p") if "tagline" in classes(p)]
    ok = h1s == [TITLE] and taglines == [TAGLINE]
    return ok, f"h1={h1s} tagline={taglines}"


@check("hero_image")
def _():
    _raw, root = page()
    imgs = [i for i in root.find_all("img") if i.attrs.get("src", "").strip() == "images/hero.png"]
    if len(imgs) != 1:
        return False, f"{len(imgs)} <img src=\"images/hero.png\"> elements"
    alt = imgs[0].attrs.get("alt")
    with open(os.path.join(SITE, "images", "hero.png"), "rb") as f:
        same = hashlib.sha256(f.read()).hexdigest() == HERO_SHA256
    return (alt == HERO_ALT and same), f"alt={alt!r} file_identical={same}"


@check("progress_text")
def _():
    _raw, root = page()
    got = one(root, id="progress")
    return (got.tag == "p" and got.norm_text() == PROGRESS), f"<{got.tag}> {got.norm_text()!r} expected {PROGRESS!r}"


@check("deadline_text")
def _():
    _raw, root = page()
    got = one(root, id="deadline")
    return (got.tag == "p" and got.norm_text() == DEADLINE), f"<{got.tag}> {got.norm_text()!r} expected {DEADLINE!r}"


@check("sections_order_and_headings")
def _():
    raw, root = page()
    got = []  # other <section> elements (around the tiers, say) are allowed and ignored
    known = {sid for sid, _h, _p in SECTIONS} | set(DRAFT_IDS)
    for s in root.find_all("section"):
        if s.attrs.get("id", "") not in known:
            continue
        h2 = s.find_all("h2")
        got.append((s.attrs.get("id", ""), h2[0].norm_text() if h2 else None))
    expected = [(sid, heading) for sid, heading, _ in SECTIONS]
    leaked = [m for m in DRAFT_MARKERS if m.lower() in raw.lower()]
    return (got == expected and not leaked), f"sections={got} draft_text_in_source={leaked}"


@check("sections_paragraphs_exact")
def _():
    _raw, root = page()
    problems = []
    for sid, _heading, paragraphs in SECTIONS:
        found = root.find_all("section", id=sid)
        if len(found) != 1:
            problems.append(f"{sid}: {len(found)} sections")
            continue
        got = [p.norm_text() for p in found[0].find_all("p")]
        if got != paragraphs:
            problems.append(f"{sid}: {got}")
    return not problems, "; ".join(problems)[:500] or "all paragraphs match"


def tiers_table():
    _raw, root = page()
    table = one(root, "table", id="tiers")
    thead = table.find_all("thead")
    head_rows = thead[0].find_all("tr") if thead else []
    body_rows = [tr for tb in table.find_all("tbody") for tr in tb.find_all("tr")]
    return head_rows, body_rows


@check("tiers_table_header", weight=0.5)
def _():
    head_rows, _body = tiers_table()
    if len(head_rows) != 1:
        return False, f"{len(head_rows)} rows in <thead>"
    cells = [c.norm_text() for c in head_rows[0].children if isinstance(c, Node) and c.tag == "th"]
    return cells == TIERS_HEADER, f"thead cells={cells}"


@check("tiers_table_rows", weight=2.0)
def _():
    _head, body = tiers_table()
    got = [[c.norm_text() for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")] for tr in body]
    return got == TIERS, f"rows={got}"


@check("links_and_attributes")
def _():
    _raw, root = page()
    ul = one(root, "ul", id="links")
    items = [c for c in ul.children if isinstance(c, Node) and c.tag == "li"]
    problems = []
    if len(items) != len(LINKS):
        problems.append(f"{len(items)} <li> instead of {len(LINKS)}")
    for li, (label, url, external) in zip(items, LINKS):
        anchors = li.find_all("a")
        if len(anchors) != 1:
            problems.append(f"{label}: {len(anchors)} <a>")
            continue
        a = anchors[0]
        if a.attrs.get("href", "").strip() != url or a.norm_text() != label:
            problems.append(f"{label}: href={a.attrs.get('href')!r} text={a.norm_text()!r}")
        if external:
            rel = set(a.attrs.get("rel", "").lower().split())
            if a.attrs.get("target") != "_blank" or rel != {"noopener", "noreferrer"}:
                problems.append(f"{label}: target={a.attrs.get('target')!r} rel={a.attrs.get('rel')!r}")
        elif "target" in a.attrs or "rel" in a.attrs:
            problems.append(f"{label}: internal link has target/rel")
    return not problems, "; ".join(problems) or "links match"


SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.IGNORECASE)


def local_file_ok(ref, base_dir):
    ref = ref.strip().split("#")[0].split("?")[0]
    if not ref or SCHEME.match(ref) or ref.startswith(("/", "\\")):
        return False
    target = os.path.realpath(os.path.join(base_dir, ref))
    site = os.path.realpath(SITE)
    return target.startswith(site + os.sep) and os.path.isfile(target)


@check("self_contained_with_stylesheet")
def _():
    raw, root = page()
    problems = []
    if root.find_all("script"):
        problems.append("has <script>")
    sheets = [ln for ln in root.find_all("link") if "stylesheet" in ln.attrs.get("rel", "").lower().split()]
    if not any(ln.attrs.get("href", "").strip() in ("style.css", "./style.css") for ln in sheets):
        problems.append("style.css is not linked as a stylesheet")
    with open(CSS, encoding="utf-8") as f:
        css = f.read()
    if "{" not in css:
        problems.append("style.css has no rules")
    for n in root.iter():
        for attr in ("src", "data", "poster"):
            if attr in n.attrs and not local_file_ok(n.attrs[attr], SITE):
                problems.append(f"<{n.tag} {attr}={n.attrs[attr]!r}>")
        if n.tag == "link" and not local_file_ok(n.attrs.get("href", ""), SITE):
            problems.append(f"<link href={n.attrs.get('href')!r}>")
        if "srcset" in n.attrs:
            for part in n.attrs["srcset"].split(","):
                if part.strip() and not local_file_ok(part.split()[0], SITE):
                    problems.append(f"srcset {part.strip()!r}")
    css_sources = [(css, SITE), (raw, SITE)]
    for text, base in css_sources:
        for m in CSS_URL.finditer(text):
            ref = m.group(2).strip()
            if ref.startswith("data:"):
                continue
            if not local_file_ok(ref, base):
                problems.append(f"url({ref})")
        for m in CSS_IMPORT.finditer(text):
            if not local_file_ok(m.group(2), base):
                problems.append(f"@import {m.group(2)!r}")
    return not problems, "; ".join(problems)[:500] or "self-contained"
