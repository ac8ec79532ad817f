// Float NIR graph -> integer graph, and the float-vs-integer comparison
// (quantize_graph.h, README.md).
#include "quantize_graph/quantize_graph.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ir/error.h"

namespace sf::quant {

namespace nf = sf::ref::nir_float;
namespace ig = sf::ref::int_graph;
using nlohmann::json;
using nf::NodeKind;

namespace {

std::string num(double x) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g", x);
  return b;
}

std::string where(const nf::FloatNetwork& f) { return f.source.empty() ? f.name : f.source; }

[[noreturn]] void refuse(const nf::FloatNetwork& f, const nf::FloatNode& n, const std::string& field,
                         const std::string& what) {
  throw InputError(where(f) + ": node '" + n.name + "' (" + nf::kind_name(n.kind) + "): " +
                   (field.empty() ? "" : field + ": ") + what);
}

bool is_weight(NodeKind k) {
  return k == NodeKind::Affine || k == NodeKind::Linear || k == NodeKind::Conv1d || k == NodeKind::Conv2d;
}
// Nodes a weighted sum or a spike tensor passes through unchanged in meaning
// (AvgPool2d becomes a SumPool2d; its 1/(kh·kw) goes into the weights).
bool is_pass(NodeKind k) {
  return k == NodeKind::Identity || k == NodeKind::Flatten || k == NodeKind::Delay ||
         k == NodeKind::SumPool2d || k == NodeKind::AvgPool2d;
}

// The one value an elementwise parameter must have across a node.
double uniform(const nf::FloatNetwork& f, const nf::FloatNode& n, const std::string& field,
               const std::vector<double>& v, const std::string& why) {
  for (double x : v)
    if (x != v[0])
      refuse(f, n, field, "found different values per neuron (" + num(v[0]) + ", " + num(x) +
                              "), expected one value per node: " + why);
  return v.empty() ? 0.0 : v[0];
}

// Smallest signed width holding [-bound, bound] (gen/quantize's rule).
int bits_for(double bound) {
  int b = 2;
  while (b < 64 && bound > std::ldexp(1.0, b - 1) - 1) ++b;
  return b;
}

// A leak for decay alpha: exact shift when alpha = 1 - 2^-k, else a multiply
// (gen/quantize's rule).
struct LeakQ {
  ig::Leak leak;
  double alpha_q = 1;
  std::string form = "none";
};
LeakQ leak_of(const nf::FloatNetwork& f, const nf::FloatNode& n, const std::string& field, double alpha,
              int frac) {
  LeakQ q;
  if (alpha == 1.0) return q;
  if (!(alpha >= 0 && alpha < 1))
    refuse(f, n, field, "gives a per-step decay " + num(alpha) + ", expected 0 <= decay < 1 (dt < tau)");
  int shift = -1;
  for (int sh = 1; sh <= 24; ++sh)
    if (alpha == 1.0 - std::ldexp(1.0, -sh)) shift = sh;
  if (shift > 0) {
    q.leak.kind = ig::LeakKind::Shift;
    q.leak.shift = shift;
    q.alpha_q = alpha;
    q.form = "shift " + std::to_string(shift);
  } else {
    q.leak.kind = ig::LeakKind::Mult;
    q.leak.frac = frac;
    q.leak.beta = std::llround(std::ldexp(alpha, frac));
    q.alpha_q = std::ldexp(static_cast<double>(q.leak.beta), -frac);
    q.form = "mult " + std::to_string(q.leak.beta) + "/2^" + std::to_string(frac);
  }
  return q;
}

// |state| after `steps` updates state' = L(state) + u with |u| <= M.
// mult: |L(v)| <= a_q·|v|, so |v| <= M/(1 - a_q) (+M as gen/quantize).
// shift k: L(v) = v - trunc0(v/2^k) keeps up to |v|·a + 1, so the fixed point
// is floor(|v|/2^k) = M, |v| < (M+1)·2^k.
double leak_bound(double M, const ig::Leak& leak, double alpha_q, int steps) {
  double b = M * steps;
  if (leak.kind == ig::LeakKind::Mult && alpha_q < 1) b = std::min(b, std::ceil(M / (1 - alpha_q)) + M);
  if (leak.kind == ig::LeakKind::Shift) b = std::min(b, (M + 1) * std::ldexp(1.0, leak.shift) - 1);
  return b;
}

// A neuron's float step, per element, in Simulator::v's units:
//   current (Cuba): I' = alpha_syn·I + gain_syn·x
//   membrane:       v' = alpha·v + gain·(x or I') + drive
struct Step {
  double alpha = 1, gain = 1, drive = 0;
  double alpha_syn = 1, gain_syn = 1;
};

Step step_of(const nf::FloatNetwork& f, const nf::FloatNode& n, size_t j) {
  const nf::SimOptions& o = f.options;
  Step s;
  if (n.kind == NodeKind::IF || n.kind == NodeKind::I) {
    s.gain = (o.if_input == nf::IfInput::Impulse ? 1.0 : o.dt) * n.r[j];
    return s;
  }
  if (n.kind == NodeKind::LIF || n.kind == NodeKind::LI) {
    const double q = o.dt / n.tau[j];
    if (o.method == nf::Method::Exact) {
      const double e = std::exp(-q);
      s.alpha = e, s.gain = (1 - e) * n.r[j], s.drive = (1 - e) * n.v_leak[j];
    } else {
      s.alpha = 1 - q, s.gain = q * n.r[j], s.drive = q * n.v_leak[j];
    }
    return s;
  }
  // CubaLI, CubaLIF (Euler, new current; quantize_graph refuses the rest)
  const double qs = o.dt / n.tau_syn[j], qm = o.dt / n.tau_mem[j];
  s.alpha_syn = 1 - qs;
  s.gain_syn = qs * n.w_in[j];
  s.alpha = 1 - qm;
  s.gain = qm * n.r[j];
  s.drive = qm * n.v_leak[j];
  return s;
}

// Elementwise integer intervals (every one holds 0).
struct Range {
  std::vector<double> lo, hi;
};

struct WeightInfo {        // a weight node and the neuron it drives
  size_t neuron = SIZE_MAX;
  double p_in = 1, p_out = 1;  // AvgPool factors before / after it
  bool direct = true;          // only Identity / Flatten up to the neuron: bias foldable
  bool keeps_channel = true;   // the path keeps dim 0 (per-channel possible)
  std::vector<double> scale_row;  // integer unit per output row / channel
};

int64_t channels_of(const nf::FloatNode& w) { return w.weight.shape.at(0); }

// Output row (channel) of weight element `at` (Dense [M,N]: at / N; Conv: at / (Cin/g·K...)).
size_t row_of(const nf::FloatNode& w, size_t at) {
  const size_t per = w.weight.data.size() / static_cast<size_t>(channels_of(w));
  return at / per;
}

// The neuron channel of output element e of a node whose out_shape is `shape`.
size_t channel_of(const nf::Shape& shape, size_t e) {
  const int64_t n = nf::numel(shape);
  if (shape.empty() || n == 0) return 0;
  return e / static_cast<size_t>(n / shape[0]);
}

}  // namespace

