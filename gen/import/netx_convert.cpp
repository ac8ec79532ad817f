#include "netx_convert.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "ir/error.h"
#include "loihi2.h"

namespace sf::import {

namespace {

namespace l2 = sf::ref::loihi2;

// floor(log2(a / b)) for 0 < a, b < 2^40: the largest k with 2^k * b <= a.
int floor_log2_ratio(int64_t a, int64_t b) {
  int k = 0;
  if (a >= b) {
    while ((b << (k + 1)) <= a) ++k;
    return k;
  }
  do --k;
  while (b > (a << -k));
  return k;
}

// netx's _determine_weight_exp (lava weightutils): the left shift k that
// brings the weights' extreme to Loihi's 8-bit mantissa range; weight_exp = -k.
int determine_k(const std::vector<int64_t>& w, l2::SignMode mode) {
  const int64_t hi = *std::max_element(w.begin(), w.end());
  const int64_t lo = *std::min_element(w.begin(), w.end());
  switch (mode) {
    case l2::SignMode::kMixed: {
      // scale = min(127 / hi, -128 / lo); floor(log2(min)) = min of the floors
      int k = 64;
      if (hi > 0) k = std::min(k, floor_log2_ratio(127, hi));
      if (lo < 0) k = std::min(k, floor_log2_ratio(128, -lo));
      return k + 1;
    }
    case l2::SignMode::kInhibitory:
      return lo < 0 ? floor_log2_ratio(256, -lo) : 0;
    case l2::SignMode::kExcitatory:
      return hi > 0 ? floor_log2_ratio(255, hi) : 0;  // all zero: netx would fail (log2 of inf)
  }
  return 0;
}

// netx's num_weight_bits (lava-dl netx/utils.py optimize_weight_bits): n is
// the number of low zero bits common to the STORED weights (minus one when
// mixed), and num_weight_bits = 8 - k - n, so that Lava's truncation of the
// shifted weights drops only zero bits.
int determine_num_weight_bits(const std::vector<int64_t>& stored, int k, l2::SignMode mode) {
  int n = 8;
  while (n > 0 && std::any_of(stored.begin(), stored.end(),
                              [n](int64_t w) { return w % (int64_t{1} << n) != 0; }))
    --n;
  if (mode == l2::SignMode::kMixed) --n;
  return 8 - k - n;
}

const char* mode_name(l2::SignMode m) {
  switch (m) {
    case l2::SignMode::kMixed: return "mixed";
    case l2::SignMode::kExcitatory: return "excitatory";
    case l2::SignMode::kInhibitory: return "inhibitory";
  }
  return "?";
}

[[noreturn]] void fail(const NetxModel& m, const NetxLayer& L, const std::string& what) {
  throw InputError(m.path + ": " + L.name + ": " + what);
}

}  // namespace

NetxImport netx_to_network(const NetxModel& m, const std::string& name) {
  const std::string why = unsupported_reason(m);
  if (!why.empty()) throw InputError(m.path + ":\n" + why);
  NetxImport out;
  Network& net = out.net;
  net.name = name;
  net.input_size = m.layers.front().n_in;
  net.input_payload_bits = 1;
  net.decoding = OutputDecoding::SpikeCount;
  net.timesteps = std::isfinite(m.sim_t_sample) && m.sim_t_sample >= 1 && m.sim_t_sample <= (1 << 24)
                      ? static_cast<int>(m.sim_t_sample)
                      : 1;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const NetxLayer& L = m.layers[i];
    // netx: du = iDecay - 1 (Lava adds 1 back), dv = vDecay, vth = vThMant
    if (L.i_decay < 1)
      fail(m, L, "neuron/iDecay: found 0, expected 1..4096 (netx maps it to du = iDecay - 1 = -1, "
                 "outside Loihi 2's 12-bit du register; see reference/loihi2/README.md)");
    if (L.v_decay > 4095)
      fail(m, L, "neuron/vDecay: found 4096, expected 0..4095 (dv is a 12-bit register; 4096 would "
                 "clear v every step)");
    if (L.v_th_mant > 131071)
      fail(m, L, "neuron/vThMant: found " + std::to_string(static_cast<int64_t>(L.v_th_mant)) +
                     ", expected 0..131071 (vth is 17 bits; netx uses 2^17 / 2^18-1 for a layer that "
                     "never spikes, which this import does not map)");
    Layer l;
    l.name = "layer" + std::to_string(i);
    l.n_in = L.n_in;
    l.n_out = L.n_out;
    l.neuron.model = NeuronModel::Loihi2;
    Loihi2Params& q = l.neuron.loihi2;
    q.du = static_cast<int>(L.i_decay) - 1;
    q.dv = static_cast<int>(L.v_decay);
    q.vth = static_cast<int64_t>(L.v_th_mant);
    q.bias_exp = 6;
    bool any_bias = false;
    for (size_t n = 0; n < L.bias.size(); ++n) {
      const double b = L.bias[n];
      if (b < -4096 || b > 4095)
        fail(m, L, "bias[" + std::to_string(n) + "]: found " + std::to_string(static_cast<int64_t>(b)) +
                       ", expected -4096..4095 (bias_mant is 13-bit signed)");
      any_bias = any_bias || b != 0;
    }
    if (any_bias)
      for (double b : L.bias) l.bias.push_back(static_cast<int64_t>(b));

    // weights: integers (checked by unsupported_reason) in Loihi's range
    std::vector<int64_t> w;
    w.reserve(L.weights.size());
    for (size_t k = 0; k < L.weights.size(); ++k) {
      const double x = L.weights[k];
      if (x < -256 || x > 255)
        fail(m, L, "weight[" + std::to_string(k / static_cast<size_t>(L.n_in)) + "][" +
                       std::to_string(k % static_cast<size_t>(L.n_in)) + "]: found " +
                       std::to_string(static_cast<int64_t>(x)) + ", expected -256..255");
      w.push_back(static_cast<int64_t>(x));
    }
    const l2::SignMode mode = l2::determine_sign_mode(w);
    const int k = determine_k(w, mode);
    if (k < 0 || k > 8)
      fail(m, L, "weight: netx's weight exponent would be " + std::to_string(-k) + ", expected -8..0");
    std::vector<int64_t> shifted(w.size());
    for (size_t j = 0; j < w.size(); ++j) shifted[j] = w[j] * (int64_t{1} << k);
    const int nwb = determine_num_weight_bits(w, k, mode);
    if (nwb < 1 || nwb > 9)
      fail(m, L, "weight: netx's num_weight_bits would be " + std::to_string(nwb) + ", expected 1..9");
    // Lava's Dense: clip to the sign mode's range, then drop 8 - nwb (+1 if
    // mixed) low bits; nwb = 9 (mixed, odd weights) drops none.
    const std::vector<int32_t> prepared =
        nwb <= 8 ? l2::prepare_weights(shifted, nwb, mode) : std::vector<int32_t>(shifted.begin(), shifted.end());
    NetxLayerReport rep{l.name, mode_name(mode), -k, nwb, 0, q.du, q.dv, q.vth};
    int32_t lo = 0, hi = 0;
    for (size_t j = 0; j < prepared.size(); ++j) {
      rep.weights_changed += prepared[j] != shifted[j];
      lo = std::min(lo, prepared[j]), hi = std::max(hi, prepared[j]);
    }
    q.weight_exp = -k;
    l.weights = prepared;
    int bits = 2;
    while (lo < -(int64_t{1} << (bits - 1)) || hi > (int64_t{1} << (bits - 1)) - 1) ++bits;
    l.weight_bits = bits;
    net.layers.push_back(std::move(l));
    out.layers.push_back(rep);
  }
  return out;
}

}  // namespace sf::import
