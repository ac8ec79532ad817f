// Akida compatibility rules (check.h). Each rule cites its source as a section of the
// team's Akida notes ("notes/akida.md N"), resolved in docs/semantics.md (Akida rule citations).
#include "akida/check.h"

#include <algorithm>
#include <initializer_list>
#include <cmath>
#include <cstdio>
#include <set>

namespace sf::akida_check {

namespace nf = sf::ref::nir_float;

namespace {

constexpr int kV1MaxFcInputs = 57334;  // 1.0.rst: FullyConnected input 1x1xN, N <= 57334
constexpr int kV2MaxDenseInputs = 2048;  // 2.0.rst: Dense1D input <= 2048
constexpr int64_t kMaxConvDim = 4096, kMaxConvChannels = 2048;  // Conv input <= 4096x4096x2048

std::string num(double x) {
  char b[48];
  std::snprintf(b, sizeof b, "%.6g", x);
  return b;
}

std::string list(const std::vector<int>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "}";
}

bool in(int x, const std::vector<int>& v) { return std::find(v.begin(), v.end(), x) != v.end(); }
// (a separate overload: building a vector from a brace list here trips GCC 12's
// -Wuse-after-free false positive)
bool in(int x, std::initializer_list<int> v) { return std::find(v.begin(), v.end(), x) != v.end(); }

struct Rules {
  Target target;
  std::vector<Violation> out;
  void add(const std::string& layer, const std::string& rule, const std::string& text) {
    out.push_back({layer, rule, text});
  }
  const char* gen() const { return target == Target::Akida1 ? "Akida 1.0" : "Akida 2.0"; }
  const char* table() const {
    return target == Target::Akida1 ? "(notes/akida.md 1.1, hardware/1.0.rst)" : "(notes/akida.md 2.3, hardware/2.0.rst)";
  }
};

// The per-step decay of a LIF under the network's discretization.
double decay_of(const nf::FloatNetwork& f, const nf::FloatNode& n, size_t j) {
  const double q = f.options.dt / n.tau[j];
  return f.options.method == nf::Method::Exact ? std::exp(-q) : 1.0 - q;
}

void check_bits(Rules& r, const std::string& layer, bool input_layer, int weight_bits, int act_bits) {
  if (r.target == Target::Akida1) {
    const std::vector<int> w = input_layer ? std::vector<int>{4, 8} : std::vector<int>{1, 2, 4};
    if (!in(weight_bits, w))
      r.add(layer, "weight-bits",
            std::to_string(weight_bits) + "-bit weights: " + r.gen() + (input_layer ? " InputConvolutional" : "") +
                " takes " + list(w) + " " + r.table());
    if (!in(act_bits, {1, 2, 4}))
      r.add(layer, "act-bits", std::to_string(act_bits) + "-bit activations: " + r.gen() + " takes {1, 2, 4} " + r.table());
  } else {
    if (!in(weight_bits, {4, 8}))
      r.add(layer, "weight-bits", std::to_string(weight_bits) + "-bit weights: " + r.gen() + " takes {4, 8} " + r.table());
    if (!in(act_bits, {4, 8}))
      r.add(layer, "act-bits", std::to_string(act_bits) + "-bit activations: " + r.gen() + " takes {4, 8} " + r.table());
  }
}

void check_fan_in(Rules& r, const std::string& layer, int64_t n_in) {
  const int64_t cap = r.target == Target::Akida1 ? kV1MaxFcInputs : kV2MaxDenseInputs;
  if (n_in > cap)
    r.add(layer, "fc-fan-in",
          std::to_string(n_in) + " inputs: " + r.gen() + (r.target == Target::Akida1 ? " FullyConnected" : " Dense1D") +
              " takes at most " + std::to_string(cap) + " (notes/akida.md 4)");
}

// A convolution: first (input) layer or not.
void check_conv(Rules& r, const nf::FloatNode& n, bool first) {
  const std::string& name = n.name;
  if (n.kind == nf::NodeKind::Conv1d) {
    r.add(name, "conv1d", "1-D convolution: Akida convolutions are 2-D (notes/akida.md 4: non-2D inputs are rejected)");
    return;
  }
  const int64_t kh = n.weight.shape.at(2), kw = n.weight.shape.at(3);
  const int64_t cout = n.weight.shape.at(0), cin = n.in_shape.at(0);
  const int64_t sh = n.window.stride.at(0), sw = n.window.stride.at(1);
  if (n.window.dilation.at(0) != 1 || n.window.dilation.at(1) != 1)
    r.add(name, "dilation", "dilated convolution (dilation " + std::to_string(n.window.dilation[0]) + "x" +
                                std::to_string(n.window.dilation[1]) + "): no dilation on Akida (cnn2snn _check_layers_dilation)");
  if (kh != kw) r.add(name, "conv-square", "kernel " + std::to_string(kh) + "x" + std::to_string(kw) + ": kernels must be square (notes/akida.md 4)");
  if (sh != sw) r.add(name, "conv-square", "stride " + std::to_string(sh) + "x" + std::to_string(sw) + ": strides must be square (notes/akida.md 4)");
  const bool depthwise = n.window.groups == cin && cout == cin && cin > 1;
  if (n.window.groups != 1 && !(r.target == Target::Akida2 && depthwise && !first))
    r.add(name, "groups", "grouped convolution (groups " + std::to_string(n.window.groups) + "): " + r.gen() +
                              (r.target == Target::Akida2 ? " has depthwise (groups = channels) only" : " has no groups") +
                              " (notes/akida.md 4)");
  const bool same = n.window.pad_begin[0] == (kh - 1) / 2 && n.window.pad_begin[1] == (kw - 1) / 2 &&
                    n.window.pad_end[0] == kh / 2 && n.window.pad_end[1] == kw / 2;
  const bool valid = n.window.pad_begin[0] == 0 && n.window.pad_begin[1] == 0 && n.window.pad_end[0] == 0 &&
                     n.window.pad_end[1] == 0;
  if (first) {
    const int64_t h = n.in_shape.at(1), w = n.in_shape.at(2);
    if (r.target == Target::Akida1) {
      if (cin != 1 && cin != 3)
        r.add(name, "input-channels", std::to_string(cin) + " input channels: Akida 1.0 InputConvolutional takes 1 or 3 (notes/akida.md 4)");
      if (!in(static_cast<int>(kh), {3, 5, 7}))
        r.add(name, "conv-kernel", "kernel " + std::to_string(kh) + ": Akida 1.0 InputConvolutional takes 3, 5 or 7 (notes/akida.md 4)");
      if (sh < 1 || sh > 3) r.add(name, "conv-stride", "stride " + std::to_string(sh) + ": InputConvolutional takes 1..3 (notes/akida.md 4)");
      if (!same && !valid) r.add(name, "padding", "padding neither SAME nor VALID (notes/akida.md 4)");
      if (std::min(h, w) > 256) r.add(name, "input-size", "input " + std::to_string(h) + "x" + std::to_string(w) + ": one spatial dimension must be <= 256 (notes/akida.md 4)");
      const int64_t cap = cin == 1 ? (kh == 3 ? 512 : kh == 5 ? 192 : 96) : (kh == 3 ? 192 : kh == 5 ? 64 : 32);
      if (in(static_cast<int>(kh), {3, 5, 7}) && (cin == 1 || cin == 3) && cout > cap)
        r.add(name, "filters", std::to_string(cout) + " filters: InputConvolutional " + std::to_string(kh) + "x" +
                                   std::to_string(kh) + " with " + std::to_string(cin) + " channel(s) takes at most " +
                                   std::to_string(cap) + " (notes/akida.md 4)");
    } else {
      if (!in(static_cast<int>(kh), {3, 4, 5, 7}))
        r.add(name, "conv-kernel", "kernel " + std::to_string(kh) + ": Akida 2.0 InputConv2D takes 3, 4, 5 or 7 (notes/akida.md 4)");
      else if (sh < 1 || sh > std::min<int64_t>(kh - 1, 6))
        r.add(name, "conv-stride", "stride " + std::to_string(sh) + " with kernel " + std::to_string(kh) +
                                       ": InputConv2D takes 1.." + std::to_string(std::min<int64_t>(kh - 1, 6)) + " (notes/akida.md 4)");
      if (cout > 512) r.add(name, "filters", std::to_string(cout) + " filters: InputConv2D takes at most 512 (notes/akida.md 4)");
      if (h < 5 || h > 384) r.add(name, "input-size", "input height " + std::to_string(h) + ": InputConv2D takes 5..384 (notes/akida.md 4)");
    }
    return;
  }
  if (!in(static_cast<int>(kh), {1, 3, 5, 7}))
    r.add(name, "conv-kernel", "kernel " + std::to_string(kh) + ": " + r.gen() + " convolutions take 1, 3, 5 or 7 (notes/akida.md 4)");
  if (sh != 1 && !(sh == 2 && kh == 3))
    r.add(name, "conv-stride", "stride " + std::to_string(sh) + " with kernel " + std::to_string(kh) +
                                   ": 1, or 2 with a 3x3 kernel only (notes/akida.md 4)");
  if (!same) r.add(name, "padding", "padding is not SAME: " + std::string(r.gen()) + " convolutions after the input layer pad SAME only (notes/akida.md 4)");
  const int64_t h = n.in_shape.at(1), w = n.in_shape.at(2);
  if (h > kMaxConvDim || w > kMaxConvDim || cin > kMaxConvChannels)
    r.add(name, "input-size", "input " + std::to_string(cin) + "x" + std::to_string(h) + "x" + std::to_string(w) +
                                  ": convolutions take at most 4096x4096x2048 (notes/akida.md 4)");
}

}  // namespace

const char* to_string(Target t) { return t == Target::Akida1 ? "akida" : "akida2"; }

std::vector<Violation> check(const nf::FloatNetwork& f, Target target, const CheckOptions& opt) {
  Rules r{target, {}};
  const nf::FloatGraph& g = f.graph;
  const int act_bits = opt.act_bits > 0 ? opt.act_bits : (target == Target::Akida1 ? 1 : 4);

  // graph shape: one input, one output, a chain without cycles
  if (g.inputs().size() != 1 || g.outputs().size() != 1)
    r.add("(graph)", "multi-io", std::to_string(g.inputs().size()) + " inputs and " + std::to_string(g.outputs().size()) +
                                     " outputs: Akida models have one input and one output (cnn2snn: multi-input/multi-output models are rejected)");
  std::vector<int> fan_in(g.nodes().size(), 0), fan_out(g.nodes().size(), 0);
  for (const nf::FloatEdge& e : g.edges()) {
    if (e.back_edge)
      r.add(g.node(e.dst).name, "recurrent",
            "recurrent edge from '" + g.node(e.src).name + "': Akida layers are feed-forward and stateless (notes/akida.md 5)");
    ++fan_in[e.dst];
    ++fan_out[e.src];
  }

  bool first_weight = true;
  for (size_t k : g.order()) {
    const nf::FloatNode& n = g.node(k);
    if (fan_in[k] > 1)
      r.add(n.name, "multi-input", std::to_string(fan_in[k]) + " inputs: " + r.gen() +
                                       " layers take one (Add/Concatenate skip blocks are not mapped here; cnn2snn: registered block patterns only)");
    if (fan_out[k] > 1 && n.kind != nf::NodeKind::Output)
      r.add(n.name, "branch", "feeds " + std::to_string(fan_out[k]) + " nodes: a sequential model is required (cnn2snn _check_layer_inbounds)");
    switch (n.kind) {
      case nf::NodeKind::Input:
      case nf::NodeKind::Output:
      case nf::NodeKind::Identity:
      case nf::NodeKind::Flatten:
        break;
      case nf::NodeKind::Affine:
      case nf::NodeKind::Linear:
        check_fan_in(r, n.name, n.weight.shape.at(1));
        check_bits(r, n.name, false, opt.weight_bits, act_bits);  // dense: never an input conv
        first_weight = false;
        break;
      case nf::NodeKind::Conv1d:
      case nf::NodeKind::Conv2d:
        check_conv(r, n, first_weight);
        check_bits(r, n.name, first_weight, opt.weight_bits, act_bits);
        first_weight = false;
        break;
      case nf::NodeKind::SumPool2d:
      case nf::NodeKind::AvgPool2d: {
        const bool global = n.window.kernel.at(0) == n.in_shape.at(1) && n.window.kernel.at(1) == n.in_shape.at(2);
        if (n.kind == nf::NodeKind::AvgPool2d && global) break;  // global average pooling: a sum on Akida
        r.add(n.name, "pooling", std::string(nf::kind_name(n.kind)) + " " + std::to_string(n.window.kernel[0]) + "x" +
                                     std::to_string(n.window.kernel[1]) + ": " + r.gen() +
                                     " pools by max (local) or global average only (notes/akida.md 1.4, 2.2)");
        break;
      }
      case nf::NodeKind::IF:
        r.add(n.name, "stateful", "IF integrates across timesteps (decay 1): Akida layers are stateless per frame (notes/akida.md 5)");
        break;
      case nf::NodeKind::LIF: {
        double worst = 0;
        for (size_t j = 0; j < n.tau.size(); ++j) worst = std::max(worst, decay_of(f, n, j));
        if (worst > opt.max_decay)
          r.add(n.name, "stateful", "leaky neuron (per-step decay " + num(worst) + " > " + num(opt.max_decay) +
                                        "): Akida layers are stateless per frame (notes/akida.md 5)");
        break;
      }
      default:
        r.add(n.name, "layer-kind", std::string(nf::kind_name(n.kind)) + ": no " + r.gen() +
                                        " layer computes it (notes/akida.md 1.1, 2.2; cnn2snn: LSTM/GRU, attention, "
                                        "LayerNorm, ... are rejected)");
    }
  }
  return r.out;
}

std::vector<Violation> check(const Network& net, Target target) {
  Rules r{target, {}};
  for (size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    const NeuronModel m = l.neuron.model;
    if (m == NeuronModel::If || m == NeuronModel::Lif || m == NeuronModel::Loihi2) {
      r.add(l.name, "stateful", std::string(to_string(m)) + " neurons keep a membrane across timesteps: Akida layers are stateless (notes/akida.md 5)");
      continue;
    }
    const bool akida1 = m == NeuronModel::Akida;
    if (akida1 != (target == Target::Akida1)) {
      r.add(l.name, "generation", std::string(to_string(m)) + " layer on an " + r.gen() + " target: convert for " +
                                      (target == Target::Akida1 ? "akida" : "akida2"));
      continue;
    }
    check_fan_in(r, l.name, l.n_in);
    if (akida1) {
      const AkidaParams& p = l.neuron.akida;
      check_bits(r, l.name, p.input_layer, l.weight_bits, p.act_bits);
      const int tb = p.input_layer ? 24 : 20;
      for (size_t n = 0; n < p.threshold.size(); ++n)
        if (p.threshold[n] < -(int64_t{1} << (tb - 1)) || p.threshold[n] >= (int64_t{1} << (tb - 1))) {
          r.add(l.name, "threshold", "threshold[" + std::to_string(n) + "] = " + std::to_string(p.threshold[n]) +
                                         ": " + std::to_string(tb) + "-bit signed on Akida 1.0 (notes/akida.md 1.2)");
          break;
        }
      const int in_bits = k == 0 ? net.input_payload_bits : net.layers[k - 1].neuron.akida.act_bits;
      const std::vector<int> ok = p.input_layer ? std::vector<int>{1, 2, 4, 8} : std::vector<int>{1, 2, 4};
      if (!in(in_bits, ok))
        r.add(l.name, "input-bits", std::to_string(in_bits) + "-bit inputs: takes " + list(ok) + " (notes/akida.md 1.1)");
    } else {
      const Akida2Params& p = l.neuron.akida2;
      check_bits(r, l.name, false, l.weight_bits, p.output_bits);
      const int in_bits = k == 0 ? net.input_payload_bits : net.layers[k - 1].neuron.akida2.output_bits;
      if (!in(in_bits, {4, 8}))
        r.add(l.name, "input-bits", std::to_string(in_bits) + "-bit inputs: Dense1D takes 4 or 8 (notes/akida.md 2.3)");
    }
  }
  return r.out;
}

}  // namespace sf::akida_check