IntNetwork quantize_graph(const nf::FloatNetwork& f, const GraphQuantOptions& opt) {
  const nf::FloatGraph& g = f.graph;
  if (opt.weight_bits < 2 || opt.weight_bits > 16)
    throw InputError("--weight-bits: found " + std::to_string(opt.weight_bits) + ", expected 2..16");
  if (opt.leak_frac < 1 || opt.leak_frac > 24)
    throw InputError("--leak-frac: found " + std::to_string(opt.leak_frac) + ", expected 1..24");
  if (opt.timesteps < 1 || opt.timesteps > (1 << 24))
    throw InputError("--timesteps: found " + std::to_string(opt.timesteps) + ", expected 1..16777216");
  if (opt.cuba_v_frac < 0 || opt.cuba_v_frac > 16)
    throw InputError("--cuba-v-frac: found " + std::to_string(opt.cuba_v_frac) + ", expected 0..16");
  if (!g.finalized()) throw InputError(where(f) + ": the float graph is not finalized");
  const nf::SimOptions& o = f.options;
  if (o.method == nf::Method::SnnTorch)
    throw InputError(where(f) + ": discretization.method: found \"snntorch\", expected \"euler\" or \"exact\": "
                     "the integer graph has snnTorch's update only in the Euler form (for snnTorch exports "
                     "with reset zero and no reset delay, Euler is the same update; README.md)");
  if (o.method == nf::Method::Exact && o.exact_crossing)
    throw InputError(where(f) + ": discretization.exact_crossing: found true, expected false: a reset within "
                     "the step has no integer counterpart");

  const size_t count = g.nodes().size();
  std::vector<std::vector<std::pair<size_t, bool>>> succ(count), pred(count);
  for (const nf::FloatEdge& e : g.edges()) {
    succ[e.src].push_back({e.dst, e.back_edge});
    pred[e.dst].push_back({e.src, e.back_edge});
  }
  for (size_t k = 0; k < count; ++k) {
    const nf::FloatNode& n = g.node(k);
    if (n.kind == NodeKind::Scale || n.kind == NodeKind::Threshold)
      refuse(f, n, "", "not supported yet by quantize_graph (maps Affine, Linear, Conv, pools, Flatten, Delay "
                       "and the neuron kinds)");
    if (nf::has_synapse(n.kind) && o.method != nf::Method::Euler)
      refuse(f, n, "", "the Exact CubaLI/CubaLIF update (the membrane integrates the current's course within "
                       "the step) has no integer counterpart: use method euler");
    if (nf::has_synapse(n.kind) && o.cuba_current == nf::CubaCurrent::Previous)
      refuse(f, n, "", "cuba_current \"previous\" has no integer counterpart (the integer CubaLIF uses the new "
                       "current): use \"new\"");
  }

  // ---- 1. each weight node -> the one neuron it drives, and the AvgPool factors
  std::map<size_t, WeightInfo> winfo;
  std::map<size_t, std::vector<size_t>> feeds;  // neuron -> its weight nodes
  for (size_t k = 0; k < count; ++k) {
    const nf::FloatNode& wn = g.node(k);
    if (!is_weight(wn.kind)) continue;
    WeightInfo w;
    // forward: to neurons
    std::set<size_t> reached;
    std::set<double> p_outs;
    std::function<void(size_t, double, bool, bool, int)> down = [&](size_t at, double p, bool direct, bool keep,
                                                                   int depth) {
      if (depth > static_cast<int>(count)) refuse(f, wn, "", "a cycle without a neuron on it");
      for (const auto& [d, back] : succ[at]) {
        const nf::FloatNode& dn = g.node(d);
        if (nf::has_membrane(dn.kind)) {
          reached.insert(d);
          p_outs.insert(p);
          w.direct = w.direct && direct && !back;
          w.keeps_channel = w.keeps_channel && keep;
          continue;
        }
        if (is_pass(dn.kind)) {
          double pp = p;
          if (dn.kind == NodeKind::AvgPool2d)
            pp /= static_cast<double>(dn.window.kernel[0] * dn.window.kernel[1]);
          const bool d2 = direct && !back && (dn.kind == NodeKind::Identity || dn.kind == NodeKind::Flatten);
          bool keep2 = keep;
          if (dn.kind == NodeKind::Flatten) {
            const int64_t rank = static_cast<int64_t>(dn.in_shape.size());
            const int64_t s0 = dn.start_dim < 0 ? dn.start_dim + rank : dn.start_dim;
            if (s0 <= 0) keep2 = false;
          }
          down(d, pp, d2, keep2, depth + 1);
          continue;
        }
        refuse(f, wn, "", "feeds '" + dn.name + "' (" + nf::kind_name(dn.kind) +
                              ") without a neuron in between: quantize_graph scales weight nodes into the "
                              "neuron they drive (not supported)");
      }
    };
    down(k, 1.0, true, true, 0);
    if (reached.size() != 1)
      refuse(f, wn, "", "drives " + std::to_string(reached.size()) +
                            " neuron nodes, expected exactly 1 (its weights are scaled into that neuron)");
    if (p_outs.size() != 1)
      refuse(f, wn, "", "reaches its neuron through paths with different AvgPool2d factors (not supported)");
    w.neuron = *reached.begin();
    w.p_out = *p_outs.begin();
    // backward: to spike sources (Input, spiking neurons)
    std::set<double> p_ins;
    std::function<void(size_t, double, int)> up = [&](size_t at, double p, int depth) {
      if (depth > static_cast<int>(count)) refuse(f, wn, "", "a cycle without a neuron on it");
      for (const auto& [s, back] : pred[at]) {
        (void)back;
        const nf::FloatNode& sn = g.node(s);
        if (sn.kind == NodeKind::Input || nf::is_spiking(sn.kind)) {
          p_ins.insert(p);
          continue;
        }
        if (is_pass(sn.kind)) {
          double pp = p;
          if (sn.kind == NodeKind::AvgPool2d)
            pp /= static_cast<double>(sn.window.kernel[0] * sn.window.kernel[1]);
          up(s, pp, depth + 1);
          continue;
        }
        refuse(f, wn, "", "takes the output of '" + sn.name + "' (" + nf::kind_name(sn.kind) +
                              "), expected spikes (an Input or an IF/LIF/CubaLIF, possibly through pools, "
                              "Flatten, Delay): graded inputs are not supported");
      }
    };
    up(k, 1.0, 0);
    if (p_ins.size() > 1)
      refuse(f, wn, "", "takes inputs through paths with different AvgPool2d factors (not supported)");
    if (!p_ins.empty()) w.p_in = *p_ins.begin();
    winfo[k] = w;
    feeds[w.neuron].push_back(k);
  }

  // ---- 2. every neuron's inputs come from weight nodes
  for (size_t k = 0; k < count; ++k) {
    const nf::FloatNode& n = g.node(k);
    if (!nf::has_membrane(n.kind)) continue;
    std::function<void(size_t, int)> up = [&](size_t at, int depth) {
      if (depth > static_cast<int>(count)) refuse(f, n, "", "a cycle without a weight node on it");
      for (const auto& [s, back] : pred[at]) {
        (void)back;
        const nf::FloatNode& sn = g.node(s);
        if (is_weight(sn.kind)) continue;
        if (is_pass(sn.kind)) {
          up(s, depth + 1);
          continue;
        }
        refuse(f, n, "", "takes '" + sn.name + "' (" + nf::kind_name(sn.kind) +
                             ") without a weight node in between: quantize_graph needs an Affine/Linear/Conv "
                             "to scale every input of a neuron (not supported)");
      }
    };
    up(k, 0);
    if (feeds[k].empty()) refuse(f, n, "", "has no weight node feeding it: nothing sets its scale");
  }
  // Outputs must show spikes or a neuron's membrane.
  for (size_t k = 0; k < count; ++k) {
    const nf::FloatNode& n = g.node(k);
    if (n.kind != NodeKind::Output) continue;
    for (const auto& [s, back] : pred[k]) {
      (void)back;
      size_t at = s;
      while (g.node(at).kind == NodeKind::Identity && pred[at].size() == 1) at = pred[at][0].first;
      const nf::FloatNode& sn = g.node(at);
      if (!nf::has_membrane(sn.kind) && sn.kind != NodeKind::Input && !nf::is_spiking(sn.kind))
        refuse(f, n, "", "shows '" + sn.name + "' (" + nf::kind_name(sn.kind) +
                             "), expected a neuron's output: a graded output has no scale here (not supported)");
    }
  }

  IntNetwork net;
  net.name = f.name;
  net.source = f.source;
  net.timesteps = opt.timesteps;
  const double wmax = std::ldexp(1.0, opt.weight_bits - 1) - 1;
  std::map<size_t, std::vector<int64_t>> wq;    // integer weights per weight node
  std::map<size_t, std::vector<int64_t>> bq;    // integer biases per weight node (empty: none / folded)
  std::map<size_t, ig::NeuronParams> params;    // per neuron node
  std::map<size_t, size_t> layer_of;            // neuron node -> net.layers index

  // ---- 3. scales, weights, neuron parameters (nodes in execution order)
  for (size_t k : g.order()) {
    const nf::FloatNode& n = g.node(k);
    if (!nf::has_membrane(n.kind)) continue;
    const bool cuba = nf::has_synapse(n.kind);
    const bool spiking = nf::is_spiking(n.kind);
    const size_t elems = static_cast<size_t>(nf::numel(n.out_shape));
    GraphLayerQuant lq;
    lq.name = n.name;
    lq.kind = nf::kind_name(n.kind);
    lq.neurons = static_cast<int64_t>(elems);
    lq.weight_bits = opt.weight_bits;
    lq.synapse = cuba;
    for (size_t w : feeds[k]) lq.weight_nodes.push_back(g.node(w).name);

    std::vector<Step> st(elems);
    for (size_t j = 0; j < elems; ++j) st[j] = step_of(f, n, j);
    // one leak per node (the integer neuron's leak is a scalar)
    const std::string why_leak = "the integer neuron has one leak per node";
    if (n.kind == NodeKind::LIF || n.kind == NodeKind::LI) uniform(f, n, "tau", n.tau, why_leak);
    if (cuba) {
      uniform(f, n, "tau_syn", n.tau_syn, why_leak);
      uniform(f, n, "tau_mem", n.tau_mem, why_leak);
    }
    // The gain of what the weights drive (membrane, or current for Cuba):
    // per element only when every weight node maps its rows 1:1 onto the elements.
    std::vector<double> wgain(elems);
    for (size_t j = 0; j < elems; ++j) wgain[j] = cuba ? st[j].gain_syn : st[j].gain;
    bool gain_uniform = std::all_of(wgain.begin(), wgain.end(), [&](double x) { return x == wgain[0]; });
    if (!gain_uniform) {
      for (size_t w : feeds[k]) {
        const nf::FloatNode& wn = g.node(w);
        const bool one_to_one = (wn.kind == NodeKind::Affine || wn.kind == NodeKind::Linear) &&
                                wn.in_shape.size() == 1 && winfo[w].direct &&
                                static_cast<size_t>(channels_of(wn)) == elems;
        if (!one_to_one)
          refuse(f, n, cuba ? "w_in" : "r",
                 "gives a different input gain per neuron, expected one value per node: weight node '" +
                     wn.name + "' is shared by several neurons, so the gain cannot go into its weights");
      }
    }
    // per-channel: every weight node keeps the channel dim up to the neuron,
    // and its output channel is the neuron's channel
    const int64_t chans = n.out_shape.empty() ? 1 : n.out_shape[0];
    bool per_channel = opt.per_channel;
    if (per_channel) {
      for (size_t w : feeds[k]) {
        const nf::FloatNode& wn = g.node(w);
        const bool dense_rank1 = (wn.kind == NodeKind::Affine || wn.kind == NodeKind::Linear) &&
                                 wn.in_shape.size() == 1;
        const bool conv = wn.kind == NodeKind::Conv1d || wn.kind == NodeKind::Conv2d;
        if (!winfo[w].keeps_channel || !(dense_rank1 || conv) || channels_of(wn) != chans) {
          per_channel = false;
          lq.note = "per-channel not possible: weight node '" + wn.name +
                    "' does not map its output channels onto the neuron's first dimension; one scale";
        }
      }
    }
    lq.per_channel = per_channel;
    const size_t nscale = per_channel ? static_cast<size_t>(chans) : 1;
    const size_t per_ch = elems / nscale;  // elements per channel

    // the gain a weight row sees: the element's (uniform, or 1:1 rows)
    auto row_gain = [&](size_t row) { return gain_uniform ? wgain[0] : wgain[row]; };
    std::vector<double> m(nscale, 0.0);
    for (size_t w : feeds[k]) {
      const nf::FloatNode& wn = g.node(w);
      const WeightInfo& wi = winfo[w];
      for (size_t at = 0; at < wn.weight.data.size(); ++at) {
        const size_t row = row_of(wn, at);
        const size_t c = per_channel ? row : 0;
        m[c] = std::max(m[c], std::abs(row_gain(row) * wi.p_in * wi.p_out * wn.weight.data[at]));
      }
    }
    const double m_all = *std::max_element(m.begin(), m.end());
    if (!(m_all > 0)) refuse(f, n, "", "every weight feeding it is zero: nothing to scale by");
    std::vector<double> s(nscale);
    for (size_t c = 0; c < nscale; ++c) s[c] = (m[c] > 0 ? m[c] : m_all) / wmax;  // an all-zero channel: any scale
    if (!std::isfinite(m_all)) refuse(f, n, "", "a weight or gain is not finite");

    // integer weights and biases of the weight nodes
    double err_sum = 0;
    int64_t err_n = 0;
    std::vector<double> folded(elems, 0.0);  // g·b of biases folded into the neuron
    for (size_t w : feeds[k]) {
      const nf::FloatNode& wn = g.node(w);
      WeightInfo& wi = winfo[w];
      std::vector<int64_t>& q = wq[w];
      q.resize(wn.weight.data.size());
      for (size_t at = 0; at < q.size(); ++at) {
        const size_t row = row_of(wn, at);
        const double sc = s[per_channel ? row : 0];
        const double want = row_gain(row) * wi.p_in * wi.p_out * wn.weight.data[at];
        q[at] = std::clamp<int64_t>(std::llround(want / sc), -static_cast<int64_t>(wmax),
                                    static_cast<int64_t>(wmax));
        lq.max_weight = std::max<int64_t>(lq.max_weight, std::llabs(q[at]));
        const double e = std::abs(want - sc * static_cast<double>(q[at]));
        lq.max_weight_error = std::max(lq.max_weight_error, e);
        err_sum += e;
        ++err_n;
      }
      if (wn.bias.empty()) continue;
      const bool any = std::any_of(wn.bias.begin(), wn.bias.end(), [](double b) { return b != 0; });
      if (!any) continue;
      const bool fold = wi.direct && !cuba && static_cast<size_t>(nf::numel(wn.out_shape)) == elems;
      if (fold) {
        // output element e of the weight node is neuron element e
        const size_t rows = static_cast<size_t>(channels_of(wn));
        const bool dense = wn.kind == NodeKind::Affine || wn.kind == NodeKind::Linear;
        for (size_t e = 0; e < elems; ++e) {
          const size_t row = dense ? e % rows : channel_of(wn.out_shape, e);
          folded[e] += (gain_uniform ? wgain[0] : wgain[e]) * wn.bias[row];
        }
      } else {
        std::vector<int64_t>& b = bq[w];
        b.resize(wn.bias.size());
        for (size_t row = 0; row < b.size(); ++row) {
          const double sc = s[per_channel ? row : 0];
          const double want = row_gain(row) * wi.p_out * wn.bias[row];
          b[row] = std::llround(want / sc);
          lq.max_bias_error = std::max(lq.max_bias_error, std::abs(want - sc * static_cast<double>(b[row])));
        }
      }
    }
    lq.mean_weight_error = err_n ? err_sum / static_cast<double>(err_n) : 0.0;

    // the membrane scale per element
    auto elem_scale = [&](const std::vector<double>& sc, size_t e) { return sc[per_channel ? e / per_ch : 0]; };
    std::vector<double> sv = s;
    ig::NeuronParams p;
    if (cuba) {
      const double gm = uniform(f, n, "r", [&] {
        std::vector<double> v(elems);
        for (size_t j = 0; j < elems; ++j) v[j] = st[j].gain;
        return v;
      }(), "the integer current enters the membrane with one gain per node (r·dt/tau_mem)");
      if (!(gm > 0)) refuse(f, n, "r", "gives a current gain r·dt/tau_mem = " + num(gm) + ", expected > 0");
      lq.i_scales = s;
      lq.i_scale = *std::max_element(s.begin(), s.end());
      for (size_t c = 0; c < nscale; ++c) sv[c] = gm * s[c] / std::ldexp(1.0, opt.cuba_v_frac);
      p.gain = int64_t{1} << opt.cuba_v_frac;
      p.gain_frac = 0;
      lq.gain_q = p.gain;
      lq.gain_frac = 0;
      lq.gain_float = gm * s[0] / sv[0];
      lq.alpha_syn = st[0].alpha_syn;
      const LeakQ ls = leak_of(f, n, "tau_syn", lq.alpha_syn, opt.leak_frac);
      p.syn_leak = ls.leak;
      lq.alpha_syn_q = ls.alpha_q;
      lq.syn_leak = ls.form;
    }
    lq.scales = sv;
    lq.scale = *std::max_element(sv.begin(), sv.end());

    // the neuron's bias: folded weight biases + constant drive, one rounding (gen/quantize)
    p.bias.assign(elems, 0);
    bool any_bias = false;
    for (size_t e = 0; e < elems; ++e) {
      const double want = folded[e] + st[e].drive;
      const double sc = elem_scale(sv, e);
      p.bias[e] = std::llround(want / sc);
      lq.max_bias_error = std::max(lq.max_bias_error, std::abs(want - sc * static_cast<double>(p.bias[e])));
      any_bias = any_bias || p.bias[e] != 0;
    }
    if (!any_bias) p.bias.clear();

    // the membrane leak
    lq.alpha = st[0].alpha;
    const LeakQ lm = leak_of(f, n, cuba ? "tau_mem" : "tau", lq.alpha, opt.leak_frac);
    p.leak = lm.leak;
    lq.alpha_q = lm.alpha_q;
    lq.leak = lm.form;

    // threshold and reset
    p.fire = ig::FireRule::Gt;  // NIR's strict threshold, as the float model
    if (spiking) {
      p.reset = o.reset == nf::ResetMode::Subtract ? ig::ResetMode::Subtract : ig::ResetMode::Zero;
      p.thresholds.resize(elems);
      for (size_t e = 0; e < elems; ++e) {
        const double sc = elem_scale(sv, e);
        const double th = n.v_threshold[e];
        p.thresholds[e] = std::llround(th / sc);
        if (p.thresholds[e] < 1)
          refuse(f, n, "v_threshold", "found " + num(th) + ", which is " + num(th / sc) +
                                          " integer units at this node's scale: expected a threshold > 0");
        const double err = std::abs(th - sc * static_cast<double>(p.thresholds[e]));
        lq.threshold_error = std::max(lq.threshold_error, err);
        if (std::abs(th) >= lq.threshold_float) lq.threshold_float = std::abs(th), lq.threshold_int = p.thresholds[e];
      }
      if (p.reset == ig::ResetMode::Zero) {
        std::set<int64_t> vr;
        for (size_t e = 0; e < elems; ++e) vr.insert(std::llround(n.v_reset[e] / elem_scale(sv, e)));
        if (vr.size() != 1)
          refuse(f, n, "v_reset", "gives " + std::to_string(vr.size()) +
                                      " different integer reset values, expected one per node (the integer "
                                      "neuron's v_reset is a scalar)");
        p.v_reset = *vr.begin();
      }
      // one θ for all elements is the common case; keep it a scalar then
      if (std::all_of(p.thresholds.begin(), p.thresholds.end(), [&](int64_t t) { return t == p.thresholds[0]; })) {
        p.threshold = p.thresholds[0];
        p.thresholds.clear();
      }
    }
    params[k] = p;
    layer_of[k] = net.layers.size();
    net.layers.push_back(lq);
  }

  // ---- 4. integer ranges of every node's output, for the state widths.
  // Spiking neurons and Input give [0, 1]; everything a weight node reads
  // comes from those, so one pass in execution order settles every range
  // except the neurons', which need their inputs' (back edges included).
  std::vector<Range> range(count);
  auto sum_inputs = [&](size_t k, size_t size) {
    Range r{std::vector<double>(size, 0.0), std::vector<double>(size, 0.0)};
    for (const auto& [s, back] : pred[k]) {
      (void)back;
      const Range& x = range[s];
      for (size_t j = 0; j < size; ++j) r.lo[j] += x.lo[j], r.hi[j] += x.hi[j];
    }
    return r;
  };
  for (size_t k = 0; k < count; ++k) {
    const nf::FloatNode& n = g.node(k);
    if (n.kind == NodeKind::Input || nf::is_spiking(n.kind)) {
      const size_t size = static_cast<size_t>(nf::numel(n.out_shape));
      range[k] = {std::vector<double>(size, 0.0), std::vector<double>(size, 1.0)};
    }
  }
  for (size_t k : g.order()) {
    const nf::FloatNode& n = g.node(k);
    if (n.kind == NodeKind::Input || nf::has_membrane(n.kind) || n.kind == NodeKind::Output) continue;
    const size_t out = static_cast<size_t>(nf::numel(n.out_shape));
    const Range x = sum_inputs(k, static_cast<size_t>(nf::numel(n.in_shape)));
    Range& r = range[k];
    r.lo.assign(out, 0.0);
    r.hi.assign(out, 0.0);
    auto add = [&](size_t o, double w, size_t i) {
      r.lo[o] += std::min(w * x.lo[i], w * x.hi[i]);
      r.hi[o] += std::max(w * x.lo[i], w * x.hi[i]);
    };
    auto add_bias = [&](size_t o, double b) {  // keeps 0 inside: a Delay outputs 0 before it starts
      r.lo[o] += std::min(0.0, b);
      r.hi[o] += std::max(0.0, b);
    };
    switch (n.kind) {
      case NodeKind::Identity:
      case NodeKind::Flatten:
      case NodeKind::Delay:
        r = x;
        break;
      case NodeKind::Affine:
      case NodeKind::Linear: {
        const size_t mm = static_cast<size_t>(n.weight.shape[0]), kk = static_cast<size_t>(n.weight.shape[1]);
        const std::vector<int64_t>& w = wq[k];
        const std::vector<int64_t>& b = bq[k];
        for (size_t row0 = 0; row0 < out / mm; ++row0)
          for (size_t o2 = 0; o2 < mm; ++o2) {
            const size_t oo = row0 * mm + o2;
            for (size_t i = 0; i < kk; ++i) add(oo, static_cast<double>(w[o2 * kk + i]), row0 * kk + i);
            if (!b.empty()) add_bias(oo, static_cast<double>(b[o2]));
          }
        break;
      }
      case NodeKind::Conv1d:
      case NodeKind::Conv2d:
      case NodeKind::SumPool2d:
      case NodeKind::AvgPool2d: {
        const bool conv = n.kind == NodeKind::Conv1d || n.kind == NodeKind::Conv2d;
        const bool one = n.kind == NodeKind::Conv1d;
        const nf::Window& win = n.window;
        const int64_t h = one ? 1 : n.in_shape[1], wd = n.in_shape[one ? 1 : 2];
        const int64_t oh = one ? 1 : n.out_shape[1], ow = n.out_shape[one ? 1 : 2];
        const int64_t cout = n.out_shape[0];
        const int64_t cin_g = conv ? n.weight.shape[1] : 1;
        const int64_t kh = conv ? (one ? 1 : n.weight.shape[2]) : win.kernel[0];
        const int64_t kw = conv ? n.weight.shape[one ? 2 : 3] : win.kernel[1];
        const int64_t sh = one ? 1 : win.stride[0], sw = win.stride[one ? 0 : 1];
        const int64_t ph = one ? 0 : win.pad_begin[0], pw = win.pad_begin[one ? 0 : 1];
        const int64_t dh = conv && !one ? win.dilation[0] : 1;
        const int64_t dw = conv ? win.dilation[one ? 0 : 1] : 1;
        const int64_t cout_g = conv ? cout / win.groups : 1;
        const std::vector<int64_t>& w = wq[k];
        const std::vector<int64_t>& b = bq[k];
        for (int64_t co = 0; co < cout; ++co) {
          const int64_t c0 = conv ? (co / cout_g) * cin_g : co;
          for (int64_t oy = 0; oy < oh; ++oy)
            for (int64_t ox = 0; ox < ow; ++ox) {
              const size_t oo = static_cast<size_t>((co * oh + oy) * ow + ox);
              for (int64_t cl = 0; cl < cin_g; ++cl)
                for (int64_t ky = 0; ky < kh; ++ky) {
                  const int64_t iy = oy * sh - ph + ky * dh;
                  if (iy < 0 || iy >= h) continue;
                  for (int64_t kx = 0; kx < kw; ++kx) {
                    const int64_t ix = ox * sw - pw + kx * dw;
                    if (ix < 0 || ix >= wd) continue;
                    const double wt = conv ? static_cast<double>(
                                                 w[static_cast<size_t>(((co * cin_g + cl) * kh + ky) * kw + kx)])
                                           : 1.0;
                    add(oo, wt, static_cast<size_t>(((c0 + cl) * h + iy) * wd + ix));
                  }
                }
              if (conv && !b.empty()) add_bias(oo, static_cast<double>(b[static_cast<size_t>(co)]));
            }
        }
        break;
      }
      default:
        break;
    }
  }

  // ---- 5. state widths
  for (size_t k : g.order()) {
    const nf::FloatNode& n = g.node(k);
    if (!nf::has_membrane(n.kind)) continue;
    GraphLayerQuant& lq = net.layers[layer_of[k]];
    ig::NeuronParams& p = params[k];
    const size_t elems = static_cast<size_t>(nf::numel(n.out_shape));
    const Range x = sum_inputs(k, elems);
    const bool cuba = nf::has_synapse(n.kind);
    double pos = 0, neg = 0;
    for (size_t e = 0; e < elems; ++e) {
      double hi = x.hi[e], lo = x.lo[e];
      if (!cuba && !p.bias.empty()) {
        hi += std::max<double>(0, static_cast<double>(p.bias[e]));
        lo += std::min<double>(0, static_cast<double>(p.bias[e]));
      }
      pos = std::max(pos, hi);
      neg = std::min(neg, lo);
    }
    double M = std::max(pos, -neg);
    const int T = opt.timesteps;
    if (cuba) {
      const double ib = std::max(leak_bound(M, p.syn_leak, lq.alpha_syn_q, T), 1.0);
      const int ibits = bits_for(ib);
      if (ibits > 62)
        refuse(f, n, "", "the synaptic current needs " + std::to_string(ibits) + " bits to hold |i| <= " + num(ib) +
                             " over " + std::to_string(T) + " steps, expected at most 62: use fewer --weight-bits "
                             "or --timesteps");
      lq.i_bound = static_cast<int64_t>(ib);
      lq.i_bits = p.i_bits = ibits;
      double bmax = 0;
      for (int64_t b : p.bias) bmax = std::max(bmax, static_cast<double>(std::llabs(b)));
      M = ib * std::ldexp(1.0, opt.cuba_v_frac) + bmax;
    }
    double bound = leak_bound(M, p.leak, lq.alpha_q, T);
    double thmax = static_cast<double>(p.threshold);
    for (int64_t t : p.thresholds) thmax = std::max(thmax, static_cast<double>(t));
    if (nf::is_spiking(n.kind)) bound = std::max({bound, thmax + M, static_cast<double>(std::llabs(p.v_reset))});
    bound = std::max(bound, 1.0);
    const int vbits = bits_for(bound);
    if (vbits > 62)
      refuse(f, n, "", "the membrane needs " + std::to_string(vbits) + " bits to hold |v| <= " + num(bound) +
                           " over " + std::to_string(T) + " steps, expected at most 62: use fewer --weight-bits "
                           "or --timesteps");
    lq.v_bound = static_cast<int64_t>(bound);
    lq.v_bits = p.v_bits = vbits;
  }

  // ---- 6. the integer graph: node for node, edge for edge, in the same order
  ig::IntGraph& ig_ = net.graph;
  for (size_t k = 0; k < count; ++k) {
    const nf::FloatNode& n = g.node(k);
    ig::IntNode in;
    switch (n.kind) {
      case NodeKind::Input: in = ig::input_node(n.name, n.shape); break;
      case NodeKind::Output: in = ig::output_node(n.name, n.shape); break;
      case NodeKind::Identity: in = ig::identity_node(n.name); break;
      case NodeKind::Flatten: in = ig::flatten_node(n.name, n.start_dim, n.end_dim); break;
      case NodeKind::Delay: {
        ig::Values d;
        for (double x : n.delay) d.push_back(static_cast<int64_t>(std::round(x / o.dt)));
        in = ig::delay_node(n.name, d);
        break;
      }
      case NodeKind::SumPool2d:
      case NodeKind::AvgPool2d:
        in = ig::sum_pool2d_node(n.name, n.window.kernel, n.window.stride, n.window.pad_begin);
        in.window.pad_end = n.window.pad_end;
        break;
      case NodeKind::Affine:
      case NodeKind::Linear:
        in = ig::dense_node(n.name, {n.weight.shape, wq[k]}, bq[k]);
        break;
      case NodeKind::Conv1d:
      case NodeKind::Conv2d: {
        ig::Window w;
        w.stride = n.window.stride;
        w.pad_begin = n.window.pad_begin;
        w.pad_end = n.window.pad_end;
        w.dilation = n.window.dilation;
        w.groups = n.window.groups;
        in = ig::conv_node(n.name, {n.weight.shape, wq[k]}, bq[k], w);
        break;
      }
      case NodeKind::I: in = ig::i_node(n.name, params[k]); break;
      case NodeKind::LI: in = ig::li_node(n.name, params[k]); break;
      case NodeKind::IF: in = ig::if_node(n.name, params[k]); break;
      case NodeKind::LIF: in = ig::lif_node(n.name, params[k]); break;
      case NodeKind::CubaLI: in = ig::cuba_li_node(n.name, params[k]); break;
      case NodeKind::CubaLIF: in = ig::cuba_lif_node(n.name, params[k]); break;
      default: refuse(f, n, "", "not supported by quantize_graph");
    }
    ig_.add(in);
  }
  for (const nf::FloatEdge& e : g.edges()) ig_.connect(g.node(e.src).name, g.node(e.dst).name, e.back_edge);
  try {
    ig_.finalize();
  } catch (const std::invalid_argument& e) {
    throw InputError(where(f) + ": the integer graph: " + e.what());
  }
  return net;
}

