#!/usr/bin/env bash
# A PyTorch-trained LIF network on Fashion-MNIST, exported as NIR, through SpikeForge:
# for each seed: train + export (train_export.py), spikeforge import (float network),
# spikeforge quantize at 8 and 4 bits with the whole 10,000-image test set as the
# calibration raster (precision report: float vs integer accuracy, spike agreement);
# then, for the first seed's 8-bit network, RTL co-simulation of 8 test images and an
# iCEBreaker bitstream. Prints mean ± sample std over the seeds.
#   usage: examples/nir_fmnist/evaluate.sh [--out DIR] [--seeds "0 1 2"] [--epochs N]
# Needs: scripts/install_deps.sh --training (python3-torch), a built spikeforge.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=/tmp/nir-fmnist seeds="0 1 2" epochs=4
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
  /usr/bin/python3 "$root/examples/nir_fmnist/train_export.py" --seed "$s" --out "$d" --epochs "$epochs"
  "$sf" import "$d/model.nir" -o "$d/float.json"
  for b in 8 4; do
    for r in "$d"/test_*.raster.json; do
      k=$(basename "$r" .raster.json)
      "$sf" quantize "$d/float.json" -o "$d/net$b.json" --weight-bits "$b" --calib "$r" \
            --report "$d/report$b.$k.json" > "$d/quantize$b.$k.log"
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
"$sf" sim "$d/net8.json" --input "$d/samples8.raster.json" | tee "$d/sim.log"
# 12 MHz: the lif lanes' leak multiply limits Fmax (about 13.4 MHz)
"$sf" synth "$d/net8.json" --board icebreaker --freq 12 -o "$d/synth" | tee "$d/synth.log"

/usr/bin/python3 - "$out" $seeds <<'PY'
import glob, json, os, statistics, sys
out, seeds = sys.argv[1], sys.argv[2:]
rows = {"PyTorch (float32)": [], "float reference (C++)": [], "integer 8-bit": [], "integer 4-bit": []}
agree = {8: [], 4: []}
for s in seeds:
    d = os.path.join(out, f"seed{s}")
    rows["PyTorch (float32)"].append(json.load(open(os.path.join(d, "train_report.json")))["torch_test_accuracy"])
    for b in (8, 4):
        n = fl_ok = int_ok = same = 0
        for path in sorted(glob.glob(os.path.join(d, f"report{b}.test_*.json"))):
            r = json.load(open(path))
            k = r["accuracy"]["samples"]
            n += k
            fl_ok += round(r["accuracy"]["float"] * k)
            int_ok += round(r["accuracy"]["integer"] * k)
            same += round(r["decisions"]["agreement"] * k)
        assert n == 10000, (d, b, n)
        if b == 8:
            rows["float reference (C++)"].append(fl_ok / n)
        rows[f"integer {b}-bit"].append(int_ok / n)
        agree[b].append(same / n)
def fmt(v):
    m = 100 * statistics.mean(v)
    sd = 100 * statistics.stdev(v) if len(v) > 1 else 0.0
    return f"{m:.2f} % ± {sd:.2f} % ({', '.join(f'{100 * x:.2f}' for x in v)})"
print(f"\nFashion-MNIST test set (10,000 images), seeds {' '.join(seeds)}, mean ± sample std:")
for k, v in rows.items():
    print(f"  {k:24s} {fmt(v)}")
for b in (8, 4):
    print(f"  float/integer {b}-bit decisions agree on {fmt(agree[b])} of the images")
PY
