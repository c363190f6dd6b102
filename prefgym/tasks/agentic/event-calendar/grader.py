"""Grader for event-calendar. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Parses /work/events.ics with its own small RFC 5545 reader (octet-exact line checks, unfolding,
strict TEXT unescaping, a MONTHLY RRULE expander) and compares it with the events below, which
were worked out from files/schedule.txt when the task was written. An instance of the family
(generate.py) brings its own events through grader_kit.params().
"""

import os
import re
from datetime import date, datetime, timedelta, timezone

PRODID = "-//Fundraising Events//Schedule//EN"
DTSTAMP = "20250101T000000Z"

TEXT = {  # uid: (SUMMARY, LOCATION or None, DESCRIPTION or None), unescaped
    "spring-gala@events.example.org": (
        "Spring Gala: Dinner, Dancing & Auction",
        "Grand Hall; 12 Main St, Springfield, MA",
        "Black tie. Tickets cost $150 each, or $1,400 for a table of ten; all proceeds go to our programmes.\n"
        "Silent auction closes at 22:00 \u2014 bids in person only."),
    "london-quiz@events.example.org": (
        "Charity Quiz Night",
        "The Crown & Anchor, 4 High St, London",
        "Teams of up to six; \u00a310 per person, payable on the door. Prizes for the winners, the runners-up "
        "and the best team name!"),
    "sydney-walk@events.example.org": (
        "Harbour Sunrise Walk",
        "Circular Quay, Sydney NSW",
        "5 km, all abilities welcome; dogs on leads are fine. Coffee afterwards at Caf\u00e9 \u014cpera \u2014 "
        "pay your own way, or simply bring a flask \u2615."),
    "tokyo-concert@events.example.org": (
        "Benefit Concert \u2013 Strings for Change",
        "Kioi Hall, 6-5 Kioicho, Chiyoda, Tokyo",
        None),
    "webinar-impact@events.example.org": (
        "Impact Report 2024: Live Webinar",
        "Online",
        "Join from the link in your confirmation e-mail; the slides will be in the shared folder "
        "\\\\events\\2025\\webinar afterwards."),
    "la-auction@events.example.org": (
        "Online Auction Closing Party",
        "Studio 5, 1200 Sunset Blvd, Los Angeles, CA",
        "Final bids close at 11:30; winners are announced live."),
    "sleep-out@events.example.org": (
        "Night Shelter Sleep-Out",
        "St Mary's Churchyard, Oxford",
        "Bring a sleeping bag, a warm hat and a torch.\nBreakfast is served from 07:00; the clocks go back "
        "overnight, so you get an extra hour's sleep (or an extra hour awake)."),
    "giving-day@events.example.org": (
        "Giving Tuesday",
        None,
        "Every gift made today is matched, up to $50,000 in total."),
    "volunteer-call@events.example.org": (
        "Monthly Volunteer Call",
        "Video call (link sent by e-mail)",
        "Agenda, rota and updates; everyone is welcome."),
}

UTC_TIMES = {  # one-off timed events: (DTSTART, DTEND) in UTC
    "spring-gala@events.example.org": ("20250329T230000Z", "20250330T033000Z"),
    "london-quiz@events.example.org": ("20250329T193000Z", "20250329T220000Z"),
    "sydney-walk@events.example.org": ("20250405T200000Z", "20250405T220000Z"),
    "tokyo-concert@events.example.org": ("20250712T090000Z", "20250712T120000Z"),
    "webinar-impact@events.example.org": ("20250618T150000Z", "20250618T160000Z"),
    "la-auction@events.example.org": ("20251102T180000Z", "20251102T200000Z"),
    "sleep-out@events.example.org": ("20251025T190000Z", "20251026T080000Z"),
}

ALL_DAY = ("giving-day@events.example.org", "20251202", "20251203")

RECURRING = "volunteer-call@events.example.org"
RECURRING_START = ("Europe/London", "20250114T180000")
RECURRING_END = ("Europe/London", "20250114T190000")
OCCURRENCES = [date(2025, m, d) for m, d in ((1, 14), (2, 11), (3, 11), (4, 8), (5, 13), (6, 10), (7, 8),
                                              (8, 12), (9, 9), (10, 14), (11, 11), (12, 9))]

