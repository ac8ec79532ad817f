// Float reference model of NIR graphs: graph checks and shape inference, and
// the discrete-time simulator. The update formulas are in README.md; each one
// is written here in the same form, so that the two can be compared line by line.
#include "float_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace sf::ref::nir_float {

namespace {

std::string num(double x) {
  std::ostringstream s;
  s.precision(17);
  s << x;
  return s.str();
}

[[noreturn]] void fail(const FloatNode& node, const std::string& field, const std::string& found,
                       const std::string& expected) {
  throw std::invalid_argument("node '" + node.name + "' (" + kind_name(node.kind) + "): " + field +
                              ": found " + found + ", expected " + expected);
}

void require_finite(const FloatNode& node, const std::string& field, const std::vector<double>& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      fail(node, field + "[" + std::to_string(i) + "]", num(v[i]), "a finite number");
    }
  }
}

// One value per element: a single value is repeated, n values are kept.
void broadcast(const FloatNode& node, const std::string& field, std::vector<double>& v,
               int64_t n) {
  if (v.empty()) fail(node, field, "no values", "1 or " + std::to_string(n) + " values");
  if (v.size() != 1 && static_cast<int64_t>(v.size()) != n) {
    fail(node, field, std::to_string(v.size()) + " values",
         "1 or " + std::to_string(n) + " (the input shape " + shape_str(node.in_shape) + ")");
  }
  require_finite(node, field, v);
  if (v.size() == 1 && n != 1) v.assign(static_cast<size_t>(n), v[0]);
}

void require_positive(const FloatNode& node, const std::string& field,
                      const std::vector<double>& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (!(v[i] > 0)) fail(node, field + "[" + std::to_string(i) + "]", num(v[i]), "> 0");
  }
}

// Output cells along one dimension: PyTorch's floor((n + pads - d(k-1) - 1)/s) + 1.
int64_t out_cells(int64_t n, int64_t k, int64_t stride, int64_t pad_begin, int64_t pad_end,
                  int64_t dilation) {
  int64_t span = n + pad_begin + pad_end - dilation * (k - 1) - 1;
  if (span < 0) return 0;
  return span / stride + 1;
}

void check_window_vector(const FloatNode& node, const std::string& field,
                         const std::vector<int64_t>& v, size_t dims, int64_t min) {
  if (v.size() != dims) {
    fail(node, field, std::to_string(v.size()) + " values", std::to_string(dims) +
                                                                " (one per spatial dimension)");
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] < min || v[i] > (int64_t{1} << 30)) {
      fail(node, field + "[" + std::to_string(i) + "]", std::to_string(v[i]),
           "an integer in " + std::to_string(min) + ".." + std::to_string(int64_t{1} << 30));
    }
  }
}

FloatNode make(const std::string& name, NodeKind kind) {
  FloatNode n;
  n.name = name;
  n.kind = kind;
  return n;
}

FloatNode pool(const std::string& name, NodeKind kind, const Shape& kernel, const Shape& stride,
               const Shape& padding) {
  FloatNode n = make(name, kind);
  n.window.kernel = kernel;
  n.window.stride = stride;
  n.window.pad_begin = padding;
  n.window.pad_end = padding;
  n.window.dilation.assign(kernel.size(), 1);
  return n;
}

}  // namespace

const char* kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::Input: return "Input";
    case NodeKind::Output: return "Output";
    case NodeKind::Identity: return "Identity";
    case NodeKind::Affine: return "Affine";
    case NodeKind::Linear: return "Linear";
    case NodeKind::Scale: return "Scale";
    case NodeKind::Conv1d: return "Conv1d";
    case NodeKind::Conv2d: return "Conv2d";
    case NodeKind::SumPool2d: return "SumPool2d";
    case NodeKind::AvgPool2d: return "AvgPool2d";
    case NodeKind::Flatten: return "Flatten";
    case NodeKind::Delay: return "Delay";
    case NodeKind::Threshold: return "Threshold";
    case NodeKind::I: return "I";
    case NodeKind::LI: return "LI";
    case NodeKind::IF: return "IF";
    case NodeKind::LIF: return "LIF";
    case NodeKind::CubaLI: return "CubaLI";
    case NodeKind::CubaLIF: return "CubaLIF";
  }
  return "?";
}

bool has_membrane(NodeKind k) {
  return k == NodeKind::I || k == NodeKind::LI || k == NodeKind::IF || k == NodeKind::LIF ||
         k == NodeKind::CubaLI || k == NodeKind::CubaLIF;
}
bool is_spiking(NodeKind k) {
  return k == NodeKind::IF || k == NodeKind::LIF || k == NodeKind::CubaLIF;
}
bool has_synapse(NodeKind k) { return k == NodeKind::CubaLI || k == NodeKind::CubaLIF; }

const char* method_name(Method m) {
  switch (m) {
    case Method::Euler: return "euler";
    case Method::Exact: return "exact";
    case Method::SnnTorch: return "snntorch";
  }
  return "?";
}

const char* reset_name(ResetMode m) { return m == ResetMode::Zero ? "zero" : "subtract"; }

// ---- Factories ------------------------------------------------------------------

