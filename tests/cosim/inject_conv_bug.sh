#!/usr/bin/env bash
# Injects deliberate bugs into a copy of the convolution engine and requires the
# co-simulation to catch each one (exit 1, a MISMATCH report naming the layer, an
# FST waveform): an off-by-one window edge, padding ignored, a lane that never emits
# its channel, and sparse fire forgetting the rows that emitted. The network
# (data/conv_mutant_net.json: conv k3 p1 with 2 lanes and sparse fire, conv with a
# rectangular dilated kernel, stride and padding, lif and bias, sumpool, dense) spikes
# in every layer. First the unmodified copy must pass.
#   usage: inject_conv_bug.sh SPIKEFORGE SOURCE_DIR
set -euo pipefail
sf=$1
src=$2
data=$src/tests/cosim/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fresh_home() {
  rm -rf "$tmp/home"
  mkdir -p "$tmp/home"
  cp -r "$src/rtl_templates" "$src/sim" "$src/fpga_boards" "$tmp/home/"
}

source "$src/tests/common/inject_lib.sh"
mutate_rtl() { mutate "$tmp/home/rtl_templates/$1" "$2" "$3"; }

run_sim() {
  SPIKEFORGE_HOME=$tmp/home "$sf" sim "$data/conv_mutant_net.json" --input "$data/conv_mutant_in.json" \
    --work "$tmp/work" --waves "$tmp/fail.fst" > "$tmp/out.txt" 2>&1
}
caught_extra() {
  grep -qE "layer '|cycles of timestep" "$tmp/out.txt" || { echo "$1: report names no layer"; cat "$tmp/out.txt"; exit 1; }
  [ -s "$tmp/fail.fst" ] || { echo "$1: no waveform written"; exit 1; }
  rm -f "$tmp/fail.fst"
}

fresh_home
run_sim || { echo "unmodified RTL failed:"; cat "$tmp/out.txt"; exit 1; }
echo "unmodified RTL: pass"

# 1. Off-by-one window edge: the last output row / column is never reached.
fresh_home
mutate_rtl sf_conv_decode.v "if ((t % s) == 0 && (t / s) < on) f_ax_ok = 1;" "if ((t % s) == 0 && (t / s) < on - 1) f_ax_ok = 1;"
expect_caught "window edge off by one"

# 2. Padding ignored when a coordinate's window is found.
fresh_home
mutate_rtl sf_conv_decode.v "t = c + p - k * d;" "t = c - k * d;"
expect_caught "padding ignored"

# 3. A lane that skips its channel: lane 0 never emits.
fresh_home
mutate_rtl sf_conv_engine.v "wire [P-1:0] fire_mask = lane_spike & lane_live;" \
  "wire [P-1:0] fire_mask = ((lane_spike & lane_live) >> 1) << 1;"
expect_caught "lane 0 skips its channel"

# 4. Sparse fire forgets the rows that emitted (their neurons may still fire).
fresh_home
mutate_rtl sf_conv_engine.v "if (dirty_set_fire) dirty_reg[frow_reg] <= 1'b1;" ""
expect_caught "sparse fire drops emitting rows"

echo "PASS: every injected conv engine bug was caught"
