#!/usr/bin/env python3
"""Train the Fashion-MNIST dense integer IF network shipped with SpikeForge.

Usage: /usr/bin/python3 examples/fashion_mnist/train.py --seed S --out DIR
writes DIR/network.json (spikeforge-network v1) and DIR/train_report.json.

Pipeline (all fitting and every choice on the 60,000-image training set; the
test set is only evaluated, never used to select anything):
  1. float ANN  196 -> H (ReLU) -> 10 on the 4-bit, 14x14 encoded images;
  2. quantization-aware training (STE): symmetric 4-bit weights per layer
     (scale = max|w| / 7), integer hidden bias, hidden activation quantized
     exactly like the IF layer's spike count over T steps,
         c = clip(floor(T * (W1q.q + b1) / theta1), 0, T);
  3. conversion to integers (theta1 = clip level / weight scale, per-step
     output bias); the output threshold theta2 and a common output bias offset
     are chosen by running the exact integer SNN on the training set;
  4. end-to-end fine-tuning of the integer SNN with its exact forward pass
     (closed-form hidden spike trains, the output IF recurrence, STE /
     surrogate gradients), keeping the epoch with the best exact training
     accuracy, then the theta2 / offset search again;
  5. v_bits from the training-set membrane range, then the integer SNN (numpy,
     the semantics.md recurrence with saturation) is evaluated on all 10,000
     test images and written out. The C++ golden model must agree with it
     exactly (evaluate.sh checks every test prediction).
Deterministic for a given seed (fixed seeds, fixed thread count, CPU only).
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist_lib as fl  # noqa: E402


# --------------------------------------------------------------------------- STE helpers

class _RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, g):
        return g


class _FloorSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.floor(x)

    @staticmethod
    def backward(ctx, g):
        return g


round_ste = _RoundSTE.apply
floor_ste = _FloorSTE.apply


def quant_weights(w, wmax):
    """Symmetric per-layer quantization: integer codes (STE) and the scale."""
    scale = w.detach().abs().max().clamp_min(1e-8) / wmax
    q = torch.clamp(round_ste(w / scale), -wmax, wmax)
    return q, scale


# --------------------------------------------------------------------------- model

class Net(torch.nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.fc1 = torch.nn.Linear(n_in, n_hidden)
        self.fc2 = torch.nn.Linear(n_hidden, n_out)
        # clip level of the hidden activation in units of the float pre-activation
        self.lam = torch.nn.Parameter(torch.tensor(1.0))

    def forward_float(self, x):
        return self.fc2(F.relu(self.fc1(x)))

    def forward_qat(self, q, T, wmax1, wmax2):
        """q: integer payloads (as float). Returns logits and hidden counts."""
        w1, s1 = quant_weights(self.fc1.weight, wmax1)
        b1 = round_ste(self.fc1.bias / s1)               # integer units of W1q.q
        I = q @ w1.t() + b1                               # exact integer current
        theta1 = self.lam.abs() / s1                      # float here, rounded at export
        c = torch.clamp(floor_ste(T * I / theta1), 0, T)  # IF spike count over T steps
        h = c * (self.lam.abs() / T)
        w2, s2 = quant_weights(self.fc2.weight, wmax2)
        return h @ (w2 * s2).t() + self.fc2.bias, c


# --------------------------------------------------------------------------- training loops

def batches(n, bs, rng):
    perm = rng.permutation(n)
    for k in range(0, n, bs):
        yield perm[k:k + bs]


def train_float(model, xtr, ytr, epochs, lr, rng, log):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    for ep in range(epochs):
        model.train()
        tot = 0.0
        for idx in batches(len(ytr), 128, rng):
            loss = F.cross_entropy(model.forward_float(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        sched.step()
        log(f"  float epoch {ep + 1}/{epochs} loss {tot / len(ytr):.4f}")


def train_qat(model, qtr, ytr, epochs, lr, T, wmax1, wmax2, rng, log):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    for ep in range(epochs):
        model.train()
        tot = 0.0
        for idx in batches(len(ytr), 128, rng):
            logits, _ = model.forward_qat(qtr[idx], T, wmax1, wmax2)
            loss = F.cross_entropy(logits, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        sched.step()
        log(f"  QAT epoch {ep + 1}/{epochs} loss {tot / len(ytr):.4f} lambda {model.lam.item():.3f}")


def accuracy(logits, y):
    return float((logits.argmax(1) == y).float().mean().item())


# --------------------------------------------------------------------------- conversion

def hidden_spike_trains(W1, b1, theta1, q, T):
    """Exact IF (subtract reset, fire ge) spike trains of the hidden layer for a
    constant graded input; [T, N, H] int8. Saturation never changes these spikes
    (see README), so it is not modelled here; simulate() checks it anyway."""
    I = q @ W1.T + b1
    v = np.zeros_like(I)
    out = np.zeros((T,) + I.shape, dtype=np.int8)
    for t in range(T):
        v = v + I
        s = v >= theta1
        v = v - theta1 * s
        out[t] = s
    return out


def output_counts(D, b2, theta2, T):
    """Exact IF output layer (subtract reset, fire ge, no saturation: checked
    later) given its per-step synaptic input D[t] = S[t] @ W2.T, [T, N, 10]."""
    v = np.zeros(D.shape[1:], dtype=np.int64)
    cnt = np.zeros_like(v)
    for t in range(T):
        v = v + D[t] + b2
        s = v >= theta2
        v = v - theta2 * s
        cnt += s
    return cnt


def output_drive(S, W2):
    return np.stack([S[t].astype(np.int64) @ W2.T for t in range(S.shape[0])])


def tune_output(S, y, W2, b2, T, log):
    """Choose theta2 and a common per-step bias offset on the TRAIN set by
    running the exact integer output layer (argmax, ties to lowest index)."""
    D = output_drive(S, W2)
    tot = D.sum(0) + T * b2
    log(f"  argmax of total output drive (no spiking), train acc {100 * (tot.argmax(1) == y).mean():.2f}%")
    drive = np.abs(D).mean()
    best = (-1.0, None, None)
    cands = sorted(set(int(round(drive * f)) for f in np.geomspace(0.1, 8.0, 50)) - {0})
    for th in cands:
        for off in np.unique(np.round(np.linspace(-1.0, 1.0, 17) * th).astype(int)):
            c = output_counts(D, b2 + off, th, T)
            acc = float((np.argmax(c, 1) == y).mean())
            if acc > best[0]:
                best = (acc, th, int(off))
    log(f"  output threshold search: theta2={best[1]} bias offset={best[2]} "
        f"train acc {100 * best[0]:.2f}%")
    return best[1], best[2]


class _FloorDivSTE(torch.autograd.Function):
    """floor(x / d) computed exactly (float64, integer-valued x), gradient 1/d."""
    @staticmethod
    def forward(ctx, x, d):
        ctx.d = d
        return torch.div(x, d, rounding_mode="floor")

    @staticmethod
    def backward(ctx, g):
        return g / ctx.d, None


def snn_forward(q, W1q, B1q, theta1, W2q, B2q, theta2, T):
    """Bit-exact forward pass of the integer SNN (float64 holding integers), with
    straight-through / surrogate gradients.

    Hidden layer: the input is the same graded vector at every step, so the IF
    neuron (subtract reset, fire ge, v starting at 0) has the closed form
    cumulative count c(t) = clip(floor(t * I / theta1), 0, t), I = W1q.q + b1;
    its spike at step t is c(t+1) - c(t). (Saturation of v never changes these
    spikes: below it only clips a v that keeps falling, above it keeps v >= theta1.)
    Output layer: the IF recurrence itself, v += W2q.s[t] + b2, spike v >= theta2,
    v -= theta2 * spike, with a sigmoid surrogate gradient for the spike.
    Returns (output spike counts, final output membrane)."""
    I = q @ W1q.t() + B1q
    c_prev = torch.zeros_like(I)
    v = torch.zeros(q.shape[0], W2q.shape[0], dtype=q.dtype)
    cnt = torch.zeros_like(v)
    for t in range(T):
        c = torch.minimum(torch.clamp(_FloorDivSTE.apply((t + 1) * I, theta1), min=0.0),
                          torch.full_like(I, float(t + 1)))
        s = c - c_prev
        c_prev = c
        v = v + s @ W2q.t() + B2q
        sg = torch.sigmoid((v - theta2 + 0.5) * (4.0 / theta2))
        o = (v >= theta2).to(v.dtype) + sg - sg.detach()
        v = v - theta2 * o
        cnt = cnt + o
    return cnt, v


def exact_predict(W1, b1, theta1, W2, b2, theta2, q, T):
    """Output spike counts of the integer SNN (no saturation), numpy."""
    S = hidden_spike_trains(W1, b1, theta1, q, T)
    return output_counts(output_drive(S, W2), b2, theta2, T).argmax(1)


def finetune_snn(q, y, w1_init, b1_init, theta1, w2_init, b2_init, theta2, T, wmax1, wmax2,
                 epochs, lr1, lr2, rng, log):
    """End-to-end fine-tuning of the integer SNN with its exact forward pass
    (snn_forward). Latent float weights in integer units, rounded (STE) to the
    4-bit codes; thresholds fixed. After every epoch the exact integer network
    is scored on the TRAINING set; the best epoch is kept."""
    qt = torch.from_numpy(q.astype(np.float64))
    yt = torch.from_numpy(y.astype(np.int64))
    w1 = torch.nn.Parameter(torch.as_tensor(w1_init, dtype=torch.float64).clone())
    b1 = torch.nn.Parameter(torch.as_tensor(b1_init, dtype=torch.float64).clone())
    w2 = torch.nn.Parameter(torch.as_tensor(w2_init, dtype=torch.float64).clone())
    b2 = torch.nn.Parameter(torch.as_tensor(b2_init, dtype=torch.float64).clone())
    opt = torch.optim.Adam([{"params": [w1, b1], "lr": lr1}, {"params": [w2, b2], "lr": lr2}])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(epochs, 1))

    def codes():
        with torch.no_grad():
            return (np.clip(np.round(w1.numpy()), -wmax1, wmax1).astype(np.int64),
                    np.round(b1.numpy()).astype(np.int64),
                    np.clip(np.round(w2.numpy()), -wmax2, wmax2).astype(np.int64),
                    np.round(b2.numpy()).astype(np.int64))

    best_p = codes()
    best_acc = float((exact_predict(best_p[0], best_p[1], theta1, best_p[2], best_p[3], theta2, q, T) == y).mean())
    log(f"  SNN fine-tune: start, exact integer train acc {100 * best_acc:.2f}%")
    for ep in range(epochs):
        tot = 0.0
        for idx in batches(len(y), 256, rng):
            cnt, v = snn_forward(qt[idx], torch.clamp(round_ste(w1), -wmax1, wmax1), round_ste(b1), theta1,
                                 torch.clamp(round_ste(w2), -wmax2, wmax2), round_ste(b2), theta2, T)
            # spike count plus the residual membrane (a fraction of a spike) as the logit
            loss = F.cross_entropy(cnt + v / theta2, yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        sched.step()
        p = codes()
        acc = float((exact_predict(p[0], p[1], theta1, p[2], p[3], theta2, q, T) == y).mean())
        log(f"  SNN fine-tune epoch {ep + 1}/{epochs} loss {tot / len(y):.4f} exact integer train acc {100 * acc:.2f}%")
        if acc > best_acc:
            best_acc, best_p = acc, p
    return best_p


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    ap.add_argument("--out", required=True, help="output directory (network.json is written there)")
    ap.add_argument("--data-dir", default=fl.DEFAULT_DATA_DIR, help="Fashion-MNIST *.gz IDX files")
    ap.add_argument("--hidden", type=int, default=64, help="hidden IF neurons (64 fits an iCE40UP5K)")
    ap.add_argument("--timesteps", type=int, default=8, help="timesteps T")
    ap.add_argument("--w1-bits", type=int, default=4, help="fc1 weight bits (signed)")
    ap.add_argument("--w2-bits", type=int, default=4, help="fc2 weight bits (signed)")
    ap.add_argument("--float-epochs", type=int, default=20, help="float ANN epochs")
    ap.add_argument("--qat-epochs", type=int, default=20, help="quantization-aware training epochs")
    ap.add_argument("--snn-epochs", type=int, default=10, help="exact integer SNN fine-tuning epochs (0: skip)")
    ap.add_argument("--lr", type=float, default=2e-3, help="float ANN learning rate (Adam, cosine)")
    ap.add_argument("--qat-lr", type=float, default=1e-3, help="QAT learning rate (Adam, cosine)")
    ap.add_argument("--snn-lr1", type=float, default=5e-4, help="SNN fine-tune lr, fc1 (integer units)")
    ap.add_argument("--snn-lr2", type=float, default=2e-3, help="SNN fine-tune lr, fc2 (integer units)")
    args = ap.parse_args()

    t0 = time.time()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(1)   # a tiny network: one thread is as fast, and robust to a busy machine
    torch.set_num_interop_threads(1)
    rng = np.random.default_rng(args.seed)
    T, H = args.timesteps, args.hidden
    wmax1, wmax2 = (1 << (args.w1_bits - 1)) - 1, (1 << (args.w2_bits - 1)) - 1

    def log(msg):
        print(f"[{time.time() - t0:7.1f}s] {msg}", flush=True)

    tr_img, tr_lab = fl.load_split("train", args.data_dir)
    te_img, te_lab = fl.load_split("test", args.data_dir)
    qtr_np, qte_np = fl.encode_images(tr_img), fl.encode_images(te_img)
    ytr_np, yte_np = tr_lab.astype(np.int64), te_lab.astype(np.int64)
    qtr, qte = torch.from_numpy(qtr_np.astype(np.float32)), torch.from_numpy(qte_np.astype(np.float32))
    ytr, yte = torch.from_numpy(ytr_np), torch.from_numpy(yte_np)
    log(f"data: train {len(ytr)}, test {len(yte)}, input {fl.N_IN} x {fl.PAYLOAD_BITS}-bit payloads")

    model = Net(fl.N_IN, H, 10)
    # 1. float ANN (input scaled to [0, 1])
    train_float(model, qtr / fl.PAYLOAD_MAX, ytr, args.float_epochs, args.lr, rng, log)
    model.eval()
    with torch.no_grad():
        float_acc = accuracy(model.forward_float(qte / fl.PAYLOAD_MAX), yte)
        # move the first layer to integer-payload units and initialise the clip level
        model.fc1.weight.mul_(1.0 / fl.PAYLOAD_MAX)
        z = model.fc1(qtr[:10000])
        model.lam.fill_(float(torch.quantile(z[z > 0], 0.99)))
    log(f"float ANN test accuracy: {100 * float_acc:.2f}%")

    # 2. QAT
    train_qat(model, qtr, ytr, args.qat_epochs, args.qat_lr, T, wmax1, wmax2, rng, log)
    model.eval()
    with torch.no_grad():
        qat_acc = accuracy(model.forward_qat(qte, T, wmax1, wmax2)[0], yte)
    log(f"QAT ANN (fake-quant) test accuracy: {100 * qat_acc:.2f}%")

    # 3. conversion
    with torch.no_grad():
        w1q, s1 = quant_weights(model.fc1.weight, wmax1)
        w2q, s2 = quant_weights(model.fc2.weight, wmax2)
        lam = model.lam.abs().item()
        W1 = w1q.numpy().astype(np.int64)
        W2 = w2q.numpy().astype(np.int64)
        b1 = np.round(model.fc1.bias.numpy() / s1.item()).astype(np.int64)
        theta1 = int(round(lam / s1.item()))
        # output current per hidden spike is W2q; float logit = s2 * lam / T * (W2q.c) + b2
        b2 = np.round(model.fc2.bias.numpy() / (s2.item() * lam)).astype(np.int64)  # per step
    log(f"converted: theta1={theta1}, |b1|max={np.abs(b1).max()}")

    S_tr = hidden_spike_trains(W1, b1, theta1, qtr_np, T)
    theta2, off = tune_output(S_tr, ytr_np, W2, b2, T, log)
    b2 = b2 + off
    del S_tr

    # 4. end-to-end fine-tuning of the exact integer SNN, then a final output threshold search
    if args.snn_epochs > 0:
        with torch.no_grad():
            w1_lat = (model.fc1.weight / s1).numpy()      # latent weights in integer units
            b1_lat = (model.fc1.bias / s1).numpy()
        W1, b1, W2, b2 = finetune_snn(qtr_np, ytr_np, w1_lat, b1_lat, theta1, W2, b2, theta2, T,
                                      wmax1, wmax2, args.snn_epochs, args.snn_lr1, args.snn_lr2, rng, log)
        S_tr = hidden_spike_trains(W1, b1, theta1, qtr_np, T)
        theta2, off = tune_output(S_tr, ytr_np, W2, b2, T, log)
        b2 = b2 + off
        del S_tr

    # 5. network file + exact evaluation
    net = {
        "format": "spikeforge-network", "version": 1,
        "name": "fmnist_dense_if",
        "timesteps": T,
        "input": {"size": fl.N_IN, "payload_bits": fl.PAYLOAD_BITS, "payload_signed": False},
        "output": {"decoding": "spike_count"},
        "layers": [
            {"name": "fc1", "type": "dense", "in": fl.N_IN, "out": H, "weight_bits": args.w1_bits,
             "weights": W1.tolist(), "bias": b1.tolist(),
             "neuron": {"model": "if", "threshold": theta1, "v_bits": 16, "fire": "ge", "reset": "subtract"}},
            {"name": "fc2", "type": "dense", "in": H, "out": 10, "weight_bits": args.w2_bits,
             "weights": W2.tolist(), "bias": b2.tolist(),
             "neuron": {"model": "if", "threshold": theta2, "v_bits": 16, "fire": "ge", "reset": "subtract"}},
        ],
    }
    # v_bits: the smallest width (>= 8) that never saturates on the TRAINING set, plus one
    # bit of headroom. (Saturation is part of the semantics, so the simulation below
    # stays exact either way; the test-set count is reported.)
    stats = {}
    wide = dict(net, layers=[dict(L, neuron=dict(L["neuron"], v_bits=48)) for L in net["layers"]])
    pred_tr_wide = fl.predict(wide, qtr_np, stats=stats)
    for li, L in enumerate(net["layers"]):
        lo, hi = stats[li]["vmin"], stats[li]["vmax"]
        bits = 8
        while not (-(1 << (bits - 1)) <= lo and hi <= (1 << (bits - 1)) - 1):
            bits += 1
        bits += 1
        L["neuron"]["v_bits"] = bits
        log(f"layer {L['name']}: v range [{lo}, {hi}] on the training set -> v_bits {bits}")
        nb = L.get("bias", [])
        assert all(-(1 << (bits - 1)) <= x <= (1 << (bits - 1)) - 1 for x in nb)
        assert 1 <= L["neuron"]["threshold"] <= (1 << (bits - 1)) - 1

    # exact integer simulation (fmnist_lib.simulate: the semantics.md recurrence, with saturation)
    pred_tr = fl.predict(net, qtr_np)
    assert np.array_equal(pred_tr, pred_tr_wide)
    # cross-check with the closed-form hidden layer used for training
    assert np.array_equal(pred_tr, exact_predict(W1, b1, theta1, W2, b2, theta2, qtr_np, T))
    stats = {}
    pred_te = fl.predict(net, qte_np, stats=stats)
    sat_te = sum(d["sat_hi"] + d["sat_lo"] for d in stats.values())
    snn_acc = float((pred_te == yte_np).mean())
    snn_tr = float((pred_tr == ytr_np).mean())

    net["description"] = (
        f"Fashion-MNIST, 28x28 -> 14x14 (2x2 average) -> 4-bit graded payload every step; "
        f"dense {fl.N_IN}-{H}-10 integer IF (subtract reset), {args.w1_bits}/{args.w2_bits}-bit weights, "
        f"T={T}, spike-count decoding. examples/fashion_mnist/train.py --seed {args.seed}; "
        f"Python integer simulation: test accuracy {100 * snn_acc:.2f}%")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "network.json")
    fl.write_network(path, net)
    report = {
        "seed": args.seed, "timesteps": T, "hidden": H, "theta1": theta1, "theta2": theta2,
        "v_bits": [L["neuron"]["v_bits"] for L in net["layers"]],
        "float_ann_test_accuracy": float_acc, "qat_ann_test_accuracy": qat_acc,
        "snn_train_accuracy": snn_tr, "snn_test_accuracy": snn_acc,
        "test_saturations": sat_te, "seconds": round(time.time() - t0, 1),
        "test_predictions": pred_te.tolist(),
    }
    with open(os.path.join(args.out, "train_report.json"), "w") as f:
        json.dump(report, f)
    wbits = sum(L["in"] * L["out"] * L["weight_bits"] for L in net["layers"])
    log(f"wrote {path}: theta1={theta1} theta2={theta2} weight memory {wbits} bits")
    print(f"seed {args.seed}")
    print(f"float ANN test accuracy: {100 * float_acc:.2f}%")
    print(f"QAT ANN (fake-quant) test accuracy: {100 * qat_acc:.2f}%")
    print(f"integer SNN (Python) train accuracy: {100 * snn_tr:.2f}%")
    print(f"integer SNN (Python) test accuracy: {100 * snn_acc:.2f}% ({int((pred_te == yte_np).sum())}/{len(yte_np)})"
          f", v saturations on test: {sat_te}")
    print(f"time: {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