// ---- comparison --------------------------------------------------------------------

namespace {

// The node an Output shows (through Identity nodes).
size_t output_source(const nf::FloatGraph& g, size_t out) {
  size_t at = out;
  for (int guard = 0; guard < 1 << 20; ++guard) {
    size_t src = SIZE_MAX;
    for (const nf::FloatEdge& e : g.edges())
      if (e.dst == at) src = e.src;
    if (src == SIZE_MAX) return at;
    at = src;
    const NodeKind k = g.node(at).kind;
    if (k != NodeKind::Identity && k != NodeKind::Output) return at;
  }
  return at;
}

int argmax(const std::vector<double>& v, double* top) {
  int best = -1;
  double b = 0;
  for (size_t i = 0; i < v.size(); ++i)
    if (best < 0 || v[i] > b) b = v[i], best = static_cast<int>(i);
  if (top) *top = b;
  return best;
}

}  // namespace

GraphSampleAgreement compare_graph(const nf::FloatNetwork& f, const IntNetwork& q, const Raster& raster) {
  const nf::FloatGraph& g = f.graph;
  int64_t total = 0;
  for (size_t i : g.inputs()) total += nf::numel(g.node(i).shape);
  const std::string what = "raster" + (f.source.empty() ? std::string() : " for " + f.source);
  if (raster.size != total)
    throw InputError(what + ": size: found " + std::to_string(raster.size) + ", expected " + std::to_string(total) +
                     " (the Input nodes' elements)");
  if (raster.timesteps < 1)
    throw InputError(what + ": timesteps: found " + std::to_string(raster.timesteps) + ", expected >= 1");
  if (raster.timesteps > q.timesteps)
    throw InputError(what + ": timesteps: found " + std::to_string(raster.timesteps) + ", expected at most " +
                     std::to_string(q.timesteps) + " (the steps the state widths were proved for)");
  const int T = raster.timesteps;
  std::vector<std::vector<std::vector<double>>> fin(static_cast<size_t>(T));
  std::vector<std::vector<ig::Values>> iin(static_cast<size_t>(T));
  for (int t = 0; t < T; ++t)
    for (size_t i : g.inputs()) {
      fin[static_cast<size_t>(t)].emplace_back(static_cast<size_t>(nf::numel(g.node(i).shape)), 0.0);
      iin[static_cast<size_t>(t)].emplace_back(static_cast<size_t>(nf::numel(g.node(i).shape)), 0);
    }
  for (const InputEvent& e : raster.events) {
    if (e.t < 0 || e.t >= T || e.index < 0 || e.index >= total)
      throw InputError(what + ": event (t=" + std::to_string(e.t) + ", i=" + std::to_string(e.index) +
                       "): outside the raster");
    if (e.payload != 1)
      throw InputError(what + ": event (t=" + std::to_string(e.t) + ", i=" + std::to_string(e.index) +
                       "): payload " + std::to_string(e.payload) + ", expected binary spikes (1)");
    int64_t idx = e.index;
    size_t port = 0;
    while (idx >= static_cast<int64_t>(fin[0][port].size())) idx -= static_cast<int64_t>(fin[0][port++].size());
    // a raster is a set of spikes: a repeated event is still one spike
    fin[static_cast<size_t>(e.t)][port][static_cast<size_t>(idx)] = 1.0;
    iin[static_cast<size_t>(e.t)][port][static_cast<size_t>(idx)] = 1;
  }
  const nf::Trace ft = nf::run(g, f.options, fin, T);
  ig::Trace it;
  try {
    it = ig::run(q.graph, iin, T);
  } catch (const std::overflow_error& e) {
    throw std::logic_error(std::string("integer graph overflowed, which the proved widths exclude: ") + e.what());
  }

  GraphSampleAgreement s;
  std::map<std::string, const GraphLayerQuant*> by_name;
  for (const GraphLayerQuant& lq : q.layers) {
    by_name[lq.name] = &lq;
    GraphLayerAgreement a;
    a.name = lq.name;
    const size_t k = g.index(lq.name);
    a.spiking = nf::is_spiking(g.node(k).kind);
    const size_t n = static_cast<size_t>(lq.neurons);
    const size_t per = n / lq.scales.size();
    int64_t same = 0;
    for (int t = 0; t < T; ++t) {
      const size_t ts = static_cast<size_t>(t);
      const std::vector<double>& fv = ft.value[ts][k];
      const std::vector<double>& fm = ft.v[ts][k];
      const ig::Values& iv = it.value[ts][k];
      const ig::Values& im = it.v[ts][k];
      for (size_t j = 0; j < n; ++j) {
        const double e = std::abs(fm[j] - lq.scales[j / per] * static_cast<double>(im[j]));
        if (e > a.max_v_error) a.max_v_error = e, a.max_v_error_t = t;
        if (!a.spiking) continue;
        const bool fs = fv[j] != 0, is = iv[j] != 0;
        a.float_spikes += fs;
        a.int_spikes += is;
        a.both_spikes += fs && is;
        if (fs == is) ++same;
        else if (a.first_divergence < 0) a.first_divergence = t;
      }
    }
    if (a.spiking) {
      a.compared = static_cast<int64_t>(n) * T;
      a.agreement = a.compared ? static_cast<double>(same) / static_cast<double>(a.compared) : 1.0;
    }
    s.layers.push_back(a);
  }
  // decision from the first Output node
  if (!g.outputs().empty()) {
    const size_t out = g.outputs()[0];
    const size_t src = output_source(g, out);
    const nf::FloatNode& sn = g.node(src);
    const size_t n = ft.value[0][out].size();
    std::vector<double> fc(n, 0.0), ic(n, 0.0);
    if (nf::is_spiking(sn.kind) || sn.kind == NodeKind::Input) {
      for (int t = 0; t < T; ++t)
        for (size_t j = 0; j < n; ++j) {
          fc[j] += ft.value[static_cast<size_t>(t)][out][j];
          ic[j] += static_cast<double>(it.value[static_cast<size_t>(t)][out][j]);
        }
    } else if (by_name.count(sn.name)) {
      const GraphLayerQuant& lq = *by_name[sn.name];
      const size_t per = static_cast<size_t>(lq.neurons) / lq.scales.size();
      for (size_t j = 0; j < n; ++j) {
        fc[j] = ft.value[static_cast<size_t>(T - 1)][out][j];
        ic[j] = lq.scales[j / per] * static_cast<double>(it.value[static_cast<size_t>(T - 1)][out][j]);
      }
    }
    s.float_decision = argmax(fc, &s.float_top);
    s.int_decision = argmax(ic, nullptr);
  }
  return s;
}

