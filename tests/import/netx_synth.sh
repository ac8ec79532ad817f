#!/bin/bash
# A trained loihi2 network to an iCEBreaker bitstream: the MNIST model of the
# netx corpus without its 784 -> 128 input layer (whose 100,352 weights need
# SPRAM, not built yet), i.e. its trained 128 -> 64 -> 10 layers, through
# spikeforge import and synth at 12 MHz. Usage: netx_synth.sh SPIKEFORGE MNIST.net
set -euo pipefail
sf=$1 model=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-netx-synth.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$sf" import "$model" -o "$work/mnist.json"
/usr/bin/python3 - "$work/mnist.json" "$work/tail.json" <<'PY'
import json, sys
net = json.load(open(sys.argv[1]))
net["layers"] = net["layers"][1:]
net["input"]["size"] = net["layers"][0]["in"]
net["name"] = "mnist_tail"
json.dump(net, open(sys.argv[2], "w"))
PY
"$sf" synth "$work/tail.json" --board icebreaker --freq 12 -o "$work/out"
test -s "$work/out/synth/sf_board_top.bin"