FloatNode input_node(const std::string& name, const Shape& shape) {
  FloatNode n = make(name, NodeKind::Input);
  n.shape = shape;
  return n;
}
FloatNode output_node(const std::string& name, const Shape& shape) {
  FloatNode n = make(name, NodeKind::Output);
  n.shape = shape;
  return n;
}
FloatNode identity_node(const std::string& name) { return make(name, NodeKind::Identity); }
FloatNode affine_node(const std::string& name, const Tensor& weight, const Values& bias) {
  FloatNode n = make(name, NodeKind::Affine);
  n.weight = weight;
  n.bias = bias;
  return n;
}
FloatNode linear_node(const std::string& name, const Tensor& weight) {
  FloatNode n = make(name, NodeKind::Linear);
  n.weight = weight;
  return n;
}
FloatNode scale_node(const std::string& name, const Values& scale) {
  FloatNode n = make(name, NodeKind::Scale);
  n.scale = scale;
  return n;
}
FloatNode conv_node(const std::string& name, const Tensor& weight, const Values& bias,
                    const Window& window) {
  FloatNode n = make(name, weight.shape.size() == 3 ? NodeKind::Conv1d : NodeKind::Conv2d);
  n.weight = weight;
  n.bias = bias;
  n.window = window;
  return n;
}
FloatNode sum_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                          const Shape& padding) {
  return pool(name, NodeKind::SumPool2d, kernel, stride, padding);
}
FloatNode avg_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                          const Shape& padding) {
  return pool(name, NodeKind::AvgPool2d, kernel, stride, padding);
}
FloatNode flatten_node(const std::string& name, int64_t start_dim, int64_t end_dim) {
  FloatNode n = make(name, NodeKind::Flatten);
  n.start_dim = start_dim;
  n.end_dim = end_dim;
  return n;
}
FloatNode delay_node(const std::string& name, const Values& delay_s) {
  FloatNode n = make(name, NodeKind::Delay);
  n.delay = delay_s;
  return n;
}
FloatNode threshold_node(const std::string& name, const Values& threshold) {
  FloatNode n = make(name, NodeKind::Threshold);
  n.threshold = threshold;
  return n;
}
FloatNode i_node(const std::string& name, const Values& r) {
  FloatNode n = make(name, NodeKind::I);
  n.r = r;
  return n;
}
FloatNode li_node(const std::string& name, const Values& tau, const Values& r,
                  const Values& v_leak) {
  FloatNode n = make(name, NodeKind::LI);
  n.tau = tau;
  n.r = r;
  n.v_leak = v_leak;
  return n;
}
FloatNode if_node(const std::string& name, const Values& r, const Values& v_threshold,
                  const Values& v_reset) {
  FloatNode n = make(name, NodeKind::IF);
  n.r = r;
  n.v_threshold = v_threshold;
  n.v_reset = v_reset;
  return n;
}
FloatNode lif_node(const std::string& name, const Values& tau, const Values& r,
                   const Values& v_leak, const Values& v_threshold, const Values& v_reset) {
  FloatNode n = make(name, NodeKind::LIF);
  n.tau = tau;
  n.r = r;
  n.v_leak = v_leak;
  n.v_threshold = v_threshold;
  n.v_reset = v_reset;
  return n;
}
FloatNode cuba_li_node(const std::string& name, const Values& tau_syn, const Values& tau_mem,
                       const Values& r, const Values& v_leak, const Values& w_in) {
  FloatNode n = make(name, NodeKind::CubaLI);
  n.tau_syn = tau_syn;
  n.tau_mem = tau_mem;
  n.r = r;
  n.v_leak = v_leak;
  n.w_in = w_in;
  return n;
}
FloatNode cuba_lif_node(const std::string& name, const Values& tau_syn, const Values& tau_mem,
                        const Values& r, const Values& v_leak, const Values& v_threshold,
                        const Values& v_reset, const Values& w_in) {
  FloatNode n = cuba_li_node(name, tau_syn, tau_mem, r, v_leak, w_in);
  n.kind = NodeKind::CubaLIF;
  n.v_threshold = v_threshold;
  n.v_reset = v_reset;
  return n;
}

// ---- FloatGraph -------------------------------------------------------------------

namespace {

void check_node(FloatNode& node);

sf::graph::GraphOptions graph_options() {
  sf::graph::GraphOptions o;
  o.kind_in_label = true;  // "node 'NAME' (KIND)"
  o.min_rank = 0;          // NIR's shapes: any rank, {} a 0-d tensor
  o.max_rank = std::numeric_limits<size_t>::max();
  o.max_source_elements = int64_t{1} << 32;
  o.max_node_elements = 0;  // no limit
  return o;
}

}  // namespace

FloatGraph::FloatGraph() : graph_(graph_options()) {}

size_t FloatGraph::add(FloatNode node) {
  return sf::graph::rethrow_as_invalid_argument([&] {
    const size_t i = graph_.add(node.name, kind_name(node.kind), nodes_.size(), node.shape);
    nodes_.push_back(std::move(node));
    return i;
  });
}

bool FloatGraph::contains(const std::string& name) const { return graph_.contains(name); }

size_t FloatGraph::index(const std::string& name) const {
  return sf::graph::rethrow_as_invalid_argument([&] { return graph_.index(name); });
}

void FloatGraph::connect(const std::string& src, const std::string& dst, bool back_edge) {
  sf::graph::rethrow_as_invalid_argument([&] { graph_.connect(src, dst, back_edge); });
}

