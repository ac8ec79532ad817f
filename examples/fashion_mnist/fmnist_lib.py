"""Shared helpers for the Fashion-MNIST example: data loading, input encoding,
raster writing and a bit-exact numpy integer simulator of the `if` / `lif`
neuron models of docs/semantics.md.

Everything here is plain numpy (no torch), so make_rasters.py can import
it without pulling in the training stack.
"""

import gzip
import json
import os
import struct

import numpy as np

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# Input encoding constants (shared by training, evaluation and make_rasters.py).
POOL = 2            # 28x28 -> 14x14 by 2x2 average pooling
SIDE = 28 // POOL   # 14
N_IN = SIDE * SIDE  # 196
PAYLOAD_BITS = 4    # graded input payload width (unsigned), values 0..15
PAYLOAD_MAX = (1 << PAYLOAD_BITS) - 1


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
    """28x28 uint8 images -> [N,196] int64 payloads in 0..15.

    2x2 average pooling followed by 4-bit quantization, in exact integer
    arithmetic: q = round(sum4 * 15 / 1020), half rounded up.
    """
    x = images.astype(np.int64).reshape(-1, SIDE, POOL, SIDE, POOL).sum(axis=(2, 4))
    den = POOL * POOL * 255
    q = (x * PAYLOAD_MAX * 2 + den) // (2 * den)
    return q.reshape(-1, N_IN)


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
    """Write a spikeforge-raster v1 batch file, streamed one sample per line
    (keeps memory flat for the 10,000-image test set and the file diff-able)."""
    n = q.shape[0]
    with open(path, "w") as f:
        f.write('{"format": "spikeforge-raster", "version": 1, "samples": [\n')
        for k in range(n):
            s = raster_sample(q[k], timesteps, None if labels is None else labels[k])
            f.write(json.dumps(s, separators=(",", ":")))
            f.write(",\n" if k + 1 < n else "\n")
        f.write("]}\n")


def raster_to_dense(sample, size):
    """Raster sample -> dense [T, size] int64 payload array (for checking)."""
    T = sample["timesteps"]
    x = np.zeros((T, size), dtype=np.int64)
    seen = set()
    for ev in sample["events"]:
        t, i = ev[0], ev[1]
        p = ev[2] if len(ev) > 2 else 1
        if (t, i) in seen:
            raise ValueError(f"duplicate event {(t, i)}")
        seen.add((t, i))
        x[t, i] = p
    return x


# --------------------------------------------------------------------------- network json

def load_network(path):
    with open(path) as f:
        net = json.load(f)
    if net.get("format") != "spikeforge-network" or net.get("version") != 1:
        raise ValueError(f"{path}: not a spikeforge-network v1 file")
    return net


def write_network(path, net):
    """Write the network JSON with one weight row per line (readable, diff-able)."""
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
            else:
                rows = [dump(r, indent + 2) for r in obj]
            return pad + "[\n" + ",\n".join(rows) + "\n" + pad + "]"
        if isinstance(obj, list):
            return pad + json.dumps(obj, separators=(",", ":"))
        return pad + json.dumps(obj)
    with open(path, "w") as f:
        f.write(dump(net, 0) + "\n")


# --------------------------------------------------------------------------- integer simulator

def _sat(v, bits):
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return np.clip(v, lo, hi)


def _trunc0_shift(a, k):
    return np.sign(a) * (np.abs(a) >> k)


def _leak(v, leak):
    kind = leak["kind"]
    if kind == "shift":
        return v - _trunc0_shift(v, leak["shift"])
    if kind == "mult":
        return _trunc0_shift(v * leak["beta"], leak["frac"])
    if kind == "sub":
        return np.sign(v) * np.maximum(np.abs(v) - leak["lambda"], 0)
    raise ValueError(f"unknown leak kind {kind}")