// ---- reports ------------------------------------------------------------------------

namespace {

struct Summary {
  double agreement = 1, max_v_error = 0;
  int64_t fsp = 0, isp = 0, both = 0;
  // |float ∩ integer| / |float ∪ integer| over spike events: agreement on the
  // spikes themselves, which the pair agreement hides in a sparse layer
  double overlap() const { return fsp + isp - both > 0 ? static_cast<double>(both) / static_cast<double>(fsp + isp - both) : 1.0; }
  int first = -1;
};
Summary summarize(const std::vector<GraphSampleAgreement>& samples, size_t k) {
  Summary r;
  int64_t same_num = 0, total = 0;
  double same_w = 0;
  for (const GraphSampleAgreement& s : samples) {
    const GraphLayerAgreement& a = s.layers[k];
    same_w += a.agreement * static_cast<double>(a.compared);
    total += a.compared;
    r.fsp += a.float_spikes;
    r.isp += a.int_spikes;
    r.both += a.both_spikes;
    r.max_v_error = std::max(r.max_v_error, a.max_v_error);
    if (a.first_divergence >= 0 && (r.first < 0 || a.first_divergence < r.first)) r.first = a.first_divergence;
  }
  (void)same_num;
  r.agreement = total ? same_w / static_cast<double>(total) : 1.0;
  return r;
}

}  // namespace

