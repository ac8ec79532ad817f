#!/bin/bash
# spikeforge check on real files: the corpus CNN and braille RNN break Akida
# rules (named), the shipped IF example is stateful, a clean network passes
# silently, bad input is exit 2. Usage: check_cli.sh SPIKEFORGE NIR_CORPUS SOURCE_DIR
set -euo pipefail
sf=$1 corpus=$2 src=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-akida-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {  # expect STATUS PATTERN -- command...
  local want=$1 pattern=$2; shift 3
  set +e; "$@" > "$work/out.txt" 2>&1; local rc=$?; set -e
  cat "$work/out.txt"
  [ $rc -eq "$want" ] || fail "$*: exit $rc, expected $want"
  [ -z "$pattern" ] || grep -Eq -- "$pattern" "$work/out.txt" || fail "$*: no line matching '$pattern'"
}
"$sf" import "$corpus/cnn/cnn_sinabs.nir" -o "$work/cnn.json" --if-input impulse > /dev/null
"$sf" import "$corpus/rnn/braille_noDelay_bias_zero.nir" -o "$work/rnn.json" > /dev/null
# the Sinabs CNN: IF layers integrate (stateful), a 2-channel input conv, local sum pooling
expect 1 "\[stateful\] IF integrates" -- "$sf" check "$work/cnn.json" --target akida
expect 1 "\[input-channels\] 2 input channels" -- "$sf" check "$work/cnn.json" --target akida
expect 1 "\[pooling\] SumPool2d 2x2" -- "$sf" check "$work/cnn.json" --target akida2
# the braille RNN: recurrent edge, CubaLIF
expect 1 "\[recurrent\] recurrent edge" -- "$sf" check "$work/rnn.json" --target akida2
expect 1 "\[layer-kind\] CubaLIF" -- "$sf" check "$work/rnn.json" --target akida2
# the shipped IF example (integer IR) is stateful
expect 1 "fc1: \[stateful\]" -- "$sf" check "$src/examples/fashion_mnist/network.json" --target akida
# a clean network: nothing printed, exit 0
/usr/bin/python3 - "$work/clean.json" <<'PY'
import json, sys
n = lambda name, kind, **kw: dict(name=name, kind=kind, **kw)
net = {"format": "spikeforge-float-network", "version": 1, "name": "clean",
       "discretization": {"dt": 1e-4, "method": "exact", "reset": "zero"},
       "nodes": [n("in", "Input", shape=[16]),
                 n("fc", "Linear", weight={"shape": [4, 16], "data": [0.1] * 64}),
                 n("lif", "LIF", tau=[1e-7], r=[1.0], v_leak=[0.0], v_threshold=[1.0], v_reset=[0.0]),
                 n("out", "Output", shape=[4])],
       "edges": [["in", "fc"], ["fc", "lif"], ["lif", "out"]]}
json.dump(net, open(sys.argv[1], "w"))
PY
"$sf" check "$work/clean.json" --target akida > "$work/clean.txt"
[ ! -s "$work/clean.txt" ] || fail "a clean network printed: $(cat "$work/clean.txt")"
# the clean network converts for both generations, and the results pass their
# own IR check silently; an akida2 layer capped at 1 may go on a board (its
# output events are always 1)
for target in akida akida2; do
  "$sf" quantize "$work/clean.json" --target $target -o "$work/$target.json" > /dev/null
  "$sf" check "$work/$target.json" --target $target > "$work/clean.txt"
  [ ! -s "$work/clean.txt" ] || fail "quantized for $target, check printed: $(cat "$work/clean.txt")"
  "$sf" gen "$work/$target.json" --board icebreaker -o "$work/gen_$target" > /dev/null
done
grep -q '"relu":true' "$work/akida2.json" || fail "akida2.json: no ReLU"
expect 1 "\[generation\]" -- "$sf" check "$work/akida2.json" --target akida
expect 2 "expected 4 or 8" -- "$sf" quantize "$work/clean.json" --target akida2 --weight-bits 2 -o "$work/x.json"
[ ! -e "$work/x.json" ] || fail "a refused conversion left x.json"
expect 2 "" -- "$sf" check "$work/nonexistent.json" --target akida
expect 2 "" -- "$sf" check "$work/clean.json" --target akida3
echo PASS
