#!/usr/bin/python3
"""Writes a small lava-dl netx `.net` file with conv layers, the dense matrices
its layers must import as, and an input raster.

  make_conv_net.py OUTDIR [SEED]

conv.net, laid out as slayer exports it (lava-dl slayer/block/base.py; docs/formats.md
section 6): layer/0 input 2x7x6 (c, y, x), layer/1 conv 4 <- 2 channels, kernel
(3, 2), stride (2, 1), padding (1, 0), dilation (1, 2), groups 2, per-channel bias;
layer/2 conv 3 <- 4, kernel (2, 2), padding (0, 1); layer/3 flatten; layer/4 dense
45 -> 5; CUBA neurons with random decays. Conv weights (O, I/groups, kH, kW, 1)
like tiny.net's; parameters in (y, x) order; shapes (c, y, x).

expected.json: per imported layer, the dense matrix [n_out][n_in] over C-order
(c, y, x) indices and the per-neuron bias. The conv matrices come from running a
direct correlation (PyTorch's conv2d semantics: netx flips the kernel and Lava
convolves, lava-dl netx/hdf5.py create_conv, lava proc/conv/utils.py) on every
unit input, not from the index arithmetic the importer uses.
conv.raster.json: 2 samples of 40 steps of random input spikes (84 inputs).
"""
import json
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 11)
os.makedirs(out, exist_ok=True)


def correlate(x, w, stride, pad, dil, groups):
    """x (C, H, W); w (O, C/groups, kH, kW); out[o, y, x] = sum w * x[shifted]."""
    c, h, wd = x.shape
    o_n, cg, kh, kw = w.shape
    ho = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    xp = np.zeros((c, h + 2 * pad[0], wd + 2 * pad[1]))
    xp[:, pad[0]:pad[0] + h, pad[1]:pad[1] + wd] = x
    y = np.zeros((o_n, ho, wo))
    og = o_n // groups
    for o in range(o_n):
        g = o // og
        for i in range(ho):
            for j in range(wo):
                patch = xp[g * cg:(g + 1) * cg,
                           i * stride[0]:i * stride[0] + dil[0] * (kh - 1) + 1:dil[0],
                           j * stride[1]:j * stride[1] + dil[1] * (kw - 1) + 1:dil[1]]
                y[o, i, j] = np.sum(patch * w[o])
    return y


def matrix(in_shape, w, stride, pad, dil, groups):
    n_in = int(np.prod(in_shape))
    cols = []
    for k in range(n_in):
        e = np.zeros(n_in)
        e[k] = 1
        cols.append(correlate(e.reshape(in_shape), w, stride, pad, dil, groups).ravel())
    return np.stack(cols, axis=1), correlate(np.zeros(in_shape), w, stride, pad, dil, groups).shape


def neuron(g, rng):
    g.create_dataset("type", data=np.bytes_("CUBA"))
    g.create_dataset("iDecay", data=np.int64(rng.integers(1, 4097)))
    g.create_dataset("vDecay", data=np.int64(rng.integers(0, 4096)))
    g.create_dataset("vThMant", data=np.int64(rng.integers(20, 200)))
    g.create_dataset("refDelay", data=np.int64(1))
    g.create_dataset("gradedSpike", data=False)


expected = []
with h5py.File(os.path.join(out, "conv.net"), "w") as f:
    L = f.create_group("layer")
    shape = (2, 7, 6)
    g = L.create_group("0")
    g.create_dataset("type", data=np.array([b"input"], dtype="S10"))
    g.create_dataset("shape", data=np.array(shape, dtype=np.int64))
    g.create_dataset("weight", data=np.array([36.0], dtype=np.float32))
    neuron(g.create_group("neuron"), rng)
    convs = [dict(o=4, k=(3, 2), stride=(2, 1), pad=(1, 0), dil=(1, 2), groups=2, bias=True),
             dict(o=3, k=(2, 2), stride=(1, 1), pad=(0, 1), dil=(1, 1), groups=1, bias=False)]
    for n, c in enumerate(convs, start=1):
        w = 2 * rng.integers(-40, 41, size=(c["o"], shape[0] // c["groups"], *c["k"]))  # slayer: even
        mat, out_shape = matrix(shape, w, c["stride"], c["pad"], c["dil"], c["groups"])
        g = L.create_group(str(n))
        g.create_dataset("type", data=np.array([b"conv"], dtype="S10"))
        g.create_dataset("shape", data=np.array(out_shape, dtype=np.int64))
        g.create_dataset("weight", data=w[..., None].astype(np.float32))
        for key, v in (("kernelSize", c["k"]), ("stride", c["stride"]), ("padding", c["pad"]),
                       ("dilation", c["dil"])):
            g.create_dataset(key, data=np.array(v, dtype=np.int64))
        g.create_dataset("groups", data=np.int64(c["groups"]))
        g.create_dataset("inChannels", data=np.int64(shape[0]))
        g.create_dataset("outChannels", data=np.int64(c["o"]))
        bias = np.zeros(c["o"])
        if c["bias"]:
            bias = rng.integers(-30, 31, size=c["o"]).astype(float)
            g.create_dataset("bias", data=bias.astype(np.float32))
        neuron(g.create_group("neuron"), rng)
        per_neuron = np.repeat(bias, out_shape[1] * out_shape[2])
        expected.append({"weights": mat.astype(int).tolist(), "bias": per_neuron.astype(int).tolist()})
        shape = out_shape
    g = L.create_group("3")
    g.create_dataset("type", data=np.array([b"flatten"], dtype="S10"))
    g.create_dataset("shape", data=np.array([int(np.prod(shape)), 1, 1], dtype=np.int64))
    n_in = int(np.prod(shape))
    w = 2 * rng.integers(-60, 61, size=(5, n_in))
    g = L.create_group("4")
    g.create_dataset("type", data=np.array([b"dense"], dtype="S10"))
    g.create_dataset("shape", data=np.array([5, 1, 1], dtype=np.int64))
    g.create_dataset("inFeatures", data=np.int64(n_in))
    g.create_dataset("outFeatures", data=np.int64(5))
    g.create_dataset("weight", data=w.astype(np.float32))
    neuron(g.create_group("neuron"), rng)
    expected.append({"weights": w.tolist(), "bias": [0] * 5})
    s = f.create_group("simulation")
    s.create_dataset("Ts", data=np.int64(1))
    s.create_dataset("tSample", data=np.int64(40))

with open(os.path.join(out, "expected.json"), "w") as fh:
    json.dump({"layers": expected}, fh)
samples = []
for _ in range(2):
    spikes = rng.random((40, 84)) < 0.3
    samples.append({"timesteps": 40, "size": 84,
                    "events": [[int(t), int(i)] for t, i in zip(*np.nonzero(spikes))]})
with open(os.path.join(out, "conv.raster.json"), "w") as fh:
    json.dump({"format": "spikeforge-raster", "version": 1, "samples": samples}, fh)
