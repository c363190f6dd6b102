"""Instance N of log-pipeline: its own week of nginx logs, with the traps of the shipped one.

About 2,000 requests from a few hundred IPs over a week, spread over the four files (the two
oldest gzip-compressed), the server's UTC offset changing between files and inside one; odd
requests ("-", escaped binary) that still count; lines cut off mid-write, blank lines and
logrotate notes that do not; POST failures to /donate, /donate/... and the look-alike
/donated-items, with query strings. The expected report is counted from the requests as they were
generated, not by parsing the text, so it checks the solution's parser too.
"""

import gzip
import hashlib
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

START = datetime(2025, 2, 24, 6, 0, tzinfo=timezone.utc)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PATHS = ["/", "/donate", "/donate/confirm", "/donate/monthly", "/donate/gift-aid", "/donate/one-off",
         "/donated-items", "/about", "/static/css/site.css", "/images/hero.jpg", "/news"]
STATUSES = [200] * 30 + [201, 301, 302, 302, 304, 304, 400, 402, 403, 404, 404, 404, 405, 409, 422, 429, 500, 502, 503]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X)",
          "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0"]


def _stamp(t, offset_minutes):
    local = t + timedelta(minutes=offset_minutes)
    sign = "+" if offset_minutes >= 0 else "-"
    hh, mm = divmod(abs(offset_minutes), 60)
    return f"{local.day:02d}/{MONTHS[local.month - 1]}/{local.year}:{local:%H:%M:%S} {sign}{hh:02d}{mm:02d}"


def generate(rng):
    ips = [f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
           for _ in range(rng.randint(250, 400))]
    n = rng.randint(1800, 2400)
    times = sorted(START + timedelta(seconds=rng.randint(0, 7 * 86400)) for _ in range(n))
    offsets = [rng.choice([-300, -480, 60]), None, 0, rng.choice([330, 540, -240])]  # per file; None: changes inside
    cut = sorted(rng.sample(range(n // 5, 4 * n // 5), 3))
    bounds = [0, *cut, n]
    files, codes, fails, seen = {}, Counter(), Counter(), defaultdict(set)
    names = ["access.log.3.gz", "access.log.2.gz", "access.log.1", "access.log"]
    for k, name in enumerate(names):
        lines = []
        for i in range(bounds[k], bounds[k + 1]):
            t = times[i]
            offset = offsets[k] if offsets[k] is not None else (-300 if i < (bounds[k] + bounds[k + 1]) // 2 else 0)
            ip, status = rng.choice(ips), rng.choice(STATUSES)
            roll = rng.random()
            if roll < 0.02:
                request = "-"
            elif roll < 0.04:
                request = "\\x16\\x03\\x01"
            else:
                method = "POST" if rng.random() < 0.35 else "GET"
                path = rng.choice(PATHS) + (rng.choice(["", "", "?campaign=spring", "?ref=mail&utm_source=x"]))
                request = f"{method} {path} HTTP/1.1"
                if method == "POST" and 400 <= status <= 599:
                    bare = path.split("?")[0]
                    if bare == "/donate" or bare.startswith("/donate/"):
                        fails[bare] += 1
            codes[status] += 1
            seen[t.strftime("%Y-%m-%d")].add(ip)
            size = "0" if status == 304 else str(rng.randint(200, 50000))
            lines.append(f'{ip} - - [{_stamp(t, offset)}] "{request}" {status} {size} "https://example.org/" "{rng.choice(AGENTS)}"')
            if rng.random() < 0.004:  # a line cut off in the middle of a write: not a request
                whole = f'{rng.choice(ips)} - - [{_stamp(t, offset)}] "GET /donate HTTP/1.1" 200 512 "-" "Mozilla'
                lines.append(whole[: rng.randint(10, len(whole) - 1)])
        lines.insert(rng.randint(0, len(lines)), "")
        if k < 3:
            lines.append("# logrotate: rotated at " + times[bounds[k + 1] - 1].strftime("%Y-%m-%d %H:%M:%S"))
        text = ("\n".join(lines) + "\n").encode()
        files[f"logs/{name}"] = gzip.compress(text, mtime=0) if name.endswith(".gz") else text
    top = sorted(fails.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:5]
    expected = {"status_codes": [[str(c), str(codes[c])] for c in sorted(codes)],
                "donate_post_failures": [[p, str(c)] for p, c in top],
                "unique_ips_per_utc_day": [[d, str(len(seen[d]))] for d in sorted(seen)]}
    sha = {name.split("/", 1)[1]: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    return files, {"expected": expected, "log_sha256": sha}
