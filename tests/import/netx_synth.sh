#!/bin/bash
# A trained loihi2 network to an iCEBreaker bitstream at 12 MHz: spikeforge
# import, then synth, and the bitstream must exist with the SPRAM count the
# plan promises and nextpnr must report timing met at 12 MHz. With --tail the
# model's first layer is dropped first (a smaller build of a trained model).
# Usage: netx_synth.sh SPIKEFORGE MODEL.net EXPECTED_SPRAM [--tail]
set -euo pipefail
sf=$1 model=$2 want_spram=$3 tail=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-netx-synth.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$sf" import "$model" -o "$work/net.json"
if [ "$tail" = "--tail" ]; then
  /usr/bin/python3 - "$work/net.json" <<'PY'
import json, sys
net = json.load(open(sys.argv[1]))
net["layers"] = net["layers"][1:]
net["input"]["size"] = net["layers"][0]["in"]
net["name"] += "_tail"
json.dump(net, open(sys.argv[1], "w"))
PY
fi
"$sf" synth "$work/net.json" --board icebreaker --freq 12 -o "$work/out" | tee "$work/synth.log"
test -s "$work/out/synth/sf_board_top.bin"
grep -Eq "SPRAM +$want_spram / 4 " "$work/synth.log" || { echo "FAIL: expected $want_spram SPRAM in use" >&2; exit 1; }
grep -q "clock 12.000 MHz: timing met" "$work/synth.log" || { echo "FAIL: timing not met at 12 MHz" >&2; exit 1; }
