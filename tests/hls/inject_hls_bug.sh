#!/usr/bin/env bash
# Injects deliberate bugs into a copy of the HLS templates and requires
# `spikeforge sim --backend hls` to catch each one: exit status 1 and a report
# naming what differs. First the unmodified copy must pass, so a failure here
# means the checker, not the setup. The network (lif with a shift leak, biases,
# signed graded payloads, a `gt` layer with zero reset) reaches every mutated line of the dense
# template; a conv network (tests/cosim/data/conv_mutant_net.json) those of the conv template.
#   usage: inject_hls_bug.sh SPIKEFORGE SOURCE_DIR
set -euo pipefail
sf=$1
src=$2
data=$src/tests/board/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fresh_home() {
  rm -rf "$tmp/home"
  mkdir -p "$tmp/home"
  cp -r "$src/hls" "$src/fpga_boards" "$tmp/home/"
}

source "$src/tests/common/inject_lib.sh"
mutate_hls() { mutate "$tmp/home/hls/include/sf_hls/$1" "$2" "$3"; }

run_sim() {
  SPIKEFORGE_HOME=$tmp/home "$sf" sim "$data/graded_net.json" --input "$data/graded_in.json" \
    --backend hls --work "$tmp/work" > "$tmp/out.txt" 2>&1
}

fresh_home
run_sim || { echo "unmodified templates failed:"; cat "$tmp/out.txt"; exit 1; }
echo "unmodified templates: pass"

# 1. trunc0 becomes an arithmetic shift (floor) in the shift leak of negative v.
fresh_home
mutate_hls arith.h "const bool neg = a < 0;" "const bool neg = false;"
expect_caught "floor instead of trunc0"

# 2. ge and gt swapped.
fresh_home
mutate_hls neuron_iflif.h "CFG::fire_gt ? (v > CFG::threshold) : (v >= CFG::threshold)" \
  "CFG::fire_gt ? (v >= CFG::threshold) : (v > CFG::threshold)"
expect_caught "ge/gt swapped"

# 3. Biases dropped.
fresh_home
mutate_hls dense.h "if (CFG::has_bias) x = " "if (false) x = "
expect_caught "bias dropped"

# 4. No end-of-timestep word: the next layer reads an empty stream.
fresh_home
mutate_hls dense.h "        out.write(out_t::end_of_step());" "        (void)0;"
expect_caught "missing end-of-timestep word"

# The conv template, on a network of conv2d (k3 p1; a rectangular, dilated, strided kernel with
# bias), sumpool2d and dense layers.
run_sim() {
  SPIKEFORGE_HOME=$tmp/home "$sf" sim "$src/tests/cosim/data/conv_mutant_net.json" \
    --input "$src/tests/cosim/data/conv_mutant_in.json" --backend hls --work "$tmp/work" > "$tmp/out.txt" 2>&1
}
fresh_home
run_sim || { echo "unmodified templates failed on the conv network:"; cat "$tmp/out.txt"; exit 1; }

# 5. A window edge off by one: the last output row never reached.
fresh_home
mutate_hls conv2d.h "ny / CFG::sh >= CFG::h_out) continue;" "ny / CFG::sh >= CFG::h_out - 1) continue;"
expect_caught "conv window edge off by one"

# 6. Padding ignored.
fresh_home
mutate_hls conv2d.h "const int nx = x + CFG::pw - kx * CFG::dw;" "const int nx = x - kx * CFG::dw;"
expect_caught "conv padding ignored"

# 7. The per-channel bias read per neuron.
fresh_home
mutate_hls conv2d.h "b[CFG::has_bias ? n / positions : 0]" "b[CFG::has_bias ? n % CFG::c_out : 0]"
expect_caught "conv bias of the wrong channel"

echo "all injected HLS bugs caught"
