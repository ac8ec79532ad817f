// Quantization of a dense IF/LIF chain and the float-vs-integer comparison
// (quantize.h, docs/quantize.md).
#include "quantize/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "ir/error.h"
#include "models/neuron_model.h"

namespace sf::quant {

namespace nf = sf::ref::nir_float;
using nlohmann::json;

namespace {

std::string num(double x) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g", x);
  return b;
}

[[noreturn]] void refuse(const nf::FloatNetwork& f, const nf::FloatNode& n, const std::string& field,
                         const std::string& what) {
  throw InputError((f.source.empty() ? f.name : f.source) + ": node '" + n.name + "' (" + nf::kind_name(n.kind) +
                   "): " + (field.empty() ? "" : field + ": ") + what);
}

// The one value an elementwise parameter must have across a layer.
double uniform(const nf::FloatNetwork& f, const nf::FloatNode& n, const std::string& field,
               const std::vector<double>& v) {
  for (double x : v)
    if (x != v[0])
      refuse(f, n, field,
             "found different values per neuron (" + num(v[0]) + ", " + num(x) +
                 "), expected one value: the IR's if/lif layer has one per layer");
  return v.empty() ? 0.0 : v[0];
}

// Smallest signed width holding [-bound, bound].
int bits_for(int64_t bound) {
  int b = 2;
  while (b < 63 && bound > (int64_t{1} << (b - 1)) - 1) ++b;
  return b;
}

}  // namespace

FloatStep float_step(const nf::FloatNetwork& f, const nf::FloatNode& n, size_t j) {
  const nf::SimOptions& o = f.options;
  FloatStep s;
  if (n.kind == nf::NodeKind::IF) {
    s.gain = (o.if_input == nf::IfInput::Impulse ? 1.0 : o.dt) * n.r[j];
    return s;
  }
  const double q = o.dt / n.tau[j];
  if (o.method == nf::Method::Exact) {
    const double e = std::exp(-q);
    s = {e, (1 - e) * n.r[j], (1 - e) * n.v_leak[j]};
  } else {
    s = {1 - q, q * n.r[j], q * n.v_leak[j]};
  }
  return s;
}

Layer dense_layer(const std::string& name, int n_in, int n_out, int weight_bits) {
  Layer l;
  l.name = name;
  l.n_in = n_in;
  l.n_out = n_out;
  l.weight_bits = weight_bits;
  l.weights.resize(static_cast<size_t>(n_in) * n_out);
  return l;
}

std::vector<ChainLayer> dense_chain(const nf::FloatNetwork& f, bool flatten_passes, bool image_layers) {
  const nf::FloatGraph& g = f.graph;
  // the successor of node k along forward edges (exactly one), past pass-through nodes
  auto next = [&](size_t k) {
    for (;;) {
      std::vector<size_t> succ;
      for (const nf::FloatEdge& e : g.edges())
        if (e.src == k) succ.push_back(e.dst);
      if (succ.size() != 1)
        refuse(f, g.node(k), "", "feeds " + std::to_string(succ.size()) +
                                     " nodes: quantize maps a single chain Input -> (Affine|Linear -> neuron)+ -> Output");
      for (const nf::FloatEdge& e : g.edges())
        if (e.dst == succ[0] && e.src != k)
          refuse(f, g.node(succ[0]), "", "has several inputs: quantize maps a single chain");
      const nf::NodeKind kind = g.node(succ[0]).kind;
      if (kind != nf::NodeKind::Identity && !(flatten_passes && kind == nf::NodeKind::Flatten)) return succ[0];
      k = succ[0];
    }
  };
  const auto is_weight = [&](nf::NodeKind kind) {
    return kind == nf::NodeKind::Affine || kind == nf::NodeKind::Linear ||
           (image_layers && (kind == nf::NodeKind::Conv2d || kind == nf::NodeKind::SumPool2d));
  };
  const std::string chain = image_layers ? "Input -> (Affine|Linear|Conv2d|SumPool2d -> neuron)+ -> Output"
                                         : "Input -> (Affine|Linear -> neuron)+ -> Output";
  std::vector<ChainLayer> layers;
  for (size_t k = g.inputs().at(0);;) {
    const size_t wk = next(k);
    const nf::FloatNode& wn = g.node(wk);
    if (wn.kind == nf::NodeKind::Output && !layers.empty()) break;
    if (!is_weight(wn.kind))
      refuse(f, wn, "", "expected a weight node here: quantize maps chains " + chain + " (not supported yet: " +
                            std::string(nf::kind_name(wn.kind)) + ")");
    k = next(wk);
    const nf::FloatNode& nn = g.node(k);
    if (is_weight(nn.kind))
      refuse(f, nn, "", "follows " + std::string(nf::kind_name(wn.kind)) + " '" + wn.name +
                            "' without a neuron between them: every weight node of " + chain +
                            " feeds a neuron (a pooling that passes its sums on as graded events, as Sinabs "
                            "networks do, is not built yet)");
    layers.push_back({wk, k});
  }
  return layers;
}

