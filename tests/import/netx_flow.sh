#!/bin/bash
# End to end for a lava-dl netx model: spikeforge import -> golden model ->
# generated RTL co-simulated cycle by cycle (every spike, u and v, cycles =
# cycle model), for every sample of RASTER; sample 0 needs MIN_OUTPUT_SPIKES
# output spikes in the golden model. Usage: netx_flow.sh SPIKEFORGE MODEL.net RASTER MIN_OUTPUT_SPIKES
set -euo pipefail
sf=$1 model=$2 raster=$3 min_spikes=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-netx-flow.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$sf" import "$model" -o "$work/net.json"
"$sf" run "$work/net.json" --input "$raster" --sample 0 --trace "$work/golden.json" | tee "$work/run.log"
# the output layer must actually spike, or the comparison below proves little
spikes=$(grep -o '[0-9]* spikes' "$work/run.log" | tail -1 | cut -d' ' -f1)
echo "output-layer spikes in the golden trace: $spikes"
if [ "$spikes" -lt "$min_spikes" ]; then
  echo "FAIL: expected at least $min_spikes output spikes" >&2
  exit 1
fi
# every sample of the raster through the RTL; sample 0's trace is compared once more
"$sf" sim "$work/net.json" --input "$raster" --traces "$work/rtl" --work "$work/sim"
"$sf" diff "$work/golden.json" "$work/rtl/trace_0.json"
