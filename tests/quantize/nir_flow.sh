#!/bin/bash
# NIR files of the corpus end to end: spikeforge import (float network) ->
# quantize (integer network, precision report) -> golden model -> generated
# RTL co-simulated cycle by cycle. Usage: nir_flow.sh SPIKEFORGE NIR_CORPUS_DIR
set -euo pipefail
sf=$1 corpus=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-nir-flow.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# lif_norse: the input column of the published trace as a raster
/usr/bin/python3 - "$corpus/lif/traces/lif_norse.csv" "$work/norse_in.json" <<'PY'
import json, sys
rows = [l.strip().split(",") for l in open(sys.argv[1]) if l.strip()]
events = [[t, 0] for t, r in enumerate(rows) if float(r[0]) != 0]
json.dump({"format": "spikeforge-raster", "version": 1, "timesteps": len(rows), "size": 1,
           "events": events}, open(sys.argv[2], "w"))
PY
"$sf" import "$corpus/lif/lif_norse.nir" -o "$work/norse.json"
"$sf" quantize "$work/norse.json" -o "$work/norse8.json" --weight-bits 8 --calib "$work/norse_in.json" \
      --report "$work/norse8.report.json" | tee "$work/q8.log"
grep -q "100 % agree, first divergence at none" "$work/q8.log" || fail "lif_norse 8 bit: float and integer spikes differ"
"$sf" run "$work/norse8.json" --input "$work/norse_in.json" --trace "$work/norse8.trace.json" > /dev/null
spikes=$(/usr/bin/python3 -c "import json,sys; print(' '.join(str(s[0]) for s in json.load(open(sys.argv[1]))['layers'][0]['spikes']))" "$work/norse8.trace.json")
[ "$spikes" = "460 510 710 760" ] || fail "lif_norse 8 bit: golden spikes at '$spikes', expected 460 510 710 760 (lif_norse.csv)"
"$sf" sim "$work/norse8.json" --input "$work/norse_in.json"
# 4 bits: the report shows where it parts from the float model
"$sf" quantize "$work/norse.json" -o "$work/norse4.json" --weight-bits 4 --calib "$work/norse_in.json" \
      --report "$work/norse4.report.json" > /dev/null
/usr/bin/python3 - "$work/norse4.report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["layers"][0]
assert r["format"] == "spikeforge-precision-report", r["format"]
assert l["weight_bits"] == 4 and l["raster"]["first_divergence"] == 460, l
PY

# two_lif_neurons: lif1 fires on its leak voltage alone, lif2 integrates it
/usr/bin/python3 -c "
import json, sys
json.dump({'format': 'spikeforge-raster', 'version': 1, 'timesteps': 400, 'size': 1,
           'events': [[t, 0] for t in range(0, 400, 7)]}, open(sys.argv[1], 'w'))" "$work/two_in.json"
"$sf" import "$corpus/lif/two_lif_neurons.nir" -o "$work/two.json"
"$sf" quantize "$work/two.json" -o "$work/two8.json" --calib "$work/two_in.json" --report "$work/two8.report.json"
"$sf" sim "$work/two8.json" --input "$work/two_in.json"

# what quantize cannot map is refused with the node named, and writes nothing
"$sf" import "$corpus/cnn/cnn_sinabs.nir" -o "$work/cnn.json" --if-input impulse
set +e
"$sf" quantize "$work/cnn.json" -o "$work/cnn_q.json" > "$work/cnn.log" 2>&1
rc=$?
set -e
cat "$work/cnn.log"
[ $rc -eq 2 ] || fail "quantize of the CNN: exit $rc, expected 2"
grep -q "(Conv2d)" "$work/cnn.log" || fail "quantize of the CNN: the message does not name the Conv2d node"
[ ! -e "$work/cnn_q.json" ] || fail "quantize of the CNN left a file behind"
set +e
"$sf" import "$corpus/broken/braille_noDelay_bias_zero_subgraph.nir" -o "$work/broken.json" > "$work/broken.log" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || fail "import of the broken file: exit $rc, expected 2"
[ ! -e "$work/broken.json" ] || fail "import of the broken file left a file behind"
echo "PASS"