QuantizeResult quantize(const nf::FloatNetwork& f, const std::string& name, const QuantizeOptions& opt) {
  const nf::FloatGraph& g = f.graph;
  if (opt.weight_bits < 2 || opt.weight_bits > 16)
    throw InputError("--weight-bits: found " + std::to_string(opt.weight_bits) + ", expected 2..16");
  if (opt.leak_frac < 1 || opt.leak_frac > 24)
    throw InputError("--leak-frac: found " + std::to_string(opt.leak_frac) + ", expected 1..24");
  if (opt.timesteps < 1 || opt.timesteps > (1 << 24))
    throw InputError("--timesteps: found " + std::to_string(opt.timesteps) + ", expected 1..16777216");
  if (opt.per_channel)
    throw InputError("--per-channel: per-output-channel scales need one threshold per neuron, and the IR's "
                     "if/lif layers have one per layer (not supported)");
  if (f.options.method == nf::Method::SnnTorch)
    throw InputError(f.source + ": discretization.method: found \"snntorch\", expected \"euler\" or \"exact\" "
                     "(quantize maps those two; not supported yet)");
  if (g.inputs().size() != 1 || g.outputs().size() != 1)
    throw InputError(f.source + ": found " + std::to_string(g.inputs().size()) + " Input and " +
                     std::to_string(g.outputs().size()) + " Output nodes, expected one of each");

  for (const nf::FloatEdge& e : g.edges())
    if (e.back_edge)
      refuse(f, g.node(e.dst), "", "has a recurrent (back) edge from '" + g.node(e.src).name +
                                       "': quantize maps feed-forward dense chains only (not supported yet)");

  QuantizeResult r;
  Network& net = r.net;
  net.name = name;
  net.timesteps = opt.timesteps;
  const nf::FloatNode& in = g.node(g.inputs()[0]);
  net.input_size = static_cast<int>(nf::numel(in.out_shape));
  const int64_t wmax = (int64_t{1} << (opt.weight_bits - 1)) - 1;

  const std::vector<ChainLayer> chain = dense_chain(f, true, true);
  for (size_t layer = 0; layer < chain.size(); ++layer) {
    const nf::FloatNode& wn = g.node(chain[layer].weight);
    const nf::FloatNode& nn = g.node(chain[layer].neuron);
    if (nn.kind != nf::NodeKind::IF && nn.kind != nf::NodeKind::LIF)
      refuse(f, nn, "", "expected an IF or LIF node after '" + wn.name + "' (not supported yet: " +
                            std::string(nf::kind_name(nn.kind)) + ")");
    const bool conv = wn.kind == nf::NodeKind::Conv2d, pool = wn.kind == nf::NodeKind::SumPool2d;
    LayerQuant lq;
    lq.name = (conv ? "conv" : pool ? "pool" : "fc") + std::to_string(layer + 1);
    lq.weight_node = wn.name;
    lq.neuron_node = nn.name;
    lq.neuron_kind = nf::kind_name(nn.kind);
    lq.weight_bits = pool ? 2 : opt.weight_bits;

    // The layer: a dense one, or a conv2d / sumpool2d with its geometry. Its
    // weights come in rows that share a parameter entry (a dense neuron, a conv
    // channel), each per_row long; l.param_index(n) is neuron n's entry.
    Layer l;
    l.name = lq.name;
    size_t per_row = 0;
    if (conv || pool) {
      const nf::Window& win = wn.window;
      if (wn.in_shape.size() != 3)
        refuse(f, wn, "", "reads a " + std::to_string(wn.in_shape.size()) + "-d input, expected [C, H, W]");
      for (size_t d = 0; d < 2; ++d)
        if (win.pad_begin.at(d) != win.pad_end.at(d))
          refuse(f, wn, "padding", "begin " + std::to_string(win.pad_begin.at(d)) + " and end " +
                                       std::to_string(win.pad_end.at(d)) +
                                       ", expected the same on both sides (the conv2d layer pads symmetrically)");
      ConvGeom& cg = l.conv;
      cg.c_in = static_cast<int>(wn.in_shape[0]), cg.h_in = static_cast<int>(wn.in_shape[1]);
      cg.w_in = static_cast<int>(wn.in_shape[2]);
      cg.c_out = static_cast<int>(wn.out_shape.at(0)), cg.h_out = static_cast<int>(wn.out_shape.at(1));
      cg.w_out = static_cast<int>(wn.out_shape.at(2));
      cg.sh = static_cast<int>(win.stride.at(0)), cg.sw = static_cast<int>(win.stride.at(1));
      cg.ph = static_cast<int>(win.pad_begin.at(0)), cg.pw = static_cast<int>(win.pad_begin.at(1));
      if (conv) {
        cg.kh = static_cast<int>(wn.weight.shape.at(2)), cg.kw = static_cast<int>(wn.weight.shape.at(3));
        cg.dh = static_cast<int>(win.dilation.at(0)), cg.dw = static_cast<int>(win.dilation.at(1));
        cg.groups = static_cast<int>(win.groups);
      } else {
        cg.kh = static_cast<int>(win.kernel.at(0)), cg.kw = static_cast<int>(win.kernel.at(1));
        cg.groups = cg.c_in;
      }
      l.type = conv ? LayerType::Conv2d : LayerType::SumPool2d;
      l.n_in = cg.c_in * cg.h_in * cg.w_in;
      l.n_out = cg.c_out * cg.h_out * cg.w_out;
      l.weight_bits = lq.weight_bits;
      l.weights.assign(cg.weight_count(), pool ? 1 : 0);
      per_row = cg.weight_count() / static_cast<size_t>(cg.c_out);
    } else {
      l = dense_layer(lq.name, static_cast<int>(wn.weight.shape.at(1)), static_cast<int>(wn.weight.shape.at(0)),
                      opt.weight_bits);
      per_row = static_cast<size_t>(l.n_in);
    }
    const int n_out = l.n_out, n_in = l.n_in;
    const int entries = l.param_count();
    lq.n_in = n_in;
    lq.n_out = n_out;

    std::vector<FloatStep> steps(static_cast<size_t>(n_out));
    for (int n = 0; n < n_out; ++n) steps[static_cast<size_t>(n)] = float_step(f, nn, static_cast<size_t>(n));
    // a conv channel shares its gain and drive: one weight row and one bias per channel
    std::vector<FloatStep> step_of(static_cast<size_t>(entries));
    for (int n = 0; n < n_out; ++n) {
      const FloatStep& a = steps[static_cast<size_t>(n)];
      FloatStep& e = step_of[static_cast<size_t>(l.param_index(n))];
      if (n == 0 || l.param_index(n) != l.param_index(n - 1)) {
        e = a;
      } else if (a.gain != e.gain || a.drive != e.drive) {
        refuse(f, nn, "r", "found different gains or leak drives within output channel " +
                               std::to_string(l.param_index(n)) +
                               ", expected one per channel (a conv channel shares its weights)");
      }
    }
    if (nn.kind == nf::NodeKind::LIF) uniform(f, nn, "tau", nn.tau);
    const double theta = uniform(f, nn, "v_threshold", nn.v_threshold);
    const double vreset = uniform(f, nn, "v_reset", nn.v_reset);
    lq.alpha = steps[0].alpha;

    // the float weight of row r, element k (a sum pool's are 1)
    const auto fw = [&](int r, size_t k) { return pool ? 1.0 : wn.weight.data[static_cast<size_t>(r) * per_row + k]; };
    double s = 0;
    if (pool) {
      // the kernel is fixed at ones: one membrane unit is the gain, the same for every channel
      for (int r = 0; r < entries; ++r)
        if (step_of[static_cast<size_t>(r)].gain != step_of[0].gain)
          refuse(f, nn, "r", "found different gains per channel after a SumPool2d, expected one "
                             "(its weights are all 1, at one scale)");
      s = step_of[0].gain;
      if (!(s > 0)) refuse(f, nn, "r", "found a gain of " + num(s) + " after a SumPool2d, expected > 0");
    } else {
      // per-layer symmetric max-abs scale of the membrane drive g·W
      double m = 0;
      for (int r = 0; r < entries; ++r)
        for (size_t k = 0; k < per_row; ++k) m = std::max(m, std::abs(step_of[static_cast<size_t>(r)].gain * fw(r, k)));
      if (!(m > 0)) refuse(f, wn, "weight", "found all zeros, expected a weight to scale by");
      s = m / static_cast<double>(wmax);
    }
    lq.scale = s;

    double err_sum = 0;
    for (int r = 0; r < entries; ++r)
      for (size_t k = 0; k < per_row; ++k) {
        const size_t at = static_cast<size_t>(r) * per_row + k;
        const double want = step_of[static_cast<size_t>(r)].gain * fw(r, k);
        const int64_t w = pool ? 1 : std::clamp<int64_t>(std::llround(want / s), -wmax, wmax);
        l.weights[at] = static_cast<int32_t>(w);
        const double e = std::abs(want - s * static_cast<double>(w));
        lq.max_weight_error = std::max(lq.max_weight_error, e);
        err_sum += e;
      }
    lq.mean_weight_error = err_sum / (static_cast<double>(entries) * static_cast<double>(per_row));

    std::vector<int64_t> bias(static_cast<size_t>(entries), 0);
    bool any_bias = false;
    for (int r = 0; r < entries; ++r) {
      const FloatStep& st = step_of[static_cast<size_t>(r)];
      const double b =
          (wn.kind == nf::NodeKind::Affine || conv) && !wn.bias.empty() ? wn.bias[static_cast<size_t>(r)] : 0.0;
      const double want = st.gain * b + st.drive;
      bias[static_cast<size_t>(r)] = std::llround(want / s);
      lq.max_bias_error =
          std::max(lq.max_bias_error, std::abs(want - s * static_cast<double>(bias[static_cast<size_t>(r)])));
      any_bias = any_bias || bias[static_cast<size_t>(r)] != 0;
    }

    IfLifParams& p = l.neuron.iflif;
    l.neuron.model = nn.kind == nf::NodeKind::IF ? NeuronModel::If : NeuronModel::Lif;
    p.fire = FireRule::Gt;  // NIR's strict threshold, as the float model
    p.reset = f.options.reset == nf::ResetMode::Subtract ? ResetMode::Subtract : ResetMode::Zero;
    p.threshold = std::llround(theta / s);
    lq.threshold_float = theta;
    lq.threshold_error = std::abs(theta - s * static_cast<double>(p.threshold));
    if (p.threshold < 1)
      refuse(f, nn, "v_threshold", "found " + num(theta) + ", which is " + num(theta / s) +
                                       " integer units at this layer's scale: expected a threshold > 0");
    p.v_reset = p.reset == ResetMode::Zero ? std::llround(vreset / s) : 0;

    // the leak: exact shift when alpha = 1 - 2^-k, else a multiply
    lq.leak = "none";
    lq.alpha_q = 1;
    if (nn.kind == nf::NodeKind::LIF && lq.alpha != 1.0) {
      if (!(lq.alpha >= 0 && lq.alpha < 1))
        refuse(f, nn, "tau", "gives a per-step decay " + num(lq.alpha) + ", expected 0 <= decay < 1 (dt < tau)");
      int shift = -1;
      for (int sh = 1; sh <= 24; ++sh)
        if (lq.alpha == 1.0 - std::ldexp(1.0, -sh)) shift = sh;
      if (shift > 0) {
        p.leak.kind = LeakKind::Shift;
        p.leak.shift = shift;
        lq.alpha_q = lq.alpha;
        lq.leak = "shift " + std::to_string(shift);
      } else {
        p.leak.kind = LeakKind::Mult;
        p.leak.frac = opt.leak_frac;
        p.leak.beta = std::llround(std::ldexp(lq.alpha, opt.leak_frac));
        lq.alpha_q = std::ldexp(static_cast<double>(p.leak.beta), -opt.leak_frac);
        lq.leak = "mult " + std::to_string(p.leak.beta) + "/2^" + std::to_string(opt.leak_frac);
      }
    }

    // state width: |v| grows by at most M per step. A mult leak keeps |L(v)| <= alpha_q·|v|
    // (trunc0 rounds toward 0); a shift leak only |L(v)| <= alpha_q·|v| + 1 (it takes nothing
    // from |v| < 2^k). So |v| <= min(T·M, (M + e) / (1 - alpha_q) + M), e = 1 for a shift
    // leak, and resets stay inside that or at v_reset / θ.
    const int64_t pmax = 1;  // binary spikes: the quantized network takes binary input events too
    int64_t pos = 0, neg = 0;
    for (int r = 0; r < entries; ++r) {  // each neuron reads its row, or a subset of it
      int64_t hi = 0, lo = 0;
      for (size_t k = 0; k < per_row; ++k) {
        const int64_t w = l.weights[static_cast<size_t>(r) * per_row + k] * pmax;
        (w > 0 ? hi : lo) += w;
      }
      hi += std::max<int64_t>(0, bias[static_cast<size_t>(r)]);
      lo += std::min<int64_t>(0, bias[static_cast<size_t>(r)]);
      pos = std::max(pos, hi);
      neg = std::min(neg, lo);
    }
    const int64_t M = std::max(pos, -neg);
    double bound = static_cast<double>(M) * opt.timesteps;
    const double e = p.leak.kind == LeakKind::Shift ? 1.0 : 0.0;
    if (lq.alpha_q < 1) bound = std::min(bound, std::ceil((static_cast<double>(M) + e) / (1 - lq.alpha_q)) + M);
    bound = std::max({bound, static_cast<double>(p.threshold) + M, static_cast<double>(std::llabs(p.v_reset))});
    if (bound > static_cast<double>(int64_t{1} << 31) - 1)
      refuse(f, nn, "", "the integer state needs more than 32 bits to hold |v| <= " + num(bound) +
                            " over " + std::to_string(opt.timesteps) +
                            " steps (the IR's limit): use fewer --weight-bits or --timesteps");
    lq.v_bound = static_cast<int64_t>(bound);
    p.v_bits = bits_for(lq.v_bound);
    lq.v_bits = p.v_bits;
    if (any_bias) l.bias = bias;
    if (l.is_conv()) {
      // image layers need the shapes of a version 2 network
      net.format_version = 2;
      net.input_shape = in.out_shape;
    }
    net.layers.push_back(std::move(l));
    r.layers.push_back(lq);
  }
  return r;
}