std::string graph_report_json(const nf::FloatNetwork& f, const IntNetwork& q, const GraphQuantOptions& opt,
                              const std::vector<GraphSampleAgreement>& samples) {
  json layers = json::array();
  for (size_t k = 0; k < q.layers.size(); ++k) {
    const GraphLayerQuant& l = q.layers[k];
    json from = l.weight_nodes;
    from.push_back(l.name);
    json j = {{"name", l.name},
              {"from", from},
              {"neuron", l.kind},
              {"neurons", l.neurons},
              {"per_channel", l.per_channel},
              {"scale", l.scale},
              {"scales", l.scales},
              {"weight_bits", l.weight_bits},
              {"max_weight", l.max_weight},
              {"max_weight_error", l.max_weight_error},
              {"mean_weight_error", l.mean_weight_error},
              {"max_bias_error", l.max_bias_error},
              {"leak", {{"float_decay", l.alpha}, {"integer_decay", l.alpha_q}, {"form", l.leak},
                        {"error", std::abs(l.alpha - l.alpha_q)}}},
              {"v_bits", l.v_bits},
              {"v_bound", l.v_bound}};
    if (!l.note.empty()) j["note"] = l.note;
    if (l.kind == "IF" || l.kind == "LIF" || l.kind == "CubaLIF")
      j["threshold"] = {{"float", l.threshold_float}, {"integer", l.threshold_int}, {"error", l.threshold_error}};
    if (l.synapse)
      j["synapse"] = {{"scale", l.i_scale},
                      {"scales", l.i_scales},
                      {"leak", {{"float_decay", l.alpha_syn}, {"integer_decay", l.alpha_syn_q}, {"form", l.syn_leak},
                                {"error", std::abs(l.alpha_syn - l.alpha_syn_q)}}},
                      {"gain", {{"float", l.gain_float}, {"q", l.gain_q}, {"frac", l.gain_frac}}},
                      {"i_bits", l.i_bits},
                      {"i_bound", l.i_bound}};
    if (!samples.empty()) {
      const Summary s = summarize(samples, k);
      j["raster"] = {{"spike_agreement", s.agreement},
                     {"spike_overlap", s.overlap()},
                     {"both_spikes", s.both},
                     {"max_v_error", s.max_v_error},
                     {"float_spikes", s.fsp},
                     {"integer_spikes", s.isp},
                     {"first_divergence", s.first < 0 ? json(nullptr) : json(s.first)}};
      if (l.kind != "IF" && l.kind != "LIF" && l.kind != "CubaLIF")
        for (const char* key : {"spike_agreement", "spike_overlap", "both_spikes", "float_spikes", "integer_spikes",
                                "first_divergence"})
          j["raster"].erase(key);
    }
    layers.push_back(j);
  }
  json doc = {{"format", "spikeforge-precision-report"},
              {"version", 1},
              {"network", q.name},
              {"source", f.source},
              {"mapping", "quantize_graph (integer graph golden model)"},
              {"discretization", {{"dt", f.options.dt}, {"method", nf::method_name(f.options.method)},
                                  {"reset", nf::reset_name(f.options.reset)},
                                  {"if_input", f.options.if_input == nf::IfInput::Impulse ? "impulse" : "euler"},
                                  {"cuba_current", f.options.cuba_current == nf::CubaCurrent::New ? "new" : "previous"}}},
              {"options", {{"weight_bits", opt.weight_bits}, {"leak_frac", opt.leak_frac},
                           {"timesteps", opt.timesteps}, {"per_channel", opt.per_channel},
                           {"cuba_v_frac", opt.cuba_v_frac}}},
              {"layers", layers},
              {"units", "errors in the float units of what the weights drive (membrane, or synaptic current of "
                        "a Cuba neuron) and of the membrane for v and thresholds; spike agreement = share of "
                        "(timestep, neuron) pairs where float and integer agree"}};
  if (!samples.empty()) {
    int same = 0, active = 0;
    json per = json::array();
    for (const GraphSampleAgreement& s : samples) {
      same += s.float_decision == s.int_decision;
      active += s.float_top > 0;
      per.push_back({{"float", s.float_decision}, {"integer", s.int_decision}, {"float_top", s.float_top}});
    }
    doc["decisions"] = {{"samples", samples.size()},
                        {"agreement", static_cast<double>(same) / static_cast<double>(samples.size())},
                        {"float_output_active", active},
                        {"per_sample", per}};
  }
  return doc.dump(2) + "\n";
}

