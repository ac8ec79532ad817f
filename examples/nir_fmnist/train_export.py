#!/usr/bin/env python3
"""Train a small LIF spiking network on Fashion-MNIST in PyTorch and export it as NIR.

Usage: /usr/bin/python3 examples/nir_fmnist/train_export.py --seed S --out DIR
writes DIR/model.nir (NIR HDF5, written with h5py in NIR's layout), DIR/train_report.json,
and DIR/test_<k>.raster.json (the 10,000 test images as binary spike rasters with labels,
in chunks of 2,000).

The network is trained with exactly the semantics SpikeForge's float reference model gives the
exported NIR graph (Euler, dt = 1e-4 s, tau = 1e-3 s, r = 10, v_leak = 0, strict threshold 1,
reset to 0 in the same step):
    v[t] = v[t-1] + dt/tau * ((v_leak - v[t-1]) + r * (W x[t] + b))  =  0.9 v[t-1] + W x[t] + b
    s[t] = v[t] > 1;  v[t] = 0 where s[t]
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import snn_lib as lib  # noqa: E402

DT, TAU, R = 1e-4, 1e-3, 10.0


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(196, lib.HIDDEN)
        self.fc2 = torch.nn.Linear(lib.HIDDEN, 10)
        self.alpha = 1.0 - DT / TAU  # 0.9
        self.gain = DT / TAU * R     # 1.0

    def forward(self, x):  # x: [T, N, 196] -> output spike counts [N, 10]
        n = x.shape[1]
        v1 = torch.zeros(n, lib.HIDDEN)
        v2 = torch.zeros(n, 10)
        counts = torch.zeros(n, 10)
        for t in range(x.shape[0]):
            v1 = self.alpha * v1 + self.gain * self.fc1(x[t])
            s1 = lib.Spike.apply(v1)
            v1 = v1 * (1.0 - s1)
            v2 = self.alpha * v2 + self.gain * self.fc2(s1)
            s2 = lib.Spike.apply(v2)
            v2 = v2 * (1.0 - s2)
            counts = counts + s2
        return counts


def export_layers(net):
    return [(fc.weight.detach().numpy(), fc.bias.detach().numpy()) for fc in (net.fc1, net.fc2)]


if __name__ == "__main__":
    lib.run(__doc__, Net, export_layers, TAU, R)
