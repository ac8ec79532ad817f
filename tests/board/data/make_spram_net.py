#!/usr/bin/env python3
"""Writes spram_net.json and spram_in.json: a network whose first layer's
weights (64 x 512 x 8 bits, 64 EBR) cannot fit the iCEBreaker's 30 block RAMs,
so the planner puts them in SPRAM and `spikeforge host` loads them over the
UART before running. Deterministic (fixed seed); rerun to regenerate."""
import json
import os
import random

rng = random.Random(20261202)
here = os.path.dirname(os.path.abspath(__file__))
n_in, n_hid, n_out, T = 64, 512, 4, 6
w1 = [[rng.randint(-128, 127) for _ in range(n_in)] for _ in range(n_hid)]
w2 = [[rng.randint(-6, 7) for _ in range(n_hid)] for _ in range(n_out)]
net = {
    "format": "spikeforge-network", "version": 1, "name": "spram_board", "timesteps": T,
    "input": {"size": n_in},
    "layers": [
        {"name": "fc1", "type": "dense", "in": n_in, "out": n_hid, "weight_bits": 8, "weights": w1,
         "neuron": {"model": "if", "threshold": 400, "v_bits": 14, "fire": "ge", "reset": "zero"}},
        {"name": "fc2", "type": "dense", "in": n_hid, "out": n_out, "weight_bits": 4, "weights": w2,
         "neuron": {"model": "if", "threshold": 6, "v_bits": 12, "fire": "ge", "reset": "subtract"}},
    ],
}
events = sorted({(t, i) for t in range(T) for i in rng.sample(range(n_in), 12)})
raster = {"format": "spikeforge-raster", "version": 1, "timesteps": T, "size": n_in,
          "events": [[t, i] for t, i in events]}
with open(os.path.join(here, "spram_net.json"), "w") as f:
    json.dump(net, f, separators=(",", ":"))
    f.write("\n")
with open(os.path.join(here, "spram_in.json"), "w") as f:
    json.dump(raster, f)
    f.write("\n")
