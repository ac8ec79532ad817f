// Integer golden model of NIR-style graphs: graph checks and shape inference,
// and the step-by-step simulator. README.md gives every formula; each one is
// written here in the same form, so the two can be compared line by line.
//
// Overflow policy: values between nodes are int64. Every sum and product is
// formed in 128 bits (weights and multipliers are below 2^31 and fan-ins below
// 2^33, so no 128-bit sum can overflow), and a result that does not fit int64
// throws std::overflow_error. Only neuron state saturates (v_bits, i_bits).
#include "int_graph.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

namespace sf::ref::int_graph {

namespace {

using i128 = __int128;

constexpr int64_t kMaxElements = int64_t{1} << 32;  // per tensor, and per weight tensor
constexpr int64_t kMaxWeight = (int64_t{1} << 31) - 1;
constexpr int64_t kMaxDelaySteps = 10'000'000;
constexpr int64_t kMaxDelayValues = 50'000'000;

// ---- Integer arithmetic (semantics.md notation) ----------------------------------

// trunc0(a / 2^k) = sign(a) * (|a| >> k): rounds toward zero. k >= 127 gives 0.
i128 trunc0_pow2(i128 a, int k) {
  if (k >= 127) return 0;
  const i128 mag = (a < 0 ? -a : a) >> k;
  return a < 0 ? -mag : mag;
}

// sat_b(x): clamp to [-2^(b-1), 2^(b-1) - 1].
int64_t sat(i128 x, int bits) {
  const i128 hi = (i128{1} << (bits - 1)) - 1;
  const i128 lo = -(i128{1} << (bits - 1));
  return static_cast<int64_t>(x > hi ? hi : (x < lo ? lo : x));
}

// floor(a / d) for d > 0 (C++ division truncates toward zero).
i128 floor_div(i128 a, i128 d) {
  i128 q = a / d;
  if (a % d != 0 && a < 0) --q;
  return q;
}

// a / d rounded as `r`, d > 0. HalfUp: floor(a/d + 1/2) = floor((2a + d) / 2d).
i128 divide(i128 a, i128 d, Rounding r) {
  return r == Rounding::Floor ? floor_div(a, d) : floor_div(2 * a + d, 2 * d);
}

bool fits_int64(i128 x) {
  return x >= std::numeric_limits<int64_t>::min() && x <= std::numeric_limits<int64_t>::max();
}

bool fits_bits(int64_t x, int bits) {
  return x >= -(int64_t{1} << (bits - 1)) && x <= (int64_t{1} << (bits - 1)) - 1;
}

// L(v) of semantics.md, for |v| < 2^62.
i128 leak(const Leak& l, int64_t v) {
  switch (l.kind) {
    case LeakKind::None:
      return v;
    case LeakKind::Shift:
      return i128{v} - trunc0_pow2(v, l.shift);
    case LeakKind::Mult:
      return trunc0_pow2(i128{v} * l.beta, l.frac);
    case LeakKind::Sub: {
      const i128 mag = (v < 0 ? -i128{v} : i128{v}) - l.lambda;
      if (mag <= 0) return 0;
      return v < 0 ? -mag : mag;
    }
  }
  return v;
}

// ---- Checks ------------------------------------------------------------------------

[[noreturn]] void fail(const IntNode& node, const std::string& field, const std::string& found,
                       const std::string& expected) {
  throw std::invalid_argument("node '" + node.name + "' (" + kind_name(node.kind) + "): " + field +
                              ": found " + found + ", expected " + expected);
}

std::string range_str(int bits) {
  return std::to_string(-(int64_t{1} << (bits - 1))) + ".." +
         std::to_string((int64_t{1} << (bits - 1)) - 1);
}

// One value per element: one value is repeated, one per channel (the input's
// first dimension) is repeated over the channel's elements, n are kept.
void broadcast(const IntNode& node, const std::string& field, Values& v) {
  const int64_t n = numel(node.in_shape);
  const int64_t channels = node.in_shape.empty() ? 1 : node.in_shape[0];
  const auto size = static_cast<int64_t>(v.size());
  std::string expected = "1, " + std::to_string(channels) + " (one per channel) or " +
                         std::to_string(n) + " (one per element of " +
                         shape_str(node.in_shape) + ") values";
  if (size == n) return;
  if (size == 1) {
    v.assign(static_cast<size_t>(n), v[0]);
  } else if (size == channels && size > 0) {
    Values out;
    out.reserve(static_cast<size_t>(n));
    const int64_t per = n / channels;
    for (int64_t c = 0; c < channels; ++c) out.insert(out.end(), static_cast<size_t>(per), v[c]);
    v = std::move(out);
  } else {
    fail(node, field, std::to_string(size) + " values", expected);
  }
}

void check_range(const IntNode& node, const std::string& field, const Values& v, int64_t lo,
                 int64_t hi) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] < lo || v[i] > hi) {
      fail(node, field + "[" + std::to_string(i) + "]", std::to_string(v[i]),
           std::to_string(lo) + ".." + std::to_string(hi));
    }
  }
}

