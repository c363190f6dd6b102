#!/usr/bin/env bash
# Reference solution for campaign-page.
set -euo pipefail
mkdir -p site/images
cp assets/hero.png site/images/hero.png
python3 - <<'PY'
import json
from datetime import date
from decimal import Decimal
from html import escape

with open("content.json", encoding="utf-8") as f:
    c = json.load(f)
camp = c["campaign"]


def usd(cents):
    return f"${Decimal(cents) / 100:,.2f}"


raised, goal = camp["raised_cents"], camp["goal_cents"]
percent = raised * 100 // goal
d = date.fromisoformat(camp["deadline"])
deadline = f"{d.day} {d.strftime('%B')} {d.year}"

out = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    f"<title>{escape(camp['title'])}</title>",
    '<link rel="stylesheet" href="style.css">',
    "</head>",
    "<body>",
    "<header>",
    f"<h1>{escape(camp['title'])}</h1>",
    f'<p class="tagline">{escape(camp["tagline"])}</p>',
    "</header>",
    "<main>",
    f'<img src="images/hero.png" alt="{escape(camp["hero_image"]["alt"], quote=True)}">',
    f'<p id="progress">{usd(raised)} raised of {usd(goal)} goal ({percent}% funded)</p>',
    f'<p id="deadline">Donations close on {deadline}.</p>',
]
for s in sorted((s for s in c["sections"] if not s.get("draft")), key=lambda s: s["order"]):
    out.append(f'<section id="{escape(s["id"], quote=True)}">')
    out.append(f"<h2>{escape(s['heading'])}</h2>")
    out += [f"<p>{escape(p)}</p>" for p in s["paragraphs"]]
    out.append("</section>")
tiers = sorted((t for t in c["tiers"] if t["available"]), key=lambda t: (t["amount_cents"], t["name"]))
out += ['<table id="tiers">', "<thead><tr><th>Tier</th><th>Amount</th><th>Perks</th></tr></thead>", "<tbody>"]
out += [f"<tr><td>{escape(t['name'])}</td><td>{usd(t['amount_cents'])}</td><td>{escape(t['perks'])}</td></tr>"
        for t in tiers]
out += ["</tbody>", "</table>", '<ul id="links">']
for link in c["links"]:
    url = link["url"]
    extra = ' target="_blank" rel="noopener noreferrer"' if url.startswith(("http://", "https://")) else ""
    out.append(f'<li><a href="{escape(url, quote=True)}"{extra}>{escape(link["label"])}</a></li>')
out += ["</ul>", "</main>", "</body>", "</html>", ""]
with open("site/index.html", "w", encoding="utf-8") as f:
    f.write("\n".join(out))

css = """body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
h1 { font-size: 2rem; }
.tagline { font-size: 1.2rem; color: #335; }
img { max-width: 100%; height: auto; }
#progress { font-weight: bold; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 0.4rem; text-align: left; }
"""
with open("site/style.css", "w", encoding="utf-8") as f:
    f.write(css)
PY
ls -l site site/images
