// NIR graph (as read by gen/import) -> FloatGraph. The reader has already
// checked field presence, dtypes and shapes; this file maps fields to the
// model's nodes, resolves what the model needs in another form (string
// padding, 0-d tuples) and rejects what it cannot run.
#include "import/nir_to_float.h"

#include <cmath>
#include <stdexcept>

#include "ir/error.h"

namespace sf::import {

namespace {

using namespace sf::ref::nir_float;

class Converter {
 public:
  explicit Converter(const NirGraph& root) : file_(root.path.empty() ? "NIR graph" : root.path) {}

  FloatGraph convert(const NirGraph& root) {
    FloatGraph out;
    add_graph(out, root, "", true);
    try {
      out.finalize();
    } catch (const std::invalid_argument& e) {
      throw sf::InputError(file_ + ": " + e.what());
    }
    check_shapes(out, root, "");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& node, const std::string& field,
                         const std::string& found, const std::string& expected) const {
    throw sf::InputError(file_ + ": node " + node + ": " + field + ": found " + found +
                         ", expected " + expected);
  }

  const NirArray& need(const NirNode& n, const std::string& field) const {
    const NirArray* a = n.param(field);
    if (a == nullptr) fail(n.path, field, "no such dataset", "one (a " + n.type + " needs it)");
    return *a;
  }

  std::vector<double> numbers(const NirNode& n, const std::string& field) const {
    const NirArray& a = need(n, field);
    if (a.is_string()) fail(n.path, field, "the string \"" + a.text + "\"", "numbers");
    return a.values;
  }

  Tensor tensor(const NirNode& n, const std::string& field) const {
    const NirArray& a = need(n, field);
    if (a.is_string()) fail(n.path, field, "the string \"" + a.text + "\"", "numbers");
    return Tensor{a.shape, a.values};
  }

  // An integer tuple of `dims` entries; one stored value serves every entry.
  std::vector<int64_t> ints(const NirNode& n, const std::string& field, size_t dims) const {
    std::vector<double> v = numbers(n, field);
    if (v.size() != 1 && v.size() != dims) {
      fail(n.path, field, std::to_string(v.size()) + " values",
           "1 or " + std::to_string(dims) + " integers");
    }
    std::vector<int64_t> out;
    for (double x : v) {
      if (!std::isfinite(x) || x != std::floor(x) || std::fabs(x) > 9.0e15) {
        fail(n.path, field, std::to_string(x), "integers");
      }
      out.push_back(static_cast<int64_t>(x));
    }
    if (out.size() == 1) out.assign(dims, out[0]);
    return out;
  }

  int64_t scalar_int(const NirNode& n, const std::string& field) const {
    return ints(n, field, 1)[0];
  }

  Shape dims_of(const NirNode& n, const std::string& field) const {
    const NirArray& a = need(n, field);
    std::vector<int64_t> v = ints(n, field, a.values.size() == 1 ? 1 : a.values.size());
    return Shape(v.begin(), v.end());
  }

  // Convolution geometry; the string paddings are resolved as PyTorch does.
  Window conv_window(const NirNode& n, const Shape& weight_shape, size_t dims) const {
    Window w;
    w.stride = ints(n, "stride", dims);
    w.dilation = ints(n, "dilation", dims);
    w.groups = scalar_int(n, "groups");
    const NirArray& pad = need(n, "padding");
    if (!pad.is_string()) {
      w.pad_begin = ints(n, "padding", dims);
      w.pad_end = w.pad_begin;
      return w;
    }
    if (pad.text == "valid") {
      w.pad_begin.assign(dims, 0);
      w.pad_end.assign(dims, 0);
    } else if (pad.text == "same") {
      // PyTorch pads d·(k-1) cells in total, the odd one at the end, and
      // allows "same" only with stride 1 (NIR's shape rule ignores the stride).
      for (size_t d = 0; d < dims; ++d) {
        if (w.stride[d] != 1) {
          fail(n.path, "padding", "\"same\" with stride " + std::to_string(w.stride[d]),
               "stride 1 (PyTorch defines \"same\" padding for stride 1 only)");
        }
        const int64_t k = weight_shape.size() == dims + 2 ? weight_shape[d + 2] : 1;
        const int64_t total = w.dilation[d] * (k - 1);
        w.pad_begin.push_back(total / 2);
        w.pad_end.push_back(total - total / 2);
      }
    } else {
      fail(n.path, "padding", "the string \"" + pad.text + "\"",
           "integers, \"same\" or \"valid\"");
    }
    return w;
  }

