"""Shared helpers for the convolutional Fashion-MNIST example: data loading, input
encoding, raster writing and a bit-exact numpy integer simulator of `if` neurons on
conv2d / sumpool2d / flatten / dense layers (docs/semantics.md, "Layer kinds of the
hardware network").

Plain numpy (no torch), so make_rasters.py can import it without the training stack.
Integer sums are formed with float64 matrix products, which are exact here: every
operand and every partial sum is an integer far below 2^53 (checked).
"""

import gzip
import json
import os
import struct

import numpy as np

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

SIDE = 28
N_IN = SIDE * SIDE  # 784 inputs, shape [1, 28, 28], C order
PAYLOAD_BITS = 4    # graded input payload width (unsigned), values 0..15
PAYLOAD_MAX = (1 << PAYLOAD_BITS) - 1
EXACT_LIMIT = 1 << 52


# --------------------------------------------------------------------------- data

def _read_idx(path):
    """Parse a (gzipped) IDX file into a numpy array (uint8 data only)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: size {data.size} does not match dims {dims}")
    return data.reshape(dims)


def load_split(split, data_dir=DEFAULT_DATA_DIR):
    """Return (images uint8 [N,28,28], labels uint8 [N]) for split 'train' or 'test'."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images = _read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    return images, labels


def encode_images(images):
    """28x28 uint8 images -> [N,784] int64 payloads in 0..15 (C order of [1, 28, 28]).

    Every pixel is quantized to 4 bits in exact integer arithmetic:
    q = round(p * 15 / 255), half rounded up. No pooling: the full image goes in.
    """
    p = images.astype(np.int64).reshape(-1, N_IN)
    return (p * PAYLOAD_MAX * 2 + 255) // (2 * 255)


# --------------------------------------------------------------------------- rasters

def raster_sample(q_row, timesteps, label=None):
    """One raster sample: every nonzero pixel sends its payload at every step."""
    idx = np.nonzero(q_row)[0]
    events = [[t, int(i), int(q_row[i])] for t in range(timesteps) for i in idx]
    s = {"timesteps": int(timesteps), "size": int(q_row.shape[0])}
    if label is not None:
        s["label"] = int(label)
    s["events"] = events
    return s


def write_raster_batch(path, q, labels, timesteps):
    """Write a spikeforge-raster v1 batch file, streamed one sample per line."""
    n = q.shape[0]
    with open(path, "w") as f:
        f.write('{"format": "spikeforge-raster", "version": 1, "samples": [\n')
        for k in range(n):
            s = raster_sample(q[k], timesteps, None if labels is None else labels[k])
            f.write(json.dumps(s, separators=(",", ":")))
            f.write(",\n" if k + 1 < n else "\n")
        f.write("]}\n")


# --------------------------------------------------------------------------- network json

def load_network(path):
    with open(path) as f:
        net = json.load(f)
    if net.get("format") != "spikeforge-network" or net.get("version") != 2:
        raise ValueError(f"{path}: not a spikeforge-network v2 file")
    return net


def write_network(path, net):
    """Write the network JSON readably: one innermost weight row per line."""
    def scalar_list(x):
        return isinstance(x, list) and all(not isinstance(e, (list, dict)) for e in x)

    def dump(obj, indent):
        pad = " " * indent
        if isinstance(obj, dict):
            items = [f'{pad}  {json.dumps(k)}: {dump(v, indent + 2).lstrip()}' for k, v in obj.items()]
            return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(obj, list) and obj and not scalar_list(obj):
            if all(scalar_list(r) for r in obj):      # a matrix: one row per line
                rows = [pad + "  " + json.dumps(r, separators=(",", ":")) for r in obj]
            elif all(isinstance(r, list) and all(scalar_list(e) for e in r) for r in obj):
                # a 3-D block (a conv kernel per output channel): one kernel per line
                rows = [pad + "  " + json.dumps(r, separators=(",", ":")) for r in obj]
            else:
                rows = [dump(r, indent + 2) for r in obj]
            return pad + "[\n" + ",\n".join(rows) + "\n" + pad + "]"
        if isinstance(obj, list):
            return pad + json.dumps(obj, separators=(",", ":"))
        return pad + json.dumps(obj)
    with open(path, "w") as f:
        f.write(dump(net, 0) + "\n")


# --------------------------------------------------------------------------- integer simulator

def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _exact_matmul(a, b):
    """Integer product through float64 BLAS; exact while |values| stay below 2^52."""
    bound = float(np.abs(a).max(initial=0)) * float(np.abs(b).sum(axis=0).max(initial=0))
    if bound >= EXACT_LIMIT:
        raise OverflowError("integer product too large for the exact float64 path")
    return np.rint(a.astype(np.float64) @ b.astype(np.float64)).astype(np.int64)


