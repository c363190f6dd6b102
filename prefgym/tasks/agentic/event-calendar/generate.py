"""Instance N of event-calendar: its own schedule.txt, with every trap of the shipped one.

Each instance has nine to eleven events with their own IDs, titles, venues, notes, dates and
zones, one of each kind the shipped schedule has, in a shuffled order:

- the spring gala (ID spring-gala, 19:00 on 2025-03-29 in America/New_York, so the opening's
  examples UID:spring-gala@… and DTSTART:20250329T230000Z stay true): New York already on
  summer time while Europe is not, ending after midnight UTC; a Title with a colon, comma and
  "&", a Location with a semicolon, two lines of Notes with "$1,234"-style amounts and a time
  with a colon on the second line (a trap for a parser that splits every line at ":");
- an event a few days before its zone's clock change (the old offset still applies);
- a morning event in Australia or New Zealand on the day of a clock change, after it (the new
  offset applies, and the UTC date is the day before);
- an event in the USA or Europe on the day of a clock change, after it;
- an overnight event (end earlier than start) across the night of a clock change, so start and
  end have different offsets, with two lines of Notes, a time with a colon on the second;
- an event in a zone without daylight saving (Tokyo, Kolkata, Phoenix, Brisbane, …) and no Notes;
- an event in UTC whose Notes hold a Windows path (backslashes, sometimes "\\n…" look-alikes);
- an all-day event with a Timezone but no Location;
- the repeating event in Europe/London, always first at 18:00 on 2025-01-14 (the opening's
  DTSTART;TZID=Europe/London:20250114T180000), monthly or every other month on the second
  Tuesday, a number of times; its end time varies;
- zero to two ordinary events.

Text is full of characters to escape, and multi-byte characters (é, —, £, €, ☕, …) are placed
so that folding the gala's and the dawn event's DESCRIPTION naively every 75/74 octets would
split one (checked here, re-drawing their text until it does).

UTC times are worked out from explicit 2025 daylight-saving rules written here (US, EU,
Australia, New Zealand, fixed offsets), not from zoneinfo as the reference solution does, and
cross-checked with zoneinfo where the host has the zone; a local time in a gap or an overlap
is refused.
"""

import calendar
from datetime import date, datetime, timedelta

