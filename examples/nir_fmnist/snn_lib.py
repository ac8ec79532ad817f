"""Shared parts of the NIR Fashion-MNIST examples (nir_fmnist, akida_fmnist): the input code,
the surrogate-gradient spike, training, test accuracy, and writing the trained two-layer network
as a NIR file and the test set as spikeforge rasters.

Input: 28x28 images average-pooled 2x2 to 14x14, intensity p in [0, 1], sent as a deterministic
rate code over T = 12 steps: pixel i spikes at step t when floor((t+1) p) > floor(t p). Output
class: the output neuron with the most spikes (ties to the lowest index).
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
THETA = 1.0
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


def accuracy(net, p, labels, batch=2000):
    ok = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            x = torch.from_numpy(rate_code(p[i:i + batch]))
            pred = net(x).argmax(dim=1).numpy()  # first maximum: ties to the lowest index
            ok += int((pred == labels[i:i + batch]).sum())
    return ok / len(labels)


def write_nir(path, layers, tau, r):
    """NIR's HDF5 layout: /version, /node (the root NIRGraph: type, nodes/, edges).
    layers: [(weight [out, in], bias [out]), ...] as float32 arrays; every layer is Affine -> LIF
    with the given tau and r, v_leak 0, v_threshold THETA, v_reset 0."""
    s = h5py.string_dtype()

    def lif(n):
        return {"type": "LIF", "tau": np.full(n, tau, np.float32), "r": np.full(n, r, np.float32),
                "v_leak": np.zeros(n, np.float32), "v_threshold": np.full(n, THETA, np.float32),
                "v_reset": np.zeros(n, np.float32)}

    nodes = {"input": {"type": "Input", "shape": np.array([layers[0][0].shape[1]], np.int64)}}
    order = ["input"]
    for k, (w, b) in enumerate(layers, start=1):
        nodes[f"fc{k}"] = {"type": "Affine", "weight": w, "bias": b}
        nodes[f"lif{k}"] = lif(w.shape[0])
        order += [f"fc{k}", f"lif{k}"]
    nodes["output"] = {"type": "Output", "shape": np.array([layers[-1][0].shape[0]], np.int64)}
    order.append("output")
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


def run(doc, make_net, export_layers, tau, r):
    """The command line of a training script: --seed S --out DIR [--epochs N]. Trains
    make_net() with Adam (lr 2e-3, batches of 128, cross-entropy on half the output spike
    counts), then writes DIR/model.nir (export_layers(net) -> [(w, b), ...]), the test rasters
    and DIR/train_report.json. Deterministic for a given seed (one thread, CPU)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
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

    net = make_net()
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
    layers = [(w.astype(np.float32), b.astype(np.float32)) for w, b in export_layers(net)]
    write_nir(os.path.join(args.out, "model.nir"), layers, tau, r)
    rasters = write_rasters(args.out, p_te, te_lab)
    report = {"seed": args.seed, "epochs": args.epochs, "timesteps": T, "hidden": HIDDEN,
              "torch_test_accuracy": acc, "train_seconds": time.time() - t0,
              "rasters": [os.path.basename(r) for r in rasters]}
    with open(os.path.join(args.out, "train_report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(f"seed {args.seed}: PyTorch test accuracy {100 * acc:.2f} % -> {args.out}/model.nir")