from grader_kit import check, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own schedule and events
if INSTANCE:
    TEXT = {uid: tuple(v) for uid, v in INSTANCE["text"].items()}
    UTC_TIMES = {uid: tuple(v) for uid, v in INSTANCE["utc_times"].items()}
    ALL_DAY = tuple(INSTANCE["all_day"])
    RECURRING = INSTANCE["recurring"]
    RECURRING_START, RECURRING_END = tuple(INSTANCE["recurring_start"]), tuple(INSTANCE["recurring_end"])
    OCCURRENCES = [date.fromisoformat(d) for d in INSTANCE["occurrences"]]


_raw = {}


def raw_bytes():
    if "data" not in _raw:
        with open(os.path.join(os.getcwd(), "events.ics"), "rb") as f:
            _raw["data"] = f.read()
        if not _raw["data"].strip():
            raise ValueError("events.ics is empty")
    return _raw["data"]


def physical_lines():
    lines = re.split(rb"\r?\n", raw_bytes())
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def logical_lines():
    out = []
    for pl in physical_lines():
        if pl[:1] in (b" ", b"\t") and out:
            out[-1] += pl[1:]
        else:
            out.append(pl)
    return [ln.decode("utf-8", errors="replace") for ln in out if ln.strip()]


def parse_line(line):
    """'NAME;P=V;Q="x:y":VALUE' -> (NAME, {P: V, Q: x:y}, VALUE)."""
    i, quoted = 0, False
    while i < len(line):
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif c == ":" and not quoted:
            break
        i += 1
    if i >= len(line):
        raise ValueError(f"no ':' in line {line[:60]!r}")
    head, value = line[:i], line[i + 1:]
    parts = head.split(";")
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        params[k.strip().upper()] = v.strip().strip('"')
    return parts[0].strip().upper(), params, value


class Component:
    def __init__(self, name):
        self.name, self.props, self.children = name, [], []

    def get(self, name):
        return [(p, v) for n, p, v in self.props if n == name]

    def one(self, name):
        found = self.get(name)
        if len(found) != 1:
            raise ValueError(f"{self.name} has {len(found)} {name} properties")
        return found[0]


_cal = {}


def calendar():
    if "error" in _cal:
        raise _cal["error"]
    if "root" not in _cal:
        try:
            root = Component("ROOT")
            stack = [root]
            for line in logical_lines():
                name, params, value = parse_line(line)
                if name == "BEGIN":
                    comp = Component(value.strip().upper())
                    stack[-1].children.append(comp)
                    stack.append(comp)
                elif name == "END":
                    if len(stack) < 2 or stack[-1].name != value.strip().upper():
                        raise ValueError(f"END:{value} does not close {stack[-1].name}")
                    stack.pop()
                else:
                    stack[-1].props.append((name, params, value))
            if len(stack) != 1:
                raise ValueError(f"{stack[-1].name} is never closed")
            cals = [c for c in root.children if c.name == "VCALENDAR"]
            if len(cals) != 1 or len(root.children) != 1:
                raise ValueError(f"expected exactly one VCALENDAR, found {[c.name for c in root.children]}")
            _cal["root"] = cals[0]
        except Exception as exc:
            _cal["error"] = exc
            raise
    return _cal["root"]


def events():
    out = {}
    for comp in calendar().children:
        if comp.name == "VEVENT":
            uid = comp.one("UID")[1].strip()
            if uid in out:
                raise ValueError(f"UID {uid} used twice")
            out[uid] = comp
    return out


def unescape(value):
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            if i + 1 >= len(value):
                raise ValueError("a backslash at the end of a value")
            n = value[i + 1]
            if n in "\\;,":
                out.append(n)
            elif n in "nN":
                out.append("\n")
            else:
                raise ValueError(f"invalid escape \\{n}")
            i += 2
            continue
        if c in ";,":
            raise ValueError(f"unescaped {c!r} in {value[:60]!r}")
        out.append(c)
        i += 1
    return "".join(out)


@check("crlf_line_endings")
def _():
    data = raw_bytes()
    bare_lf = len(re.findall(rb"(?<!\r)\n", data))
    bare_cr = len(re.findall(rb"\r(?!\n)", data))
    if bare_lf or bare_cr:
        return False, f"{bare_lf} bare LF and {bare_cr} bare CR line breaks"
    if not data.endswith(b"\r\n"):
        return False, "the last line does not end with CRLF"
    return True, "every line ends with CRLF"


