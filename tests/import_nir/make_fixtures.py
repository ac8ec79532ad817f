#!/usr/bin/python3
"""Hand-built NIR files for the nir_reader tests (tests/import_nir/test_nir_reader.cpp).

Usage: make_fixtures.py OUTDIR

Writes files in the layout `nir.write` produces (docs/formats.md, NIR): a root
`version` string and a group `node` holding the root NIRGraph; one group per node with a
`type` string and one dataset per parameter; `nodes/` and `edges` in graphs. Python
scalars and tuples become 0-d / 1-d int64 datasets, numpy arrays keep their dtype, strings
are variable-length UTF-8, like h5py does for NIR.

  valid_*.nir    must parse; the C++ test checks their types, shapes and edges
  bad_*.nir      must be rejected with an error naming the node and the field (or edge)

Runs with Debian's python3-h5py and numpy (/usr/bin/python3). Deterministic: no random
values, so the files are the same on every run.
"""

import os
import sys
import zlib

import h5py
import numpy as np

STR = h5py.string_dtype()  # variable-length UTF-8, as NIR writes strings
OUT = None


def f32(*shape, value=0.5):
    return np.full(shape, value, dtype=np.float32)


def f64(*shape, value=0.5):
    return np.full(shape, value, dtype=np.float64)


def ramp(*shape, dtype=np.float32):
    n = int(np.prod(shape)) if shape else 1
    return (np.arange(n, dtype=np.float64) * 0.25 - 1.0).astype(dtype).reshape(shape)


# ---------------------------------------------------------------- node builders (dicts)

def inp(*shape):
    return {"type": "Input", "shape": np.array(shape, dtype=np.int64)}


def out(*shape):
    return {"type": "Output", "shape": np.array(shape, dtype=np.int64)}


def affine(n_out, n_in, dtype=np.float32):
    return {"type": "Affine", "weight": ramp(n_out, n_in, dtype=dtype), "bias": ramp(n_out, dtype=dtype)}


def linear(n_out, n_in, dtype=np.float32):
    return {"type": "Linear", "weight": ramp(n_out, n_in, dtype=dtype)}


def lif(*shape, dtype=np.float32, v_reset=True):
    n = {"type": "LIF", "tau": np.full(shape, 1e-3, dtype), "r": np.full(shape, 10.0, dtype),
         "v_leak": np.zeros(shape, dtype), "v_threshold": np.ones(shape, dtype)}
    if v_reset:
        n["v_reset"] = np.zeros(shape, dtype)
    return n


def graph(nodes, edges):
    return {"type": "NIRGraph", "nodes": nodes, "edges": edges}


def chain(*named):
    """A graph of (name, node) pairs connected in order."""
    nodes = dict(named)
    names = [k for k, _ in named]
    return graph(nodes, list(zip(names[:-1], names[1:])))


# ---------------------------------------------------------------- writing

def edges_data(edges, form):
    if form == "strings":
        if not edges:
            return np.array([], dtype=np.float64)  # what NIR writes for no edges
        return np.array(edges, dtype=object)
    if form == "fixed":  # fixed-length byte strings (not what NIR writes, but valid HDF5 strings)
        return np.array([[a.encode(), b.encode()] for a, b in edges], dtype="S16")
    if form == "empty_strings":
        return np.empty((0, 2), dtype=object)
    raise ValueError(form)


