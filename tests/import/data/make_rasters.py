#!/usr/bin/python3
"""Writes the seeded Poisson input rasters the netx end-to-end tests use.

mnist_poisson.raster.json: 784 inputs, 2 samples of 32 steps, each input
firing with probability 0.08 per step (a rate code; the tests check golden ==
RTL, not accuracy, and no MNIST images ship with Debian).
Re-run to regenerate; the output is deterministic (Python's random, seed 7).
"""
import json
import random

rng = random.Random(7)
samples = []
for _ in range(2):
    events = [[t, i] for t in range(32) for i in range(784) if rng.random() < 0.08]
    samples.append({"timesteps": 32, "size": 784, "events": events})
doc = {"format": "spikeforge-raster", "version": 1, "samples": samples}
with open("mnist_poisson.raster.json", "w") as f:
    json.dump(doc, f, separators=(",", ":"))
    f.write("\n")