std::string graph_report_text(const IntNetwork& q, const std::vector<GraphSampleAgreement>& samples) {
  std::ostringstream o;
  for (size_t k = 0; k < q.layers.size(); ++k) {
    const GraphLayerQuant& l = q.layers[k];
    o << "  " << l.name << " (" << l.kind << " x" << l.neurons << ", from";
    for (const std::string& w : l.weight_nodes) o << " " << w;
    o << "): " << (l.per_channel ? "per-channel " : "") << "scale " << num(l.scale);
    if (l.synapse) o << " (current " << num(l.i_scale) << ", gain " << l.gain_q << ")";
    o << ", weights " << l.weight_bits << " b (max |w| " << l.max_weight << ", max error " << num(l.max_weight_error)
      << ", mean " << num(l.mean_weight_error) << ")";
    if (l.kind == "IF" || l.kind == "LIF" || l.kind == "CubaLIF")
      o << ", threshold " << l.threshold_int << " (error " << num(l.threshold_error) << ")";
    o << ", leak " << l.leak;
    if (l.leak != "none") o << " (decay " << num(l.alpha) << " -> " << num(l.alpha_q) << ")";
    if (l.synapse) o << ", syn leak " << l.syn_leak << " (" << num(l.alpha_syn) << " -> " << num(l.alpha_syn_q) << ")";
    o << ", v " << l.v_bits << " b";
    if (l.synapse) o << ", i " << l.i_bits << " b";
    o << "\n";
    if (!l.note.empty()) o << "      note: " << l.note << "\n";
    if (!samples.empty()) {
      const Summary s = summarize(samples, k);
      if (l.kind == "IF" || l.kind == "LIF" || l.kind == "CubaLIF")
        o << "      spikes float " << s.fsp << " / integer " << s.isp << ", " << num(100.0 * s.agreement)
          << " % of (t, neuron) agree, spike overlap " << num(100.0 * s.overlap()) << " %, first divergence "
          << (s.first < 0 ? std::string("none") : "at step " + std::to_string(s.first)) << ", max |v error| "
          << num(s.max_v_error) << "\n";
      else
        o << "      max |v_float - s*v_int| " << num(s.max_v_error) << "\n";
    }
  }
  if (!samples.empty()) {
    int same = 0, active = 0;
    for (const GraphSampleAgreement& s : samples) same += s.float_decision == s.int_decision, active += s.float_top > 0;
    o << "  output decision: " << same << " / " << samples.size() << " samples agree (" << active
      << " with float output activity)\n";
  }
  return o.str();
}