SampleAgreement compare(const nf::FloatNetwork& f, const QuantizeResult& q, const Raster& raster) {
  const int T = raster.timesteps;
  std::vector<std::vector<std::vector<double>>> inputs(static_cast<size_t>(T));
  for (auto& step : inputs) step.assign(1, std::vector<double>(static_cast<size_t>(q.net.input_size), 0.0));
  for (const InputEvent& e : raster.events)
    inputs[static_cast<size_t>(e.t)][0][static_cast<size_t>(e.index)] += static_cast<double>(e.payload);
  const nf::Trace ft = nf::run(f.graph, f.options, inputs, T);
  const Trace it = ref::run(q.net, raster, {true, T});

  SampleAgreement s;
  s.label = raster.label ? *raster.label : -1;
  std::vector<int64_t> float_counts;
  for (size_t k = 0; k < q.layers.size(); ++k) {
    const LayerQuant& lq = q.layers[k];
    const size_t n_out = static_cast<size_t>(lq.n_out);
    // integer spikes as a [t][n] grid
    std::vector<std::vector<char>> ispk(static_cast<size_t>(T), std::vector<char>(n_out, 0));
    for (const Spike& sp : it.layers[k].spikes) ispk[static_cast<size_t>(sp.t)][static_cast<size_t>(sp.neuron)] = 1;
    LayerAgreement a;
    a.name = lq.name;
    int64_t same = 0;
    std::vector<int64_t> counts(n_out, 0);
    // the membrane error where the integer model has a membrane (akida layers do not)
    const auto vit = it.layers[k].state.find("v");
    for (int t = 0; t < T; ++t) {
      const std::vector<double>& fv = ft.value_of(static_cast<size_t>(t), lq.neuron_node);
      const std::vector<double>& fmem = ft.v_of(static_cast<size_t>(t), lq.neuron_node);
      for (size_t n = 0; vit != it.layers[k].state.end() && n < n_out; ++n) {
        const double e = std::abs(fmem[n] - lq.scale * static_cast<double>(vit->second[static_cast<size_t>(t)][n]));
        if (e > a.max_v_error) a.max_v_error = e, a.max_v_error_t = t;
      }
      for (size_t n = 0; n < n_out; ++n) {
        const bool fs = fv[n] != 0, is = ispk[static_cast<size_t>(t)][n] != 0;
        a.float_spikes += fs;
        a.int_spikes += is;
        counts[n] += fs;
        if (fs == is) ++same;
        else if (a.first_divergence < 0) a.first_divergence = t;
      }
    }
    a.agreement = T > 0 ? static_cast<double>(same) / (static_cast<double>(T) * static_cast<double>(n_out)) : 1.0;
    s.layers.push_back(a);
    if (k + 1 == q.layers.size()) float_counts = counts;
  }
  // the same spike-count decision as the golden model: argmax, ties to the lowest index
  s.float_decision = -1;
  int64_t best = -1;
  for (size_t n = 0; n < float_counts.size(); ++n)
    if (float_counts[n] > best) best = float_counts[n], s.float_decision = static_cast<int>(n);
  const std::vector<int64_t> ic = ref::output_counts(q.net, it);
  best = -1;
  for (size_t n = 0; n < ic.size(); ++n)
    if (ic[n] > best) best = ic[n], s.int_decision = static_cast<int>(n);
  return s;
}

