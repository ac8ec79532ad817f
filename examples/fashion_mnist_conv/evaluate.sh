#!/usr/bin/env bash
# Train the convolutional Fashion-MNIST example for seeds 0, 1, 2 and measure each network's
# accuracy on the whole 10,000-image test set with the C++ golden model
# (`spikeforge run`), checking that every prediction agrees with train.py's own
# integer simulation. Prints each seed's accuracy and the mean ± sample standard
# deviation (n - 1 in the denominator).
#
# usage: examples/fashion_mnist_conv/evaluate.sh [--spikeforge PATH] [--out DIR]
#                                           [--seeds "0 1 2"] [--python PATH]
#   --spikeforge  the CLI binary (default: build/app/spikeforge in the repository)
#   --out         work/output directory (default: a new temporary directory, kept)
#   --seeds       seeds to train (default "0 1 2")
#   --python      Python with numpy and torch (default /usr/bin/python3)
#   --jobs        seeds trained at the same time (default 1; each uses one torch thread)
#   --train-args  extra arguments for train.py (quoted), e.g. "--snn-epochs 0"
# Training runs under `nice -n 10`; all seeds are trained first, then evaluated.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
spikeforge="$repo/build/app/spikeforge"
out=""
seeds="0 1 2"
python=/usr/bin/python3
jobs=1
train_args=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --spikeforge) spikeforge="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --train-args) train_args="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "evaluate.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ ! -x "$spikeforge" ]]; then
  echo "evaluate.sh: spikeforge binary not found or not executable: $spikeforge (use --spikeforge PATH)" >&2
  exit 2
fi
if [[ -z "$out" ]]; then out="$(mktemp -d /tmp/fmnist-conv-eval.XXXXXX)"; fi
mkdir -p "$out"
echo "output directory: $out"
echo "spikeforge: $spikeforge"

raster="$out/test.raster.json"
train_one() {
  local seed="$1" dir="$out/seed$1" start end
  mkdir -p "$dir"
  start=$(date +%s)
  # shellcheck disable=SC2086
  if ! nice -n 10 "$python" "$here/train.py" --seed "$seed" --out "$dir" $train_args > "$dir/train.log" 2>&1; then
    tail -20 "$dir/train.log" >&2; echo "evaluate.sh: training seed $seed failed" >&2; return 1
  fi
  end=$(date +%s)
  echo "$((end - start))" > "$dir/train_seconds"
}
pids=()
for seed in $seeds; do
  echo "=== seed $seed: training (log: $out/seed$seed/train.log)"
  train_one "$seed" &
  pids+=("$!")
  while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n || true; done
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[[ $fail -eq 0 ]] || { echo "evaluate.sh: training failed" >&2; exit 1; }

accs=()
for seed in $seeds; do
  dir="$out/seed$seed"
  [[ -f "$dir/train_report.json" ]] || { echo "evaluate.sh: no $dir/train_report.json" >&2; exit 1; }
  echo "=== seed $seed: trained in $(cat "$dir/train_seconds") s"
  tail -6 "$dir/train.log" | sed 's/^/  /'
  if [[ ! -f "$raster" ]]; then
    # the whole test set, once (timesteps taken from the network)
    "$python" "$here/make_rasters.py" --split test --network "$dir/network.json" --out "$raster"
  fi
  "$spikeforge" run "$dir/network.json" --input "$raster" --json-summary "$dir/golden.json" \
    | tee "$dir/golden.log" | sed 's/^/  /'
  "$python" "$here/../fashion_mnist/check_golden.py" "$dir/train_report.json" "$dir/golden.json" | sed 's/^/  /' ||
    { echo "evaluate.sh: seed $seed: golden predictions differ from train.py's simulation" >&2; exit 1; }
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