sf::graph::KindTable FloatGraph::kinds() {
  sf::graph::KindTable table;
  sf::graph::KindSpec input;
  input.source = true;
  sf::graph::KindSpec other;
  other.shape = [this](const sf::graph::Graph&, size_t i, const Shape& in) {
    FloatNode& node = nodes_[i];
    node.in_shape = in;
    check_node(node);
    return node.out_shape;
  };
  // A node only back edges feed: its shape must come from its own parameters.
  other.back_only_shape = [this](const sf::graph::Graph&, size_t i) -> std::optional<Shape> {
    const FloatNode& node = nodes_[i];
    const std::vector<double>* p = !node.r.empty()           ? &node.r
                                   : !node.scale.empty()     ? &node.scale
                                   : !node.threshold.empty() ? &node.threshold
                                   : !node.delay.empty()     ? &node.delay
                                                             : nullptr;
    if (p == nullptr || p->size() < 2) return std::nullopt;
    return Shape{static_cast<int64_t>(p->size())};
  };
  for (const FloatNode& n : nodes_) {
    table.define(kind_name(n.kind), n.kind == NodeKind::Input ? input : other);
  }
  return table;
}

void FloatGraph::finalize() {
  inputs_.clear();
  outputs_.clear();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].kind == NodeKind::Input) inputs_.push_back(i);
    if (nodes_[i].kind == NodeKind::Output) outputs_.push_back(i);
  }
  if (inputs_.empty()) throw std::invalid_argument("the graph has no Input node");
  sf::graph::rethrow_as_invalid_argument([&] { graph_.finalize(kinds()); });
  for (size_t i = 0; i < nodes_.size(); ++i) {
    nodes_[i].in_shape = graph_.node(i).in_shape;
    nodes_[i].out_shape = graph_.node(i).out_shape;
  }
}

namespace {

// Checks a node's parameters against its input shape (set) and sets its
// output shape.
void check_node(FloatNode& node) {
  const int64_t n = numel(node.in_shape);
  node.out_shape = node.in_shape;
  switch (node.kind) {
    case NodeKind::Input:
    case NodeKind::Identity:
      return;
    case NodeKind::Output:
      if (!node.shape.empty() && numel(node.shape) != n) {
        fail(node, "shape", shape_str(node.shape),
             "the shape of what it receives, " + shape_str(node.in_shape));
      }
      return;
    case NodeKind::Affine:
    case NodeKind::Linear: {
      const Shape& w = node.weight.shape;
      if (w.size() != 2 || w[0] < 1 || w[1] < 1) {
        fail(node, "weight", "shape " + shape_str(w), "[out, in]");
      }
      if (static_cast<int64_t>(node.weight.data.size()) != numel(w)) {
        fail(node, "weight", std::to_string(node.weight.data.size()) + " values",
             std::to_string(numel(w)) + " for shape " + shape_str(w));
      }
      require_finite(node, "weight", node.weight.data);
      if (node.in_shape.empty() || node.in_shape.back() != w[1]) {
        fail(node, "weight", "shape " + shape_str(w) + " for an input of shape " +
                                 shape_str(node.in_shape),
             "[out, " + (node.in_shape.empty() ? std::string("?")
                                               : std::to_string(node.in_shape.back())) +
                 "] (it maps the input's last dimension)");
      }
      node.out_shape.back() = w[0];
      if (node.kind == NodeKind::Affine) {
        if (static_cast<int64_t>(node.bias.size()) != w[0]) {
          fail(node, "bias", std::to_string(node.bias.size()) + " values",
               std::to_string(w[0]) + " (one per output)");
        }
        require_finite(node, "bias", node.bias);
      }
      return;
    }
    case NodeKind::Scale:
      broadcast(node, "scale", node.scale, n);
      return;
    case NodeKind::Threshold:
      broadcast(node, "threshold", node.threshold, n);
      return;
    case NodeKind::Delay:
      broadcast(node, "delay", node.delay, n);
      for (size_t i = 0; i < node.delay.size(); ++i) {
        if (node.delay[i] < 0) {
          fail(node, "delay[" + std::to_string(i) + "]", num(node.delay[i]), ">= 0 seconds");
        }
      }
      return;
    case NodeKind::Conv1d:
    case NodeKind::Conv2d: {
      const size_t dims = node.kind == NodeKind::Conv1d ? 1 : 2;
      const Shape& w = node.weight.shape;
      const Window& win = node.window;
      if (w.size() != dims + 2 || numel(w) < 1) {
        fail(node, "weight", "shape " + shape_str(w),
             dims == 1 ? "[Cout, Cin/groups, K]" : "[Cout, Cin/groups, Kh, Kw]");
      }
      if (static_cast<int64_t>(node.weight.data.size()) != numel(w)) {
        fail(node, "weight", std::to_string(node.weight.data.size()) + " values",
             std::to_string(numel(w)) + " for shape " + shape_str(w));
      }
      require_finite(node, "weight", node.weight.data);
      if (node.in_shape.size() != dims + 1) {
        fail(node, "input shape", shape_str(node.in_shape),
             dims == 1 ? "[C, L]" : "[C, H, W]");
      }
      check_window_vector(node, "stride", win.stride, dims, 1);
      check_window_vector(node, "dilation", win.dilation, dims, 1);
      check_window_vector(node, "padding", win.pad_begin, dims, 0);
      check_window_vector(node, "padding (end)", win.pad_end, dims, 0);
      if (win.groups < 1 || w[0] % win.groups != 0) {
        fail(node, "groups", std::to_string(win.groups),
             "a divisor of the output channels " + std::to_string(w[0]));
      }
      if (w[1] * win.groups != node.in_shape[0]) {
        fail(node, "weight", "shape " + shape_str(w) + " with groups " +
                                 std::to_string(win.groups),
             "Cin/groups = " + std::to_string(node.in_shape[0]) + "/" +
                 std::to_string(win.groups) + " input channels per group (input shape " +
                 shape_str(node.in_shape) + ")");
      }
      if (!node.bias.empty() && static_cast<int64_t>(node.bias.size()) != w[0]) {
        fail(node, "bias", std::to_string(node.bias.size()) + " values",
             std::to_string(w[0]) + " (one per output channel) or none");
      }
      require_finite(node, "bias", node.bias);
      node.out_shape = {w[0]};
      for (size_t d = 0; d < dims; ++d) {
        int64_t c = out_cells(node.in_shape[d + 1], w[d + 2], win.stride[d], win.pad_begin[d],
                              win.pad_end[d], win.dilation[d]);
        if (c < 1) {
          fail(node, "weight", "a kernel of " + std::to_string(w[d + 2]) + " (dilation " +
                                   std::to_string(win.dilation[d]) + ") over " +
                                   std::to_string(node.in_shape[d + 1]) + " padded cells",
               "at least one output cell");
        }
        node.out_shape.push_back(c);
      }
      return;
    }
    case NodeKind::SumPool2d:
    case NodeKind::AvgPool2d: {
      const Window& win = node.window;
      if (node.in_shape.size() != 3) fail(node, "input shape", shape_str(node.in_shape), "[C, H, W]");
      check_window_vector(node, "kernel_size", win.kernel, 2, 1);
      check_window_vector(node, "stride", win.stride, 2, 1);
      check_window_vector(node, "padding", win.pad_begin, 2, 0);
      check_window_vector(node, "padding (end)", win.pad_end, 2, 0);
      node.out_shape = {node.in_shape[0]};
      for (size_t d = 0; d < 2; ++d) {
        int64_t c = out_cells(node.in_shape[d + 1], win.kernel[d], win.stride[d],
                              win.pad_begin[d], win.pad_end[d], 1);
        if (c < 1) {
          fail(node, "kernel_size", std::to_string(win.kernel[d]) + " over " +
                                        std::to_string(node.in_shape[d + 1]) + " padded cells",
               "at least one output cell");
        }
        node.out_shape.push_back(c);
      }
      return;
    }
    case NodeKind::Flatten: {
      const int64_t rank = static_cast<int64_t>(node.in_shape.size());
      int64_t s = node.start_dim < 0 ? node.start_dim + rank : node.start_dim;
      int64_t e = node.end_dim < 0 ? node.end_dim + rank : node.end_dim;
      if (rank == 0 || s < 0 || e >= rank || s > e) {
        fail(node, "start_dim, end_dim",
             std::to_string(node.start_dim) + ", " + std::to_string(node.end_dim) +
                 " for an input of shape " + shape_str(node.in_shape),
             "0 <= start <= end < " + std::to_string(rank) + " (negative: from the end)");
      }
      Shape out(node.in_shape.begin(), node.in_shape.begin() + s);
      int64_t merged = 1;
      for (int64_t d = s; d <= e; ++d) merged *= node.in_shape[d];
      out.push_back(merged);
      out.insert(out.end(), node.in_shape.begin() + e + 1, node.in_shape.end());
      node.out_shape = out;
      return;
    }
    case NodeKind::I:
    case NodeKind::LI:
    case NodeKind::IF:
    case NodeKind::LIF:
    case NodeKind::CubaLI:
    case NodeKind::CubaLIF: {
      const NodeKind k = node.kind;
      broadcast(node, "r", node.r, n);
      if (k == NodeKind::LI || k == NodeKind::LIF) {
        broadcast(node, "tau", node.tau, n);
        require_positive(node, "tau", node.tau);
      }
      if (k == NodeKind::LI || k == NodeKind::LIF || has_synapse(k)) {
        broadcast(node, "v_leak", node.v_leak, n);
      }
      if (has_synapse(k)) {
        broadcast(node, "tau_syn", node.tau_syn, n);
        broadcast(node, "tau_mem", node.tau_mem, n);
        broadcast(node, "w_in", node.w_in, n);
        require_positive(node, "tau_syn", node.tau_syn);
        require_positive(node, "tau_mem", node.tau_mem);
      }
      if (is_spiking(k)) {
        broadcast(node, "v_threshold", node.v_threshold, n);
        broadcast(node, "v_reset", node.v_reset, n);
      }
      return;
    }
  }
}

}  // namespace