// ---- synthetic inputs -----------------------------------------------------------------

namespace {

// splitmix64: the same numbers on every platform (std distributions are not).
struct Rng {
  uint64_t x;
  uint64_t next() {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  int below(int n) { return static_cast<int>(uniform() * n); }
};

}  // namespace

std::vector<Raster> generate_inputs(const std::string& kind, int64_t size, int samples, int steps, uint64_t seed) {
  if (samples < 1 || samples > 100000)
    throw InputError("--samples: found " + std::to_string(samples) + ", expected 1..100000");
  if (steps < 1 || steps > 100000) throw InputError("--steps: found " + std::to_string(steps) + ", expected 1..100000");
  std::vector<Raster> out;
  if (kind == "nmnist") {
    const int64_t hw = size / 2;
    const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(hw))));
    if (size % 2 != 0 || static_cast<int64_t>(side) * side != hw || side < 12)
      throw InputError("--generate nmnist: the network's input has " + std::to_string(size) +
                       " elements, expected 2·H·W with H = W >= 12 (shape [2, H, W])");
    for (int n = 0; n < samples; ++n) {
      Rng rng{seed * 1000003u + static_cast<uint64_t>(n)};
      // a glyph: three thick random strokes in the middle (side - 6)² area
      const int g = side - 6;
      std::vector<char> glyph(static_cast<size_t>(g * g), 0);
      for (int k = 0; k < 3; ++k) {
        double y = 3 + rng.uniform() * (g - 6), x = 3 + rng.uniform() * (g - 6);
        const double a = rng.uniform() * 6.283185307179586, len = g * (0.3 + 0.3 * rng.uniform());
        for (double u = 0; u < len; u += 0.5) {
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
              const int yy = static_cast<int>(y) + dy, xx = static_cast<int>(x) + dx;
              if (yy >= 0 && yy < g && xx >= 0 && xx < g) glyph[static_cast<size_t>(yy * g + xx)] = 1;
            }
          y += 0.5 * std::sin(a), x += 0.5 * std::cos(a);
          y = std::clamp(y, 0.0, g - 1.0), x = std::clamp(x, 0.0, g - 1.0);
        }
      }
      // three saccades: (0,0) -> (3,3) -> (0,6)... a triangle of side 3 pixels
      auto pos = [&](int t) {
        const double u = 3.0 * t / steps;  // 0..3
        const int seg = std::min(2, static_cast<int>(u));
        const double r = u - seg;
        const double vy[4] = {0, 3, 0, 0}, vx[4] = {0, 1.5, 3, 0};
        return std::pair<int, int>{static_cast<int>(std::lround(vy[seg] + r * (vy[seg + 1] - vy[seg]))),
                                   static_cast<int>(std::lround(vx[seg] + r * (vx[seg + 1] - vx[seg])))};
      };
      auto at = [&](int t, int y, int x) {
        const auto [py, px] = pos(t);
        const int gy = y - 1 - py, gx = x - 1 - px;
        return gy >= 0 && gy < g && gx >= 0 && gx < g && glyph[static_cast<size_t>(gy * g + gx)];
      };
      Raster r;
      r.timesteps = steps;
      r.size = static_cast<int>(size);
      for (int t = 0; t < steps; ++t)
        for (int c = 0; c < 2; ++c)
          for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) {
              const bool now = at(t, y, x), before = t > 0 && at(t - 1, y, x);
              const bool edge = c == 1 ? (now && !before) : (!now && before);  // 1: ON, 0: OFF
              const double p = edge ? 0.8 : 0.002;
              if (rng.uniform() < p)
                r.events.push_back({t, static_cast<int>((c * side + y) * side + x), 1});
            }
      out.push_back(std::move(r));
    }
  } else if (kind == "braille") {
    if (size != 12)
      throw InputError("--generate braille: the network's input has " + std::to_string(size) +
                       " elements, expected 12 channels");
    for (int n = 0; n < samples; ++n) {
      Rng rng{seed * 1000003u + static_cast<uint64_t>(n) + 0x5bd1e995u};
      // a letter: a non-empty subset of 6 dots; dot d drives ON channel 2d and OFF channel 2d+1.
      int dots = 0;
      while (dots == 0) dots = rng.below(64);
      Raster r;
      r.timesteps = steps;
      r.size = 12;
      for (int t = 0; t < steps; ++t)
        for (int ch = 0; ch < 12; ++ch) {
          const int d = ch / 2;
          const bool on = ch % 2 == 0;
          // left column (dots 0-2) touches in [0.2, 0.45)·T, right column in [0.45, 0.7)·T
          const double t0 = (d < 3 ? 0.2 : 0.45) * steps, t1 = t0 + 0.25 * steps;
          const double burst = std::max(2.0, 0.08 * steps);
          double p = 0.01;
          if (dots >> d & 1) {
            if (on && t >= t0 && t < t0 + burst) p = 0.6;
            else if (!on && t >= t1 && t < t1 + burst) p = 0.6;
            else if (on && t >= t0 && t < t1) p = 0.08;
          }
          if (rng.uniform() < p) r.events.push_back({t, ch, 1});
        }
      out.push_back(std::move(r));
    }
  } else {
    throw InputError("--generate: found \"" + kind + "\", expected nmnist or braille");
  }
  return out;
}

}  // namespace sf::quant