namespace {

}  // namespace

std::string report_json(const nf::FloatNetwork& f, const QuantizeResult& q, const QuantizeOptions& opt,
                        const std::vector<SampleAgreement>& samples) {
  json layers = json::array();
  for (size_t k = 0; k < q.layers.size(); ++k) {
    const LayerQuant& l = q.layers[k];
    json j = {{"name", l.name},
              {"from", {l.weight_node, l.neuron_node}},
              {"neuron", l.neuron_kind},
              {"shape", {l.n_out, l.n_in}},
              {"scale", l.scale},
              {"weight_bits", l.weight_bits},
              {"max_weight_error", l.max_weight_error},
              {"mean_weight_error", l.mean_weight_error},
              {"max_bias_error", l.max_bias_error},
              {"threshold", {{"float", l.threshold_float},
                             {"integer", model_info(q.net.layers[k]).integer_thresholds(q.net.layers[k])},
                             {"error", l.threshold_error}}},
              {"leak", {{"float_decay", l.alpha}, {"integer_decay", l.alpha_q}, {"form", l.leak},
                        {"error", std::abs(l.alpha - l.alpha_q)}}},
              {"v_bits", l.v_bits},
              {"v_bound", l.v_bound}};
    if (!samples.empty()) {
      double agree = 0;
      int first = -1;
      int64_t fsp = 0, isp = 0;
      for (const SampleAgreement& s : samples) {
        const LayerAgreement& a = s.layers[k];
        agree += a.agreement;
        fsp += a.float_spikes;
        isp += a.int_spikes;
        if (a.first_divergence >= 0 && (first < 0 || a.first_divergence < first)) first = a.first_divergence;
      }
      double verr = 0;
      for (const SampleAgreement& s : samples) verr = std::max(verr, s.layers[k].max_v_error);
      j["raster"] = {{"spike_agreement", agree / static_cast<double>(samples.size())},
                     {"max_v_error", verr},
                     {"float_spikes", fsp},
                     {"integer_spikes", isp},
                     {"first_divergence", first < 0 ? json(nullptr) : json(first)}};
    }
    layers.push_back(j);
  }
  json doc = {{"format", "spikeforge-precision-report"},
              {"version", 1},
              {"network", q.net.name},
              {"source", f.source},
              {"discretization", {{"dt", f.options.dt}, {"method", nf::method_name(f.options.method)},
                                  {"reset", nf::reset_name(f.options.reset)}}},
              {"options", {{"weight_bits", opt.weight_bits}, {"leak_frac", opt.leak_frac},
                           {"timesteps", opt.timesteps}}},
              {"layers", layers},
              {"units", "errors in the float membrane's units; spike agreement = share of (timestep, "
                        "neuron) pairs where float and integer agree"}};
  if (!samples.empty()) {
    int same = 0;
    json per = json::array();
    for (const SampleAgreement& s : samples) {
      same += s.float_decision == s.int_decision;
      per.push_back({{"float", s.float_decision}, {"integer", s.int_decision}});
    }
    doc["decisions"] = {{"samples", samples.size()},
                        {"agreement", static_cast<double>(same) / static_cast<double>(samples.size())},
                        {"per_sample", per}};
    int labelled = 0, float_ok = 0, int_ok = 0;
    for (const SampleAgreement& s : samples)
      if (s.label >= 0) ++labelled, float_ok += s.float_decision == s.label, int_ok += s.int_decision == s.label;
    if (labelled > 0)
      doc["accuracy"] = {{"samples", labelled},
                         {"float", static_cast<double>(float_ok) / labelled},
                         {"integer", static_cast<double>(int_ok) / labelled}};
  }
  return doc.dump(2) + "\n";
}