# zone: (DST rule or None, standard offset, summer offset in minutes, currency, venues)
ZONES = {
    "America/New_York": ("US", -300, -240, "$", ["Union Hall, 88 Court St, Brooklyn, NY",
                                                 "Liberty Rooms, 210 Harbor Ave, Boston, MA",
                                                 "The Armory, 68 Lexington Ave, New York, NY"]),
    "America/Chicago": ("US", -360, -300, "$", ["Lakeside Center, 301 Shore Dr, Chicago, IL",
                                                "The Brick Room, 14 Elm St, Madison, WI"]),
    "America/Denver": ("US", -420, -360, "$", ["Red Rocks Lodge, 5 Canyon Rd, Denver, CO",
                                               "Pine Hall, 220 Main St, Boulder, CO"]),
    "America/Los_Angeles": ("US", -480, -420, "$", ["Studio 5, 1200 Sunset Blvd, Los Angeles, CA",
                                                    "Pier 7 Hall, 7 The Embarcadero, San Francisco, CA"]),
    "America/Toronto": ("US", -300, -240, "$", ["Maple Hall, 40 Queen St W, Toronto, ON",
                                                "Distillery Loft, 55 Mill St, Toronto, ON"]),
    "Europe/London": ("EU", 0, 60, "£", ["The Crown & Anchor, 4 High St, London",
                                         "St Mary's Churchyard, Oxford",
                                         "Corn Exchange, Wheeler St, Cambridge"]),
    "Europe/Dublin": ("EU", 0, 60, "€", ["The Printworks, Dublin Castle, Dame St, Dublin"]),
    "Europe/Lisbon": ("EU", 0, 60, "€", ["Fábrica Braço de Prata, Rua da Fábrica de Material de Guerra 1, Lisboa"]),
    "Europe/Paris": ("EU", 60, 120, "€", ["Salle Cortot, 78 Rue Cardinet, Paris",
                                          "Péniche Antipode, Quai de l'Oise, Paris"]),
    "Europe/Berlin": ("EU", 60, 120, "€", ["Kulturbrauerei, Schönhauser Allee 36, Berlin"]),
    "Europe/Madrid": ("EU", 60, 120, "€", ["Teatro Lara, Calle Corredera Baja de San Pablo 15, Madrid"]),
    "Europe/Amsterdam": ("EU", 60, 120, "€", ["De Duif, Prinsengracht 756, Amsterdam"]),
    "Europe/Helsinki": ("EU", 120, 180, "€", ["Musiikkitalo, Mannerheimintie 13, Helsinki"]),
    "Australia/Sydney": ("AU", 600, 660, "$", ["Circular Quay, Sydney NSW",
                                               "Bondi Pavilion, Queen Elizabeth Dr, Bondi Beach NSW"]),
    "Australia/Melbourne": ("AU", 600, 660, "$", ["Federation Square, Swanston St, Melbourne VIC",
                                                  "St Kilda Pier, Pier Rd, St Kilda VIC"]),
    "Australia/Adelaide": ("AU", 570, 630, "$", ["Elder Park, King William Rd, Adelaide SA"]),
    "Pacific/Auckland": ("NZ", 720, 780, "$", ["Viaduct Harbour, Auckland",
                                               "Mission Bay, Tāmaki Drive, Auckland"]),
    "Asia/Tokyo": (None, 540, 540, "¥", ["Kioi Hall, 6-5 Kioicho, Chiyoda, Tokyo",
                                         "Suntory Hall, 1-13-1 Akasaka, Minato, Tokyo"]),
    "Asia/Kolkata": (None, 330, 330, "₹", ["Siri Fort Auditorium, August Kranti Marg, New Delhi",
                                           "Tata Theatre, NCPA, Nariman Point, Mumbai"]),
    "Asia/Singapore": (None, 480, 480, "$", ["Esplanade Recital Studio, 1 Esplanade Dr, Singapore"]),
    "Africa/Johannesburg": (None, 120, 120, "R", ["Market Theatre, 56 Margaret Mcingana St, Johannesburg"]),
    "America/Phoenix": (None, -420, -420, "$", ["Desert Botanical Garden, 1201 N Galvin Pkwy, Phoenix, AZ"]),
    "Australia/Brisbane": (None, 600, 600, "$", ["South Bank Piazza, Stanley St Plaza, Brisbane QLD"]),
    "Asia/Dubai": (None, 240, 240, "AED ", ["Alserkal Avenue, Al Quoz 1, Dubai"]),
    "UTC": (None, 0, 0, "$", []),
}
DST_ZONES = sorted(z for z, v in ZONES.items() if v[0])
FIXED_ZONES = sorted(z for z, v in ZONES.items() if not v[0] and z != "UTC")


# ------------------------------------------------------------------------------------ clock rules

def _sunday(year, month, n):
    """The n-th Sunday of a month (n = -1: the last)."""
    sundays = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
               if date(year, month, d).weekday() == 6]
    return sundays[n - 1] if n > 0 else sundays[n]


def transitions(zone, year=2025):
    """The zone's clock changes in ``year``: [(UTC instant, offset from then on)], in order."""
    rule, std, dst = ZONES[zone][:3]

    def at(day, hh, offset):  # local wall time hh:00 on ``day`` read with ``offset``, as naive UTC
        return datetime.combine(day, datetime.min.time()) + timedelta(hours=hh, minutes=-offset)

    if rule == "US":  # second Sunday of March 02:00 standard, first Sunday of November 02:00 summer
        out = [(at(_sunday(year, 3, 2), 2, std), dst), (at(_sunday(year, 11, 1), 2, dst), std)]
    elif rule == "EU":  # last Sundays of March and October at 01:00 UTC
        out = [(at(_sunday(year, 3, -1), 1, 0), dst), (at(_sunday(year, 10, -1), 1, 0), std)]
    elif rule == "AU":  # first Sunday of April 03:00 summer, first Sunday of October 02:00 standard
        out = [(at(_sunday(year, 4, 1), 3, dst), std), (at(_sunday(year, 10, 1), 2, std), dst)]
    elif rule == "NZ":  # first Sunday of April 03:00 summer, last Sunday of September 02:00 standard
        out = [(at(_sunday(year, 4, 1), 3, dst), std), (at(_sunday(year, 9, -1), 2, std), dst)]
    else:
        out = []
    return out


