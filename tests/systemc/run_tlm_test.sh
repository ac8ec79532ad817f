#!/usr/bin/env bash
# The virtual-platform test: tlm_platform (built against the HLS project of
# NET) loads the weights of a second network over TLM-2.0, runs RASTER and
# writes the trace it read back over the bus. That trace must equal the golden
# model's trace of the second network, and differ from the first network's
# (so the loaded weights were really used).
#   usage: run_tlm_test.sh SPIKEFORGE TLM_PLATFORM NET RASTER
set -euo pipefail
sf=$1
platform=$2
net=$3
raster=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Second network: every layer's weight rows (and biases) in reverse order. Each
# row is one of the first network's rows, so it stays within the accumulator
# range the generator proved for the first.
python3 - "$net" "$tmp/reversed.json" <<'PY'
import json, sys
net = json.load(open(sys.argv[1]))
for layer in net["layers"]:
    layer["weights"] = layer["weights"][::-1]
    if "bias" in layer:
        layer["bias"] = layer["bias"][::-1]
net["name"] = net["name"] + "_reversed"
json.dump(net, open(sys.argv[2], "w"))
PY

"$platform" "$tmp/reversed.json" "$raster" "$tmp/platform.json"
"$sf" run "$tmp/reversed.json" --input "$raster" --trace "$tmp/golden_reversed.json" > /dev/null
"$sf" run "$net" --input "$raster" --trace "$tmp/golden_original.json" > /dev/null
echo "golden model (loaded network) vs virtual platform:"
"$sf" diff "$tmp/golden_reversed.json" "$tmp/platform.json"
if "$sf" diff "$tmp/golden_original.json" "$tmp/platform.json" > "$tmp/diff.txt"; then
  echo "FAIL: the platform's trace equals the generated network's: the loaded weights were not used"
  exit 1
fi
echo "differs from the generated network as it must: $(cat "$tmp/diff.txt")"