class _LayerState:
    def __init__(self, layer, batch):
        self.W = np.asarray(layer["weights"], dtype=np.int64)          # [out, in]
        self.b = np.asarray(layer.get("bias", [0] * layer["out"]), dtype=np.int64)
        nrn = layer["neuron"]
        self.model = nrn["model"]
        if self.model not in ("if", "lif"):
            raise ValueError(f"model {self.model} not supported by this simulator")
        self.theta = int(nrn["threshold"])
        self.vbits = int(nrn["v_bits"])
        self.fire = nrn.get("fire", "ge")
        self.reset = nrn.get("reset", "subtract")
        if self.reset not in ("subtract", "zero", "none"):
            raise ValueError(f"reset {self.reset} not supported by this simulator")
        self.v_reset = int(nrn.get("v_reset", 0))
        self.leak = nrn.get("leak") if self.model == "lif" else None
        self.v = np.zeros((batch, layer["out"]), dtype=np.int64)
        self.counts = np.zeros((batch, layer["out"]), dtype=np.int64)
        self.sat_hi = 0   # number of (sample, neuron, step) saturations at the top
        self.sat_lo = 0   # ... and at the bottom
        self.vmin = 0
        self.vmax = 0

    def step(self, x):
        """x: [batch, in] payloads of this step's input events (0 = no event)."""
        I = x @ self.W.T
        v = self.v if self.leak is None else _leak(self.v, self.leak)
        raw = v + I + self.b
        self.vmin = min(self.vmin, int(raw.min()))
        self.vmax = max(self.vmax, int(raw.max()))
        lo, hi = -(1 << (self.vbits - 1)), (1 << (self.vbits - 1)) - 1
        self.sat_hi += int((raw > hi).sum())
        self.sat_lo += int((raw < lo).sum())
        v = np.clip(raw, lo, hi)
        s = (v >= self.theta) if self.fire == "ge" else (v > self.theta)
        if self.reset == "subtract":
            v = v - self.theta * s
        elif self.reset == "zero":
            v = np.where(s, self.v_reset, v)
        self.v = v
        self.counts += s
        return s.astype(np.int64)


def simulate(net, x_steps, return_states=False):
    """Run the integer SNN.

    x_steps: either [batch, in] (the same graded input at every step, as the
    example's encoding does) or [T, batch, in] (explicit per-step payloads).
    Returns the per-layer spike counts (list of [batch, out] arrays) and the
    layer state objects (saturation statistics) if return_states.
    """
    T = int(net["timesteps"])
    x_steps = np.asarray(x_steps, dtype=np.int64)
    const = x_steps.ndim == 2
    batch = x_steps.shape[0] if const else x_steps.shape[1]
    layers = [_LayerState(L, batch) for L in net["layers"]]
    for L in net["layers"]:
        if L["type"] != "dense":
            raise ValueError(f"layer type {L['type']} not supported by this simulator")
    for t in range(T):
        x = x_steps if const else x_steps[t]
        for st in layers:
            x = st.step(x)          # same-step chaining, payload 1 for spikes
    counts = [st.counts for st in layers]
    return (counts, layers) if return_states else counts


def decode_spike_count(counts):
    """argmax of output spike counts, ties to the lowest index (np.argmax does that)."""
    return np.argmax(counts, axis=1)


def predict(net, q, batch=5000, stats=None):
    preds = []
    for k in range(0, q.shape[0], batch):
        counts, states = simulate(net, q[k:k + batch], return_states=True)
        preds.append(decode_spike_count(counts[-1]))
        if stats is not None:
            for li, st in enumerate(states):
                d = stats.setdefault(li, {"sat_hi": 0, "sat_lo": 0, "vmin": 0, "vmax": 0})
                d["sat_hi"] += st.sat_hi
                d["sat_lo"] += st.sat_lo
                d["vmin"] = min(d["vmin"], st.vmin)
                d["vmax"] = max(d["vmax"], st.vmax)
    return np.concatenate(preds)