// ---- Simulator --------------------------------------------------------------------

Simulator::Simulator(const FloatGraph& graph, const SimOptions& options)
    : graph_(graph), opt_(options) {
  if (!graph.finalized()) {
    throw std::invalid_argument("the graph is not finalized (call FloatGraph::finalize)");
  }
  if (!(opt_.dt > 0) || !std::isfinite(opt_.dt)) {
    throw std::invalid_argument("dt: found " + num(opt_.dt) + ", expected a finite time > 0 s");
  }
  const size_t count = graph.nodes().size();
  fwd_in_.assign(count, {});
  back_in_.assign(count, {});
  back_src_.assign(count, false);
  for (const FloatEdge& e : graph.edges()) {
    (e.back_edge ? back_in_ : fwd_in_)[e.dst].push_back(e.src);
    if (e.back_edge) back_src_[e.src] = true;
  }
  value_.resize(count);
  prev_value_.resize(count);
  v_.resize(count);
  i_.resize(count);
  coeffs_.resize(count);
  delay_steps_.resize(count);
  delay_line_.resize(count);
  for (size_t i = 0; i < count; ++i) compute_coeffs(i);
  reset();
}

void Simulator::compute_coeffs(size_t index) {
  const FloatNode& node = graph_.node(index);
  const size_t n = static_cast<size_t>(numel(node.in_shape));
  const double dt = opt_.dt;
  Coeffs& c = coeffs_[index];

  if (node.kind == NodeKind::Delay) {
    int64_t longest = 0;
    for (double d : node.delay) {
      double steps = std::round(d / dt);
      if (steps > 1e7) {
        fail(node, "delay", num(d) + " s = " + num(steps) + " steps of dt " + num(dt),
             "at most 1e7 steps");
      }
      delay_steps_[index].push_back(static_cast<int64_t>(steps));
      longest = std::max(longest, static_cast<int64_t>(steps));
    }
    if (static_cast<double>(longest + 1) * static_cast<double>(n) > 5e7) {
      fail(node, "delay", "a delay line of " + std::to_string(longest + 1) + " x " +
                              std::to_string(n) + " values",
           "at most 5e7 values");
    }
    return;
  }
  if (!has_membrane(node.kind)) return;

  const NodeKind k = node.kind;
  if (opt_.exact_crossing && opt_.method == Method::Exact && k == NodeKind::CubaLIF) {
    fail(node, "exact_crossing", "a CubaLIF (no closed-form crossing time)",
         "LIF and IF only; turn exact_crossing off");
  }
  const bool snntorch_spiking = opt_.method == Method::SnnTorch && is_spiking(k);
  c.a.resize(n);
  c.gain.resize(n);
  c.leak.resize(n);
  c.thr.resize(n);
  c.vreset.resize(n);
  if (has_synapse(k)) {
    c.as.resize(n);
    c.gs.resize(n);
    c.exact_cross.resize(n);
  }
  for (size_t j = 0; j < n; ++j) {
    if (is_spiking(k)) {
      c.thr[j] = node.v_threshold[j];
      c.vreset[j] = node.v_reset[j];
    }
    if (k == NodeKind::I || k == NodeKind::IF) {
      // No leak: Euler is exact for dv/dt = r·x with x held over the step.
      c.a[j] = 1;
      c.gain[j] = opt_.if_input == IfInput::Impulse ? node.r[j] : dt * node.r[j];
      c.leak[j] = 0;
    } else if (k == NodeKind::LI || k == NodeKind::LIF) {
      const double q = dt / node.tau[j];
      if (opt_.method == Method::Exact) {
        c.a[j] = std::exp(-q);
        c.gain[j] = -std::expm1(-q) * node.r[j];
        c.leak[j] = node.v_leak[j];
      } else {  // Euler; SnnTorch's beta form is derived below
        c.a[j] = q;
        c.gain[j] = node.r[j];
        c.leak[j] = node.v_leak[j];
      }
    } else {  // CubaLI, CubaLIF
      const double qs = dt / node.tau_syn[j];
      const double qm = dt / node.tau_mem[j];
      if (opt_.method == Method::Exact) {
        c.as[j] = std::exp(-qs);
        c.gs[j] = -std::expm1(-qs) * node.w_in[j];
        c.a[j] = std::exp(-qm);
        c.gain[j] = -std::expm1(-qm) * node.r[j] * node.w_in[j];
        c.leak[j] = node.v_leak[j];
        // r·tau_s/(tau_s - tau_m)·(e^-qs - e^-qm), written to stay exact as
        // tau_s -> tau_m (limit r·qm·e^-qm): e^-qs - e^-qm = e^-qm·expm1(qm - qs).
        const double kk = qm - qs;
        double f;
        if (kk == 0) {
          f = qm * c.a[j];
        } else if (std::fabs(kk) < 1) {
          f = qm * c.a[j] * std::expm1(kk) / kk;
        } else {
          f = node.tau_syn[j] / (node.tau_syn[j] - node.tau_mem[j]) * (c.as[j] - c.a[j]);
        }
        c.exact_cross[j] = node.r[j] * f;
      } else {
        c.as[j] = qs;
        c.gs[j] = node.w_in[j];
        c.a[j] = qm;
        c.gain[j] = node.r[j];
        c.leak[j] = node.v_leak[j];
      }
    }
    if (snntorch_spiking) {
      // snnTorch state: mem = v / g and syn = I / g_syn, so the input enters
      // with gain 1 and the threshold is divided by the input gain g
      // (snntorch/import_nir.py's threshold scaling, notes §7.4).
      double g;  // v units per mem unit
      if (k == NodeKind::IF) {
        c.a[j] = 1;  // beta = 1 (snnTorch #452)
        g = c.gain[j];
        c.leak[j] = 0;
      } else if (k == NodeKind::LIF) {
        const double q = dt / node.tau[j];
        c.a[j] = 1 - q;  // beta
        g = node.r[j] * q;
        c.leak[j] = g != 0 ? q * node.v_leak[j] / g : 0;
      } else {  // CubaLIF: snnTorch Synaptic
        const double qs = dt / node.tau_syn[j];
        const double qm = dt / node.tau_mem[j];
        c.as[j] = 1 - qs;                   // alpha
        c.a[j] = 1 - qm;                    // beta
        g = node.w_in[j] * qs;              // I per syn unit
        c.gain[j] = node.r[j] * qm;         // syn onto mem (1 in snnTorch's exports)
        c.leak[j] = g != 0 ? qm * node.v_leak[j] / g : 0;
      }
      if (g == 0) {
        fail(node, k == NodeKind::CubaLIF ? "w_in" : "r", "an input gain of 0",
             "a non-zero gain (Method::SnnTorch divides the threshold by it)");
      }
      c.thr[j] /= g;
      c.vreset[j] /= g;
    }
  }
}

