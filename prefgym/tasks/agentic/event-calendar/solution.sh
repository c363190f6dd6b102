#!/usr/bin/env bash
# Reference solution for event-calendar.
set -euo pipefail
python3 - <<'PY'
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

events, current, last_key = [], None, None
with open("schedule.txt", encoding="utf-8") as f:
    for raw in f.read().splitlines():
        if raw.startswith("#"):
            continue
        if not raw.strip():
            current = None
            continue
        if raw.startswith("  ") and current is not None and last_key == "Notes":
            current["Notes"] += "\n" + raw.strip()
            continue
        key, value = raw.split(":", 1)
        if current is None:
            current = {}
            events.append(current)
        current[key.strip()] = value.strip()
        last_key = key.strip()


def escape(text):
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    out, cur, limit = [], b"", 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(cur) + len(b) > limit:
            out.append(cur)
            cur, limit = b" ", 75
        cur += b
    out.append(cur)
    return b"\r\n".join(out) + b"\r\n"


def rrule(repeats):
    """'monthly on the second Tuesday, 12 times in all' (or 'every other month on ...')."""
    m = re.fullmatch(r"(monthly|every other month) on the (first|second|third|fourth|last) "
                     r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\d+) times in all", repeats.lower())
    assert m, repeats
    n = {"first": "1", "second": "2", "third": "3", "fourth": "4", "last": "-1"}[m.group(2)]
    interval = "" if m.group(1) == "monthly" else ";INTERVAL=2"
    return f"FREQ=MONTHLY{interval};BYDAY={n}{m.group(3)[:2].upper()};COUNT={m.group(4)}"


def utc(d, hm, tz):
    local = datetime.combine(d, datetime.strptime(hm, "%H:%M").time()).replace(tzinfo=ZoneInfo(tz))
    return local.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Fundraising Events//Schedule//EN", "CALSCALE:GREGORIAN",
         "BEGIN:VTIMEZONE", "TZID:Europe/London",
         "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "TZNAME:BST",
         "DTSTART:19700329T010000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
         "BEGIN:STANDARD", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "TZNAME:GMT",
         "DTSTART:19701025T020000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
         "END:VTIMEZONE"]
for ev in events:
    d = date.fromisoformat(ev["Date"])
    lines += ["BEGIN:VEVENT", f"UID:{ev['ID']}@events.example.org", "DTSTAMP:20250101T000000Z"]
    if ev["Time"] == "all day":
        lines += [f"DTSTART;VALUE=DATE:{d:%Y%m%d}", f"DTEND;VALUE=DATE:{d + timedelta(days=1):%Y%m%d}"]
    else:
        start, end = ev["Time"].split("-")
        end_day = d + timedelta(days=1) if end < start else d
        if "Repeats" in ev:
            tz = ev["Timezone"]
            assert tz == "Europe/London", tz
            lines += [f"DTSTART;TZID={tz}:{d:%Y%m%d}T{start.replace(':', '')}00",
                      f"DTEND;TZID={tz}:{end_day:%Y%m%d}T{end.replace(':', '')}00",
                      "RRULE:" + rrule(ev["Repeats"])]
        else:
            lines += [f"DTSTART:{utc(d, start, ev['Timezone'])}", f"DTEND:{utc(end_day, end, ev['Timezone'])}"]
    lines.append(f"SUMMARY:{escape(ev['Title'])}")
    if ev.get("Location"):
        lines.append(f"LOCATION:{escape(ev['Location'])}")
    if ev.get("Notes"):
        lines.append(f"DESCRIPTION:{escape(ev['Notes'])}")
    lines.append("END:VEVENT")
lines.append("END:VCALENDAR")
with open("events.ics", "wb") as f:
    for line in lines:
        f.write(fold(line))
print(open("events.ics", encoding="utf-8").read().replace("\r\n", "\n"))
PY
