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

import argparse
import json
import os
import sys
import time

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fashion_mnist"))
import fmnist_lib as fl  # noqa: E402

T = 12
DT, TAU, R, THETA = 1e-4, 1e-3, 10.0, 1.0
HIDDEN = 128
CHUNK = 2000


def intensities(images):
    """uint8 [N,28,28] -> float [N,196] in [0,1] (2x2 average pooling)."""
    x = images.reshape(-1, 14, 2, 14, 2).astype(np.float64).mean(axis=(2, 4)) / 255.0
    return x.reshape(-1, 196)


def rate_code(p):
    """[N,196] intensities -> [T,N,196] binary spikes: floor((t+1)p) - floor(t p)."""
    t = np.arange(T + 1, dtype=np.float64)[:, None, None]
    c = np.floor(t * p[None, :, :] + 1e-9)
    return (c[1:] - c[:-1]).astype(np.float32)


class Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return (v > THETA).to(v.dtype)

    @staticmethod
    def backward(ctx, g):
        (v,) = ctx.saved_tensors
        return g / (1.0 + 10.0 * (v - THETA).abs()) ** 2


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(196, HIDDEN)
        self.fc2 = torch.nn.Linear(HIDDEN, 10)
        self.alpha = 1.0 - DT / TAU  # 0.9
        self.gain = DT / TAU * R     # 1.0

    def forward(self, x):  # x: [T, N, 196] -> output spike counts [N, 10]
        n = x.shape[1]
        v1 = torch.zeros(n, HIDDEN)
        v2 = torch.zeros(n, 10)
        counts = torch.zeros(n, 10)
        for t in range(x.shape[0]):
            v1 = self.alpha * v1 + self.gain * self.fc1(x[t])
            s1 = Spike.apply(v1)
            v1 = v1 * (1.0 - s1)
            v2 = self.alpha * v2 + self.gain * self.fc2(s1)
            s2 = Spike.apply(v2)
            v2 = v2 * (1.0 - s2)
            counts = counts + s2
        return counts


def accuracy(net, p, labels, batch=2000):
    ok = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            x = torch.from_numpy(rate_code(p[i:i + batch]))
            pred = net(x).argmax(dim=1).numpy()  # first maximum: ties to the lowest index
            ok += int((pred == labels[i:i + batch]).sum())
    return ok / len(labels)


def write_nir(path, net):
    """NIR's HDF5 layout: /version, /node (the root NIRGraph: type, nodes/, edges)."""
    s = h5py.string_dtype()
    w1 = net.fc1.weight.detach().numpy().astype(np.float32)
    b1 = net.fc1.bias.detach().numpy().astype(np.float32)
    w2 = net.fc2.weight.detach().numpy().astype(np.float32)
    b2 = net.fc2.bias.detach().numpy().astype(np.float32)

    def lif(n):
        return {"type": "LIF", "tau": np.full(n, TAU, np.float32), "r": np.full(n, R, np.float32),
                "v_leak": np.zeros(n, np.float32), "v_threshold": np.full(n, THETA, np.float32),
                "v_reset": np.zeros(n, np.float32)}

    nodes = {"input": {"type": "Input", "shape": np.array([196], np.int64)},
             "fc1": {"type": "Affine", "weight": w1, "bias": b1}, "lif1": lif(HIDDEN),
             "fc2": {"type": "Affine", "weight": w2, "bias": b2}, "lif2": lif(10),
             "output": {"type": "Output", "shape": np.array([10], np.int64)}}
    order = ["input", "fc1", "lif1", "fc2", "lif2", "output"]
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data="1.0.0", dtype=s)
        root = f.create_group("node")
        root.create_dataset("type", data="NIRGraph", dtype=s)
        g = root.create_group("nodes")
        for name, node in nodes.items():
            ng = g.create_group(name)
            for k, v in node.items():
                if isinstance(v, str):
                    ng.create_dataset(k, data=v, dtype=s)
                else:
                    ng.create_dataset(k, data=v)
        root.create_dataset("edges", data=np.array(list(zip(order[:-1], order[1:])), dtype=object), dtype=s)


def write_rasters(out, p, labels):
    spikes = rate_code(p)  # [T, N, 196]
    paths = []
    for k, first in enumerate(range(0, len(labels), CHUNK)):
        path = os.path.join(out, f"test_{k}.raster.json")
        with open(path, "w") as f:
            f.write('{"format": "spikeforge-raster", "version": 1, "samples": [\n')
            for n in range(first, min(first + CHUNK, len(labels))):
                t_idx, i_idx = np.nonzero(spikes[:, n, :])
                events = ",".join(f"[{t},{i}]" for t, i in zip(t_idx.tolist(), i_idx.tolist()))
                f.write('%s{"timesteps": %d, "size": 196, "label": %d, "events": [%s]}\n'
                        % ("," if n > first else "", T, int(labels[n]), events))
            f.write("]}\n")
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=4)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(1)

    t0 = time.time()
    tr_img, tr_lab = fl.load_split("train")
    te_img, te_lab = fl.load_split("test")
    p_tr, p_te = intensities(tr_img), intensities(te_img)
    y_tr = torch.from_numpy(tr_lab.astype(np.int64))

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    rng = np.random.default_rng(args.seed)
    for epoch in range(args.epochs):
        order = rng.permutation(len(tr_lab))
        for i in range(0, len(order), 128):
            idx = order[i:i + 128]
            x = torch.from_numpy(rate_code(p_tr[idx]))
            loss = torch.nn.functional.cross_entropy(net(x) * 0.5, y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"seed {args.seed} epoch {epoch + 1}: loss {loss.item():.3f} ({time.time() - t0:.0f} s)", flush=True)

    acc = accuracy(net, p_te, te_lab)
    write_nir(os.path.join(args.out, "model.nir"), net)
    rasters = write_rasters(args.out, p_te, te_lab)
    report = {"seed": args.seed, "epochs": args.epochs, "timesteps": T, "hidden": HIDDEN,
              "torch_test_accuracy": acc, "train_seconds": time.time() - t0,
              "rasters": [os.path.basename(r) for r in rasters]}
    with open(os.path.join(args.out, "train_report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(f"seed {args.seed}: PyTorch test accuracy {100 * acc:.2f} % -> {args.out}/model.nir")


if __name__ == "__main__":
    main()