void Simulator::reset() {
  steps_ = 0;
  const size_t count = graph_.nodes().size();
  for (size_t i = 0; i < count; ++i) {
    const FloatNode& node = graph_.node(i);
    value_[i].assign(static_cast<size_t>(numel(node.out_shape)), 0.0);
    prev_value_[i].assign(back_src_[i] ? value_[i].size() : 0, 0.0);
    v_[i].assign(has_membrane(node.kind) ? value_[i].size() : 0, 0.0);
    i_[i].assign(has_synapse(node.kind) ? value_[i].size() : 0, 0.0);
    if (node.kind == NodeKind::Delay) {
      int64_t longest = 0;
      for (int64_t d : delay_steps_[i]) longest = std::max(longest, d);
      delay_line_[i].assign(static_cast<size_t>(longest + 1),
                            std::vector<double>(value_[i].size(), 0.0));
    }
  }
}

const std::vector<double>& Simulator::value(const std::string& name) const {
  return value_.at(graph_.index(name));
}

void Simulator::step(const std::vector<std::vector<double>>& inputs) {
  const std::vector<size_t>& in_nodes = graph_.inputs();
  if (inputs.size() != in_nodes.size()) {
    throw std::invalid_argument("step " + std::to_string(steps_) + ": found " +
                                std::to_string(inputs.size()) + " input vectors, expected " +
                                std::to_string(in_nodes.size()) + " (one per Input node)");
  }
  for (size_t k = 0; k < in_nodes.size(); ++k) {
    const FloatNode& node = graph_.node(in_nodes[k]);
    if (static_cast<int64_t>(inputs[k].size()) != numel(node.shape)) {
      throw std::invalid_argument("step " + std::to_string(steps_) + ": input '" + node.name +
                                  "': found " + std::to_string(inputs[k].size()) +
                                  " values, expected " + std::to_string(numel(node.shape)) +
                                  " (shape " + shape_str(node.shape) + ")");
    }
  }

  std::vector<double> in;
  for (size_t idx : graph_.order()) {
    const FloatNode& node = graph_.node(idx);
    if (node.kind == NodeKind::Input) {
      size_t k = static_cast<size_t>(
          std::find(in_nodes.begin(), in_nodes.end(), idx) - in_nodes.begin());
      value_[idx] = inputs[k];
      continue;
    }
    // Sum of the inputs: forward edges carry this step's values (already
    // computed, by the topological order), back edges the previous step's.
    in.assign(static_cast<size_t>(numel(node.in_shape)), 0.0);
    for (size_t s : fwd_in_[idx]) {
      const std::vector<double>& x = value_[s];
      for (size_t j = 0; j < in.size(); ++j) in[j] += x[j];
    }
    for (size_t s : back_in_[idx]) {
      const std::vector<double>& x = prev_value_[s];
      for (size_t j = 0; j < in.size(); ++j) in[j] += x[j];
    }
    step_node(idx, in);
  }
  for (size_t i = 0; i < value_.size(); ++i) {
    if (back_src_[i]) prev_value_[i] = value_[i];
  }
  ++steps_;
}