@check("lines_folded_at_75_octets")
def _():
    lines = physical_lines()
    too_long = [i + 1 for i, ln in enumerate(lines) if len(ln.rstrip(b"\r")) > 75]
    if too_long:
        return False, f"lines longer than 75 octets: {too_long[:8]}"
    split = []
    for i, ln in enumerate(lines):
        try:
            ln.decode("utf-8")
        except UnicodeDecodeError:
            split.append(i + 1)
    if split:
        return False, f"lines that split a UTF-8 character or are not UTF-8: {split[:8]}"
    folded = sum(1 for ln in lines if ln[:1] in (b" ", b"\t"))
    longest = max((len(ln.encode("utf-8")) for ln in logical_lines()), default=0)
    if not folded or longest <= 75:
        return False, "no long line was folded"
    return True, f"{folded} continuation lines, none over 75 octets"


@check("calendar_structure")
def _():
    cal = calendar()
    problems = []
    if cal.one("VERSION")[1].strip() != "2.0":
        problems.append("VERSION is not 2.0")
    if cal.one("PRODID")[1].strip() != PRODID:
        problems.append(f"PRODID is {cal.one('PRODID')[1]!r}")
    evs = [c for c in cal.children if c.name == "VEVENT"]
    if len(evs) != len(TEXT):
        problems.append(f"{len(evs)} VEVENTs instead of {len(TEXT)}")
    for ev in evs:
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            if len(ev.get(prop)) != 1:
                problems.append(f"a VEVENT has {len(ev.get(prop))} {prop}")
        if ev.get("DTSTAMP") and ev.get("DTSTAMP")[0][1].strip() != DTSTAMP:
            problems.append(f"DTSTAMP {ev.get('DTSTAMP')[0][1]!r}")
    return not problems, "; ".join(problems[:5]) or f"VCALENDAR with {len(TEXT)} VEVENTs"


@check("uids")
def _():
    got = set(events())
    return got == set(TEXT), f"missing {sorted(set(TEXT) - got)}; unexpected {sorted(got - set(TEXT))[:5]}"


@check("text_escaped", weight=2.0)
def _():
    evs = events()
    wrong = []
    for uid, expected in TEXT.items():
        ev = evs.get(uid)
        if ev is None:
            wrong.append(f"{uid}: missing")
            continue
        for prop, want in zip(("SUMMARY", "LOCATION", "DESCRIPTION"), expected):
            found = ev.get(prop)
            if want is None:
                if found:
                    wrong.append(f"{uid}: unexpected {prop}")
                continue
            if len(found) != 1:
                wrong.append(f"{uid}: {len(found)} {prop}")
                continue
            try:
                got = unescape(found[0][1])
            except ValueError as exc:
                wrong.append(f"{uid} {prop}: {exc}")
                continue
            if got != want:
                wrong.append(f"{uid} {prop}: {got[:70]!r}")
    return not wrong, "; ".join(wrong[:4]) or "all text escaped and intact"


@check("utc_times", weight=2.0)
def _():
    evs = events()
    wrong = []
    for uid, (start, end) in UTC_TIMES.items():
        ev = evs.get(uid)
        if ev is None:
            wrong.append(f"{uid}: missing")
            continue
        for prop, want in (("DTSTART", start), ("DTEND", end)):
            try:
                params, value = ev.one(prop)
            except ValueError as exc:
                wrong.append(str(exc))
                continue
            if params or value.strip() != want:
                wrong.append(f"{uid} {prop}: {params or ''} {value!r} (expected {want})")
    return not wrong, "; ".join(wrong[:4]) or "all times right, in UTC"


@check("all_day_event")
def _():
    uid, start, end = ALL_DAY
    ev = events()[uid]
    ps, vs = ev.one("DTSTART")
    pe, ve = ev.one("DTEND")
    ok = (ps.get("VALUE", "").upper() == "DATE" and vs.strip() == start
          and pe.get("VALUE", "").upper() == "DATE" and ve.strip() == end and "TZID" not in ps)
    return ok, f"DTSTART {ps} {vs}; DTEND {pe} {ve}"


def nth_weekday(year, month, weekday, n):
    first = date(year, month, 1)
    days = [first + timedelta(days=i) for i in range(31) if (first + timedelta(days=i)).month == month]
    hits = [d for d in days if d.weekday() == weekday]
    return hits[n - 1] if n > 0 and n <= len(hits) else (hits[n] if n < 0 and -n <= len(hits) else None)