def offset_at_utc(zone, utc):
    std = ZONES[zone][1]
    changes = transitions(zone, utc.year)
    current = changes[-1][1] if changes else std  # what the previous year ended with
    for instant, after in changes:
        if utc >= instant:
            current = after
    return current


def to_utc(zone, local):
    """Naive local wall time → naive UTC; a time the clocks skip or repeat is refused."""
    std, dst = ZONES[zone][1:3]
    fits = sorted({local - timedelta(minutes=o) for o in {std, dst}
                   if offset_at_utc(zone, local - timedelta(minutes=o)) == o})
    if len(fits) != 1:
        raise ValueError(f"{local} in {zone} is skipped or repeated by a clock change")
    utc = fits[0]
    try:  # cross-check with the host's tz database where it has the zone
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            aware = local.replace(tzinfo=ZoneInfo(zone))
        except ZoneInfoNotFoundError:
            aware = None
        if aware is not None and aware.utcoffset() != timedelta(minutes=offset_at_utc(zone, utc)):
            raise AssertionError(f"{zone} {local}: rules say {offset_at_utc(zone, utc)} min, zoneinfo {aware.utcoffset()}")
    except ImportError:
        pass
    return utc


def change_days(zone):
    """Local dates of the zone's 2025 clock changes."""
    return [(instant + timedelta(minutes=offset_at_utc(zone, instant - timedelta(hours=1)))).date()
            for instant, _ in transitions(zone)]


# ------------------------------------------------------------------------------------ text