// Output cells along one dimension: PyTorch's floor((n + pads - d(k-1) - 1)/s) + 1.
int64_t out_cells(int64_t n, int64_t k, int64_t stride, int64_t pad_begin, int64_t pad_end,
                  int64_t dilation) {
  const int64_t span = n + pad_begin + pad_end - dilation * (k - 1) - 1;
  if (span < 0) return 0;
  return span / stride + 1;
}

void check_window_vector(const IntNode& node, const std::string& field,
                         const std::vector<int64_t>& v, size_t dims, int64_t min) {
  if (v.size() != dims) {
    fail(node, field, std::to_string(v.size()) + " values",
         std::to_string(dims) + " (one per spatial dimension)");
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] < min || v[i] > (int64_t{1} << 30)) {
      fail(node, field + "[" + std::to_string(i) + "]", std::to_string(v[i]),
           "an integer in " + std::to_string(min) + ".." + std::to_string(int64_t{1} << 30));
    }
  }
}

void check_weight(const IntNode& node, const std::string& layout, size_t rank) {
  const Shape& w = node.weight.shape;
  if (w.size() != rank || numel(w) < 1 || numel(w) > kMaxElements) {
    fail(node, "weight", "shape " + shape_str(w), layout + " with 1..2^32 values");
  }
  if (static_cast<int64_t>(node.weight.data.size()) != numel(w)) {
    fail(node, "weight", std::to_string(node.weight.data.size()) + " values",
         std::to_string(numel(w)) + " for shape " + shape_str(w));
  }
  check_range(node, "weight", node.weight.data, -kMaxWeight - 1, kMaxWeight);
}

void check_leak(const IntNode& node, const std::string& field, const Leak& l) {
  switch (l.kind) {
    case LeakKind::None:
      return;
    case LeakKind::Shift:
      if (l.shift < 0) fail(node, field + ".shift", std::to_string(l.shift), ">= 0");
      return;
    case LeakKind::Mult:
      if (l.frac < 0 || l.frac > 62 || l.beta < 0 || l.beta > (int64_t{1} << l.frac)) {
        fail(node, field + ".beta, .frac",
             std::to_string(l.beta) + ", " + std::to_string(l.frac),
             "0 <= frac <= 62 and 0 <= beta <= 2^frac");
      }
      return;
    case LeakKind::Sub:
      if (l.lambda < 0) fail(node, field + ".lambda", std::to_string(l.lambda), ">= 0");
      return;
  }
}

