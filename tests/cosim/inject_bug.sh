#!/usr/bin/env bash
# Injects deliberate bugs into a copy of the RTL templates and requires the
# co-simulation to catch each one: exit status 1, a MISMATCH report naming the
# layer, and an FST waveform. First it checks the unmodified copy passes, so a
# failure here means the checker, not the setup.
#   usage: inject_bug.sh SPIKEFORGE SOURCE_DIR [verilator|systemc]
# The SystemC flavour shares the checks with the C++ one, so it runs a
# functional and a timing bug only (each case is a full Verilator build).
set -euo pipefail
sf=$1
src=$2
backend=${3:-verilator}
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

net=mutant_net.json
raster=mutant_in.json
run_sim() {
  SPIKEFORGE_HOME=$tmp/home "$sf" sim "$data/$net" --input "$data/$raster" \
    --backend "$backend" --work "$tmp/work" --waves "$tmp/fail.fst" > "$tmp/out.txt" 2>&1
}

fresh_home
run_sim || { echo "unmodified RTL failed:"; cat "$tmp/out.txt"; exit 1; }
echo "unmodified RTL: pass"

caught_extra() {
  grep -qE "layer '|cycles of timestep" "$tmp/out.txt" || { echo "$1: report names no layer"; cat "$tmp/out.txt"; exit 1; }
  [ -s "$tmp/fail.fst" ] || { echo "$1: no waveform written"; exit 1; }
  rm -f "$tmp/fail.fst"
}

# 1. Read-after-write forwarding removed: back-to-back events lose updates.
fresh_home
mutate_rtl sf_dense_engine.v "fwd_hit_reg ? fwd_data_reg : acc_rdata_int" "acc_rdata_int"
expect_caught "no acc forwarding"

if [ "$backend" = systemc ]; then
  fresh_home
  mutate_rtl sf_dense_engine.v "if (fire_ok && !s2_valid_reg) begin" "if (fire_ok && !s2_valid_reg && !s3_valid_reg) begin"
  expect_caught "extra fire wait cycle"
  echo "all injected bugs caught ($backend)"
  exit 0
fi

# 2. Off-by-one threshold handed to the neuron lanes.
fresh_home
mutate_rtl sf_dense_engine.v ".THRESHOLD(THRESHOLD)," ".THRESHOLD(THRESHOLD + 1),"
expect_caught "threshold + 1"

# 3. Timing only: the fire phase waits one cycle longer than the cycle model says.
fresh_home
mutate_rtl sf_dense_engine.v "if (fire_ok && !s2_valid_reg) begin" "if (fire_ok && !s2_valid_reg && !s3_valid_reg) begin"
expect_caught "extra fire wait cycle"

# 4. Lane validity mask dropped: padding lanes of the last chunk may spike.
fresh_home
mutate_rtl sf_dense_engine.v "wire [P-1:0] fire_mask = lane_spike & lane_live;" "wire [P-1:0] fire_mask = lane_spike;"
mutate_rtl sf_dense_engine.v "            mask_next   = fb_mask_reg;" "            mask_next   = fb_mask_reg | {P{1'b1}};"
expect_caught "spurious lane spikes"

# 5. Debug read port answers from the wrong chunk.
fresh_home
mutate_rtl sf_dense_engine.v "st_raddr = dbg_rd_addr;" "st_raddr = dbg_rd_addr + 1'b1;"
expect_caught "debug read off by one chunk"

# loihi2 layers (a 3-layer random loihi2 network whose layers all fire)
net=mutant_loihi2_net.json
raster=mutant_loihi2_in.json
fresh_home
run_sim || { echo "unmodified RTL failed on the loihi2 network:"; cat "$tmp/out.txt"; exit 1; }
echo "unmodified RTL, loihi2 network: pass"

# 6. The acc banks never swap: the synaptic delay disappears.
fresh_home
mutate_rtl sf_dense_engine.v "if (DELAY_BANK != 0) bank_next = ~bank_reg;" "if (DELAY_BANK != 0) bank_next = bank_reg;"
expect_caught "loihi2 banks not swapped"

# 7. u and v swapped in the lane's state word.
fresh_home
mutate_rtl sf_neuron_lane.v "assign state_o = {u_o, v_o};" "assign state_o = {v_o, u_o};"
expect_caught "loihi2 u/v swapped"

# 8. weight_exp applied as a plain (truncating) division instead of the floor shift.
fresh_home
mutate_rtl sf_neuron_lane.v "assign a = acc_i >>> (-WEIGHT_EXP);" "assign a = acc_i / (1 <<< (-WEIGHT_EXP));"
expect_caught "loihi2 weight_exp rounds toward zero"

# akida layers (multi-bit events through the FIFO; 14 lanes in the first layer)
net=mutant_akida_net.json
raster=mutant_akida_in.json
fresh_home
run_sim || { echo "unmodified RTL failed on the akida network:"; cat "$tmp/out.txt"; exit 1; }
echo "unmodified RTL, akida network: pass"

# 9. The emitted event takes lane 0's value instead of the emitted lane's.
fresh_home
mutate_rtl sf_dense_engine.v "epay_reg[emit_lane*OUT_PAY_BITS +: OUT_PAY_BITS]" "epay_reg[0 +: OUT_PAY_BITS]"
expect_caught "akida event value of the wrong lane"

# 10. Not stateless: the fire phase keeps the step's sums instead of clearing them.
fresh_home
mutate_rtl sf_dense_engine.v "            acc_wfire = 1'b1;
            acc_waddr = fchunk_reg;
            acc_wdata = {P*ACC_BITS{1'b0}};" "            acc_wfire = 1'b1;
            acc_waddr = fchunk_reg;
            acc_wdata = (PAYLOAD != 0) ? acc_fire : {P*ACC_BITS{1'b0}};"
expect_caught "akida sums carried over"

# akida2 layers (input_shift 6 on the second layer, signed outputs)
net=mutant_akida2_net.json
raster=mutant_akida2_in.json
fresh_home
run_sim || { echo "unmodified RTL failed on the akida2 network:"; cat "$tmp/out.txt"; exit 1; }
echo "unmodified RTL, akida2 network: pass"

# 11. input_shift dropped: the lane sees the plain input sum.
fresh_home
mutate_rtl sf_neuron_lane.v "assign sum = {acc_i, {INPUT_SHIFT{1'b0}}};" "assign sum = {{INPUT_SHIFT{acc_i[ACC_BITS-1]}}, acc_i};"
expect_caught "akida2 input_shift dropped"

echo "all injected bugs caught ($backend)"