def write_node(g, node, opts):
    for k, v in node.items():
        if k == "nodes":
            sub = g.create_group("nodes")
            for name, child in v.items():
                write_node(sub.create_group(name), child, opts)
        elif k == "edges":
            form = node.get("_edges_form", opts.get("edges_form", "strings"))
            data = edges_data(v, form)
            if data.dtype == object:
                kw = {"compression": opts["compression"]} if opts.get("compress_edges") else {}
                g.create_dataset("edges", data=data, dtype=STR, **kw)
            else:
                g.create_dataset("edges", data=data)
        elif k.startswith("_"):
            continue
        elif isinstance(v, dict):  # metadata, or a stored input_type dict
            write_node(g.create_group(k), v, opts)
        elif isinstance(v, str):
            g.create_dataset(k, data=v, dtype=h5py.string_dtype("ascii") if opts.get("ascii") else STR)
        elif isinstance(v, np.ndarray) and v.ndim > 0 and opts.get("compression"):
            kw = {"compression": opts["compression"]}
            if opts.get("shuffle"):
                kw["shuffle"] = True
            g.create_dataset(k, data=v, dtype=v.dtype, **kw)
        else:
            g.create_dataset(k, data=v)


def write(name, root, version="1.0.7", **opts):
    path = os.path.join(OUT, name + ".nir")
    with h5py.File(path, "w") as f:
        if version is not None:
            f.create_dataset("version", data=version, dtype=STR)
        write_node(f.create_group("node"), root, opts)
    return path


# ---------------------------------------------------------------- valid files

