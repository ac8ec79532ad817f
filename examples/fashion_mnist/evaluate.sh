#!/usr/bin/env bash
# Train the Fashion-MNIST example for seeds 0, 1, 2 and measure each network's
# accuracy on the whole 10,000-image test set with the C++ golden model
# (`spikeforge run`), checking that every prediction agrees with train.py's own
# integer simulation. Prints each seed's accuracy and the mean ± sample standard
# deviation (n - 1 in the denominator).
#
# usage: examples/fashion_mnist/evaluate.sh [--spikeforge PATH] [--out DIR]
#                                           [--seeds "0 1 2"] [--python PATH]
#   --spikeforge  the CLI binary (default: build/app/spikeforge in the repository)
#   --out         work/output directory (default: a new temporary directory, kept)
#   --seeds       seeds to train (default "0 1 2")
#   --python      Python with numpy and torch (default /usr/bin/python3)
# Training runs under `nice -n 10`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
spikeforge="$repo/build/app/spikeforge"
out=""
seeds="0 1 2"
python=/usr/bin/python3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --spikeforge) spikeforge="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "evaluate.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ ! -x "$spikeforge" ]]; then
  echo "evaluate.sh: spikeforge binary not found or not executable: $spikeforge (use --spikeforge PATH)" >&2
  exit 2
fi
if [[ -z "$out" ]]; then out="$(mktemp -d /tmp/fmnist-eval.XXXXXX)"; fi
mkdir -p "$out"
echo "output directory: $out"
echo "spikeforge: $spikeforge"

raster="$out/test.raster.json"
accs=()
for seed in $seeds; do
  dir="$out/seed$seed"
  echo "=== seed $seed: training (log: $dir/train.log)"
  mkdir -p "$dir"
  start=$(date +%s)
  nice -n 10 "$python" "$here/train.py" --seed "$seed" --out "$dir" > "$dir/train.log" 2>&1 ||
    { tail -20 "$dir/train.log" >&2; echo "evaluate.sh: training seed $seed failed" >&2; exit 1; }
  end=$(date +%s)
  echo "seed $seed: trained in $((end - start)) s"
  tail -6 "$dir/train.log" | sed 's/^/  /'
  if [[ ! -f "$raster" ]]; then
    # the whole test set, once (timesteps taken from the network)
    "$python" "$here/make_rasters.py" --split test --network "$dir/network.json" --out "$raster"
  fi
  "$spikeforge" run "$dir/network.json" --input "$raster" --json-summary "$dir/golden.json" \
    | tee "$dir/golden.log" | sed 's/^/  /'
  "$python" "$here/check_golden.py" "$dir/train_report.json" "$dir/golden.json" | sed 's/^/  /'
  acc=$(sed -n 's/^golden accuracy: \([0-9.]*\)%.*/\1/p' "$dir/golden.log")
  [[ -n "$acc" ]] || { echo "evaluate.sh: no accuracy in $dir/golden.log" >&2; exit 1; }
  accs+=("$acc")
done

echo "=== golden-model accuracy on the 10,000-image Fashion-MNIST test set"
i=0
for seed in $seeds; do
  echo "seed $seed: ${accs[$i]}%"
  i=$((i + 1))
done
printf '%s\n' "${accs[@]}" | awk '
  { x[NR] = $1; s += $1 }
  END {
    m = s / NR; v = 0
    for (k = 1; k <= NR; k++) v += (x[k] - m) ^ 2
    if (NR > 1) printf "mean %.2f%% +- %.2f%% (sample std, n-1; n = %d)\n", m, sqrt(v / (NR - 1)), NR
    else printf "mean %.2f%% (n = 1)\n", m
  }'
