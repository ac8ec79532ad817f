#!/usr/bin/python3
"""PyTorch's conv2d on the workload sf_bench_conv wrote (bench/golden/conv_main.cpp): the
same integer network (two conv layers of IF neurons, subtract reset, same-step chaining)
stepped with torch.nn.functional.conv2d on dense tensors, one thread, float32 (every sum is an
integer far below 2^24, so exact). It checks that its spike counts equal the golden model's,
then prints its time and the same synaptic-event count per second, next to the golden
model's, and the ratio.

usage: bench/conv_torch.py DIR [--reps N]    (DIR: sf_bench_conv --out DIR)
"""
import argparse
import json
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(1)
    net = json.load(open(f"{a.dir}/conv_bench.network.json"))
    ras = json.load(open(f"{a.dir}/conv_bench.raster.json"))
    gold = json.load(open(f"{a.dir}/conv_bench.golden.json"))
    ras = ras["samples"][0] if "samples" in ras else ras
    T = ras["timesteps"]
    shape = net["input"]["shape"]
    x = np.zeros((T, *shape), dtype=np.float32)
    for e in ras["events"]:
        t, i = e[0], e[1]
        x[t].reshape(-1)[i] = 1.0 if len(e) < 3 else e[2]
    x = torch.from_numpy(x)
    layers = []
    for l in net["layers"]:
        w = torch.tensor(l["weights"], dtype=torch.float32)
        layers.append((w, l["stride"][0], l["padding"][0], float(l["neuron"]["threshold"])))

    def run():
        counts = [0] * len(layers)
        v = [None] * len(layers)
        for t in range(T):
            s = x[t].unsqueeze(0)
            for k, (w, stride, pad, theta) in enumerate(layers):
                cur = torch.nn.functional.conv2d(s, w, stride=stride, padding=pad)
                v[k] = cur if v[k] is None else v[k] + cur
                s = (v[k] >= theta).to(torch.float32)
                v[k] = v[k] - theta * s
                counts[k] += int(s.sum().item())
        return counts

    counts = run()
    if counts != gold["spikes"]:
        raise SystemExit(f"torch spikes {counts} differ from the golden model's {gold['spikes']}: not the same work")
    best = min(timed(run) for _ in range(a.reps))
    syn = gold["synaptic_events"]
    print(f"torch {torch.__version__} conv2d (one thread, dense tensors, best of {a.reps}): {best * 1e3:.1f} ms, "
          f"{syn / best / 1e6:.1f} M synaptic events/s (spikes {counts}, equal to the golden model's)")
    print(f"golden model: {gold['seconds'] * 1e3:.3f} ms, {syn / gold['seconds'] / 1e6:.1f} M synaptic events/s: "
          f"{best / gold['seconds']:.1f}x PyTorch")


def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
