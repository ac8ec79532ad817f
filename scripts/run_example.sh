#!/usr/bin/env bash
# The main job on the shipped example, from a fresh Debian machine: install the
# dependencies, build, then for the Fashion-MNIST classifier in
# examples/fashion_mnist/
#   1. golden-model accuracy on the full 10,000-image test set;
#   2. `spikeforge flow`: generate the RTL and the iCEBreaker wrapper,
#      co-simulate the RTL cycle by cycle against the golden model on the
#      shipped samples, synthesize to a bitstream, and print the summary.
# Output goes to out/fashion_mnist/.
#   usage: scripts/run_example.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-/usr/bin/python3}
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
sf=$root/build/app/spikeforge
ex=$root/examples/fashion_mnist
out=$root/out/fashion_mnist
mkdir -p "$out"

echo "== golden model on the Fashion-MNIST test set"
"$py" "$ex/make_rasters.py" --split test --out "$out/test.raster.json"
"$sf" run "$ex/network.json" --input "$out/test.raster.json" --json-summary "$out/golden_summary.json"

rm -rf "$out/flow"
"$sf" flow "$ex/network.json" --input "$ex/samples.raster.json" --board icebreaker -o "$out/flow"
