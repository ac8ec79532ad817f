# Shared by the inject-a-bug tests (tests/cosim/inject_bug.sh, tests/hls/inject_hls_bug.sh):
# each copies the templates it mutates into $tmp/home, defines run_sim (which
# writes $tmp/out.txt and returns the simulator's exit status) and optionally
# caught_extra NAME (more checks on a caught bug), then calls these.

# mutate FILE OLD NEW: replace the first literal OLD in FILE, and fail if it is not there.
mutate() {
  local file=$1
  grep -qF -- "$2" "$file" || { echo "setup: pattern not found in $file: $2"; exit 2; }
  python3 - "$file" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
open(path, "w").write(text.replace(old, new, 1))
PY
}

# expect_caught NAME: run_sim must exit 1 with a MISMATCH report.
expect_caught() {
  local name=$1
  rm -rf "$tmp/work"
  set +e
  run_sim
  local rc=$?
  set -e
  if [ "$rc" -ne 1 ]; then echo "$name: expected exit 1, got $rc"; cat "$tmp/out.txt"; exit 1; fi
  grep -q "MISMATCH" "$tmp/out.txt" || { echo "$name: no MISMATCH report"; cat "$tmp/out.txt"; exit 1; }
  if declare -F caught_extra > /dev/null; then caught_extra "$name"; fi
  echo "$name: caught: $(grep -m1 MISMATCH "$tmp/out.txt")"
}
