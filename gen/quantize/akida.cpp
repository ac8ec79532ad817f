// Float network -> `akida` (Akida 1.0) or `akida2` (Akida 2.0) layers (akida.h).
#include "quantize/akida.h"

#include <algorithm>
#include <cmath>

#include "akida/check.h"
#include "ir/error.h"

namespace sf::quant {

namespace nf = sf::ref::nir_float;

namespace {

// Akida 1.0: the threshold itself, 1-bit activations.
void set_akida1(Layer& l, const std::vector<int64_t>& t) {
  l.neuron.model = NeuronModel::Akida;
  AkidaParams& p = l.neuron.akida;
  p.act_bits = 1;
  p.act_step_m = 1;
  p.act_step_f = 0;
  p.threshold = t;
}

// Akida 2.0: bias = -T (int8 << bias_shift), ReLU clamped at 1 (akida.h).
void set_akida2(Layer& l, const std::vector<int64_t>& t) {
  l.neuron.model = NeuronModel::Akida2;
  Akida2Params& p = l.neuron.akida2;
  // -T / 2^shift rounded half up
  auto bias_of = [](int64_t x, int shift) { return (-x + (shift ? int64_t{1} << (shift - 1) : 0)) >> shift; };
  int k = 0;
  auto fits = [&](int shift) {
    return std::all_of(t.begin(), t.end(), [&](int64_t x) { return bias_of(x, shift) >= -128 && bias_of(x, shift) <= 127; });
  };
  while (!fits(k)) ++k;  // |T| < 2^19 (checked by the caller): k <= 13
  for (int64_t x : t) p.bias.push_back(bias_of(x, k));
  p.bias_shift = k;
  p.input_shift = 0;
  p.relu = true;
  p.has_max_value = true;
  p.max_value = 1;
  p.max_value_shift = 0;
  p.output_scale.assign(static_cast<size_t>(l.n_out), 1);
  p.output_shift = 0;
  p.output_bits = 4;
}

}  // namespace

QuantizeResult quantize_akida(const nf::FloatNetwork& f, const std::string& name, const AkidaOptions& opt) {
  const std::string src = f.source.empty() ? f.name : f.source;
  const bool v2 = opt.generation == AkidaGeneration::V2;
  if (!v2 && opt.weight_bits != 2 && opt.weight_bits != 4)
    throw InputError("--weight-bits: found " + std::to_string(opt.weight_bits) +
                     ", expected 2 or 4 (Akida 1.0 FullyConnected weights; 1-bit weights are for on-chip learning)");
  if (v2 && opt.weight_bits != 4 && opt.weight_bits != 8)
    throw InputError("--weight-bits: found " + std::to_string(opt.weight_bits) +
                     ", expected 4 or 8 (Akida 2.0 Dense1D weights)");
  akida_check::CheckOptions co;
  co.weight_bits = opt.weight_bits;
  co.act_bits = v2 ? 4 : 1;  // 2.0: 4-bit outputs that carry 0 or 1
  co.max_decay = opt.max_decay;
  const std::vector<akida_check::Violation> v =
      akida_check::check(f, v2 ? akida_check::Target::Akida2 : akida_check::Target::Akida1, co);
  if (!v.empty()) {
    std::string text = src + ": not Akida-legal (" + std::to_string(v.size()) + " violation(s)):";
    for (const akida_check::Violation& x : v) text += "\n  " + x.layer + ": [" + x.rule + "] " + x.text;
    throw InputError(text);
  }
  const nf::FloatGraph& g = f.graph;
  QuantizeResult r;
  Network& net = r.net;
  net.name = name;
  net.timesteps = 1;
  net.input_size = static_cast<int>(nf::numel(g.node(g.inputs()[0]).out_shape));
  // binary spikes in, as for `quantize`; an Akida 2.0 Dense1D takes 4- or 8-bit
  // inputs, so there the spikes are 4-bit values 0 and 1
  net.input_payload_bits = v2 ? 4 : 1;
  const int64_t wmax = (int64_t{1} << (opt.weight_bits - 1)) - 1;

  // the check passed: a chain whose Flatten nodes only reshape a vector
  const std::vector<ChainLayer> chain = dense_chain(f, true);
  for (size_t layer = 0; layer < chain.size(); ++layer) {
    const nf::FloatNode& wn = g.node(chain[layer].weight);
    const nf::FloatNode& nn = g.node(chain[layer].neuron);
    if (nn.kind != nf::NodeKind::LIF)
      throw InputError(src + ": node '" + nn.name + "' (" + nf::kind_name(nn.kind) +
                       "): expected a stateless LIF after '" + wn.name + "'");
    const int n_out = static_cast<int>(wn.weight.shape.at(0)), n_in = static_cast<int>(wn.weight.shape.at(1));

    LayerQuant lq;
    lq.name = "fc" + std::to_string(layer + 1);
    lq.weight_node = wn.name;
    lq.neuron_node = nn.name;
    lq.neuron_kind = "LIF";
    lq.n_in = n_in;
    lq.n_out = n_out;
    lq.weight_bits = opt.weight_bits;
    lq.leak = "dropped (stateless)";
    lq.alpha = 0;  // the largest per-step decay of the layer's neurons, dropped
    lq.alpha_q = 0;

    // per neuron: the float step's gain g and constant drive c
    std::vector<double> gain(static_cast<size_t>(n_out)), drive(static_cast<size_t>(n_out));
    for (size_t n = 0; n < gain.size(); ++n) {
      const FloatStep st = float_step(f, nn, n);
      lq.alpha = std::max(lq.alpha, st.alpha);
      gain[n] = st.gain;
      drive[n] = st.drive;
    }
    std::vector<double> scale(static_cast<size_t>(n_out));
    double layer_max = 0;
    for (int n = 0; n < n_out; ++n) {
      double m = 0;
      for (int i = 0; i < n_in; ++i)
        m = std::max(m, std::abs(gain[static_cast<size_t>(n)] * wn.weight.data[static_cast<size_t>(n) * n_in + i]));
      scale[static_cast<size_t>(n)] = m;
      layer_max = std::max(layer_max, m);
    }
    if (!(layer_max > 0)) throw InputError(src + ": node '" + wn.name + "' (" + nf::kind_name(wn.kind) + "): weight: all zeros");
    for (double& s : scale) s = (opt.per_channel && s > 0 ? s : layer_max) / static_cast<double>(wmax);
    lq.scale = layer_max / static_cast<double>(wmax);

    Layer l = dense_layer(lq.name, n_in, n_out, opt.weight_bits);
    std::vector<int64_t> thresholds;
    double err_sum = 0;
    for (int n = 0; n < n_out; ++n) {
      const double s = scale[static_cast<size_t>(n)];
      for (int i = 0; i < n_in; ++i) {
        const size_t at = static_cast<size_t>(n) * n_in + i;
        const double want = gain[static_cast<size_t>(n)] * wn.weight.data[at];
        const int64_t w = std::clamp<int64_t>(std::llround(want / s), -wmax, wmax);
        l.weights[at] = static_cast<int32_t>(w);
        const double e = std::abs(want - s * static_cast<double>(w));
        lq.max_weight_error = std::max(lq.max_weight_error, e);
        err_sum += e;
      }
      const double b = wn.kind == nf::NodeKind::Affine ? wn.bias[static_cast<size_t>(n)] : 0.0;
      const double theta = nn.v_threshold[static_cast<size_t>(n)] - drive[static_cast<size_t>(n)] -
                           gain[static_cast<size_t>(n)] * b;
      const double t = std::floor(theta / s);
      if (!(std::abs(t) < static_cast<double>(int64_t{1} << 19)))
        throw InputError(src + ": node '" + nn.name + "' (LIF): v_threshold: the folded threshold is " +
                         std::to_string(t) + " integer units at this scale, expected a signed 20-bit value " +
                         std::string(v2 ? "(this converter's bound on the Akida 2.0 bias path; fewer --weight-bits lower it)"
                                             : "(Akida 1.0 thresholds; fewer --weight-bits lower it)"));
      thresholds.push_back(static_cast<int64_t>(t));
      lq.threshold_float = std::max(lq.threshold_float, nn.v_threshold[static_cast<size_t>(n)]);
    }
    lq.mean_weight_error = err_sum / (static_cast<double>(n_in) * n_out);
    if (v2) {
      set_akida2(l, thresholds);
      // a rounded bias moves the threshold: the error in float membrane units
      const Akida2Params& p2 = l.neuron.akida2;
      for (size_t n = 0; n < thresholds.size(); ++n) {
        const int64_t e = std::abs(p2.bias[n] * (int64_t{1} << p2.bias_shift) + thresholds[n]);
        lq.threshold_error = std::max(lq.threshold_error, static_cast<double>(e) * scale[n]);
      }
      lq.max_bias_error = lq.threshold_error;
    } else {
      set_akida1(l, thresholds);
    }
    net.layers.push_back(std::move(l));
    r.layers.push_back(lq);
  }
  return r;
}

}  // namespace sf::quant