void Simulator::step_node(size_t index, const std::vector<double>& in) {
  const FloatNode& node = graph_.node(index);
  std::vector<double>& out = value_[index];
  switch (node.kind) {
    case NodeKind::Input:
      return;
    case NodeKind::Output:
    case NodeKind::Identity:
    case NodeKind::Flatten:  // C order is unchanged by merging dimensions
      out = in;
      return;
    case NodeKind::Affine:
    case NodeKind::Linear: {
      // y = W·x over the input's last dimension (PyTorch Linear), for each
      // leading index.
      const size_t m = static_cast<size_t>(node.weight.shape[0]);
      const size_t k = static_cast<size_t>(node.weight.shape[1]);
      const size_t rows = in.size() / k;
      const std::vector<double>& w = node.weight.data;
      for (size_t b = 0; b < rows; ++b) {
        for (size_t o = 0; o < m; ++o) {
          double acc = node.kind == NodeKind::Affine ? node.bias[o] : 0.0;
          for (size_t i = 0; i < k; ++i) acc += w[o * k + i] * in[b * k + i];
          out[b * m + o] = acc;
        }
      }
      return;
    }
    case NodeKind::Scale:
      for (size_t j = 0; j < in.size(); ++j) out[j] = node.scale[j] * in[j];
      return;
    case NodeKind::Threshold:
      for (size_t j = 0; j < in.size(); ++j) out[j] = in[j] > node.threshold[j] ? 1.0 : 0.0;
      return;
    case NodeKind::Delay: {
      std::vector<std::vector<double>>& line = delay_line_[index];
      const int64_t len = static_cast<int64_t>(line.size());
      line[static_cast<size_t>(steps_ % len)] = in;
      for (size_t j = 0; j < in.size(); ++j) {
        const int64_t t = steps_ - delay_steps_[index][j];
        out[j] = t < 0 ? 0.0 : line[static_cast<size_t>(t % len)][j];
      }
      return;
    }
    case NodeKind::Conv1d:
    case NodeKind::Conv2d: {
      // A Conv1d is a Conv2d with height 1.
      const bool one = node.kind == NodeKind::Conv1d;
      const Shape& ws = node.weight.shape;
      const Window& win = node.window;
      const int64_t h = one ? 1 : node.in_shape[1], w = node.in_shape[one ? 1 : 2];
      const int64_t cout = ws[0], cin_g = ws[1];
      const int64_t kh = one ? 1 : ws[2], kw = ws[one ? 2 : 3];
      const int64_t oh = one ? 1 : node.out_shape[1], ow = node.out_shape[one ? 1 : 2];
      const int64_t sh = one ? 1 : win.stride[0], sw = win.stride[one ? 0 : 1];
      const int64_t ph = one ? 0 : win.pad_begin[0], pw = win.pad_begin[one ? 0 : 1];
      const int64_t dh = one ? 1 : win.dilation[0], dw = win.dilation[one ? 0 : 1];
      const int64_t cout_g = cout / win.groups;
      for (int64_t co = 0; co < cout; ++co) {
        const int64_t c0 = (co / cout_g) * cin_g;  // first input channel of the group
        for (int64_t oy = 0; oy < oh; ++oy) {
          for (int64_t ox = 0; ox < ow; ++ox) {
            double acc = node.bias.empty() ? 0.0 : node.bias[static_cast<size_t>(co)];
            for (int64_t cl = 0; cl < cin_g; ++cl) {
              for (int64_t ky = 0; ky < kh; ++ky) {
                const int64_t iy = oy * sh - ph + ky * dh;
                if (iy < 0 || iy >= h) continue;
                for (int64_t kx = 0; kx < kw; ++kx) {
                  const int64_t ix = ox * sw - pw + kx * dw;
                  if (ix < 0 || ix >= w) continue;
                  acc += node.weight.data[static_cast<size_t>(((co * cin_g + cl) * kh + ky) * kw + kx)] *
                         in[static_cast<size_t>(((c0 + cl) * h + iy) * w + ix)];
                }
              }
            }
            out[static_cast<size_t>((co * oh + oy) * ow + ox)] = acc;
          }
        }
      }
      return;
    }
    case NodeKind::SumPool2d:
    case NodeKind::AvgPool2d: {
      // Padded cells count as zeros; AvgPool2d = SumPool2d then 1/(kh·kw)
      // (NIR's primitive table), so they count in the average too.
      const Window& win = node.window;
      const int64_t c = node.in_shape[0], h = node.in_shape[1], w = node.in_shape[2];
      const int64_t oh = node.out_shape[1], ow = node.out_shape[2];
      const double f = node.kind == NodeKind::AvgPool2d
                           ? 1.0 / static_cast<double>(win.kernel[0] * win.kernel[1])
                           : 1.0;
      for (int64_t ch = 0; ch < c; ++ch) {
        for (int64_t oy = 0; oy < oh; ++oy) {
          for (int64_t ox = 0; ox < ow; ++ox) {
            double acc = 0;
            for (int64_t ky = 0; ky < win.kernel[0]; ++ky) {
              const int64_t iy = oy * win.stride[0] - win.pad_begin[0] + ky;
              if (iy < 0 || iy >= h) continue;
              for (int64_t kx = 0; kx < win.kernel[1]; ++kx) {
                const int64_t ix = ox * win.stride[1] - win.pad_begin[1] + kx;
                if (ix < 0 || ix >= w) continue;
                acc += in[static_cast<size_t>((ch * h + iy) * w + ix)];
              }
            }
            out[static_cast<size_t>((ch * oh + oy) * ow + ox)] = acc * f;
          }
        }
      }
      return;
    }
    case NodeKind::I:
    case NodeKind::LI:
    case NodeKind::IF:
    case NodeKind::LIF:
    case NodeKind::CubaLI:
    case NodeKind::CubaLIF:
      if (opt_.method == Method::SnnTorch && is_spiking(node.kind)) {
        snntorch_step(index, in);
      } else {
        neuron_step(index, in);
      }
      return;
  }
}