def ics_escape(text):
    out = []
    for c in text:
        out.append({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"}.get(c, c))
    return "".join(out)


def naive_fold_splits(line):
    """Would cutting ``line`` every 75 octets, then 74 after the leading space, split a character?"""
    data = line.encode("utf-8")
    return any(data[cut] & 0xC0 == 0x80 for cut in range(75, len(data), 74))


def _hm(minutes):
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _words(n):
    return {6: "six", 8: "eight", 10: "ten", 12: "twelve", 5: "five", 4: "four"}[n]


CAFES = ["Café Ōpera", "Café Ümlaut", "Le Petit Café Rosé", "Crème & Co.", "Café Señora", "Kāinga Café",
         "Brûlée Bakery", "Café Zoë"]
PATHS = ["\\\\events\\2025\\webinar", "\\\\fileserver\\shared\\trustees", "C:\\Grants\\Templates",
         "\\\\office\\comms\\2025\\newsletters", "\\\\nas01\\docs\\reports", "\\\\intranet\\finance\\Q3"]


def gala_text(rng):
    title = rng.choice(["Spring Gala: Dinner, Dancing & Auction", "Spring Gala: Jazz, Supper & Silent Auction",
                        "Spring Gala: Food, Music & Giving", "Spring Gala: Cocktails, Dinner & Dancing",
                        "Spring Gala: Stars, Strings & Supper"])
    venue, street, city = rng.choice([("Grand Hall", "Main St", "Springfield, MA"),
                                      ("The Riverside Ballroom", "Water St", "Hartford, CT"),
                                      ("Harbor View Pavilion", "Pier Rd", "Portland, ME"),
                                      ("Elm Court", "Elm Ave", "Albany, NY"),
                                      ("The Foundry", "Mill Lane", "Providence, RI")])
    location = f"{venue}; {rng.randint(2, 480)} {street}, {city}"
    price, seats = rng.randrange(150, 260, 10), rng.choice([8, 10, 12])
    table = price * seats - rng.choice([100, 150, 200])
    first = (f"{rng.choice(['Black tie', 'Cocktail attire', 'Smart casual', 'Dress to impress'])}. Tickets cost "
             f"${price} each, or ${table:,} for a table of {_words(seats)}; all proceeds go to our "
             f"{rng.choice(['programmes', 'youth programmes', 'food bank', 'literacy work', 'shelter appeal'])}.")
    hh = f"{rng.randint(21, 22)}:{rng.choice(['00', '15', '30', '45'])}"
    second = rng.choice([f"Silent auction closes at {hh} — bids in person only.",
                         f"Raffle draw at {hh} — winners need not be present.",
                         f"Live music from the Zoë Ortiz Quartet — dancing until {hh}.",
                         f"Menu by chef Renée Dubois, dessert at {hh}; vegetarian and vegan options — ask on arrival.",
                         f"Auction lots include a week in a Provençal gîte — viewing until {hh}."])
    return title, location, f"{first}\n{second}"


def dawn_text(rng, zone):
    cafe, cur = rng.choice(CAFES), ZONES[zone][3]
    return rng.choice([
        ("sunrise-walk", "Harbour Sunrise Walk",
         f"{rng.choice([3, 5, 8])} km, all abilities welcome; dogs on leads are fine. Coffee afterwards at {cafe} — "
         f"pay your own way, or simply bring a flask ☕."),
        ("beach-clean", "Beach Clean-Up Morning",
         f"Gloves, bags and pickers provided; wear sturdy shoes. Breakfast at {cafe} afterwards — the first "
         f"{rng.choice([20, 30, 50])} volunteers eat free ☕."),
        ("dawn-yoga", "Dawn Yoga by the Water",
         f"Bring a mat, a towel and a bottle of water; beginners welcome. Smoothies afterwards at {cafe} — "
         f"{cur}{rng.choice([6, 8, 9])} each, or free for volunteers ☕."),
        ("colour-run", "Colour Fun Run",
         f"{rng.choice([3, 5])} km, walk, jog or run; white T-shirts recommended, the powder washes out. Medals, "
         f"juice and flat whites at the finish — courtesy of {cafe} ☕."),
    ])


# ------------------------------------------------------------------------------------ events

def _pick_day(rng, lo=(1, 6), hi=(12, 20)):
    start, end = date(2025, *lo), date(2025, *hi)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _event(id_, title, day, start, end, zone, location=None, notes=None, repeats=None):
    """One schedule block; start/end in minutes after local midnight (None: all day)."""
    return {"id": id_, "title": title, "date": day, "start": start, "end": end, "zone": zone,
            "location": location, "notes": notes, "repeats": repeats}


def _change_day(rng, zones):
    zone = rng.choice(zones)
    return zone, rng.choice(change_days(zone))


def build(rng):
    events, used = [], set()

    def add(ev):
        assert ev["id"] not in used, ev["id"]
        used.add(ev["id"])
        events.append(ev)

    # the gala: the opening's examples
    while True:
        title, location, notes = gala_text(rng)
        if naive_fold_splits("DESCRIPTION:" + ics_escape(notes)):
            break
    add(_event("spring-gala", title, date(2025, 3, 29), 19 * 60, rng.choice([22 * 60 + 30, 23 * 60, 23 * 60 + 30,
                                                                                23 * 60 + 45]),
               "America/New_York", location, notes))

    # a few days before a clock change: the old offset still applies
    zone, change = _change_day(rng, DST_ZONES)
    cur, start = ZONES[zone][3], rng.randrange(10 * 60, 20 * 60 + 1, 30)
    id_, title, notes = rng.choice([
        ("quiz-night", "Charity Quiz Night", f"Teams of up to {_words(rng.choice([4, 5, 6]))}; {cur}{rng.randint(5, 15)} "
         "per person, payable on the door. Prizes for the winners, the runners-up and the best team name!"),
        ("curry-night", "Curry & Comedy Night", f"Three courses and two comedians; {cur}{rng.randint(20, 35)} a head, "
         "drinks extra. Vegetarian, vegan and gluten-free menus available — tell us when you book."),
        ("book-sale", "Big Book Sale", f"Paperbacks {cur}1, hardbacks {cur}{rng.randint(2, 4)}; bring a bag, or buy one "
         "of ours. Unsold books go to the prison library, so nothing is wasted."),
        ("film-night", "Film Night: Classic Comedies", f"Doors open 30 minutes before; tickets {cur}{rng.randint(6, 12)}, "
         "popcorn included. Donations welcome, large or small!"),
    ])
    add(_event(id_, title, change - timedelta(days=rng.randint(1, 4)), start, start + rng.choice([120, 150, 180]),
               zone, rng.choice(ZONES[zone][4]), notes))

    # Australia or New Zealand, the morning of a clock change: the UTC date is the day before
    zone, change = _change_day(rng, [z for z in DST_ZONES if ZONES[z][0] in ("AU", "NZ")])
    while True:
        id_, title, notes = dawn_text(rng, zone)
        if naive_fold_splits("DESCRIPTION:" + ics_escape(notes)):
            break
    start = rng.randrange(6 * 60, 9 * 60 + 1, 30)
    add(_event(id_, title, change, start, start + rng.choice([90, 120]), zone, rng.choice(ZONES[zone][4]), notes))

    # the USA or Europe on the day of a clock change, after it
    zone, change = _change_day(rng, [z for z in DST_ZONES if ZONES[z][0] in ("US", "EU")])
    cur, start = ZONES[zone][3], rng.randrange(9 * 60, 16 * 60 + 1, 30)
    length = rng.choice([120, 150, 180])
    close = _hm(start + length - rng.choice([30, 45]))
    id_, title, notes = rng.choice([
        ("auction-party", "Online Auction Closing Party", f"Final bids close at {close}; winners are announced live."),
        ("supporters-brunch", "Supporters' Brunch", f"Pancakes, waffles and coffee; {cur}{rng.randint(12, 25)} per adult, "
         "children eat free. Last orders at " + close + "."),
        ("open-day", "Open Day at the Food Bank", "Tours every hour on the hour; meet the team, see the warehouse, "
         "and try a shift."),
        ("choir-concert", "Community Choir Concert", "Free entry; retiring collection for the shelter. Programme: "
         "Bach, Fauré and Brahms."),
    ])
    add(_event(id_, title, change, start, start + length, zone, rng.choice(ZONES[zone][4]), notes))

    # overnight across the night of a clock change
    zone, change = _change_day(rng, DST_ZONES)
    spring = offset_at_utc(zone, to_utc(zone, datetime.combine(change, datetime.min.time()) + timedelta(hours=12))) \
        == ZONES[zone][2]  # summer time from that night on: the clocks go forward
    end = rng.randrange(6 * 60, 9 * 60 + 1, 30)
    meal = _hm(end - rng.choice([60, 90]))
    effect = ("so you get an hour less sleep (sorry!)" if spring
              else "so you get an extra hour's sleep (or an extra hour awake)")
    clocks = f"the clocks go {'forward' if spring else 'back'} overnight, {effect}"
    id_, title, first, second = rng.choice([
        ("sleep-out", "Night Shelter Sleep-Out", "Bring a sleeping bag, a warm hat and a torch.",
         f"Breakfast is served from {meal}; {clocks}."),
        ("night-walk", "Midnight Memory Walk", "Route: 20 km through the city centre; rest stops every 5 km, with tea.",
         f"Finish-line breakfast from {meal}; {clocks}."),
        ("stargazing", "Stargazing Night for Charity", "Telescopes provided, but bring binoculars if you have them; "
         "dress warmly.", f"Hot drinks all night and bacon rolls from {meal}; {clocks}."),
        ("telethon-night", "24-Hour Telethon: Night Shift", "Phones, headsets and snacks are provided; parking is free.",
         f"Handover to the day shift at {meal}; {clocks}."),
    ])
    add(_event(id_, title, change - timedelta(days=1), rng.randrange(19 * 60, 22 * 60 + 1, 30), end, zone,
               rng.choice(ZONES[zone][4]), f"{first}\n{second}"))

    # no daylight saving in this zone, whatever the season; no Notes
    zone = rng.choice(FIXED_ZONES)
    start = rng.randrange(10 * 60, 20 * 60 + 1, 30)
    id_, title = rng.choice([("benefit-concert", "Benefit Concert – Strings for Change"),
                             ("gala-dinner", "Gala Dinner – A Taste of Home"),
                             ("art-auction", "Art Auction – Colours of Hope"),
                             ("piano-recital", "Piano Recital – Keys to the Future"),
                             ("dance-showcase", "Dance Showcase – Moving Together")])
    add(_event(id_, title, _pick_day(rng, (5, 1), (9, 30)), start, start + rng.choice([120, 150, 180]), zone,
               rng.choice(ZONES[zone][4])))

    # UTC, with backslashes
    path, start = rng.choice(PATHS), rng.randrange(8 * 60, 18 * 60 + 1, 30)
    id_, title, notes = rng.choice([
        ("webinar-impact", "Impact Report 2024: Live Webinar", "Join from the link in your confirmation e-mail; the "
         f"slides will be in the shared folder {path} afterwards."),
        ("trustee-briefing", f"Trustee Briefing: Q{rng.randint(1, 3)} Results", f"Papers are in {path}; please read them "
         "before the call, and send questions in advance."),
        ("grant-clinic", "Grant Writing Clinic: Online", f"Bring a draft, however rough; templates are in {path}, and "
         "the recording will follow."),
    ])
    add(_event(id_, title, _pick_day(rng), start, start + rng.choice([60, 90]), "UTC",
               rng.choice(["Online", "Online (Zoom)", "Online: link by e-mail"]), notes))

    # all day, no Location
    zone = rng.choice(DST_ZONES + FIXED_ZONES)
    cur = ZONES[zone][3]
    match = rng.choice([10_000, 25_000, 50_000, 100_000])
    id_, title, day = rng.choice([("giving-day", "Giving Tuesday", date(2025, 12, 2)),
                                  ("appeal-day", "Spring Appeal Day", _pick_day(rng, (3, 1), (5, 31))),
                                  ("match-day", "Double Your Donation Day", _pick_day(rng)),
                                  ("awareness-day", "Awareness Day: Wear It Yellow", _pick_day(rng))])
    add(_event(id_, title, day, None, None, zone, None,
               rng.choice([f"Every gift made today is matched, up to {cur}{match:,} in total.",
                           f"Gifts made today are doubled by our sponsor, up to {cur}{match:,}; thank you!"])))

    # the repeating event
    interval = rng.choice([1, 1, 1, 2])
    count = rng.randint(6, 12) if interval == 1 else rng.randint(3, 6)
    every = "monthly" if interval == 1 else "every other month"
    id_, title, location, notes = rng.choice([
        ("volunteer-call", f"{'Monthly' if interval == 1 else 'Bi-monthly'} Volunteer Call",
         "Video call (link sent by e-mail)", "Agenda, rota and updates; everyone is welcome."),
        ("trustee-meeting", "Trustees' Meeting", "Board room, 2 Church Lane, London",
         "Minutes, finance and the risk register; papers go out a week ahead."),
        ("committee-meeting", "Fundraising Committee", "Upstairs room, The Lamb, 94 Lamb's Conduit St, London",
         "Plans, progress and ideas; new members are always welcome."),
        ("supporter-drop-in", "Supporters' Drop-In", "Community Café, 18 Station Rd, Leeds",
         "Tea, cake and a chat; bring a friend, or two."),
    ])
    add(_event(id_, title, date(2025, 1, 14), 18 * 60, 18 * 60 + rng.choice([45, 60, 90, 120]), "Europe/London",
               location, notes, (every, interval, count)))

    # ordinary events
    for id_, title, notes in rng.sample([
        ("coffee-morning", "Coffee Morning", "Cakes, coffee and a raffle; {cur}{n} suggested donation."),
        ("garden-party", "Summer Garden Party", "Pimm's, strawberries and a brass band; tickets {cur}{n}, under-12s free."),
        ("cycle-ride", "Charity Cycle Ride: Coast to Coast", "Entry {cur}{n}; helmets compulsory, e-bikes welcome."),
        ("dog-show", "Fun Dog Show", "Classes: waggiest tail, best rescue, and most like its owner; {cur}{n} a class."),
    ], rng.choice([0, 1, 1, 2])):
        zone = rng.choice(DST_ZONES)
        start = rng.randrange(9 * 60, 18 * 60 + 1, 30)
        add(_event(id_, title, _pick_day(rng), start, start + rng.choice([90, 120, 180]), zone,
                   rng.choice(ZONES[zone][4]), notes.format(cur=ZONES[zone][3], n=rng.randint(3, 20))))
    rng.shuffle(events)
    return events


def schedule(events):
    out = ["# Fundraising events, 2025",
           "#",
           '# One block per event, blocks separated by blank lines; lines starting with "#" are comments.',
           "# Date and Time are local to the event's Timezone (an IANA time zone name, or UTC).",
           '# "Time: all day" marks an all-day event. A Notes line may continue on the following lines,',
           "# indented by two spaces: each indented line is a new line of the notes.",
           ""]
    for ev in events:
        time = "all day" if ev["start"] is None else f"{_hm(ev['start'])}-{_hm(ev['end'])}"
        out += [f"ID: {ev['id']}", f"Title: {ev['title']}", f"Date: {ev['date'].isoformat()}", f"Time: {time}",
                f"Timezone: {ev['zone']}"]
        if ev["location"]:
            out.append(f"Location: {ev['location']}")
        if ev["repeats"]:
            every, _interval, count = ev["repeats"]
            out.append(f"Repeats: {every} on the second Tuesday, {count} times in all")
        if ev["notes"]:
            first, *more = ev["notes"].split("\n")
            out += [f"Notes: {first}"] + [f"  {line}" for line in more]
        out.append("")
    return "\n".join(out)


def _stamp(utc):
    return utc.strftime("%Y%m%dT%H%M%SZ")


def expected(events):
    text, utc_times, params = {}, {}, {}
    for ev in events:
        uid = f"{ev['id']}@events.example.org"
        text[uid] = [ev["title"], ev["location"], ev["notes"]]
        midnight = datetime.combine(ev["date"], datetime.min.time())
        if ev["start"] is None:
            params["all_day"] = [uid, f"{ev['date']:%Y%m%d}", f"{ev['date'] + timedelta(days=1):%Y%m%d}"]
            continue
        start = midnight + timedelta(minutes=ev["start"])
        end = midnight + timedelta(minutes=ev["end"] + (1440 if ev["end"] < ev["start"] else 0))
        if ev["repeats"]:
            _every, interval, count = ev["repeats"]
            occurrences, year, month = [], start.year, start.month
            while len(occurrences) < count:
                first = date(year, month, 1)
                tuesday = first + timedelta(days=(1 - first.weekday()) % 7 + 7)
                occurrences.append(tuesday.isoformat())
                year, month = year + (month + interval - 1) // 12, (month + interval - 1) % 12 + 1
            assert occurrences[0] == ev["date"].isoformat()
            params.update(recurring=uid, recurring_start=[ev["zone"], f"{start:%Y%m%dT%H%M%S}"],
                          recurring_end=[ev["zone"], f"{end:%Y%m%dT%H%M%S}"], occurrences=occurrences)
        else:
            utc_times[uid] = [_stamp(to_utc(ev["zone"], start)), _stamp(to_utc(ev["zone"], end))]
    params.update(text=text, utc_times=utc_times)
    return params


def generate(rng):
    events = build(rng)
    return {"schedule.txt": schedule(events)}, expected(events)
