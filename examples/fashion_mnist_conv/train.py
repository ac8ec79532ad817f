#!/usr/bin/env python3
"""Train the convolutional Fashion-MNIST integer IF network shipped with SpikeForge.

Usage: /usr/bin/python3 examples/fashion_mnist_conv/train.py --seed S --out DIR
writes DIR/network.json (spikeforge-network v2) and DIR/train_report.json.

The network reads the full 28x28 image (784 inputs, shape [1, 28, 28], 4-bit graded
payloads sent at every timestep) through strided conv2d layers of `if` neurons (no
bias, no leak: the engine's sparse fire), a flatten and dense layers; see --arch.

Pipeline (all fitting and every choice on the 60,000-image training set; the test
set is only evaluated, never used to select anything):
  1. float ANN (ReLU, no conv bias) on the images scaled to [0, 1];
  2. quantization-aware training (STE): symmetric per-layer weights
     (scale = max|w| / wmax), every hidden activation quantized like an IF
     layer's spike count over T steps, c = clip(floor(T * z / lambda), 0, T),
     with a learned clip level lambda per layer;
  3. conversion to integers: theta_1 = lambda_1 / s_1, theta_l = lambda_l /
     (s_l * lambda_{l-1}), dense biases per step; the output threshold and a
     common output bias offset are chosen on the training set with the exact
     integer network;
  4. fine-tuning of the exact integer SNN (its forward pass is the integer
     network, step by step, bit for bit; straight-through rounding of the
     weights, sigmoid surrogate spikes), keeping the epoch with the best exact
     training accuracy, then the output threshold search again;
  5. v_bits from the training-set membrane range (+1 bit), then the numpy
     integer simulator (fmnist_conv_lib.simulate, the semantics.md recurrence
     with saturation) runs all 10,000 test images; its predictions go into
     train_report.json (evaluate.sh checks the C++ golden model against them).
Deterministic for a given seed (fixed seeds, fixed thread count, CPU only).
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist_conv_lib as fl  # noqa: E402


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


# --------------------------------------------------------------------------- architecture

def parse_arch(text):
    """'c6k4s2p0,c32k3s2p1,d10' -> layer specs. cCkKsSpP: conv2d with C output channels,
    kernel K, stride S, padding P; dN: dense with N outputs (the last is the output)."""
    specs = []
    for tok in text.split(","):
        tok = tok.strip()
        if tok.startswith("c"):
            import re
            m = re.fullmatch(r"c(\d+)k(\d+)s(\d+)p(\d+)", tok)
            if not m:
                raise SystemExit(f"--arch: bad conv token '{tok}' (expected cCkKsSpP)")
            specs.append(("conv", *map(int, m.groups())))
        elif tok.startswith("d"):
            specs.append(("dense", int(tok[1:])))
        else:
            raise SystemExit(f"--arch: bad token '{tok}'")
    if specs[-1] != ("dense", 10):
        raise SystemExit("--arch: the last layer must be d10")
    return specs


class Net(torch.nn.Module):
    """Float / QAT model: conv layers without bias, dense layers with bias."""

    def __init__(self, specs):
        super().__init__()
        self.specs = specs
        self.mods = torch.nn.ModuleList()
        self.shapes = []          # output shape of every layer
        C, H = 1, fl.SIDE
        n = None
        for sp in specs:
            if sp[0] == "conv":
                _, co, k, s, p = sp
                self.mods.append(torch.nn.Conv2d(C, co, k, s, p, bias=False))
                C, H = co, (H + 2 * p - k) // s + 1
                self.shapes.append((C, H, H))
            else:
                if n is None:
                    n = C * H * H
                self.mods.append(torch.nn.Linear(n, sp[1]))
                n = sp[1]
                self.shapes.append((n,))
        # clip level of every hidden layer, in units of its float pre-activation
        self.lam = torch.nn.Parameter(torch.ones(len(specs) - 1))

    def _apply(self, i, x):
        m = self.mods[i]
        if isinstance(m, torch.nn.Linear) and x.dim() > 2:
            x = x.flatten(1)
        return m(x)

    def forward_float(self, x):
        for i in range(len(self.mods)):
            x = self._apply(i, x)
            if i + 1 < len(self.mods):
                x = F.relu(x)
        return x

    def preacts(self, x):
        out = []
        for i in range(len(self.mods)):
            x = self._apply(i, x)
            out.append(x)
            x = F.relu(x)
        return out

    def qlayer(self, i, x, wmax, in_scale):
        """Layer i with quantized weights on input x (in units of in_scale)."""
        m = self.mods[i]
        wq, s = quant_weights(m.weight, wmax)
        if isinstance(m, torch.nn.Linear):
            if x.dim() > 2:
                x = x.flatten(1)
            return F.linear(x, wq) * (s * in_scale) + m.bias, wq, s
        return F.conv2d(x, wq, None, m.stride, m.padding) * (s * in_scale), wq, s

    def forward_qat(self, q, T, wmax):
        """q: integer payloads (as float). Hidden layers output IF spike counts c;
        the activation passed on is c (its scale lambda / T goes into the next layer)."""
        x, in_scale = q, 1.0
        for i in range(len(self.mods)):
            z, _, _ = self.qlayer(i, x, wmax[i], in_scale)
            if i + 1 == len(self.mods):
                return z
            lam = self.lam[i].abs()
            x = torch.clamp(floor_ste(T * z / lam), 0, T)      # IF spike count over T steps
            in_scale = lam / T


# --------------------------------------------------------------------------- training loops

def batches(n, bs, rng):
    perm = rng.permutation(n)
    for k in range(0, n, bs):
        yield perm[k:k + bs]


def train_loop(model, params, forward, x, y, epochs, lr, rng, log, what, bs=128):
    opt = torch.optim.Adam(params, lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    for ep in range(epochs):
        model.train()
        tot = 0.0
        for idx in batches(len(y), bs, rng):
            idx = torch.from_numpy(idx)
            loss = F.cross_entropy(forward(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        sched.step()
        lam = ""
        if what == "QAT":
            lam = " lambda " + " ".join(f"{v:.3f}" for v in model.lam.abs().tolist())
        log(f"  {what} epoch {ep + 1}/{epochs} loss {tot / len(y):.4f}{lam}")


def accuracy_of(fn, x, y, bs=2000):
    with torch.no_grad():
        pred = torch.cat([fn(x[k:k + bs]).argmax(1) for k in range(0, len(y), bs)])
    return float((pred == y).float().mean().item())


# --------------------------------------------------------------------------- integer SNN (torch)

class IntNet:
    """The integer network as tensors: latent weights in integer units (rounded
    with STE to the codes), integer thresholds, integer dense biases per step."""

    def __init__(self, model, specs, w_lat, b_lat, thetas, wmax):
        self.model, self.specs, self.wmax = model, specs, wmax
        self.w = [torch.nn.Parameter(torch.as_tensor(w, dtype=torch.float32).clone()) for w in w_lat]
        self.b = [None if b is None else torch.nn.Parameter(torch.as_tensor(b, dtype=torch.float32).clone())
                  for b in b_lat]
        self.theta = list(thetas)

    def params(self):
        return self.w + [b for b in self.b if b is not None]

    def codes(self):
        with torch.no_grad():
            W = [np.clip(np.round(w.numpy()), -m, m).astype(np.int64) for w, m in zip(self.w, self.wmax)]
            B = [None if b is None else np.round(b.numpy()).astype(np.int64) for b in self.b]
        return W, B

    def current(self, i, x, wq, bq):
        m = self.model.mods[i]
        if isinstance(m, torch.nn.Linear):
            if x.dim() > 2:
                x = x.flatten(1)
            I = F.linear(x, wq)
        else:
            I = F.conv2d(x, wq, None, m.stride, m.padding)
        I = I + (torch.round(I) - I).detach()   # exact integers (whatever the conv algorithm)
        if bq is not None:
            I = I + bq
        return I

    def forward(self, q, T, drive_only=False):
        """Bit-exact forward of the integer SNN (no saturation: v_bits is chosen later
        so that the training set never saturates, and the numpy simulator checks).
        Returns (output spike counts, final output membrane); with drive_only the
        per-step synaptic drive of the output layer [T, B, 10] (without its bias)."""
        n = len(self.w)
        wq = [torch.clamp(round_ste(w), -m, m) for w, m in zip(self.w, self.wmax)]
        bq = [None if b is None else round_ste(b) for b in self.b]
        I0 = self.current(0, q, wq[0], bq[0])      # constant input: the same current every step
        v = [None] * n
        cnt = None
        drives = []
        for t in range(T):
            x = None
            for i in range(n):
                if i == 0:
                    I = I0
                elif drive_only and i == n - 1:
                    drives.append(self.current(i, x, wq[i], None))
                    break
                else:
                    I = self.current(i, x, wq[i], bq[i])
                v[i] = I if v[i] is None else v[i] + I
                th = float(self.theta[i])
                sg = torch.sigmoid((v[i] - th + 0.5) * (4.0 / th))
                s = (v[i] >= th).to(v[i].dtype) + (sg - sg.detach())   # exactly the hard spike
                v[i] = v[i] - th * s
                x = s
            if not drive_only:
                cnt = s if cnt is None else cnt + s
        if drive_only:
            return torch.stack(drives)
        return cnt, v[-1]

    def predict(self, q, T, bs=1000):
        with torch.no_grad():
            return torch.cat([self.forward(q[k:k + bs], T)[0].argmax(1) for k in range(0, len(q), bs)]).numpy()

    def output_drive(self, q, T, bs=1000):
        with torch.no_grad():
            return torch.cat([self.forward(q[k:k + bs], T, drive_only=True) for k in range(0, len(q), bs)],
                             dim=1).numpy().astype(np.int64)


def output_counts(D, b2, theta2, T):
    """Exact IF output layer (subtract reset, fire ge) given its per-step synaptic
    input D[t] [T, N, 10] and a per-step bias."""
    v = np.zeros(D.shape[1:], dtype=np.int64)
    cnt = np.zeros_like(v)
    for t in range(T):
        v = v + D[t] + b2
        s = v >= theta2
        v = v - theta2 * s
        cnt += s
    return cnt


def tune_output(D, y, b2, T, log):
    """Choose the output threshold and a common per-step bias offset on the TRAIN set
    by running the exact integer output layer (argmax, ties to the lowest index)."""
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
    log(f"  output threshold search: theta={best[1]} bias offset={best[2]} train acc {100 * best[0]:.2f}%")
    return best[1], best[2]


def finetune_snn(inet, q, y, T, epochs, lrs, rng, log, bs=128):
    """End-to-end fine-tuning of the integer SNN with its exact forward pass; the
    exact integer network is scored on the TRAINING set after every epoch and the
    best epoch is kept."""
    yt = torch.from_numpy(y)
    groups = [{"params": [p for p in [inet.w[i], inet.b[i]] if p is not None], "lr": lrs[i]}
              for i in range(len(inet.w))]
    opt = torch.optim.Adam(groups)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(epochs, 1))
    best_p = inet.codes()
    best_acc = float((inet.predict(q, T) == y).mean())
    log(f"  SNN fine-tune: start, exact integer train acc {100 * best_acc:.2f}%")
    theta_o = float(inet.theta[-1])
    for ep in range(epochs):
        tot = 0.0
        for idx in batches(len(y), bs, rng):
            idx = torch.from_numpy(idx)
            cnt, v = inet.forward(q[idx], T)
            # spike count plus the residual membrane (a fraction of a spike) as the logit
            loss = F.cross_entropy(cnt + v / theta_o, yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        sched.step()
        acc = float((inet.predict(q, T) == y).mean())
        log(f"  SNN fine-tune epoch {ep + 1}/{epochs} loss {tot / len(y):.4f} exact integer train acc {100 * acc:.2f}%")
        if acc > best_acc:
            best_acc, best_p = acc, inet.codes()
    return best_p


# --------------------------------------------------------------------------- network file

def make_network(specs, W, B, thetas, T, wbits, name, lanes):
    layers = []
    prev = "image"
    flat = False
    for i, sp in enumerate(specs):
        last = i + 1 == len(specs)
        nrn = {"model": "if", "threshold": int(thetas[i]), "v_bits": 16, "fire": "ge", "reset": "subtract"}
        if sp[0] == "conv":
            _, co, k, s, p = sp
            L = {"name": f"conv{i + 1}", "type": "conv2d", "inputs": [prev], "out_channels": co,
                 "kernel": k, "stride": s, "padding": p, "weight_bits": wbits[i],
                 "weights": W[i].tolist(), "neuron": nrn}
        else:
            if not flat:
                layers.append({"name": "flat", "type": "flatten", "inputs": [prev]})
                prev, flat = "flat", True
            L = {"name": "out" if last else f"fc{i + 1}", "type": "dense", "inputs": [prev], "out": sp[1],
                 "weight_bits": wbits[i], "weights": W[i].tolist(), "bias": B[i].tolist(), "neuron": nrn}
        if lanes[i] > 0:
            L["hardware"] = {"parallel": lanes[i]}
        layers.append(L)
        prev = L["name"]
    return {
        "format": "spikeforge-network", "version": 2,
        "name": name,
        "timesteps": T,
        "input": {"name": "image", "shape": [1, fl.SIDE, fl.SIDE], "payload_bits": fl.PAYLOAD_BITS,
                  "payload_signed": False},
        "output": {"decoding": "spike_count"},
        "layers": layers,
    }


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    ap.add_argument("--out", required=True, help="output directory (network.json is written there)")
    ap.add_argument("--data-dir", default=fl.DEFAULT_DATA_DIR, help="Fashion-MNIST *.gz IDX files")
    ap.add_argument("--arch", default="c6k4s2p0,c16k3s2p1,d64,d10",
                    help="layers: cCkKsSpP conv2d (C channels, kernel K, stride S, padding P), dN dense; "
                         "default c6k4s2p0,c16k3s2p1,d64,d10 (fits an iCE40UP5K)")
    ap.add_argument("--timesteps", type=int, default=8, help="timesteps T")
    ap.add_argument("--w-bits", default="4", help="signed weight bits, one value or one per layer (comma-separated)")
    ap.add_argument("--float-epochs", type=int, default=15, help="float ANN epochs")
    ap.add_argument("--qat-epochs", type=int, default=8, help="quantization-aware training epochs")
    ap.add_argument("--snn-epochs", type=int, default=2, help="exact integer SNN fine-tuning epochs (0: skip)")
    ap.add_argument("--lr", type=float, default=2e-3, help="float ANN learning rate (Adam, cosine)")
    ap.add_argument("--qat-lr", type=float, default=1e-3, help="QAT learning rate (Adam, cosine)")
    ap.add_argument("--snn-lr", type=float, default=1e-3,
                    help="SNN fine-tune learning rate in integer weight units (output layer: 4x)")
    ap.add_argument("--parallel", default="2,2,2,1",
                    help="hardware.parallel (lanes) written for each layer, comma-separated; 0: leave it to "
                         "the planner (default 2,2,2,1: the default network then fits the iCE40UP5K's logic)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 or 2)")
    args = ap.parse_args()

    t0 = time.time()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    rng = np.random.default_rng(args.seed)
    T = args.timesteps
    specs = parse_arch(args.arch)
    nl = len(specs)
    wb = [int(v) for v in args.w_bits.split(",")]
    wbits = wb * nl if len(wb) == 1 else wb
    if len(wbits) != nl:
        raise SystemExit("--w-bits: one value or one per layer")
    wmax = [(1 << (b - 1)) - 1 for b in wbits]
    lanes = [int(v) for v in args.parallel.split(",")]
    lanes = lanes * nl if len(lanes) == 1 else lanes
    if len(lanes) != nl:
        raise SystemExit("--parallel: one value or one per layer")

    def log(msg):
        print(f"[{time.time() - t0:7.1f}s] {msg}", flush=True)

    tr_img, tr_lab = fl.load_split("train", args.data_dir)
    te_img, te_lab = fl.load_split("test", args.data_dir)
    qtr_np, qte_np = fl.encode_images(tr_img), fl.encode_images(te_img)
    ytr_np, yte_np = tr_lab.astype(np.int64), te_lab.astype(np.int64)
    img = (1, fl.SIDE, fl.SIDE)
    qtr = torch.from_numpy(qtr_np.astype(np.float32)).reshape((-1,) + img)
    qte = torch.from_numpy(qte_np.astype(np.float32)).reshape((-1,) + img)
    ytr, yte = torch.from_numpy(ytr_np), torch.from_numpy(yte_np)
    log(f"data: train {len(ytr)}, test {len(yte)}, input {img} x {fl.PAYLOAD_BITS}-bit payloads; arch {args.arch}")

    model = Net(specs)
    # 1. float ANN (input scaled to [0, 1])
    xtr = qtr / fl.PAYLOAD_MAX
    train_loop(model, model.parameters(), model.forward_float, xtr, ytr, args.float_epochs, args.lr, rng, log,
               "float")
    model.eval()
    float_acc = accuracy_of(model.forward_float, qte / fl.PAYLOAD_MAX, yte)
    log(f"float ANN test accuracy: {100 * float_acc:.2f}%")
    with torch.no_grad():
        # move the first layer to integer-payload units; clip levels from the
        # 99th percentile of the positive pre-activations of (scaled) training images
        model.mods[0].weight.mul_(1.0 / fl.PAYLOAD_MAX)
        z = model.preacts(qtr[:5000])
        # the float net's hidden layers are chained, so lambda_i in the QAT model
        # (which passes counts, scaled by lambda/T) matches the float activations
        for i in range(nl - 1):
            zi = z[i][z[i] > 0]
            model.lam[i] = float(torch.quantile(zi[torch.randperm(len(zi))[:200000]], 0.99))
    log("initial lambda " + " ".join(f"{v:.3f}" for v in model.lam.tolist()))

    # 2. QAT
    train_loop(model, model.parameters(), lambda x: model.forward_qat(x, T, wmax), qtr, ytr, args.qat_epochs,
               args.qat_lr, rng, log, "QAT")
    model.eval()
    qat_acc = accuracy_of(lambda x: model.forward_qat(x, T, wmax), qte, yte)
    log(f"QAT ANN (fake-quant) test accuracy: {100 * qat_acc:.2f}%")

    # 3. conversion: integer weights, thresholds, dense biases per step
    with torch.no_grad():
        lam = model.lam.abs().tolist()
        w_lat, b_lat, thetas = [], [], []
        prev_lam = None
        for i, m in enumerate(model.mods):
            _, s = quant_weights(m.weight, wmax[i])
            s = s.item()
            w_lat.append((m.weight / s).numpy())
            unit = s if prev_lam is None else s * prev_lam        # float value of one integer input unit x weight
            if i + 1 < nl:
                thetas.append(max(1, int(round(lam[i] / unit))))
            b_lat.append(None if m.bias is None else (m.bias / unit).numpy() if i + 1 < nl
                         else (m.bias / unit).numpy())
            # hidden dense bias: float b adds b per step in the ANN after T steps of
            # input summed; in integer units per step it is b / unit (counted T times
            # against T * z), exactly as the input sum is.
            prev_lam = lam[i] if i + 1 < nl else None
        # per-step integer biases: the total over T steps must equal T * b / unit for
        # the output layer (its input sum over T steps is W.c), and the hidden count
        # floor(W.c / theta + T * b / unit / theta) needs the same per-step bias.
        b_lat = [None if b is None else b for b in b_lat]
    thetas.append(1)   # output threshold: chosen below
    inet = IntNet(model, specs, w_lat, b_lat, thetas, wmax)
    W, Bq = inet.codes()
    log("converted: thresholds " + " ".join(str(t) for t in thetas[:-1]))
    D = inet.output_drive(qtr, T)
    th_o, off = tune_output(D, ytr_np, Bq[-1], T, log)
    inet.theta[-1] = th_o
    with torch.no_grad():
        inet.b[-1] += off

    # 4. exact integer SNN fine-tuning, then a final output threshold search
    if args.snn_epochs > 0:
        lrs = [args.snn_lr] * (nl - 1) + [4 * args.snn_lr]
        W, Bq = finetune_snn(inet, qtr, ytr_np, T, args.snn_epochs, lrs, rng, log)
        with torch.no_grad():
            for i in range(nl):
                inet.w[i].copy_(torch.from_numpy(W[i].astype(np.float32)))
                if inet.b[i] is not None:
                    inet.b[i].copy_(torch.from_numpy(Bq[i].astype(np.float32)))
        D = inet.output_drive(qtr, T)
        th_o, off = tune_output(D, ytr_np, Bq[-1], T, log)
        inet.theta[-1] = th_o
        with torch.no_grad():
            inet.b[-1] += off
    W, Bq = inet.codes()
    pred_tr_torch = inet.predict(qtr, T)

    # 5. network file + exact evaluation
    net = make_network(specs, W, Bq, inet.theta, T, wbits, "fmnist_conv_if", lanes)
    # v_bits: the smallest width (>= 8) that never saturates on the TRAINING set, plus
    # one bit of headroom (saturation is part of the semantics, so the simulation below
    # stays exact either way; the test-set count is reported).
    wide = json.loads(json.dumps(net))
    for L in wide["layers"]:
        if "neuron" in L:
            L["neuron"]["v_bits"] = 48
    stats = {}
    pred_tr_wide = fl.predict(wide, qtr_np, stats=stats)
    for L in net["layers"]:
        if "neuron" not in L:
            continue
        lo, hi = stats[L["name"]]["vmin"], stats[L["name"]]["vmax"]
        bits = 8
        while not (-(1 << (bits - 1)) <= lo and hi <= (1 << (bits - 1)) - 1):
            bits += 1
        bits += 1
        L["neuron"]["v_bits"] = bits
        log(f"layer {L['name']}: v range [{lo}, {hi}] on the training set -> v_bits {bits}; "
            f"{stats[L['name']]['spikes'] / len(ytr_np):.1f} spikes per image")
        assert all(-(1 << (bits - 1)) <= x <= (1 << (bits - 1)) - 1 for x in L.get("bias", []))
        assert 1 <= L["neuron"]["threshold"] <= (1 << (bits - 1)) - 1
    # exact integer simulation (fmnist_conv_lib.simulate: the semantics.md recurrence, with saturation)
    stats_tr = {}
    pred_tr = fl.predict(net, qtr_np, stats=stats_tr)
    assert np.array_equal(pred_tr, pred_tr_wide)
    assert np.array_equal(pred_tr, pred_tr_torch), "numpy and torch integer networks disagree"
    stats = {}
    pred_te = fl.predict(net, qte_np, stats=stats)
    sat_te = sum(d["sat"] for d in stats.values())
    snn_acc = float((pred_te == yte_np).mean())
    snn_tr = float((pred_tr == ytr_np).mean())
    spikes_te = {k: round(d["spikes"] / len(yte_np), 2) for k, d in stats.items()}

    net["description"] = (
        f"Fashion-MNIST, full 28x28 image, 4-bit graded payload every step; {args.arch} integer IF "
        f"(subtract reset, no conv bias), {'/'.join(map(str, wbits))}-bit weights, T={T}, spike-count decoding. "
        f"examples/fashion_mnist_conv/train.py --seed {args.seed}; Python integer simulation: test accuracy "
        f"{100 * snn_acc:.2f}%")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "network.json")
    fl.write_network(path, net)
    report = {
        "seed": args.seed, "timesteps": T, "arch": args.arch, "weight_bits": wbits,
        "thresholds": [L["neuron"]["threshold"] for L in net["layers"] if "neuron" in L],
        "v_bits": [L["neuron"]["v_bits"] for L in net["layers"] if "neuron" in L],
        "float_ann_test_accuracy": float_acc, "qat_ann_test_accuracy": qat_acc,
        "snn_train_accuracy": snn_tr, "snn_test_accuracy": snn_acc,
        "test_saturations": sat_te, "test_spikes_per_image": spikes_te,
        "seconds": round(time.time() - t0, 1),
        "test_predictions": pred_te.tolist(),
    }
    with open(os.path.join(args.out, "train_report.json"), "w") as f:
        json.dump(report, f)
    log(f"wrote {path}: thresholds {report['thresholds']}, v_bits {report['v_bits']}")
    print(f"seed {args.seed}")
    print(f"float ANN test accuracy: {100 * float_acc:.2f}%")
    print(f"QAT ANN (fake-quant) test accuracy: {100 * qat_acc:.2f}%")
    print(f"integer SNN (Python) train accuracy: {100 * snn_tr:.2f}%")
    print(f"integer SNN (Python) test accuracy: {100 * snn_acc:.2f}% ({int((pred_te == yte_np).sum())}/{len(yte_np)})"
          f", v saturations on test: {sat_te}")
    print(f"time: {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
