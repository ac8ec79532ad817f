#!/usr/bin/env bash
# A stateless spiking network trained for Akida 1.0 (4-bit weights) on Fashion-MNIST,
# exported as NIR, through SpikeForge: for each seed: train + export (train_export.py),
# spikeforge import --method exact (float network), spikeforge check --target akida (must
# pass silently), spikeforge quantize --target akida --weight-bits 4 with the whole
# 10,000-image test set as the calibration raster (float vs akida golden accuracy), and the
# same for --target akida2 at 4- and 8-bit weights; then, for the first seed, RTL
# co-simulation of 8 test images and an iCEBreaker bitstream of the akida and the 8-bit
# akida2 network.
# Prints mean ± sample std over the seeds.
#   usage: examples/akida_fmnist/evaluate.sh [--out DIR] [--seeds "0 1 2"] [--epochs N]
# Needs: scripts/install_deps.sh --training (python3-torch), a built spikeforge.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=/tmp/akida-fmnist seeds="0 1 2" epochs=4
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    *) echo "usage: $0 [--out DIR] [--seeds \"0 1 2\"] [--epochs N]" >&2; exit 2 ;;
  esac
done
sf=${SPIKEFORGE:-$root/build/app/spikeforge}
[ -x "$sf" ] || { echo "$sf: not built (scripts/build.sh)" >&2; exit 2; }
mkdir -p "$out"

for s in $seeds; do
  d=$out/seed$s
  /usr/bin/python3 "$root/examples/akida_fmnist/train_export.py" --seed "$s" --out "$d" --epochs "$epochs"
  "$sf" import "$d/model.nir" -o "$d/float.json" --method exact
  "$sf" check "$d/float.json" --target akida --weight-bits 4
  for r in "$d"/test_*.raster.json; do
    k=$(basename "$r" .raster.json)
    "$sf" quantize "$d/float.json" -o "$d/akida4.json" --target akida --weight-bits 4 --calib "$r" \
          --report "$d/report4.$k.json" > "$d/quantize4.$k.log"
    for b in 4 8; do
      "$sf" quantize "$d/float.json" -o "$d/akida2_$b.json" --target akida2 --weight-bits $b --calib "$r" \
            --report "$d/report2_$b.$k.json" > "$d/quantize2_$b.$k.log"
    done
  done
done

first=${seeds%% *}
d=$out/seed$first
/usr/bin/python3 - "$d/test_0.raster.json" "$d/samples8.raster.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["samples"] = doc["samples"][:8]
json.dump(doc, open(sys.argv[2], "w"))
PY
"$sf" check "$d/akida4.json" --target akida
"$sf" sim "$d/akida4.json" --input "$d/samples8.raster.json" | tee "$d/sim.log"
"$sf" synth "$d/akida4.json" --board icebreaker -o "$d/synth" | tee "$d/synth.log"
"$sf" check "$d/akida2_8.json" --target akida2
"$sf" sim "$d/akida2_8.json" --input "$d/samples8.raster.json" | tee "$d/sim2_8.log"
"$sf" synth "$d/akida2_8.json" --board icebreaker --freq 12 -o "$d/synth2_8" | tee "$d/synth2_8.log"

/usr/bin/python3 - "$out" $seeds <<'PY'
import glob, json, os, statistics, sys
out, seeds = sys.argv[1], sys.argv[2:]
variants = {"report4": "akida golden, 4-bit", "report2_4": "akida2 golden, 4-bit", "report2_8": "akida2 golden, 8-bit"}
rows = {"PyTorch (float32)": [], "float reference (C++)": []}
rows.update({v: [] for v in variants.values()})
agree = {v: [] for v in variants.values()}
for s in seeds:
    d = os.path.join(out, f"seed{s}")
    rows["PyTorch (float32)"].append(json.load(open(os.path.join(d, "train_report.json")))["torch_test_accuracy"])
    for prefix, label in variants.items():
        n = fl_ok = int_ok = same = 0
        for path in sorted(glob.glob(os.path.join(d, f"{prefix}.test_*.json"))):
            r = json.load(open(path))
            k = r["accuracy"]["samples"]
            n += k
            fl_ok += round(r["accuracy"]["float"] * k)
            int_ok += round(r["accuracy"]["integer"] * k)
            same += round(r["decisions"]["agreement"] * k)
        assert n == 10000, (d, prefix, n)
        if prefix == "report4":
            rows["float reference (C++)"].append(fl_ok / n)
        rows[label].append(int_ok / n)
        agree[label].append(same / n)
def fmt(v):
    m = 100 * statistics.mean(v)
    sd = 100 * statistics.stdev(v) if len(v) > 1 else 0.0
    return f"{m:.2f} % ± {sd:.2f} % ({', '.join(f'{100 * x:.2f}' for x in v)})"
print(f"\nFashion-MNIST test set (10,000 images), seeds {' '.join(seeds)}, mean ± sample std:")
for k, v in rows.items():
    print(f"  {k:24s} {fmt(v)}")
for label, v in agree.items():
    print(f"  float / {label} decisions agree on {fmt(v)} of the images")
PY