std::string report_text(const QuantizeResult& q, const std::vector<SampleAgreement>& samples) {
  std::ostringstream o;
  for (size_t k = 0; k < q.layers.size(); ++k) {
    const LayerQuant& l = q.layers[k];
    const Layer& il = q.net.layers[k];
    o << "  " << l.name << " (" << l.weight_node << " -> " << l.neuron_node << ", " << l.neuron_kind << " -> "
      << to_string(il.neuron.model) << ", " << l.n_in << " -> " << l.n_out << "): scale " << num(l.scale)
      << ", weights " << l.weight_bits << " b (max error " << num(l.max_weight_error) << ", mean "
      << num(l.mean_weight_error) << "), ";
    o << model_info(il).threshold_text(il, num(l.threshold_error));
    o << ", leak " << l.leak;
    if (l.leak != "none") o << " (decay " << num(l.alpha) << " -> " << num(l.alpha_q) << ")";
    if (l.v_bits > 0) o << ", v " << l.v_bits << " b";
    o << "\n";
    if (!samples.empty()) {
      double agree = 0, verr = 0;
      int first = -1;
      for (const SampleAgreement& s : samples) {
        agree += s.layers[k].agreement;
        verr = std::max(verr, s.layers[k].max_v_error);
        const int d = s.layers[k].first_divergence;
        if (d >= 0 && (first < 0 || d < first)) first = d;
      }
      o << "      float vs integer spikes: " << num(100.0 * agree / static_cast<double>(samples.size()))
        << " % agree, first divergence at "
        << (first < 0 ? std::string("none") : "timestep " + std::to_string(first)) << ", max |v error| "
        << num(verr) << "\n";
    }
  }
  if (!samples.empty()) {
    int same = 0;
    for (const SampleAgreement& s : samples) same += s.float_decision == s.int_decision;
    o << "  output decision: " << same << " / " << samples.size() << " samples agree\n";
    int labelled = 0, float_ok = 0, int_ok = 0;
    for (const SampleAgreement& s : samples)
      if (s.label >= 0) ++labelled, float_ok += s.float_decision == s.label, int_ok += s.int_decision == s.label;
    if (labelled > 0)
      o << "  accuracy on " << labelled << " labelled samples: float " << num(100.0 * float_ok / labelled)
        << " %, integer " << num(100.0 * int_ok / labelled) << " %\n";
  }
  return o.str();
}

}  // namespace sf::quant
