"""Instance N of campaign-page: its own school-water campaign in content.json (the photo stays).

Another town and school, goal and amount raised (the percentage rounds down), deadline (a day
under 10, so the leading zero must go), sections shuffled by "order" with one or two drafts whose
text must not leak, paragraphs with &, <, > and quotes, tiers in random order with a tie on the
amount, one unavailable, and links mixing https, http, mailto and relative paths. Everything the
grader expects is derived from this content by the opening's rules.
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOWNS = ["Riverside", "Hillcrest", "Marsh End", "Oakbridge", "Stonefield", "Brookvale", "Kettle Bay"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
PARAGRAPHS = [
    "Only 2 of {town}'s 9 schools (<25%) have a tap that works all year.",
    "Children carry 20 L jerry cans \"home and back\" before lessons start.",
    "$40 keeps a rainwater tank's filter clean & safe for a whole term.",
    "Every gift is matched 1:1 by our partners until the deadline.",
    "Quote the reference <{code}> on bank transfers so we can thank you.",
    "Teachers say attendance rises by a third when water is on site.",
    "A hand-washing station costs $1,800 & serves 200 pupils.",
]
TIERS = ["Supporter", "Friend", "Builder", "Classroom Sponsor", "Water Champion", "School Partner", "Tank Hero"]
PERKS = ["Digital postcard from the pupils", "Thank-you email & term updates", "Builder's badge", "A year of filters",
         "Your name on the tank plaque", "Framed photo and a named tap", "A \"thank you\" video"]


def _usd(cents):
    return f"${cents // 100:,}.{cents % 100:02d}"


def generate(rng):
    with open(os.path.join(HERE, "files", "content.json"), encoding="utf-8") as f:
        shipped = json.load(f)
    town = rng.choice(TOWNS)
    code = f"{town.upper().replace(' ', '')[:8]}-{rng.randint(25, 27)}"
    goal = rng.randint(50, 400) * 100000
    raised = rng.randint(goal // 5, goal - 1)
    day, month = rng.randint(1, 9), rng.randint(1, 12)
    campaign = {"title": f"Safe Water for {town} Schools \u2014 {2025 + rng.randint(0, 1)} Appeal",
                "tagline": f"Clean water & a healthy school day for {rng.randint(3, 30) * 100:,} pupils.",
                "goal_cents": goal, "raised_cents": raised, "deadline": f"2025-{month:02d}-{day:02d}",
                "hero_image": {"file": "assets/hero.png",
                               "alt": f"Pupils at {town} Primary holding a \"Water for all\" banner"}}
    ids = ["story", "impact", "give", "partners"]
    orders = rng.sample(range(1, 8), len(ids) + 2)
    sections = [{"id": sid, "order": orders[i], "heading": f"{sid.title()} in {town}", "draft": False,
                 "paragraphs": [p.format(town=town, code=code) for p in rng.sample(PARAGRAPHS, rng.randint(1, 3))]}
                for i, sid in enumerate(ids)]
    drafts = [{"id": f"draft-{k}", "order": orders[len(ids) + k], "heading": f"Internal: board memo {k}",
               "draft": True, "paragraphs": [f"Do not publish: reserve figure {rng.randint(1000, 9999)} under review."]}
              for k in range(rng.randint(1, 2))]
    all_sections = sections + drafts
    rng.shuffle(all_sections)
    amounts = sorted(rng.sample(range(1, 200), 5))
    tiers = [{"name": TIERS[i], "amount_cents": amounts[i] * 500 + rng.choice([0, 0, 99]), "perks": PERKS[i],
              "available": True} for i in range(5)]
    tiers.append({"name": TIERS[5], "amount_cents": tiers[rng.randint(0, 4)]["amount_cents"], "perks": PERKS[5],
                  "available": True})  # a tie on the amount: the name decides
    tiers.append({"name": TIERS[6], "amount_cents": rng.randint(1, 99) * 1000, "perks": PERKS[6], "available": False})
    rng.shuffle(tiers)
    links = [{"label": "Donate now", "url": f"https://donate.example.org/{town.lower().replace(' ', '-')}"},
             {"label": "Read the annual report", "url": f"reports/annual-{rng.randint(2022, 2024)}.pdf"},
             {"label": "Email the team", "url": "mailto:water@example.org"},
             {"label": "Follow the build", "url": f"http://updates.example.net/{town.lower().replace(' ', '')}"}]
    rng.shuffle(links)
    content = {**shipped, "campaign": campaign, "sections": all_sections, "tiers": tiers, "links": links}
    shown = sorted((s for s in all_sections if not s["draft"]), key=lambda s: s["order"])
    available = sorted((t for t in tiers if t["available"]), key=lambda t: (t["amount_cents"], t["name"]))
    params = {
        "title": campaign["title"], "tagline": campaign["tagline"], "hero_alt": campaign["hero_image"]["alt"],
        "progress": f"{_usd(raised)} raised of {_usd(goal)} goal ({raised * 100 // goal}% funded)",
        "deadline": f"Donations close on {day} {MONTHS[month - 1]} 2025.",
        "sections": [[s["id"], s["heading"], s["paragraphs"]] for s in shown],
        "draft_ids": [d["id"] for d in drafts],
        "draft_markers": [m for d in drafts for m in (d["id"], d["heading"], d["paragraphs"][0][-30:])],
        "tiers": [[t["name"], _usd(t["amount_cents"]), t["perks"]] for t in available],
        "links": [[ln["label"], ln["url"], ln["url"].startswith(("http://", "https://"))] for ln in links],
    }
    return {"content.json": json.dumps(content, indent=2, ensure_ascii=False)}, params