void check_neuron(IntNode& node) {
  NeuronParams& p = node.neuron;
  const NodeKind k = node.kind;
  if (p.v_bits < 2 || p.v_bits > 62) fail(node, "v_bits", std::to_string(p.v_bits), "2..62");
  const int64_t vmax = (int64_t{1} << (p.v_bits - 1)) - 1;
  if (p.bias.empty()) p.bias.assign(1, 0);
  broadcast(node, "bias", p.bias);
  check_range(node, "bias", p.bias, -vmax - 1, vmax);
  if (k == NodeKind::I || k == NodeKind::IF) {
    if (p.leak.kind != LeakKind::None) {
      fail(node, "leak", "a leak", "none (I and IF do not leak; use LI or LIF)");
    }
  } else {
    check_leak(node, "leak", p.leak);
  }
  if (has_synapse(k)) {
    if (p.i_bits < 2 || p.i_bits > 62) fail(node, "i_bits", std::to_string(p.i_bits), "2..62");
    check_leak(node, "syn_leak", p.syn_leak);
    if (p.gain < -kMaxWeight - 1 || p.gain > kMaxWeight) {
      fail(node, "gain", std::to_string(p.gain), "-2^31..2^31-1");
    }
    if (p.gain_frac < 0 || p.gain_frac > 62) {
      fail(node, "gain_frac", std::to_string(p.gain_frac), "0..62");
    }
  } else if (p.syn_leak.kind != LeakKind::None) {
    fail(node, "syn_leak", "a synaptic leak", "none (only CubaLI and CubaLIF have a synapse)");
  }
  if (!is_spiking(k)) return;
  if (p.thresholds.empty()) p.thresholds.assign(1, p.threshold);
  broadcast(node, "thresholds", p.thresholds);
  check_range(node, "thresholds", p.thresholds, 1, vmax);
  if (!fits_bits(p.v_reset, p.v_bits)) {
    fail(node, "v_reset", std::to_string(p.v_reset), range_str(p.v_bits) + " (fits v_bits)");
  }
  if (k == NodeKind::IF && p.reset == ResetMode::SubtractDeferred) {
    fail(node, "reset", "subtract_deferred",
         "subtract, zero or none (subtract_deferred is defined for lif only)");
  }
}

IntNode make(const std::string& name, NodeKind kind) {
  IntNode n;
  n.name = name;
  n.kind = kind;
  return n;
}

IntNode pool(const std::string& name, NodeKind kind, const Shape& kernel, const Shape& stride,
             const Shape& padding) {
  IntNode n = make(name, kind);
  n.window.kernel = kernel;
  n.window.stride = stride;
  n.window.pad_begin = padding;
  n.window.pad_end = padding;
  n.window.dilation.assign(kernel.size(), 1);
  return n;
}

IntNode neuron(const std::string& name, NodeKind kind, const NeuronParams& p) {
  IntNode n = make(name, kind);
  n.neuron = p;
  return n;
}

}  // namespace

const char* kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::Input: return "Input";
    case NodeKind::Output: return "Output";
    case NodeKind::Identity: return "Identity";
    case NodeKind::Dense: return "Dense";
    case NodeKind::Conv1d: return "Conv1d";
    case NodeKind::Conv2d: return "Conv2d";
    case NodeKind::SumPool2d: return "SumPool2d";
    case NodeKind::AvgPool2d: return "AvgPool2d";
    case NodeKind::Flatten: return "Flatten";
    case NodeKind::Delay: return "Delay";
    case NodeKind::Scale: return "Scale";
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

// ---- Factories ------------------------------------------------------------------

IntNode input_node(const std::string& name, const Shape& shape) {
  IntNode n = make(name, NodeKind::Input);
  n.shape = shape;
  return n;
}
IntNode output_node(const std::string& name, const Shape& shape) {
  IntNode n = make(name, NodeKind::Output);
  n.shape = shape;
  return n;
}
IntNode identity_node(const std::string& name) { return make(name, NodeKind::Identity); }
IntNode dense_node(const std::string& name, const Tensor& weight, const Values& bias) {
  IntNode n = make(name, NodeKind::Dense);
  n.weight = weight;
  n.bias = bias;
  return n;
}
IntNode conv_node(const std::string& name, const Tensor& weight, const Values& bias,
                  const Window& window) {
  IntNode n = make(name, weight.shape.size() == 3 ? NodeKind::Conv1d : NodeKind::Conv2d);
  n.weight = weight;
  n.bias = bias;
  n.window = window;
  return n;
}
IntNode sum_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                        const Shape& padding) {
  return pool(name, NodeKind::SumPool2d, kernel, stride, padding);
}
IntNode avg_pool2d_node(const std::string& name, const Shape& kernel, const Shape& stride,
                        const Shape& padding, Rounding rounding) {
  IntNode n = pool(name, NodeKind::AvgPool2d, kernel, stride, padding);
  n.rounding = rounding;
  return n;
}
IntNode flatten_node(const std::string& name, int64_t start_dim, int64_t end_dim) {
  IntNode n = make(name, NodeKind::Flatten);
  n.start_dim = start_dim;
  n.end_dim = end_dim;
  return n;
}
IntNode delay_node(const std::string& name, const Values& steps) {
  IntNode n = make(name, NodeKind::Delay);
  n.delay = steps;
  return n;
}
IntNode scale_node(const std::string& name, const Values& multiplier, int shift,
                   Rounding rounding) {
  IntNode n = make(name, NodeKind::Scale);
  n.scale = multiplier;
  n.shift = shift;
  n.rounding = rounding;
  return n;
}
IntNode threshold_node(const std::string& name, const Values& threshold) {
  IntNode n = make(name, NodeKind::Threshold);
  n.threshold = threshold;
  return n;
}
IntNode i_node(const std::string& name, const NeuronParams& p) {
  return neuron(name, NodeKind::I, p);
}
IntNode li_node(const std::string& name, const NeuronParams& p) {
  return neuron(name, NodeKind::LI, p);
}
IntNode if_node(const std::string& name, const NeuronParams& p) {
  return neuron(name, NodeKind::IF, p);
}
IntNode lif_node(const std::string& name, const NeuronParams& p) {
  return neuron(name, NodeKind::LIF, p);
}
IntNode cuba_li_node(const std::string& name, const NeuronParams& p) {
  return neuron(name, NodeKind::CubaLI, p);
}
IntNode cuba_lif_node(const std::string& name, const NeuronParams& p) {
  return neuron(name, NodeKind::CubaLIF, p);
}