def valid_files():
    # One file per node type: Input -> X -> Output (X's shapes in the C++ test).
    types = {
        "Affine": (inp(3), affine(4, 3), out(4)),
        "Linear": (inp(3), linear(2, 3, np.float64), out(2)),
        "Scale": (inp(3), {"type": "Scale", "scale": f32(3, value=2.0)}, out(3)),
        "Conv1d": (inp(2, 10),
                   {"type": "Conv1d", "weight": ramp(4, 2, 3), "bias": f32(4), "stride": 2,
                    "padding": 1, "dilation": 1, "groups": 1, "input_shape": 10},
                   out(4, 5)),
        "Conv2d": (inp(2, 9, 9),
                   {"type": "Conv2d", "weight": ramp(6, 1, 3, 3), "bias": f32(6),
                    "stride": np.array([2, 1]), "padding": np.array([1, 0]),
                    "dilation": np.array([2, 1]), "groups": 2, "input_shape": np.array([9, 9])},
                   out(6, 4, 7)),
        "SumPool2d": (inp(3, 8, 8),
                      {"type": "SumPool2d", "kernel_size": np.array([2, 2]), "stride": np.array([2, 2]),
                       "padding": np.array([0, 0])},
                      out(3, 4, 4)),
        "AvgPool2d": (inp(3, 7, 7),
                      {"type": "AvgPool2d", "kernel_size": np.array([3, 3]), "stride": np.array([2, 2]),
                       "padding": np.array([1, 1])},
                      out(3, 4, 4)),
        "Flatten": (inp(2, 3, 4),
                    {"type": "Flatten", "start_dim": 0, "end_dim": -1, "input_type": np.array([2, 3, 4])},
                    out(24)),
        "Delay": (inp(3), {"type": "Delay", "delay": f64(3, value=2e-4)}, out(3)),
        "Threshold": (inp(3), {"type": "Threshold", "threshold": f32(3, value=0.7)}, out(3)),
        "I": (inp(3), {"type": "I", "r": f32(3, value=2.0)}, out(3)),
        "LI": (inp(3), {"type": "LI", "tau": f32(3, value=2e-3), "r": f32(3, value=1.0),
                        "v_leak": f32(3, value=0.0)}, out(3)),
        "IF": (inp(3), {"type": "IF", "r": f32(3, value=1.0), "v_threshold": f32(3, value=1.0),
                        "v_reset": f32(3, value=-0.5)}, out(3)),
        "LIF": (inp(2, 2), lif(2, 2), out(2, 2)),
        "CubaLI": (inp(3), {"type": "CubaLI", "tau_syn": f32(3, value=5e-4), "tau_mem": f32(3, value=1e-3),
                            "r": f32(3, value=10.0), "v_leak": f32(3, value=0.0),
                            "w_in": f32(3, value=5.0)}, out(3)),
        "CubaLIF": (inp(3), {"type": "CubaLIF", "tau_syn": f32(3, value=5e-4), "tau_mem": f32(3, value=1e-3),
                             "r": f32(3, value=10.0), "v_leak": f32(3, value=0.0),
                             "v_threshold": f32(3, value=1.0), "v_reset": f32(3, value=0.0),
                             "w_in": f32(3, value=5.0)}, out(3)),
        "NIRGraph": (inp(3), chain(("in", inp(3)), ("lif", lif(3)), ("out", out(3))), out(3)),
    }
    for t, (i, x, o) in types.items():
        write("valid_type_" + t, chain(("input", i), ("x", x), ("output", o)))

    # Conv2d padding as a string (NIR's "same" keeps the input size whatever the stride),
    # int padding as a scalar, no input_shape (inferred, NIR 0.2 files).
    conv = {"type": "Conv2d", "weight": ramp(5, 2, 3, 3), "bias": f32(5), "stride": np.array([2, 2]),
            "padding": "same", "dilation": np.array([1, 1]), "groups": 1}
    write("valid_conv2d_same", chain(("input", inp(2, 9, 9)), ("c", conv), ("output", out(5, 9, 9))))
    conv = dict(conv, padding="valid", stride=1)
    write("valid_conv2d_valid", chain(("input", inp(2, 9, 9)), ("c", conv), ("output", out(5, 7, 7))),
          version="0.2.0")
    conv = {"type": "Conv1d", "weight": ramp(3, 2, 3), "bias": f32(3), "stride": 1, "padding": "same",
            "dilation": 2, "groups": 1}
    write("valid_conv1d_same", chain(("input", inp(2, 11)), ("c", conv), ("output", out(3, 11))))
    # Flatten of the middle dims, negative dims.
    write("valid_flatten_middle", chain(
        ("input", inp(2, 3, 4, 5)),
        ("f", {"type": "Flatten", "start_dim": 1, "end_dim": -2, "input_type": np.array([2, 3, 4, 5])}),
        ("output", out(2, 12, 5))))

    # Edge forms: fixed-length strings; no edges as NIR writes it (float64 (0,));
    # no edges as an empty (0, 2) string array.
    write("valid_edges_fixed", chain(("input", inp(3)), ("fc", affine(2, 3)), ("output", out(2))),
          edges_form="fixed", ascii=True)  # and the type strings variable-length ASCII
    write("valid_edges_empty_float", graph({"input": inp(2), "output": out(2)}, []))
    write("valid_edges_empty_strings", graph({"input": inp(2), "output": out(2)}, []),
          edges_form="empty_strings")

    # Subgraph ports: "g.PORT" into a subgraph with two Inputs, out of one with two
    # Outputs; bare subgraph names for single ports; two levels of nesting.
    two_port = graph({"a": inp(3), "b": inp(3), "s": lif(3), "y": out(3), "z": out(3)},
                     [("a", "s"), ("b", "s"), ("s", "y"), ("s", "z")])
    inner = chain(("in", inp(4)), ("li", {"type": "LI", "tau": f64(4, value=1e-3), "r": f64(4, value=1.0),
                                          "v_leak": f64(4, value=0.0)}), ("out", out(4)))
    middle = graph({"in": inp(4), "deep": inner, "fc": affine(3, 4), "out": out(3)},
                   [("in", "deep"), ("deep", "fc"), ("fc", "out")])
    write("valid_subgraph_ports", graph(
        {"input": inp(3), "g": two_port, "m": middle, "fc": affine(4, 3), "output": out(3)},
        [("input", "g.a"), ("input", "g.b"), ("g.y", "fc"), ("g.z", "output"), ("fc", "m"),
         ("m", "output")]))

    # Dotted literal keys (snnTorch/NIRTorch flat RNN export) with a recurrent cycle;
    # "r.lif" is also reachable as port `lif` of subgraph `r`, and the exact key wins.
    rec = {"input": inp(2), "fc1": affine(4, 2), "lif1.lif": lif(4), "lif1.w_rec": linear(4, 4),
           "r": chain(("lif", inp(4)), ("x", {"type": "Threshold", "threshold": f32(4)}), ("o", out(4))),
           "r.lif": {"type": "I", "r": f32(4)}, "output": out(4)}
    write("valid_dotted_cycle", graph(rec, [
        ("input", "fc1"), ("fc1", "lif1.lif"), ("lif1.lif", "lif1.w_rec"), ("lif1.w_rec", "lif1.lif"),
        ("lif1.lif", "r.lif"), ("r.lif", "r"), ("r", "output")]))

    # Older versions: NIR 0.1 (no version dataset, no v_reset / w_in, Conv2d without
    # input_shape, Flatten without input_type), 0.1.1, 1.0.0, and a dev build string.
    old = chain(
        ("input", inp(1, 6, 6)),
        ("conv", {"type": "Conv2d", "weight": ramp(2, 1, 3, 3), "bias": f32(2), "stride": np.array([1, 1]),
                  "padding": np.array([0, 0]), "dilation": np.array([1, 1]), "groups": 1}),
        ("flat", {"type": "Flatten", "start_dim": 0, "end_dim": -1}),
        ("fc", affine(5, 32)),
        ("cuba", {"type": "CubaLIF", "tau_syn": f32(5, value=5e-4), "tau_mem": f32(5, value=1e-3),
                  "r": f32(5, value=10.0), "v_leak": f32(5, value=0.0), "v_threshold": f32(5, value=1.0)}),
        ("lif", lif(5, v_reset=False)),
        ("output", out(5)))
    write("valid_v0_1", old, version=None)
    write("valid_v0_1_1", old, version="0.1.1")
    write("valid_v1_0_0", old, version="1.0.0")
    write("valid_v_dev", old, version="1.0.7.dev8+gaf2635601")
    # A missing w_in of CubaLI defaults to ones; Flatten without start_dim/end_dim to (1, -1).
    write("valid_defaults", chain(
        ("input", inp(3, 2, 2)),
        ("flat", {"type": "Flatten"}),
        ("cli", {"type": "CubaLI", "tau_syn": f32(3, 4, value=5e-4), "tau_mem": f32(3, 4, value=1e-3),
                 "r": f32(3, 4), "v_leak": f32(3, 4)}),
        ("output", out(3, 4))))

    # gzip (NIR >= HEAD writes every array dataset chunked + DEFLATE), with the
    # edges compressed too, and gzip + shuffle.
    gz = chain(("input", inp(2, 8, 8)),
               ("conv", {"type": "Conv2d", "weight": ramp(4, 2, 3, 3), "bias": f32(4), "stride": np.array([1, 1]),
                         "padding": np.array([1, 1]), "dilation": np.array([1, 1]), "groups": 1,
                         "input_shape": np.array([8, 8])}),
               ("if", {"type": "IF", "r": f32(4, 8, 8, value=1.0), "v_threshold": f32(4, 8, 8, value=1.0)}),
               ("pool", {"type": "SumPool2d", "kernel_size": np.array([2, 2]), "stride": np.array([2, 2]),
                         "padding": np.array([0, 0])}),
               ("flat", {"type": "Flatten", "start_dim": 0, "end_dim": -1, "input_type": np.array([4, 4, 4])}),
               ("fc", affine(10, 64)), ("output", out(10)))
    write("valid_gzip", gz, version="1.0.8.dev3", compression="gzip", compress_edges=True)
    write("valid_gzip_shuffle", gz, compression="gzip", shuffle=True)

    # int64 and float64 data (NIRTorch's feedback_graph has int64 neuron parameters),
    # other integer widths, and 0-d / [1] parameters broadcast to the upstream shape.
    nums = {"input": inp(4),
            "fc": {"type": "Affine", "weight": np.arange(12, dtype=np.int64).reshape(3, 4),
                   "bias": np.array([1, -2, 3], dtype=np.int64)},
            "lif": {"type": "LIF", "tau": np.array(1e-3), "r": np.array(1, dtype=np.int64),
                    "v_leak": np.array([0.0]), "v_threshold": np.array([2, 3, 4], dtype=np.int64),
                    "v_reset": np.array(0, dtype=np.int64)},
            "sc": {"type": "Scale", "scale": np.array([1, 2, 3], dtype=np.int32)},
            "th": {"type": "Threshold", "threshold": np.array(0.5, dtype=np.float64)},
            "cuba": {"type": "CubaLIF", "tau_syn": np.array(5e-4, np.float32), "tau_mem": np.array(1e-3, np.float32),
                     "r": np.array(1.0, np.float32), "v_leak": np.array(0.0, np.float32),
                     "v_threshold": np.array(1.0, np.float32)},
            "lin": {"type": "Linear", "weight": np.eye(3, dtype=np.uint8)},
            "output": out(3)}
    write("valid_dtypes_scalars", graph(nums, [
        ("input", "fc"), ("fc", "lif"), ("lif", "sc"), ("sc", "th"), ("th", "cuba"), ("cuba", "lin"),
        ("lin", "output")]))

    # Several edges into one node (summed), metadata groups, stored input_type /
    # output_type dicts (ignored, as NIR recomputes them), a batch dimension leaking
    # into the Output shape (accepted with a warning).
    fan = {"input": inp(3), "a": affine(2, 3), "b": linear(2, 3),
           "lif": dict(lif(2), metadata={"note": "from a test", "nested": {"dt": 1e-4}},
                       input_type={"input": np.array([2])}, output_type={"output": np.array([2])}),
           "output": out(1, 2)}
    fan = graph(fan, [("input", "a"), ("input", "b"), ("a", "lif"), ("b", "lif"), ("lif", "output")])
    fan["metadata"] = {"framework": "hand-built"}
    write("valid_fan_in_metadata", fan)