def expand_monthly(rule, start_local, tz):
    from zoneinfo import ZoneInfo

    parts = {}
    for p in rule.strip().upper().split(";"):
        k, _, v = p.partition("=")
        if k in parts:
            raise ValueError(f"{k} twice in RRULE")
        parts[k] = v
    unknown = set(parts) - {"FREQ", "BYDAY", "BYSETPOS", "COUNT", "UNTIL", "INTERVAL", "WKST"}
    if unknown or parts.get("FREQ") != "MONTHLY":
        raise ValueError(f"unsupported RRULE {rule!r}")
    interval = int(parts.get("INTERVAL", "1"))
    m = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", parts.get("BYDAY", ""))
    if not m:
        raise ValueError(f"unsupported BYDAY in {rule!r}")
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(m.group(2))
    if m.group(1):
        if "BYSETPOS" in parts:
            raise ValueError("BYSETPOS with an ordinal BYDAY")
        n = int(m.group(1))
    else:
        n = int(parts["BYSETPOS"])
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise ValueError("RRULE needs exactly one of COUNT and UNTIL")
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    until = None
    if "UNTIL" in parts:
        u = parts["UNTIL"]
        if re.fullmatch(r"\d{8}", u):
            until = ("date", datetime.strptime(u, "%Y%m%d").date())
        elif re.fullmatch(r"\d{8}T\d{6}Z", u):
            until = ("utc", datetime.strptime(u, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc))
        elif re.fullmatch(r"\d{8}T\d{6}", u):
            until = ("local", datetime.strptime(u, "%Y%m%dT%H%M%S"))
        else:
            raise ValueError(f"bad UNTIL {u!r}")
    zone = ZoneInfo(tz)
    out = []
    y, mo = start_local.year, start_local.month
    for _ in range(240):
        d = nth_weekday(y, mo, weekday, n)
        if d is not None and d >= start_local.date():
            local = datetime.combine(d, start_local.time())
            if until is not None:
                kind, limit = until
                if (kind == "date" and d > limit) or (kind == "local" and local > limit) or \
                        (kind == "utc" and local.replace(tzinfo=zone).astimezone(timezone.utc) > limit):
                    break
            out.append(d)
            if count is not None and len(out) >= count:
                break
        mo += interval
        while mo > 12:
            mo -= 12
            y += 1
        if len(out) > 60:
            break
    return out


@check("recurring_event", weight=2.0)
def _():
    ev = events()[RECURRING]
    ps, vs = ev.one("DTSTART")
    pe, ve = ev.one("DTEND")
    if (ps.get("TZID"), vs.strip()) != RECURRING_START or (pe.get("TZID"), ve.strip()) != RECURRING_END:
        return False, f"DTSTART {ps} {vs}; DTEND {pe} {ve}"
    rules = ev.get("RRULE")
    if len(rules) != 1:
        return False, f"{len(rules)} RRULE properties"
    start = datetime.strptime(vs.strip(), "%Y%m%dT%H%M%S")
    got = expand_monthly(rules[0][1], start, "Europe/London")
    return got == OCCURRENCES, f"RRULE {rules[0][1]!r} gives {[d.isoformat() for d in got][:13]}"


@check("vtimezone_europe_london")
def _():
    tzs = [c for c in calendar().children if c.name == "VTIMEZONE"
           and [v.strip() for _, v in c.get("TZID")] == ["Europe/London"]]
    if len(tzs) != 1:
        return False, f"{len(tzs)} VTIMEZONE components with TZID:Europe/London"
    problems = []
    for sub, frm, to, month, time in (("STANDARD", "+0100", "+0000", "10", "020000"),
                                      ("DAYLIGHT", "+0000", "+0100", "3", "010000")):
        comps = [c for c in tzs[0].children if c.name == sub]
        if len(comps) != 1:
            problems.append(f"{len(comps)} {sub}")
            continue
        c = comps[0]
        try:
            if c.one("TZOFFSETFROM")[1].strip() != frm or c.one("TZOFFSETTO")[1].strip() != to:
                problems.append(f"{sub} offsets {c.one('TZOFFSETFROM')[1]} -> {c.one('TZOFFSETTO')[1]}")
            start = c.one("DTSTART")[1].strip()
            if not re.fullmatch(r"\d{8}T" + time, start):
                problems.append(f"{sub} DTSTART {start!r} (local onset time should be {time})")
            rule = dict(p.partition("=")[::2] for p in c.one("RRULE")[1].strip().upper().split(";"))
            if rule.get("FREQ") != "YEARLY" or rule.get("BYMONTH", "").lstrip("0") != month or \
                    rule.get("BYDAY") != "-1SU":
                problems.append(f"{sub} RRULE {c.one('RRULE')[1]!r}")
        except ValueError as exc:
            problems.append(f"{sub}: {exc}")
    return not problems, "; ".join(problems) or "STANDARD and DAYLIGHT as expected"