// ---- IntGraph ---------------------------------------------------------------------

namespace {

void check_node(IntNode& node);

sf::graph::GraphOptions graph_options() {
  sf::graph::GraphOptions o;
  o.kind_in_label = true;  // "node 'NAME' (KIND)"
  o.min_rank = 0;          // NIR's shapes: any rank, {} a 0-d tensor
  o.max_rank = std::numeric_limits<size_t>::max();
  o.max_source_elements = kMaxElements;
  o.max_node_elements = kMaxElements;
  return o;
}

}  // namespace

IntGraph::IntGraph() : graph_(graph_options()) {}

size_t IntGraph::add(IntNode node) {
  return sf::graph::rethrow_as_invalid_argument([&] {
    const size_t i = graph_.add(node.name, kind_name(node.kind), nodes_.size(), node.shape);
    nodes_.push_back(std::move(node));
    return i;
  });
}

bool IntGraph::contains(const std::string& name) const { return graph_.contains(name); }

size_t IntGraph::index(const std::string& name) const {
  return sf::graph::rethrow_as_invalid_argument([&] { return graph_.index(name); });
}

void IntGraph::connect(const std::string& src, const std::string& dst, bool back_edge) {
  sf::graph::rethrow_as_invalid_argument([&] { graph_.connect(src, dst, back_edge); });
}

sf::graph::KindTable IntGraph::kinds() {
  sf::graph::KindTable table;
  sf::graph::KindSpec input;
  input.source = true;
  sf::graph::KindSpec other;
  other.shape = [this](const sf::graph::Graph&, size_t i, const Shape& in) {
    IntNode& node = nodes_[i];
    node.in_shape = in;
    check_node(node);
    return node.out_shape;
  };
  // A node only back edges feed: its shape must come from its own parameters.
  other.back_only_shape = [this](const sf::graph::Graph&, size_t i) -> std::optional<Shape> {
    const IntNode& node = nodes_[i];
    const Values* p = node.neuron.thresholds.size() >= 2 ? &node.neuron.thresholds
                      : node.neuron.bias.size() >= 2     ? &node.neuron.bias
                      : node.scale.size() >= 2           ? &node.scale
                      : node.threshold.size() >= 2       ? &node.threshold
                      : node.delay.size() >= 2           ? &node.delay
                                                         : nullptr;
    if (p == nullptr) return std::nullopt;
    return Shape{static_cast<int64_t>(p->size())};
  };
  for (const IntNode& n : nodes_) {
    table.define(kind_name(n.kind), n.kind == NodeKind::Input ? input : other);
  }
  return table;
}

