#!/usr/bin/env bash
# The Cybench challenges as data, at setup time and never at run time: the `inspect-evals`
# distribution on PyPI, pinned by version and checksum, unpacked to .data/cybench/ (only its
# inspect_evals/cybench/challenges/ folder). prefgym reads it as files and never imports it; another
# copy of the same layout can be named with --cybench-dir or $PREFGYM_CYBENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.28.0
SHA256=1d5735999b1c4e481162cacc29b962beeefd540c1e6222cccfdb40e79e8d459d
WHEEL="inspect_evals-${VERSION}-py3-none-any.whl"
DEST=.data/cybench
[ -f "$DEST/.inspect-evals-$VERSION" ] && exit 0
PY="${PYTHON:-.venv/bin/python}"
mkdir -p .data/download
if [ ! -f ".data/download/$WHEEL" ]; then
  echo "setup: downloading the Cybench challenges (inspect-evals $VERSION from PyPI, 21 MB)"
  "$PY" -m pip download -q --no-deps "inspect-evals==$VERSION" -d .data/download
fi
echo "$SHA256  .data/download/$WHEEL" | sha256sum -c --quiet - \
  || { echo "setup: .data/download/$WHEEL does not match its pinned checksum" >&2; exit 1; }
rm -rf "$DEST" && mkdir -p "$DEST"
"$PY" - "$DEST" ".data/download/$WHEEL" <<'PYEOF'
import sys, zipfile, pathlib, stat
dest, wheel = pathlib.Path(sys.argv[1]), sys.argv[2]
prefix = "inspect_evals/cybench/challenges/"
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if info.filename.startswith(prefix) and not info.is_dir():
            target = dest / "challenges" / info.filename[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))
            mode = info.external_attr >> 16
            if mode & stat.S_IXUSR:
                target.chmod(0o755)
PYEOF
touch "$DEST/.inspect-evals-$VERSION"
echo "setup: Cybench challenges in $DEST/challenges ($(ls "$DEST/challenges" | wc -l) folders)"
