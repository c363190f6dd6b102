#!/usr/bin/env bash
# Reference solution for log-pipeline: write report.sh (bash + gawk only), then run it.
set -euo pipefail
cat > report.sh <<'SH'
#!/usr/bin/env bash
# Build report.txt from the nginx access logs in logs/ (the current file, .1, and the gzipped .2 and .3).
set -euo pipefail
cd "$(dirname "$0")"
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{ zcat logs/access.log.3.gz logs/access.log.2.gz; cat logs/access.log.1 logs/access.log; } |
gawk -v out="$tmp" '
BEGIN {
    split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " ")
    for (i = 1; i <= 12; i++) mon[names[i]] = i
}
# complete lines only: ip - user [dd/Mon/yyyy:HH:MM:SS +hhmm] "request" status bytes "referer" "agent"
match($0, /^([^ ]+) [^ ]+ [^ ]+ \[([0-9][0-9])\/([A-Z][a-z][a-z])\/([0-9][0-9][0-9][0-9]):([0-9][0-9]):([0-9][0-9]):([0-9][0-9]) ([+-])([0-9][0-9])([0-9][0-9])\] "(([^"\\]|\\.)*)" ([0-9][0-9][0-9]) ([0-9]+|-) "([^"\\]|\\.)*" "([^"\\]|\\.)*"$/, f) {
    if (!(f[3] in mon)) next
    ip = f[1]; status = f[13] + 0
    local = mktime(f[4] " " mon[f[3]] " " f[2] " " f[5] " " f[6] " " f[7], 1)
    offset = (f[9] * 3600 + f[10] * 60) * (f[8] == "-" ? -1 : 1)
    day = strftime("%Y-%m-%d", local - offset, 1)
    codes[f[13]]++
    if (!((day, ip) in seen)) { seen[day, ip] = 1; ips[day]++ }
    n = split(f[11], req, " ")
    if (n == 3 && req[1] == "POST" && status >= 400 && status <= 599) {
        path = req[2]
        sub(/\?.*/, "", path)
        if (path == "/donate" || index(path, "/donate/") == 1) fails[path]++
    }
}
END {
    for (c in codes) print c, codes[c] > (out "/codes")
    for (p in fails) print p, fails[p] > (out "/fails")
    for (d in ips) print d, ips[d] > (out "/days")
}'
touch "$tmp/codes" "$tmp/fails" "$tmp/days"

{
    echo "[status_codes]"
    sort -n -k1,1 "$tmp/codes"
    echo
    echo "[donate_post_failures]"
    sort -k2,2nr -k1,1 "$tmp/fails" | head -n 5
    echo
    echo "[unique_ips_per_utc_day]"
    sort -k1,1 "$tmp/days"
} > report.txt
SH
bash report.sh
cat report.txt