class _Layer:
    """One neuron layer (conv2d, sumpool2d or dense) with its `if` state."""

    def __init__(self, L, in_shape, batch):
        self.name, self.type = L["name"], L["type"]
        self.in_shape = tuple(in_shape)
        if self.type == "dense":
            self.W = np.asarray(L["weights"], dtype=np.int64)            # [out, in]
            self.out_shape = (self.W.shape[0],)
            self.b = np.asarray(L.get("bias", [0] * self.W.shape[0]), dtype=np.int64)
        else:
            C, H, Wd = self.in_shape
            if self.type == "conv2d":
                self.W = np.asarray(L["weights"], dtype=np.int64)        # [Co, Ci, kh, kw]
                if int(L.get("groups", 1)) != 1:
                    raise ValueError("groups != 1 not supported by this simulator")
                self.k = _pair(L["kernel"])
                self.s = _pair(L.get("stride", 1))
            else:  # sumpool2d: depthwise all-ones kernel, stride defaults to the kernel
                self.k = _pair(L["kernel"])
                self.s = _pair(L.get("stride", L["kernel"]))
                self.W = None
            self.p = _pair(L.get("padding", 0))
            d = _pair(L.get("dilation", 1))
            if d != (1, 1):
                raise ValueError("dilation not supported by this simulator")
            Co = self.W.shape[0] if self.W is not None else C
            Ho = (H + 2 * self.p[0] - self.k[0]) // self.s[0] + 1
            Wo = (Wd + 2 * self.p[1] - self.k[1]) // self.s[1] + 1
            self.out_shape = (Co, Ho, Wo)
            self.b = np.asarray(L.get("bias", [0] * Co), dtype=np.int64)[:, None, None]
        nrn = L["neuron"]
        if nrn["model"] != "if" or nrn.get("leak", {"kind": "none"})["kind"] != "none":
            raise ValueError(f"layer {self.name}: only `if` neurons without leak are simulated here")
        self.theta = int(nrn["threshold"])
        self.vbits = int(nrn["v_bits"])
        self.fire = nrn.get("fire", "ge")
        self.reset = nrn.get("reset", "subtract")
        if self.reset not in ("subtract", "zero", "none"):
            raise ValueError(f"reset {self.reset} not supported by this simulator")
        self.v_reset = int(nrn.get("v_reset", 0))
        self.v = np.zeros((batch,) + self.out_shape, dtype=np.int64)
        self.counts = np.zeros_like(self.v)
        self.sat = 0
        self.vmin = 0
        self.vmax = 0

    def current(self, x):
        """Input sum I of this step; x: [batch, *in_shape] payloads (0 = no event)."""
        B = x.shape[0]
        if self.type == "dense":
            return _exact_matmul(x.reshape(B, -1), self.W.T)
        C, H, Wd = self.in_shape
        Co, Ho, Wo = self.out_shape
        (kh, kw), (sh, sw), (ph, pw) = self.k, self.s, self.p
        xp = np.zeros((B, C, H + 2 * ph, Wd + 2 * pw), dtype=np.int64)
        xp[:, :, ph:ph + H, pw:pw + Wd] = x
        if self.W is None:      # sumpool2d: the window sum of each channel
            I = np.zeros((B, Co, Ho, Wo), dtype=np.int64)
            for ky in range(kh):
                for kx in range(kw):
                    I += xp[:, :, ky:ky + sh * (Ho - 1) + 1:sh, kx:kx + sw * (Wo - 1) + 1:sw]
            return I
        # im2col: [B, Ho, Wo, C, kh, kw] windows times the kernel [C*kh*kw, Co], one product
        cols = np.empty((B, Ho, Wo, C, kh, kw), dtype=np.int64)
        for ky in range(kh):
            for kx in range(kw):
                win = xp[:, :, ky:ky + sh * (Ho - 1) + 1:sh, kx:kx + sw * (Wo - 1) + 1:sw]
                cols[:, :, :, :, ky, kx] = win.transpose(0, 2, 3, 1)
        I = _exact_matmul(cols.reshape(B * Ho * Wo, C * kh * kw), self.W.reshape(Co, -1).T)
        return I.reshape(B, Ho, Wo, Co).transpose(0, 3, 1, 2)

    def step(self, x):
        raw = self.v + self.current(x) + self.b
        self.vmin = min(self.vmin, int(raw.min()))
        self.vmax = max(self.vmax, int(raw.max()))
        lo, hi = -(1 << (self.vbits - 1)), (1 << (self.vbits - 1)) - 1
        self.sat += int((raw > hi).sum() + (raw < lo).sum())
        v = np.clip(raw, lo, hi)
        s = (v >= self.theta) if self.fire == "ge" else (v > self.theta)
        if self.reset == "subtract":
            v = v - self.theta * s
        elif self.reset == "zero":
            v = np.where(s, self.v_reset, v)
        self.v = v
        self.counts += s
        return s.astype(np.int64)


def build_layers(net, batch):
    """The network's neuron layers in order, with their input shapes (flatten is a view)."""
    shape = tuple(net["input"]["shape"])
    layers = []
    for L in net["layers"]:
        if L["type"] == "flatten":
            shape = (int(np.prod(shape)),)
            continue
        st = _Layer(L, shape, batch)
        layers.append(st)
        shape = st.out_shape
    return layers


def simulate(net, q, return_layers=False):
    """Run the integer SNN for net['timesteps'] steps on [batch, 784] payloads that
    are sent at every step (same-step chaining, payload 1 for spikes).
    Returns the output layer's spike counts [batch, 10] (and the layer objects)."""
    T = int(net["timesteps"])
    q = np.asarray(q, dtype=np.int64)
    B = q.shape[0]
    layers = build_layers(net, B)
    x0 = q.reshape((B,) + tuple(net["input"]["shape"]))
    for _ in range(T):
        x = x0
        for st in layers:
            x = st.step(x)
    out = layers[-1].counts.reshape(B, -1)
    return (out, layers) if return_layers else out


def predict(net, q, batch=2000, stats=None):
    """spike_count decoding (argmax, ties to the lowest index) over all samples;
    stats (a dict) collects per-layer v range, saturations and spike counts."""
    preds = []
    for k in range(0, q.shape[0], batch):
        counts, layers = simulate(net, q[k:k + batch], return_layers=True)
        preds.append(np.argmax(counts, axis=1))
        if stats is not None:
            for st in layers:
                d = stats.setdefault(st.name, {"sat": 0, "vmin": 0, "vmax": 0, "spikes": 0})
                d["sat"] += st.sat
                d["vmin"] = min(d["vmin"], st.vmin)
                d["vmax"] = max(d["vmax"], st.vmax)
                d["spikes"] += int(st.counts.sum())
    return np.concatenate(preds)