// Euler and Exact (and SnnTorch for the non-spiking I, LI, CubaLI).
void Simulator::neuron_step(size_t index, const std::vector<double>& x) {
  const FloatNode& node = graph_.node(index);
  const Coeffs& c = coeffs_[index];
  const NodeKind k = node.kind;
  const bool exact = opt_.method == Method::Exact;
  std::vector<double>& v = v_[index];
  std::vector<double>& cur = i_[index];
  std::vector<double>& out = value_[index];
  const bool crossing = exact && opt_.exact_crossing;
  for (size_t j = 0; j < x.size(); ++j) {
    const double v_start = v[j];
    if (k == NodeKind::I || k == NodeKind::IF) {
      v[j] += c.gain[j] * x[j];  // gain = dt·r, or r (IfInput::Impulse)
    } else if (k == NodeKind::LI || k == NodeKind::LIF) {
      if (exact) {
        v[j] = c.leak[j] + (v[j] - c.leak[j]) * c.a[j] + c.gain[j] * x[j];
      } else {
        v[j] += c.a[j] * ((c.leak[j] - v[j]) + c.gain[j] * x[j]);
      }
    } else {  // CubaLI, CubaLIF
      const double i_prev = cur[j];
      if (exact) {
        const double wx = node.w_in[j] * x[j];
        cur[j] = i_prev * c.as[j] + c.gs[j] * x[j];
        v[j] = c.leak[j] + (v[j] - c.leak[j]) * c.a[j] + c.gain[j] * x[j] +
               c.exact_cross[j] * (i_prev - wx);
      } else {
        cur[j] += c.as[j] * (-cur[j] + c.gs[j] * x[j]);
        const double i_used =
            opt_.cuba_current == CubaCurrent::Previous && opt_.method == Method::Euler ? i_prev
                                                                                       : cur[j];
        v[j] += c.a[j] * ((c.leak[j] - v[j]) + c.gain[j] * i_used);
      }
    }
    if (is_spiking(k)) {
      const bool spike = v[j] > c.thr[j];  // strict, on the updated v
      out[j] = spike ? 1.0 : 0.0;
      if (spike && crossing) {
        v[j] = crossing_reset(index, j, v_start, x[j]);
      } else if (spike) {
        v[j] = opt_.reset == ResetMode::Zero ? c.vreset[j] : v[j] - c.thr[j];
      }
    } else {
      out[j] = v[j];
    }
  }
}