# ---------------------------------------------------------------- malformed files

def base():
    """Input[3] -> fc (Affine 4x3) -> lif (LIF [4]) -> output[4]; edited per bad file."""
    return {"input": inp(3), "fc": affine(4, 3), "lif": lif(4), "output": out(4)}


EDGES = [("input", "fc"), ("fc", "lif"), ("lif", "output")]


def bad(name, edit=None, edges=None, **kw):
    nodes = base()
    if edit:
        edit(nodes)
    return write("bad_" + name, graph(nodes, EDGES if edges is None else edges), **kw)


def set_(node, field, value):
    return lambda n: n[node].__setitem__(field, value)


def del_(node, field):
    return lambda n: n[node].pop(field)


def bad_files():
    bad("missing_tau", del_("lif", "tau"))
    bad("missing_weight", del_("fc", "weight"))
    bad("missing_type", del_("lif", "type"))
    bad("missing_shape", del_("input", "shape"))
    bad("string_weight", set_("fc", "weight", "0.5 0.5"))
    bad("bool_threshold", set_("lif", "v_threshold", np.array([True, False, True, True])))
    bad("int_type", set_("lif", "type", 7))
    bad("lif_shapes_differ", set_("lif", "r", f32(5)))
    bad("bias_shape", set_("fc", "bias", f32(5)))
    bad("weight_rank", set_("fc", "weight", f32(12)))
    bad("empty_weight", set_("fc", "weight", np.zeros((4, 0), np.float32)))
    bad("nan_tau", set_("lif", "tau", np.array([1e-3, np.nan, 1e-3, 1e-3], np.float32)))
    bad("zero_tau", set_("lif", "tau", np.array([1e-3, 1e-3, 0.0, 1e-3], np.float32)))
    bad("unknown_type", set_("lif", "type", "Spiral"))
    bad("unknown_field", set_("lif", "theta", f32(4)))  # NIR 0.0.x LIF threshold name
    bad("linear_bias", lambda n: n.__setitem__("fc", dict(linear(4, 3), bias=f32(4))))
    bad("edge_shape_mismatch", lambda n: n.__setitem__("fc", affine(5, 3)))
    bad("output_shape", set_("output", "shape", np.array([5])))
    bad("input_shape_zero", set_("input", "shape", np.array([3, 0])))
    bad("edge_unknown_dst", edges=EDGES + [("lif", "nowhere")])
    bad("edge_unknown_src", edges=[("input", "fc"), ("fx", "lif"), ("lif", "output")])
    bad("scalar_lif_unreachable",
        lambda n: n.update({"lone": {"type": "LIF", "tau": np.array(1e-3), "r": np.array(1.0),
                                     "v_leak": np.array(0.0), "v_threshold": np.array(1.0)}}))

    # Edges stored wrongly: (E, 3) strings; numbers that are not empty.
    path = bad("edges_wrong_shape")
    with h5py.File(path, "a") as f:
        del f["node/edges"]
        f["node"].create_dataset("edges", data=np.array([["input", "fc", "x"]], dtype=object), dtype=STR)
    path = write("bad_edges_numbers", graph(base(), []))
    with h5py.File(path, "a") as f:
        del f["node/edges"]
        f["node"].create_dataset("edges", data=np.array([[0, 1], [1, 2]], dtype=np.int64))

    # Convolutions and pooling.
    conv = {"type": "Conv2d", "weight": ramp(4, 2, 3, 3), "bias": f32(4), "stride": np.array([1, 1]),
            "padding": np.array([1, 1]), "dilation": np.array([1, 1]), "groups": 1}

    def conv_file(name, c, in_shape=(2, 8, 8), out_shape=(4, 8, 8)):
        write("bad_" + name, chain(("input", inp(*in_shape)), ("conv", c), ("output", out(*out_shape))))

    conv_file("conv_channels", conv, in_shape=(3, 8, 8))
    conv_file("conv_rank", dict(conv, weight=ramp(4, 2, 3)))
    conv_file("conv_stride_shape", dict(conv, stride=np.array([1, 1, 1])))
    conv_file("conv_stride_zero", dict(conv, stride=np.array([0, 1])))
    conv_file("conv_padding_string", dict(conv, padding="full"))
    conv_file("conv_groups", dict(conv, weight=ramp(6, 1, 3, 3), bias=f32(6), groups=4))
    conv_file("conv_input_shape", dict(conv, input_shape=np.array([9, 9])))
    conv_file("conv_kernel_too_big", dict(conv, weight=ramp(4, 2, 11, 11), padding=np.array([0, 0])))
    conv_file("conv_stride_float", dict(conv, stride=np.array([1.5, 1.0])))
    write("bad_pool_rank", chain(
        ("input", inp(8)),
        ("pool", {"type": "SumPool2d", "kernel_size": np.array([2, 2]), "stride": np.array([2, 2]),
                  "padding": np.array([0, 0])}),
        ("output", out(4))))
    write("bad_flatten_dims", chain(
        ("input", inp(2, 3)),
        ("flat", {"type": "Flatten", "start_dim": 1, "end_dim": 3}),
        ("output", out(6))))
    write("bad_flatten_input_type", chain(
        ("input", inp(2, 3)),
        ("flat", {"type": "Flatten", "start_dim": 0, "end_dim": -1, "input_type": np.array([3, 2, 1])}),
        ("output", out(6))))

    # Subgraph ports that do not resolve.
    sub = graph({"a": inp(3), "b": inp(3), "s": lif(3), "y": out(3)}, [("a", "s"), ("b", "s"), ("s", "y")])
    write("bad_port_missing", graph({"input": inp(3), "g": sub, "output": out(3)},
                                    [("input", "g.c"), ("g.y", "output")]))
    write("bad_port_ambiguous", graph({"input": inp(3), "g": sub, "output": out(3)},
                                      [("input", "g"), ("g", "output")]))
    write("bad_port_not_input", graph({"input": inp(3), "g": sub, "output": out(3)},
                                      [("input", "g.s"), ("g.y", "output")]))
    # A nested graph whose inner edge names no node (like the corpus's broken file).
    inner = graph({"in": inp(3), "lif": lif(3), "out": out(3)}, [("in", "lif"), ("lif", "oops")])
    write("bad_nested_edge", graph({"input": inp(3), "g": inner, "output": out(3)},
                                   [("input", "g"), ("g", "output")]))
    # A nested node with a bad field: the message names the node by its path.
    inner = graph({"in": inp(3), "lif": dict(lif(3), r=f32(2)), "out": out(3)}, [("in", "lif"), ("lif", "out")])
    write("bad_nested_field", graph({"input": inp(3), "g": inner, "output": out(3)},
                                    [("input", "g"), ("g", "output")]))

    # File-level problems.
    write("bad_root_not_graph", lif(3))
    path = os.path.join(OUT, "bad_no_node.nir")
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data="1.0.7", dtype=STR)
    path = os.path.join(OUT, "bad_pre_0_1.nir")  # NIR 0.0.x: root nodes/<i> and int edges
    with h5py.File(path, "w") as f:
        n = f.create_group("nodes")
        g0 = n.create_group("0")
        g0.create_dataset("type", data="Linear", dtype=STR)
        g0.create_dataset("weights", data=f32(2, 2))
        f.create_dataset("edges", data=np.array([[0, 1]], dtype=np.int64))
    path = write("bad_version_int", graph(base(), EDGES))
    with h5py.File(path, "a") as f:
        del f["version"]
        f.create_dataset("version", data=2)
    path = write("bad_nodes_dataset", graph(base(), EDGES))
    with h5py.File(path, "a") as f:
        f["node/nodes"].create_dataset("stray", data=1.0)
    path = write("bad_hardlink_cycle", graph(base(), EDGES))
    with h5py.File(path, "a") as f:  # a node group that is the root graph itself
        f["node/nodes/loop"] = f["node"]
    write("bad_lzf", graph(base(), EDGES), compression="lzf")  # a filter libhdf5 lacks

    # gzip-compressed variable-length edge strings whose descriptors are corrupt: an
    # object index that is not in the global heap; a chunk marked as not deflated.
    for name in ("gzip_edges_index", "gzip_edges_mask"):
        path = write("bad_" + name, graph(base(), EDGES), compression="gzip", compress_edges=True)
        with h5py.File(path, "a") as f:
            ds = f["node/edges"]
            mask, raw = ds.id.read_direct_chunk((0, 0))
            if name == "gzip_edges_index":
                data = bytearray(zlib.decompress(raw))
                data[16 + 12:16 + 16] = (0x7777).to_bytes(4, "little")  # second string's index
                ds.id.write_direct_chunk((0, 0), zlib.compress(bytes(data)), mask)
            else:
                # "deflate skipped" (one byte more: HDF5 1.10 keeps the old mask of a
                # chunk rewritten at the same size)
                ds.id.write_direct_chunk((0, 0), raw + b"\0", mask | 1)

    # Not HDF5 at all; HDF5 cut short.
    with open(os.path.join(OUT, "bad_not_hdf5.nir"), "w") as f:
        f.write("this is a text file, not a NIR graph\n")
    open(os.path.join(OUT, "bad_empty.nir"), "wb").close()
    src = os.path.join(OUT, "valid_type_Conv2d.nir")
    data = open(src, "rb").read()
    for name, cut in (("100", 100), ("half", len(data) // 2), ("last", len(data) - 1)):
        with open(os.path.join(OUT, "bad_truncated_%s.nir" % name), "wb") as f:
            f.write(data[:cut])


def main():
    global OUT
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixtures.py OUTDIR")
    OUT = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):  # stale files from an older version of this script
        if name.endswith(".nir"):
            os.remove(os.path.join(OUT, name))
    valid_files()
    bad_files()
    print("wrote %d files to %s" % (len([n for n in os.listdir(OUT) if n.endswith(".nir")]), OUT))


if __name__ == "__main__":
    main()
