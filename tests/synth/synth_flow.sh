#!/usr/bin/env bash
# Bitstream flow of `spikeforge synth` end to end (CTest label: synth):
#  1. a small network goes to an iCEBreaker bitstream, with a resource report;
#  2. a clock the design cannot reach is a clear failure (exit 1) and no .bin;
#  3. a network whose memories exceed the device stops before any tool runs
#     (exit 1) and leaves no output folder;
#  4. `gen` without --board into that folder removes the old board wrapper.
# usage: synth_flow.sh SPIKEFORGE SOURCE_DIR WORK_DIR
set -euo pipefail
sf=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

net=$src/tests/cosim/data/mutant_net.json

# 1. fits and meets the board's default clock
"$sf" synth "$net" --board icebreaker -o "$work/ok" | tee "$work/ok.log"
bin=$work/ok/synth/sf_board_top.bin
[[ -s $bin ]] || fail "no bitstream at $bin"
grep -q '"fits": true' "$work/ok/synth/synth_report.json" || fail "report does not say the design fits"
grep -q 'timing met' "$work/ok.log" || fail "summary does not report timing"
for r in "logic cells" LUT4 EBR SPRAM DSP Fmax; do
  grep -q "$r" "$work/ok.log" || fail "summary lacks $r"
done
grep -q '"board"' "$work/ok/report.json" || fail "report.json lacks the board section"

# 2. a clock no iCE40 design of this shape reaches
set +e
"$sf" synth "$net" --board icebreaker --freq 250 -o "$work/fast" > "$work/fast.log" 2>&1
rc=$?
set -e
cat "$work/fast.log"
[[ $rc -eq 1 ]] || fail "missed timing: exit status $rc, expected 1"
grep -q 'timing not met' "$work/fast.log" || fail "missed timing: no clear message"
[[ ! -e $work/fast/synth/sf_board_top.bin ]] || fail "missed timing left a bitstream behind"

# 3. weights beyond the device's block RAM and SPRAM
python3 - "$work/big.json" <<'PY'
import json, sys
n_in, n_out = 1024, 512  # 4 Mbit of weights: more than the EBRs and the 4 SPRAMs (1 Mbit)
w = [[(i * 7 + o * 3) % 255 - 127 for i in range(n_in)] for o in range(n_out)]
json.dump({"format": "spikeforge-network", "version": 1, "name": "too_big", "timesteps": 4,
           "input": {"size": n_in, "payload_bits": 1},
           "layers": [{"name": "fc", "type": "dense", "in": n_in, "out": n_out, "weight_bits": 8,
                       "weights": w, "neuron": {"model": "if", "threshold": 100, "v_bits": 16,
                                                "fire": "ge", "reset": "subtract"}}]},
          open(sys.argv[1], "w"))
PY
set +e
"$sf" synth "$work/big.json" --board icebreaker -o "$work/big" > "$work/big.log" 2>&1
rc=$?
set -e
cat "$work/big.log"
[[ $rc -eq 1 ]] || fail "oversize network: exit status $rc, expected 1"
grep -q 'EBR blocks, the board has 30' "$work/big.log" || fail "oversize network: no clear message"
[[ ! -e $work/big ]] || fail "oversize network left $work/big behind"
# 4. regenerating without --board into the same folder drops the stale wrapper
"$sf" gen "$net" -o "$work/ok" > /dev/null
[[ ! -e $work/ok/sf_board_top.v && ! -e $work/ok/sf_board_core.v ]] || fail "gen left a stale board wrapper"
[[ -s $work/ok/sf_top.v ]] || fail "gen wrote no sf_top.v"

echo "PASS"