  FloatNode convert_node(const NirNode& n, const std::string& name, bool root) const {
    const std::string& t = n.type;
    if (t == "Input") {
      if (!root) return identity_node(name);
      return input_node(name, n.param("shape") ? dims_of(n, "shape") : n.output_type);
    }
    if (t == "Output") {
      if (!root) return identity_node(name);
      return output_node(name, n.param("shape") ? dims_of(n, "shape") : Shape{});
    }
    if (t == "Affine") {
      Tensor w = tensor(n, "weight");
      if (w.shape.size() != 2) {
        fail(n.path, "weight", "shape " + shape_str(w.shape),
             "[out, in] (stacked weights of rank > 2 are not supported)");
      }
      return affine_node(name, w, numbers(n, "bias"));
    }
    if (t == "Linear") {
      Tensor w = tensor(n, "weight");
      if (w.shape.size() != 2) {
        fail(n.path, "weight", "shape " + shape_str(w.shape),
             "[out, in] (stacked weights of rank > 2 are not supported)");
      }
      return linear_node(name, w);
    }
    if (t == "Scale") return scale_node(name, numbers(n, "scale"));
    if (t == "Conv1d" || t == "Conv2d") {
      const size_t dims = t == "Conv1d" ? 1 : 2;
      Tensor w = tensor(n, "weight");
      FloatNode node = conv_node(name, w, numbers(n, "bias"), conv_window(n, w.shape, dims));
      node.kind = dims == 1 ? NodeKind::Conv1d : NodeKind::Conv2d;  // not the weight's rank
      return node;
    }
    if (t == "SumPool2d" || t == "AvgPool2d") {
      const Shape kernel = ints(n, "kernel_size", 2);
      const Shape stride = ints(n, "stride", 2);
      const Shape padding = ints(n, "padding", 2);
      return t == "SumPool2d" ? sum_pool2d_node(name, kernel, stride, padding)
                              : avg_pool2d_node(name, kernel, stride, padding);
    }
    if (t == "Flatten") {
      return flatten_node(name, scalar_int(n, "start_dim"), scalar_int(n, "end_dim"));
    }
    if (t == "Delay") return delay_node(name, numbers(n, "delay"));
    if (t == "Threshold") return threshold_node(name, numbers(n, "threshold"));
    if (t == "I") return i_node(name, numbers(n, "r"));
    if (t == "LI") return li_node(name, numbers(n, "tau"), numbers(n, "r"), numbers(n, "v_leak"));
    if (t == "IF") {
      return if_node(name, numbers(n, "r"), numbers(n, "v_threshold"), numbers(n, "v_reset"));
    }
    if (t == "LIF") {
      return lif_node(name, numbers(n, "tau"), numbers(n, "r"), numbers(n, "v_leak"),
                      numbers(n, "v_threshold"), numbers(n, "v_reset"));
    }
    if (t == "CubaLI") {
      return cuba_li_node(name, numbers(n, "tau_syn"), numbers(n, "tau_mem"), numbers(n, "r"),
                          numbers(n, "v_leak"), numbers(n, "w_in"));
    }
    if (t == "CubaLIF") {
      return cuba_lif_node(name, numbers(n, "tau_syn"), numbers(n, "tau_mem"), numbers(n, "r"),
                           numbers(n, "v_leak"), numbers(n, "v_threshold"),
                           numbers(n, "v_reset"), numbers(n, "w_in"));
    }
    fail(n.path, "type", "\"" + t + "\"", "a node type the float model runs");
  }

  static std::string join(const std::vector<std::string>& path) {
    std::string s;
    for (const std::string& p : path) s += (s.empty() ? "" : "/") + p;
    return s;
  }

  void add_graph(FloatGraph& out, const NirGraph& g, const std::string& prefix, bool root) {
    for (const NirNode& n : g.nodes) {
      const std::string name = prefix + n.name;
      if (n.type == "NIRGraph") {
        add_graph(out, n.graph, name + "/", false);
        continue;
      }
      try {
        out.add(convert_node(n, name, root));
      } catch (const std::invalid_argument& e) {
        throw sf::InputError(file_ + ": " + e.what());
      }
    }
    for (const auto& e : g.edges) {
      const std::string src = prefix + join(e.src_path), dst = prefix + join(e.dst_path);
      try {
        out.connect(src, dst, e.back_edge);
      } catch (const std::invalid_argument& err) {
        throw sf::InputError(file_ + ": edge '" + e.src + "' -> '" + e.dst + "' of graph '" +
                             (prefix.empty() ? std::string("root") : prefix) +
                             "': " + err.what());
      }
    }
  }

  // The reader infers shapes as NIR's infer_types does; a disagreement in
  // element count means one of the two has misread the graph.
  void check_shapes(const FloatGraph& out, const NirGraph& g, const std::string& prefix) const {
    for (const NirNode& n : g.nodes) {
      const std::string name = prefix + n.name;
      if (n.type == "NIRGraph") {
        check_shapes(out, n.graph, name + "/");
        continue;
      }
      const FloatNode& f = out.node(out.index(name));
      if (!n.input_type.empty() && numel(n.input_type) != numel(f.in_shape)) {
        fail(n.path, "input shape", shape_str(f.in_shape) + " inferred by the float model",
             shape_str(n.input_type) + " (inferred by the NIR reader)");
      }
      if (!n.output_type.empty() && numel(n.output_type) != numel(f.out_shape)) {
        fail(n.path, "output shape", shape_str(f.out_shape) + " inferred by the float model",
             shape_str(n.output_type) + " (inferred by the NIR reader)");
      }
    }
  }

  std::string file_;
};

}  // namespace

FloatGraph nir_to_float(const NirGraph& graph) { return Converter(graph).convert(graph); }

FloatGraph load_nir_float(const std::string& path) { return nir_to_float(read_nir(path)); }

}  // namespace sf::import
