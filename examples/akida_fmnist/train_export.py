#!/usr/bin/env python3
"""Train a small stateless spiking network for Akida 1.0 on Fashion-MNIST and export it as NIR.

Usage: /usr/bin/python3 examples/akida_fmnist/train_export.py --seed S --out DIR
writes DIR/model.nir (NIR HDF5, written with h5py in NIR's layout), DIR/train_report.json,
and DIR/test_<k>.raster.json (the 10,000 test images as binary spike rasters with labels,
in chunks of 2,000).

Akida layers are stateless: each timestep (frame) is computed from that frame's input alone. The
network is a LIF network whose membrane forgets everything between steps: tau = 1e-7 s against
dt = 1e-4 s, imported with the exact discretization (decay exp(-1000) = 0, gain r = 1):
    v[t] = W x[t] + b;   s[t] = v[t] > 1
so every step is an independent frame and `spikeforge check --target akida` accepts it. Weights
are trained quantization-aware for 4 bits (symmetric max-abs per layer, scale = max|w| / 7,
straight-through estimator), so `spikeforge quantize --target akida --weight-bits 4` loses little.
  input  196 = 28x28 images average-pooled 2x2 to 14x14, intensity p in [0, 1], sent as a
         deterministic rate code over T = 12 steps: pixel i spikes at step t when
         floor((t+1) p) > floor(t p)   (floor(T p) spikes, evenly spread)
  layers 196 -> 128 LIF -> 10 LIF; the class is the output neuron with the most spikes
         (ties to the lowest index), trained with cross-entropy on the spike counts and a
         fast-sigmoid surrogate gradient for the threshold.
Deterministic for a given seed (fixed seeds, one thread, CPU only). Only the 60,000 training
images are used for training; the test set is evaluated once at the end.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nir_fmnist"))
import snn_lib as lib  # noqa: E402

TAU, R = 1e-7, 1.0
WBITS = 4


class FakeQuant(torch.autograd.Function):
    """w -> scale * round(w / scale), scale = max|w| / (2^(b-1) - 1); identity gradient."""
    @staticmethod
    def forward(ctx, w):
        scale = w.abs().max() / (2 ** (WBITS - 1) - 1)
        return torch.round(w / scale) * scale

    @staticmethod
    def backward(ctx, g):
        return g


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(196, lib.HIDDEN)
        self.fc2 = torch.nn.Linear(lib.HIDDEN, 10)

    def forward(self, x):  # x: [T, N, 196] -> output spike counts [N, 10]; every step stateless
        w1, w2 = FakeQuant.apply(self.fc1.weight), FakeQuant.apply(self.fc2.weight)
        counts = torch.zeros(x.shape[1], 10)
        for t in range(x.shape[0]):
            s1 = lib.Spike.apply(torch.nn.functional.linear(x[t], w1, self.fc1.bias))
            counts = counts + lib.Spike.apply(torch.nn.functional.linear(s1, w2, self.fc2.bias))
        return counts


def export_layers(net):
    """The quantization-aware weights, as trained (floats: quantize --target akida scales them)."""
    return [(FakeQuant.apply(fc.weight).detach().numpy(), fc.bias.detach().numpy()) for fc in (net.fc1, net.fc2)]


if __name__ == "__main__":
    lib.run(__doc__, Net, export_layers, TAU, R)
