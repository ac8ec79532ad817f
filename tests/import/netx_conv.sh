#!/bin/bash
# netx conv layers end to end: a generated .net (data/make_conv_net.py: input,
# two conv layers with stride, padding, dilation and groups, flatten, dense)
# imports with --skip-input into conv2d layers whose dense matrices equal what a
# direct correlation gives; its golden model spikes in every layer, and the generated RTL,
# co-simulated cycle by cycle, equals it on every sample. tiny.net (the corpus)
# imports with --skip-input into 768 -> 864 -> 36 conv2d layers (refused without it) and
# co-simulates exactly on the convolution engine.
# Usage: netx_conv.sh SPIKEFORGE SOURCE_DIR NETX_CORPUS
set -euo pipefail
sf=$1 src=$2 corpus=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/sf-netx-conv.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

/usr/bin/python3 "$src/tests/import/data/make_conv_net.py" "$work"
"$sf" import "$work/conv.net" --skip-input -o "$work/net.json"
/usr/bin/python3 - "$work/net.json" "$work/expected.json" <<'PY'
# conv layers import as conv2d layers (the kernel stored once); their dense
# matrices, built here by correlating every unit input with the imported
# kernel, must equal the ones make_conv_net.py derived from the .net file
import json, sys
import numpy as np
net, exp = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["layers"]
assert len(net["layers"]) == len(exp), (len(net["layers"]), len(exp))
shape = tuple(net["input"]["shape"])
def dense_of(l, shape):
    w = np.array(l["weights"])
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), g = l["kernel"], l["stride"], l["padding"], l["dilation"], l["groups"]
    c, h, wd = shape
    o_n, cg = w.shape[0], w.shape[1]
    ho, wo = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    cols = []
    for k in range(c * h * wd):
        x = np.zeros(c * h * wd); x[k] = 1
        xp = np.zeros((c, h + 2 * ph, wd + 2 * pw)); xp[:, ph:ph + h, pw:pw + wd] = x.reshape(shape)
        y = np.zeros((o_n, ho, wo))
        for o in range(o_n):
            gi = o // (o_n // g)
            for i in range(ho):
                for j in range(wo):
                    y[o, i, j] = np.sum(xp[gi * cg:(gi + 1) * cg, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                                           j * sw:j * sw + dw * (kw - 1) + 1:dw] * w[o])
        cols.append(y.ravel())
    return np.stack(cols, axis=1).astype(int).tolist(), (o_n, ho, wo)
for k, (l, e) in enumerate(zip(net["layers"], exp)):
    shift = l["neuron"].get("weight_exp", 0)
    scale = lambda w: w * 2 ** shift if shift >= 0 else w / 2 ** -shift
    if l["type"] == "conv2d":
        mat, shape = dense_of(l, shape)
        bias = list(np.repeat(l.get("bias", [0] * shape[0]), shape[1] * shape[2]))
        print(f"layer {k}: conv2d, {np.array(l['weights']).size} kernel weights stored")
    else:
        assert l["type"] == "dense", l["type"]
        mat, bias = l["weights"], l["neuron"].get("bias", l.get("bias", [0] * l["out"]))
    got = [[scale(w) for w in row] for row in mat]
    assert got == e["weights"], f"layer {k}: the imported weights differ from the direct correlation"
    assert [int(b) for b in bias] == e["bias"], f"layer {k}: bias {bias} != {e['bias']}"
    print(f"layer {k}: its dense matrix and bias equal the correlation's")
PY
"$sf" run "$work/net.json" --input "$work/conv.raster.json" --sample 0 --trace "$work/golden.json" | tee "$work/run.log"
# every layer must spike, or the comparison below proves little
/usr/bin/python3 - "$work/golden.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
for l in t["layers"]:
    n = len(l["spikes"])
    print(f"{l['name']}: {n} spikes")
    assert n > 0, f"{l['name']} never spikes"
PY
"$sf" sim "$work/net.json" --input "$work/conv.raster.json" --traces "$work/rtl" --work "$work/sim"
"$sf" diff "$work/golden.json" "$work/rtl/trace_0.json"

# the corpus's tiny.net: refused without --skip-input (the input layer named), imported with it
set +e; "$sf" import "$corpus/tiny/tiny.net" -o "$work/tiny.json" 2> "$work/tiny.err"; rc=$?; set -e
cat "$work/tiny.err"
[ $rc -eq 2 ] || fail "tiny.net without --skip-input: exit $rc, expected 2"
grep -q "layer/0: type input" "$work/tiny.err" || fail "tiny.net: the input layer is not named"
[ ! -e "$work/tiny.json" ] || fail "a refused import left tiny.json"
"$sf" import "$corpus/tiny/tiny.net" --skip-input -o "$work/tiny.json" | tee "$work/tiny.log"
grep -q "768 inputs -> 864 -> 36" "$work/tiny.log" || fail "tiny.net: unexpected sizes"
grep -q '"type":"conv2d"' "$work/tiny.json" || fail "tiny.net: its conv layers are not conv2d layers"
# tiny.net on the convolution engine (kernels stored once, weights in SPRAM through the
# load port): random input-layer spikes, co-simulated event by event and cycle by cycle
/usr/bin/python3 - "$work/tiny.raster.json" <<'PY'
import json, random, sys
random.seed(1)
ev = [[t, i] for t in range(8) for i in range(768) if random.random() < 0.1]
json.dump({"format": "spikeforge-raster", "version": 1, "timesteps": 8, "size": 768, "events": ev},
          open(sys.argv[1], "w"))
PY
"$sf" sim "$work/tiny.json" --input "$work/tiny.raster.json" --work "$work/tiny-sim" | tee "$work/tiny-sim.log"
grep -q "RESULT: PASS" "$work/tiny-sim.log" || fail "tiny.net: the RTL differs from the golden model"
echo PASS