// Exact with exact_crossing, LIF or IF that crossed its threshold during this
// step: v at the end of the step when the reset happens at the crossing time
// s and v then integrates the remaining dt - s. The input x is held over the
// step. At the crossing v = v_threshold, so a subtract reset restarts from 0
// and a zero reset from v_reset. v_start above the threshold (a reset value
// above it) crosses at s = 0. One reset per step: a v that crosses again in
// the remainder spikes in the next step.
double Simulator::crossing_reset(size_t index, size_t j, double v_start, double x) const {
  const FloatNode& node = graph_.node(index);
  const Coeffs& c = coeffs_[index];
  const double dt = opt_.dt;
  const double thr = c.thr[j];
  const double from = opt_.reset == ResetMode::Zero ? c.vreset[j] : 0.0;
  if (node.kind == NodeKind::IF) {
    // dv/ds = rate over the step (Euler input), or the whole charge at s = 0 (impulse).
    if (opt_.if_input == IfInput::Impulse) {
      return opt_.reset == ResetMode::Zero ? from : v_start + c.gain[j] * x - thr;
    }
    const double rate = c.gain[j] * x / dt;
    const double s = v_start >= thr ? 0.0 : (thr - v_start) / rate;
    return from + rate * (dt - s);
  }
  // LIF: v(s) = X + (v_start - X)·e^(-s/tau), X = v_leak + r·x.
  const double tau = node.tau[j];
  const double target = node.v_leak[j] + node.r[j] * x;
  const double s = v_start >= thr ? 0.0 : tau * std::log((target - v_start) / (target - thr));
  const double rest = std::max(0.0, dt - s);
  return target + (from - target) * std::exp(-rest / tau);
}

// snnTorch Leaky (LIF, IF) and Synaptic (CubaLIF), notes §7.1-7.2, in
// snnTorch's scaled units (see compute_coeffs).
void Simulator::snntorch_step(size_t index, const std::vector<double>& x) {
  const FloatNode& node = graph_.node(index);
  const Coeffs& c = coeffs_[index];
  const bool synaptic = node.kind == NodeKind::CubaLIF;
  const bool zero = opt_.reset == ResetMode::Zero;
  std::vector<double>& mem = v_[index];
  std::vector<double>& syn = i_[index];
  std::vector<double>& out = value_[index];
  for (size_t j = 0; j < x.size(); ++j) {
    const double mem_prev = mem[j];
    // The reset is decided from the previous step's membrane (snnTorch's mem_reset).
    const double rst = mem_prev > c.thr[j] ? 1.0 : 0.0;
    double m;
    if (synaptic) {
      syn[j] = c.as[j] * syn[j] + x[j];
      const double base = c.a[j] * mem_prev + c.gain[j] * syn[j] + c.leak[j];
      // Synaptic's zero reset discards this step's input too.
      m = zero ? (rst != 0 ? c.vreset[j] : base) : base - rst * c.thr[j];
    } else if (zero) {
      m = c.a[j] * (rst != 0 ? c.vreset[j] : mem_prev) + x[j] + c.leak[j];
    } else {
      m = c.a[j] * mem_prev + x[j] + c.leak[j] - rst * c.thr[j];
    }
    const double spk = m > c.thr[j] ? 1.0 : 0.0;
    if (!opt_.snntorch_reset_delay) {
      // Same-step reset; `- rst` keeps a reset already applied above from
      // being applied twice (snnTorch's do_reset, which can be -1).
      const double do_reset = spk - rst;
      m -= do_reset * (zero ? m - c.vreset[j] : c.thr[j]);
    }
    mem[j] = m;
    out[j] = spk;
  }
}

// ---- run / Trace -----------------------------------------------------------------

Trace run(const FloatGraph& graph, const SimOptions& options,
          const std::vector<std::vector<std::vector<double>>>& inputs, int64_t steps) {
  if (steps < 0) throw std::invalid_argument("steps: found " + std::to_string(steps) + ", expected >= 0");
  Simulator sim(graph, options);
  Trace trace;
  for (const FloatNode& n : graph.nodes()) trace.names.push_back(n.name);
  std::vector<std::vector<double>> zeros;
  for (size_t i : graph.inputs()) {
    zeros.emplace_back(static_cast<size_t>(numel(graph.node(i).shape)), 0.0);
  }
  const size_t count = graph.nodes().size();
  for (int64_t t = 0; t < steps; ++t) {
    sim.step(static_cast<size_t>(t) < inputs.size() ? inputs[static_cast<size_t>(t)] : zeros);
    std::vector<std::vector<double>> val(count), v(count), cur(count);
    for (size_t i = 0; i < count; ++i) {
      val[i] = sim.value(i);
      v[i] = sim.v(i);
      cur[i] = sim.i_syn(i);
    }
    trace.value.push_back(std::move(val));
    trace.v.push_back(std::move(v));
    trace.i_syn.push_back(std::move(cur));
  }
  return trace;
}

size_t Trace::index(const std::string& name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  throw std::invalid_argument("trace: no node named '" + name + "'");
}

const std::vector<double>& Trace::value_of(size_t step, const std::string& name) const {
  return value.at(step).at(index(name));
}
const std::vector<double>& Trace::v_of(size_t step, const std::string& name) const {
  return v.at(step).at(index(name));
}
const std::vector<double>& Trace::i_syn_of(size_t step, const std::string& name) const {
  return i_syn.at(step).at(index(name));
}

}  // namespace sf::ref::nir_float