void IntGraph::finalize() {
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
void check_node(IntNode& node) {
  node.out_shape = node.in_shape;
  switch (node.kind) {
    case NodeKind::Input:
    case NodeKind::Identity:
      return;
    case NodeKind::Output:
      if (!node.shape.empty() && numel(node.shape) != numel(node.in_shape)) {
        fail(node, "shape", shape_str(node.shape),
             "the shape of what it receives, " + shape_str(node.in_shape));
      }
      return;
    case NodeKind::Dense: {
      check_weight(node, "[out, in]", 2);
      const Shape& w = node.weight.shape;
      if (node.in_shape.empty() || node.in_shape.back() != w[1]) {
        fail(node, "weight",
             "shape " + shape_str(w) + " for an input of shape " + shape_str(node.in_shape),
             "[out, " +
                 (node.in_shape.empty() ? std::string("?")
                                        : std::to_string(node.in_shape.back())) +
                 "] (it maps the input's last dimension)");
      }
      node.out_shape.back() = w[0];
      if (!node.bias.empty() && static_cast<int64_t>(node.bias.size()) != w[0]) {
        fail(node, "bias", std::to_string(node.bias.size()) + " values",
             std::to_string(w[0]) + " (one per output) or none");
      }
      return;
    }
    case NodeKind::Scale:
      broadcast(node, "scale", node.scale);
      check_range(node, "scale", node.scale, -kMaxWeight - 1, kMaxWeight);
      if (node.shift < 0 || node.shift > 62) fail(node, "shift", std::to_string(node.shift), "0..62");
      return;
    case NodeKind::Threshold:
      broadcast(node, "threshold", node.threshold);
      return;
    case NodeKind::Delay: {
      broadcast(node, "delay", node.delay);
      check_range(node, "delay", node.delay, 0, kMaxDelaySteps);
      const int64_t longest = *std::max_element(node.delay.begin(), node.delay.end());
      if ((longest + 1) * numel(node.in_shape) > kMaxDelayValues) {
        fail(node, "delay",
             "a delay line of " + std::to_string(longest + 1) + " x " +
                 std::to_string(numel(node.in_shape)) + " values",
             "at most 5e7 values");
      }
      return;
    }
    case NodeKind::Conv1d:
    case NodeKind::Conv2d: {
      const size_t dims = node.kind == NodeKind::Conv1d ? 1 : 2;
      check_weight(node, dims == 1 ? "[Cout, Cin/groups, K]" : "[Cout, Cin/groups, Kh, Kw]",
                   dims + 2);
      const Shape& w = node.weight.shape;
      const Window& win = node.window;
      if (node.in_shape.size() != dims + 1) {
        fail(node, "input shape", shape_str(node.in_shape), dims == 1 ? "[C, L]" : "[C, H, W]");
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
        fail(node, "weight",
             "shape " + shape_str(w) + " with groups " + std::to_string(win.groups),
             "Cin/groups = " + std::to_string(node.in_shape[0]) + "/" +
                 std::to_string(win.groups) + " input channels per group (input shape " +
                 shape_str(node.in_shape) + ")");
      }
      if (!node.bias.empty() && static_cast<int64_t>(node.bias.size()) != w[0]) {
        fail(node, "bias", std::to_string(node.bias.size()) + " values",
             std::to_string(w[0]) + " (one per output channel) or none");
      }
      node.out_shape = {w[0]};
      for (size_t d = 0; d < dims; ++d) {
        const int64_t c = out_cells(node.in_shape[d + 1], w[d + 2], win.stride[d],
                                    win.pad_begin[d], win.pad_end[d], win.dilation[d]);
        if (c < 1) {
          fail(node, "weight",
               "a kernel of " + std::to_string(w[d + 2]) + " (dilation " +
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
        const int64_t c = out_cells(node.in_shape[d + 1], win.kernel[d], win.stride[d],
                                    win.pad_begin[d], win.pad_end[d], 1);
        if (c < 1) {
          fail(node, "kernel_size",
               std::to_string(win.kernel[d]) + " over " + std::to_string(node.in_shape[d + 1]) +
                   " padded cells",
               "at least one output cell");
        }
        node.out_shape.push_back(c);
      }
      return;
    }
    case NodeKind::Flatten: {
      const auto rank = static_cast<int64_t>(node.in_shape.size());
      const int64_t s = node.start_dim < 0 ? node.start_dim + rank : node.start_dim;
      const int64_t e = node.end_dim < 0 ? node.end_dim + rank : node.end_dim;
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
    case NodeKind::CubaLIF:
      check_neuron(node);
      return;
  }
}

}  // namespace

// ---- Simulator --------------------------------------------------------------------

Simulator::Simulator(const IntGraph& graph) : graph_(graph) {
  if (!graph.finalized()) {
    throw std::invalid_argument("the graph is not finalized (call IntGraph::finalize)");
  }
  const size_t count = graph.nodes().size();
  fwd_in_.assign(count, {});
  back_in_.assign(count, {});
  back_src_.assign(count, false);
  for (const IntEdge& e : graph.edges()) {
    (e.back_edge ? back_in_ : fwd_in_)[e.dst].push_back(e.src);
    if (e.back_edge) back_src_[e.src] = true;
  }
  value_.resize(count);
  prev_value_.resize(count);
  v_.resize(count);
  i_.resize(count);
  pending_.resize(count);
  delay_line_.resize(count);
  reset();
}

void Simulator::reset() {
  steps_ = 0;
  for (size_t i = 0; i < graph_.nodes().size(); ++i) {
    const IntNode& node = graph_.node(i);
    const auto n = static_cast<size_t>(numel(node.out_shape));
    value_[i].assign(n, 0);
    prev_value_[i].assign(back_src_[i] ? n : 0, 0);
    v_[i].assign(has_membrane(node.kind) ? n : 0, 0);
    i_[i].assign(has_synapse(node.kind) ? n : 0, 0);
    pending_[i].assign(is_spiking(node.kind) ? n : 0, 0);
    if (node.kind == NodeKind::Delay) {
      const int64_t longest = *std::max_element(node.delay.begin(), node.delay.end());
      delay_line_[i].assign(static_cast<size_t>(longest + 1), Values(n, 0));
    }
  }
}

const Values& Simulator::value(const std::string& name) const {
  return value_.at(graph_.index(name));
}

void Simulator::overflow(size_t index, const std::string& what, size_t element) const {
  const IntNode& node = graph_.node(index);
  throw std::overflow_error("node '" + node.name + "' (" + kind_name(node.kind) + "): step " +
                            std::to_string(steps_) + ", " + what + "[" +
                            std::to_string(element) +
                            "]: found a value outside int64, expected it to fit int64 "
                            "(weights, inputs or gains too large for this graph)");
}

void Simulator::step(const std::vector<Values>& inputs) {
  const std::vector<size_t>& in_nodes = graph_.inputs();
  if (inputs.size() != in_nodes.size()) {
    throw std::invalid_argument("step " + std::to_string(steps_) + ": found " +
                                std::to_string(inputs.size()) + " input vectors, expected " +
                                std::to_string(in_nodes.size()) + " (one per Input node)");
  }
  for (size_t k = 0; k < in_nodes.size(); ++k) {
    const IntNode& node = graph_.node(in_nodes[k]);
    if (static_cast<int64_t>(inputs[k].size()) != numel(node.shape)) {
      throw std::invalid_argument("step " + std::to_string(steps_) + ": input '" + node.name +
                                  "': found " + std::to_string(inputs[k].size()) +
                                  " values, expected " + std::to_string(numel(node.shape)) +
                                  " (shape " + shape_str(node.shape) + ")");
    }
  }

  Values in;
  std::vector<i128> acc;
  for (size_t idx : graph_.order()) {
    const IntNode& node = graph_.node(idx);
    if (node.kind == NodeKind::Input) {
      const auto k = static_cast<size_t>(
          std::find(in_nodes.begin(), in_nodes.end(), idx) - in_nodes.begin());
      value_[idx] = inputs[k];
      continue;
    }
    // Sum of the inputs: forward edges carry this step's values (already
    // computed, by the topological order), back edges the previous step's.
    const auto n = static_cast<size_t>(numel(node.in_shape));
    const size_t sources = fwd_in_[idx].size() + back_in_[idx].size();
    if (sources == 1) {
      in = fwd_in_[idx].empty() ? prev_value_[back_in_[idx][0]] : value_[fwd_in_[idx][0]];
    } else {
      acc.assign(n, 0);
      for (size_t s : fwd_in_[idx]) {
        for (size_t j = 0; j < n; ++j) acc[j] += value_[s][j];
      }
      for (size_t s : back_in_[idx]) {
        for (size_t j = 0; j < n; ++j) acc[j] += prev_value_[s][j];
      }
      in.resize(n);
      for (size_t j = 0; j < n; ++j) {
        if (!fits_int64(acc[j])) overflow(idx, "summed input", j);
        in[j] = static_cast<int64_t>(acc[j]);
      }
    }
    step_node(idx, in);
  }
  for (size_t i = 0; i < value_.size(); ++i) {
    if (back_src_[i]) prev_value_[i] = value_[i];
  }
  ++steps_;
}

void Simulator::step_node(size_t index, const Values& in) {
  const IntNode& node = graph_.node(index);
  Values& out = value_[index];
  const auto store = [&](size_t j, i128 x) {
    if (!fits_int64(x)) overflow(index, "output", j);
    out[j] = static_cast<int64_t>(x);
  };
  switch (node.kind) {
    case NodeKind::Input:
      return;
    case NodeKind::Output:
    case NodeKind::Identity:
    case NodeKind::Flatten:  // C order is unchanged by merging dimensions
      out = in;
      return;
    case NodeKind::Dense: {
      // y = W·x (+ b) over the input's last dimension, for each leading index.
      const auto m = static_cast<size_t>(node.weight.shape[0]);
      const auto k = static_cast<size_t>(node.weight.shape[1]);
      const size_t rows = in.size() / k;
      const Values& w = node.weight.data;
      for (size_t b = 0; b < rows; ++b) {
        for (size_t o = 0; o < m; ++o) {
          i128 acc = node.bias.empty() ? 0 : node.bias[o];
          for (size_t i = 0; i < k; ++i) acc += i128{w[o * k + i]} * in[b * k + i];
          store(b * m + o, acc);
        }
      }
      return;
    }
    case NodeKind::Scale: {
      // y = round(x * m / 2^shift)
      const i128 d = i128{1} << node.shift;
      for (size_t j = 0; j < in.size(); ++j) {
        store(j, divide(i128{in[j]} * node.scale[j], d, node.rounding));
      }
      return;
    }
    case NodeKind::Threshold:
      for (size_t j = 0; j < in.size(); ++j) out[j] = in[j] > node.threshold[j] ? 1 : 0;
      return;
    case NodeKind::Delay: {
      std::vector<Values>& line = delay_line_[index];
      const auto len = static_cast<int64_t>(line.size());
      line[static_cast<size_t>(steps_ % len)] = in;
      for (size_t j = 0; j < in.size(); ++j) {
        const int64_t t = steps_ - node.delay[j];
        out[j] = t < 0 ? 0 : line[static_cast<size_t>(t % len)][j];
      }
      return;
    }
    case NodeKind::Conv1d:
    case NodeKind::Conv2d: {
      // PyTorch cross-correlation; a Conv1d is a Conv2d with height 1.
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
            i128 acc = node.bias.empty() ? 0 : node.bias[static_cast<size_t>(co)];
            for (int64_t cl = 0; cl < cin_g; ++cl) {
              for (int64_t ky = 0; ky < kh; ++ky) {
                const int64_t iy = oy * sh - ph + ky * dh;
                if (iy < 0 || iy >= h) continue;
                for (int64_t kx = 0; kx < kw; ++kx) {
                  const int64_t ix = ox * sw - pw + kx * dw;
                  if (ix < 0 || ix >= w) continue;
                  const auto wi = static_cast<size_t>(((co * cin_g + cl) * kh + ky) * kw + kx);
                  acc += i128{node.weight.data[wi]} *
                         in[static_cast<size_t>(((c0 + cl) * h + iy) * w + ix)];
                }
              }
            }
            store(static_cast<size_t>((co * oh + oy) * ow + ox), acc);
          }
        }
      }
      return;
    }
    case NodeKind::SumPool2d:
    case NodeKind::AvgPool2d: {
      // Padded cells count as zeros, and in AvgPool2d's divisor kh·kw.
      const Window& win = node.window;
      const int64_t c = node.in_shape[0], h = node.in_shape[1], w = node.in_shape[2];
      const int64_t oh = node.out_shape[1], ow = node.out_shape[2];
      const i128 cells = i128{win.kernel[0]} * win.kernel[1];
      for (int64_t ch = 0; ch < c; ++ch) {
        for (int64_t oy = 0; oy < oh; ++oy) {
          for (int64_t ox = 0; ox < ow; ++ox) {
            i128 acc = 0;
            for (int64_t ky = 0; ky < win.kernel[0]; ++ky) {
              const int64_t iy = oy * win.stride[0] - win.pad_begin[0] + ky;
              if (iy < 0 || iy >= h) continue;
              for (int64_t kx = 0; kx < win.kernel[1]; ++kx) {
                const int64_t ix = ox * win.stride[1] - win.pad_begin[1] + kx;
                if (ix < 0 || ix >= w) continue;
                acc += in[static_cast<size_t>((ch * h + iy) * w + ix)];
              }
            }
            if (node.kind == NodeKind::AvgPool2d) acc = divide(acc, cells, node.rounding);
            store(static_cast<size_t>((ch * oh + oy) * ow + ox), acc);
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
      neuron_step(index, in);
      return;
  }
}

// README.md "Neurons": one formula per kind, elementwise. Everything is formed
// in 128 bits and saturated once, so no intermediate value can wrap.
void Simulator::neuron_step(size_t index, const Values& x) {
  const IntNode& node = graph_.node(index);
  const NeuronParams& p = node.neuron;
  const NodeKind k = node.kind;
  Values& v = v_[index];
  Values& cur = i_[index];
  Values& out = value_[index];
  std::vector<uint8_t>& pending = pending_[index];
  for (size_t j = 0; j < x.size(); ++j) {
    i128 drive = x[j];  // what enters the membrane this step, before the bias
    if (has_synapse(k)) {
      cur[j] = sat(leak(p.syn_leak, cur[j]) + x[j], p.i_bits);
      drive = trunc0_pow2(i128{cur[j]} * p.gain, p.gain_frac);
    }
    i128 base = leak(p.leak, v[j]);  // I and IF: leak None
    if (!is_spiking(k)) {
      v[j] = sat(base + drive + p.bias[j], p.v_bits);
      out[j] = v[j];
      continue;
    }
    const int64_t theta = p.thresholds[j];
    if (pending[j]) base -= theta;  // subtract_deferred: after the leak, before the one saturation
    pending[j] = 0;
    v[j] = sat(base + drive + p.bias[j], p.v_bits);
    const bool spike = p.fire == FireRule::Ge ? v[j] >= theta : v[j] > theta;
    out[j] = spike ? 1 : 0;
    if (!spike) continue;
    switch (p.reset) {
      case ResetMode::Subtract:
        v[j] -= theta;
        break;
      case ResetMode::Zero:
        v[j] = p.v_reset;
        break;
      case ResetMode::None:
        break;
      case ResetMode::SubtractDeferred:
        pending[j] = 1;
        break;
    }
  }
}

// ---- run / Trace -----------------------------------------------------------------

Trace run(const IntGraph& graph, const std::vector<std::vector<Values>>& inputs, int64_t steps) {
  if (steps < 0) {
    throw std::invalid_argument("steps: found " + std::to_string(steps) + ", expected >= 0");
  }
  Simulator sim(graph);
  Trace trace;
  for (const IntNode& n : graph.nodes()) trace.names.push_back(n.name);
  std::vector<Values> zeros;
  for (size_t i : graph.inputs()) zeros.emplace_back(static_cast<size_t>(numel(graph.node(i).shape)), 0);
  const size_t count = graph.nodes().size();
  for (int64_t t = 0; t < steps; ++t) {
    sim.step(static_cast<size_t>(t) < inputs.size() ? inputs[static_cast<size_t>(t)] : zeros);
    std::vector<Values> val(count), v(count), cur(count);
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

const Values& Trace::value_of(size_t step, const std::string& name) const {
  return value.at(step).at(index(name));
}
const Values& Trace::v_of(size_t step, const std::string& name) const {
  return v.at(step).at(index(name));
}
const Values& Trace::i_syn_of(size_t step, const std::string& name) const {
  return i_syn.at(step).at(index(name));
}

}  // namespace sf::ref::int_graph
