#!/usr/bin/env bash
# Injects deliberate bugs into a copy of the RTL templates and requires the
# co-simulation to catch each one: exit status 1, a MISMATCH report naming the
# layer, and an FST waveform. First it checks the unmodified copy passes, so a
# failure here means the checker, not the setup.
#   usage: inject_bug.sh SPIKEFORGE SOURCE_DIR
set -euo pipefail
sf=$1
src=$2
data=$src/tests/cosim/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fresh_home() {
  rm -rf "$tmp/home"
  mkdir -p "$tmp/home"
  cp -r "$src/rtl_templates" "$src/sim" "$tmp/home/"
}

# mutate FILE OLD NEW: replace a literal string, and fail if it is not there.
mutate() {
  local file=$tmp/home/rtl_templates/$1
  grep -qF -- "$2" "$file" || { echo "setup: pattern not found in $1: $2"; exit 2; }
  python3 - "$file" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
open(path, "w").write(text.replace(old, new, 1))
PY
}

run_sim() {
  SPIKEFORGE_HOME=$tmp/home "$sf" sim "$data/mutant_net.json" --input "$data/mutant_in.json" \
    --work "$tmp/work" --waves "$tmp/fail.fst" > "$tmp/out.txt" 2>&1
}

fresh_home
run_sim || { echo "unmodified RTL failed:"; cat "$tmp/out.txt"; exit 1; }
echo "unmodified RTL: pass"

expect_caught() {
  local name=$1
  rm -f "$tmp/fail.fst"
  rm -rf "$tmp/work"
  set +e
  run_sim
  local rc=$?
  set -e
  if [ "$rc" -ne 1 ]; then echo "$name: expected exit 1, got $rc"; cat "$tmp/out.txt"; exit 1; fi
  grep -q "MISMATCH" "$tmp/out.txt" || { echo "$name: no MISMATCH report"; cat "$tmp/out.txt"; exit 1; }
  grep -qE "layer '|cycles of timestep" "$tmp/out.txt" || { echo "$name: report names no layer"; cat "$tmp/out.txt"; exit 1; }
  [ -s "$tmp/fail.fst" ] || { echo "$name: no waveform written"; exit 1; }
  echo "$name: caught: $(grep -m1 MISMATCH "$tmp/out.txt")"
}

# 1. Read-after-write forwarding removed: back-to-back events lose updates.
fresh_home
mutate sf_dense_engine.v "fwd_hit_reg ? fwd_data_reg : acc_rdata_mem" "acc_rdata_mem"
expect_caught "no acc forwarding"

# 2. Off-by-one threshold handed to the neuron lanes.
fresh_home
mutate sf_dense_engine.v ".THRESHOLD(THRESHOLD)," ".THRESHOLD(THRESHOLD + 1),"
expect_caught "threshold + 1"

# 3. Timing only: the fire phase waits one cycle longer than the cycle model says.
fresh_home
mutate sf_dense_engine.v "if (fire_ok && !s2_valid_reg) begin" "if (fire_ok && !s2_valid_reg && !s3_valid_reg) begin"
expect_caught "extra fire wait cycle"

# 4. Lane validity mask dropped: padding lanes of the last chunk may spike.
fresh_home
mutate sf_dense_engine.v "wire [P-1:0] fire_mask = lane_spike & lane_live;" "wire [P-1:0] fire_mask = lane_spike;"
mutate sf_dense_engine.v "            mask_next   = fb_mask_reg;" "            mask_next   = fb_mask_reg | {P{1'b1}};"
expect_caught "spurious lane spikes"

# 5. Debug read port answers from the wrong chunk.
fresh_home
mutate sf_dense_engine.v "st_raddr = dbg_rd_addr;" "st_raddr = dbg_rd_addr + 1'b1;"
expect_caught "debug read off by one chunk"

echo "all injected bugs caught"
