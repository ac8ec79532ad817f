#!/usr/bin/env bash
# SpikeForge benchmarks: prints measured figures (nothing here is a pass/fail test).
#   1. golden model: synaptic events/s on bench/peer_bench.py's 1000-1000-1000-10 IF workload,
#      next to the peers (PyTorch, Brian2) timed in the same run by peer_bench.py;
#   2. Verilator harness: cycles/s co-simulating the Fashion-MNIST example;
#   3. synaptic operations per integrate cycle vs the lane count P;
#   4. generation time (spikeforge gen);
#   5. resources and Fmax of the example's bitstream (yosys / nextpnr);
#   6. every backend on the same work (golden, Verilator, SystemC, HLS C-simulation):
#      identical traces required, build and run times side by side (bench/agreement.sh);
#   7. convolution: the golden model's synaptic events/s against PyTorch's conv2d on the same
#      sparse N-MNIST-shaped events (bench/golden/conv_main.cpp, bench/conv_torch.py);
#   8. the conv engine's synaptic operations per integrate cycle against its lane bound P.
# usage: bench/run_benchmarks.sh [--skip-peers] [--skip-synth]   (after scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-/usr/bin/python3}
sf=$root/build/app/spikeforge
out=$root/out/bench
ex=$root/examples/fashion_mnist
skip_peers=0 skip_synth=0
for a in "$@"; do
  case $a in
    --skip-peers) skip_peers=1 ;;
    --skip-synth) skip_synth=1 ;;
    *) echo "usage: $0 [--skip-peers] [--skip-synth]" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

echo
echo "== 1. golden model vs peers (measured, one thread)"
peer_script=${PEER_BENCH:-$root/bench/peer_bench.py}
if [[ $skip_peers -eq 0 && -f $peer_script ]]; then
  "$py" "$peer_script" --out "$out/peers" | tail -n 20
  "$root/build/bench/golden/sf_bench_golden" --network "$out/peers/network.plain.json" \
    --raster "$out/peers/input.raster.json" --results "$out/peers/results.json"
else
  echo "(peer_bench.py not run: golden model on its built-in copy of the workload)"
  "$root/build/bench/golden/sf_bench_golden"
fi

echo
echo "== 2. Verilator co-simulation speed on the example (measured, pinned to one core)"
# Unpinned, runs on a small shared VM vary with core migration; pinning makes them repeatable.
pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)
"$py" "$ex/make_rasters.py" --split test --first 0 --count 1000 --out "$out/test1000.raster.json" > /dev/null
"${pin[@]}" "$sf" sim "$ex/network.json" --input "$out/test1000.raster.json" --work "$out/sim_example" | tail -n 6

echo
echo "== 3. synaptic operations per integrate cycle vs P (measured in co-simulation)"
"$py" "$ex/make_rasters.py" --split test --first 0 --count 10 --out "$out/test10.raster.json" > /dev/null
for p in 1 2 4 8 16; do
  line=$("$sf" sim "$ex/network.json" --input "$out/test10.raster.json" --parallel "$p" \
           --work "$out/sim_p$p" | grep -E 'synaptic ops|cycles:')
  echo "P=$p: $(echo "$line" | tr '\n' ';')"
done

echo
echo "== 4. generation time (measured, wall clock)"
"$py" - "$out/dense_784_512_10.json" <<'PY'
import json, random, sys
random.seed(1)
def layer(name, n_in, n_out, theta):
    return {"name": name, "type": "dense", "in": n_in, "out": n_out, "weight_bits": 4,
            "weights": [[random.randint(-8, 7) for _ in range(n_in)] for _ in range(n_out)],
            "neuron": {"model": "if", "threshold": theta, "v_bits": 16, "fire": "ge", "reset": "subtract"}}
json.dump({"format": "spikeforge-network", "version": 1, "name": "dense_784_512_10", "timesteps": 8,
           "input": {"size": 784, "payload_bits": 1},
           "layers": [layer("fc1", 784, 512, 40), layer("fc2", 512, 10, 40)]}, open(sys.argv[1], "w"))
PY
for n in "$ex/network.json" "$out/dense_784_512_10.json"; do
  s=$(date +%s%N)
  "$sf" gen "$n" -o "$out/gen_$(basename "$n" .json)" > /dev/null
  e=$(date +%s%N)
  echo "spikeforge gen $(basename "$n"): $(( (e - s) / 1000000 )) ms"
done

if [[ $skip_synth -eq 0 ]]; then
  echo
  echo "== 5. example bitstream: resources and Fmax (measured by yosys / nextpnr-ice40)"
  rm -rf "$out/synth_example"
  "$sf" synth "$ex/network.json" --board icebreaker -o "$out/synth_example" | tail -n 9
fi

echo
echo "== 6. backends on the same work: the example, the first 1,000 test images (measured, wall clock)"
"$root/bench/agreement.sh" "$sf" "$out/agreement.md" "$ex/network.json" "$out/test1000.raster.json" 1000

echo
echo "== 7. convolution: golden model vs PyTorch conv2d on an N-MNIST-shaped sparse workload (measured, one thread)"
mkdir -p "$out/conv"
for d in 0.05 0.02; do
  "$root/build/bench/golden/sf_bench_conv" --out "$out/conv" --density "$d" --reps 30
  "$py" "$root/bench/conv_torch.py" "$out/conv" --reps 5
done

echo
echo "== 8. conv engine: synaptic operations per integrate cycle against the lane bound P (measured in co-simulation)"
"$py" - "$out/conv_lanes.json" "$out/conv_lanes.raster.json" <<'PY'
import json, random, sys
random.seed(3)
w = [[[[random.randint(-3, 6) for _ in range(3)] for _ in range(3)] for _ in range(2)] for _ in range(16)]
json.dump({"format": "spikeforge-network", "version": 2, "name": "conv_lanes", "timesteps": 8,
           "input": {"name": "img", "shape": [2, 16, 16]},
           "layers": [{"name": "conv", "type": "conv2d", "inputs": ["img"], "out_channels": 16, "kernel": 3,
                       "padding": 1, "weight_bits": 4, "weights": w,
                       "neuron": {"model": "if", "threshold": 12, "v_bits": 12}}]}, open(sys.argv[1], "w"))
ev = [[t, i] for t in range(8) for i in range(512) if random.random() < 0.1]
json.dump({"format": "spikeforge-raster", "version": 1, "timesteps": 8, "size": 512, "events": ev}, open(sys.argv[2], "w"))
PY
for p in 1 2 4 8 16; do
  line=$("$sf" sim "$out/conv_lanes.json" --input "$out/conv_lanes.raster.json" --parallel "$p" \
           --work "$out/sim_conv_p$p" | grep -E 'synaptic ops|cycles:')
  echo "P=$p: $(echo "$line" | tr '\n' ';')"
done
