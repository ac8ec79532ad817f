#include "netx_convert.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "ir/error.h"
#include "import/lava_weights.h"

namespace sf::import {

namespace {

[[noreturn]] void fail(const NetxModel& m, const NetxLayer& L, const std::string& what) {
  throw InputError(m.path + ": " + L.name + ": " + what);
}

// The neuron of a CUBA/LOIHI layer, checked, and its stored bias's range;
// true when the bias has a nonzero value (the caller lays it out per neuron).
bool map_neuron(const NetxModel& m, const NetxLayer& L, Layer& l) {
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
  return any_bias;
}

int bits_for(int64_t lo, int64_t hi) {
  int bits = 2;
  while (lo < -(int64_t{1} << (bits - 1)) || hi > (int64_t{1} << (bits - 1)) - 1) ++bits;
  return bits;
}

// A dense layer: netx's optimize_weight_bits, then Lava's Dense preparation.
NetxLayerReport map_dense_weights(const NetxModel& m, const NetxLayer& L, Layer& l) {
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
  const lava::SignMode mode = lava::sign_mode(w);
  const int k = lava::weight_shift(w, mode);
  if (k < 0 || k > 8)
    fail(m, L, "weight: netx's weight exponent would be " + std::to_string(-k) + ", expected -8..0");
  std::vector<int64_t> shifted(w.size());
  for (size_t j = 0; j < w.size(); ++j) shifted[j] = w[j] * (int64_t{1} << k);
  const int nwb = lava::num_weight_bits(w, k, mode);
  if (nwb < 1 || nwb > 9)
    fail(m, L, "weight: netx's num_weight_bits would be " + std::to_string(nwb) + ", expected 1..9");
  // Lava's Dense: clip to the sign mode's range, then drop 8 - nwb (+1 if
  // mixed) low bits; nwb = 9 (mixed, odd weights) drops none.
  const std::vector<int32_t> prepared =
      nwb <= 8 ? lava::prepare_weights(shifted, nwb, mode) : std::vector<int32_t>(shifted.begin(), shifted.end());
  const Loihi2Params& q = l.neuron.loihi2;
  NetxLayerReport rep{l.name, "dense", lava::sign_mode_name(mode), -k, nwb, 0, q.du, q.dv, q.vth};
  int32_t lo = 0, hi = 0;
  for (size_t j = 0; j < prepared.size(); ++j) {
    rep.weights_changed += prepared[j] != shifted[j];
    lo = std::min(lo, prepared[j]), hi = std::max(hi, prepared[j]);
  }
  l.neuron.loihi2.weight_exp = -k;
  l.weights = prepared;
  l.weight_bits = bits_for(lo, hi);
  return rep;
}

// The shape of the spikes flowing between layers: (c, h, w) after an input or
// conv layer (spatial), n = c after a dense or flatten layer.
struct Shape {
  int64_t c = 0, h = 1, w = 1;
  bool spatial = false;
  int64_t size() const { return c * h * w; }
};

// One (y, x) pair of a conv parameter, stored in (y, x) order.
std::pair<int64_t, int64_t> pair_param(const NetxModel& m, const NetxLayer& L, const char* key, int64_t lo) {
  const auto it = L.params.find(key);
  if (it == L.params.end()) fail(m, L, std::string(key) + ": missing (a conv layer needs it)");
  const std::vector<double>& v = it->second;
  if (v.size() != 1 && v.size() != 2)
    fail(m, L, std::string(key) + ": found " + std::to_string(v.size()) + " values, expected (y, x)");
  for (double x : v)
    if (!(x >= static_cast<double>(lo) && x <= 4096 && x == std::floor(x)))
      fail(m, L, std::string(key) + ": found " + std::to_string(x) + ", expected an integer in " +
                     std::to_string(lo) + "..4096");
  return {static_cast<int64_t>(v.front()), static_cast<int64_t>(v.back())};
}

int64_t int_param(const NetxModel& m, const NetxLayer& L, const char* key) {
  return pair_param(m, L, key, 1).first;
}

// A conv layer expanded into its dense matrix (netx_convert.h).
NetxLayerReport map_conv(const NetxModel& m, const NetxLayer& L, const Shape& in, Layer& l, Shape& out) {
  const auto [kh, kw] = pair_param(m, L, "kernelSize", 1);
  const auto [sy, sx] = pair_param(m, L, "stride", 1);
  const auto [py, px] = pair_param(m, L, "padding", 0);
  const auto [dy, dx] = pair_param(m, L, "dilation", 1);
  const int64_t groups = int_param(m, L, "groups");
  const int64_t c_in = int_param(m, L, "inChannels"), c_out = int_param(m, L, "outChannels");
  if (c_in != in.c)
    fail(m, L, "inChannels: found " + std::to_string(c_in) + ", expected " + std::to_string(in.c) +
                   " (the channels of the layer before)");
  if (c_in % groups != 0 || c_out % groups != 0)
    fail(m, L, "groups: found " + std::to_string(groups) + ", expected a divisor of inChannels " +
                   std::to_string(c_in) + " and outChannels " + std::to_string(c_out));
  const int64_t cg_in = c_in / groups, cg_out = c_out / groups;
  // weight (O, I/groups, kH, kW), trailing dimensions of 1 allowed (tiny.net: 5-d)
  std::vector<int> dims = L.weight_dims;
  while (dims.size() > 4 && dims.back() == 1) dims.pop_back();
  if (dims.size() != 4 || dims[0] != c_out || dims[1] != cg_in || dims[2] != kh || dims[3] != kw) {
    std::string got;
    for (int d : L.weight_dims) got += (got.empty() ? "" : ", ") + std::to_string(d);
    fail(m, L, "weight: dimensions (" + got + "), expected (" + std::to_string(c_out) + ", " + std::to_string(cg_in) +
                   ", " + std::to_string(kh) + ", " + std::to_string(kw) + ") = (outChannels, inChannels/groups, kernelSize)");
  }
  const int64_t ho = (in.h + 2 * py - dy * (kh - 1) - 1) / sy + 1, wo = (in.w + 2 * px - dx * (kw - 1) - 1) / sx + 1;
  if (in.h + 2 * py - dy * (kh - 1) - 1 < 0 || in.w + 2 * px - dx * (kw - 1) - 1 < 0)
    fail(m, L, "kernelSize: the dilated kernel does not fit the padded " + std::to_string(in.h) + "x" +
                   std::to_string(in.w) + " input");
  const std::vector<int64_t> want = {c_out, ho, wo};
  std::vector<int64_t> stored(L.shape.begin(), L.shape.end());
  if (stored != want)
    fail(m, L, "shape: found [" + [&] {
           std::string t;
           for (int64_t d : stored) t += (t.empty() ? "" : ", ") + std::to_string(d);
           return t;
         }() + "], expected [" + std::to_string(c_out) + ", " + std::to_string(ho) + ", " + std::to_string(wo) +
                   "] (c, y, x) from the input " + std::to_string(in.c) + "x" + std::to_string(in.h) + "x" +
                   std::to_string(in.w) + " and the kernel, stride, padding and dilation");
  const int64_t n_in = in.size(), n_out = c_out * ho * wo;
  if (n_out > (int64_t{1} << 20))
    fail(m, L, "shape: " + std::to_string(n_out) + " neurons, expected at most 2^20 per layer");
  for (size_t k = 0; k < L.weights.size(); ++k)
    if (L.weights[k] < -256 || L.weights[k] > 255)
      fail(m, L, "weight (flat index " + std::to_string(k) + "): found " + std::to_string(L.weights[k]) +
                     ", expected -256..255");
  // A conv2d layer: the kernel is kept as netx stores it, [O][I/groups][kH][kW]
  // (weight sharing: stored once).
  l.type = LayerType::Conv2d;
  ConvGeom& g = l.conv;
  g.c_in = static_cast<int>(in.c), g.h_in = static_cast<int>(in.h), g.w_in = static_cast<int>(in.w);
  g.c_out = static_cast<int>(c_out), g.h_out = static_cast<int>(ho), g.w_out = static_cast<int>(wo);
  g.kh = static_cast<int>(kh), g.kw = static_cast<int>(kw), g.sh = static_cast<int>(sy), g.sw = static_cast<int>(sx);
  g.ph = static_cast<int>(py), g.pw = static_cast<int>(px), g.dh = static_cast<int>(dy), g.dw = static_cast<int>(dx);
  g.groups = static_cast<int>(groups);
  l.n_in = static_cast<int>(n_in);
  l.n_out = static_cast<int>(n_out);
  l.weights.assign(L.weights.begin(), L.weights.end());
  int32_t lo = 0, hi = 0;
  const size_t per = static_cast<size_t>(cg_in * kh * kw);
  for (int64_t o = 0; o < c_out; ++o) {
    // the interior neurons of channel o see the whole kernel: the largest sum of |weight|
    int64_t abs_sum = 0;
    for (size_t k = 0; k < per; ++k) {
      const int32_t w = l.weights[static_cast<size_t>(o) * per + k];
      abs_sum += std::abs(w);
      lo = std::min(lo, w), hi = std::max(hi, w);
    }
    if (abs_sum >= (int64_t{1} << 23))
      fail(m, L, "output channel " + std::to_string(o) + ": the sum of |weight| over its kernel is " +
                     std::to_string(abs_sum) + ", expected below 2^23 (Lava's Conv wraps its output to 24 bits)");
  }
  (void)cg_out;
  l.weight_bits = bits_for(lo, hi);
  l.neuron.loihi2.weight_exp = 0;
  out = {c_out, ho, wo, true};
  const Loihi2Params& q = l.neuron.loihi2;
  const std::string geo = "conv " + std::to_string(in.c) + "x" + std::to_string(in.h) + "x" + std::to_string(in.w) +
                          " -> " + std::to_string(c_out) + "x" + std::to_string(ho) + "x" + std::to_string(wo) +
                          ", kernel " + std::to_string(kh) + "x" + std::to_string(kw) + ", stride " +
                          std::to_string(sy) + "," + std::to_string(sx) + ", padding " + std::to_string(py) + "," +
                          std::to_string(px) + ", dilation " + std::to_string(dy) + "," + std::to_string(dx) +
                          ", groups " + std::to_string(groups);
  return {l.name, geo, "as stored (Lava's Conv)", 0, 8, 0, q.du, q.dv, q.vth};
}

}  // namespace

NetxImport netx_to_network(const NetxModel& m, const std::string& name, const NetxOptions& opt) {
  const std::string why = unsupported_reason(m);
  if (!why.empty()) throw InputError(m.path + ":\n" + why);
  NetxImport out;
  Network& net = out.net;
  net.name = name;
  net.input_payload_bits = 1;
  net.decoding = OutputDecoding::SpikeCount;
  net.timesteps = std::isfinite(m.sim_t_sample) && m.sim_t_sample >= 1 && m.sim_t_sample <= (1 << 24)
                      ? static_cast<int>(m.sim_t_sample)
                      : 1;
  Shape cur;  // c = 0: not known yet
  size_t first = 0;
  if (m.layers.front().type == "input") {
    const NetxLayer& L = m.layers.front();
    if (!opt.skip_input)
      fail(m, L, "type input: netx's input layer is a LIF per pixel driven through its bias by the image "
                 "(2·weight·x - weight + bias), which the IR's event input cannot express; --skip-input "
                 "imports the layers after it, with the input layer's spikes as the raster ((c, y, x) order)");
    if (L.shape.size() == 3)
      cur = {L.shape[0], L.shape[1], L.shape[2], true};
    else if (L.shape.size() == 1)
      cur = {L.shape[0], 1, 1, false};
    else
      fail(m, L, "shape: found " + std::to_string(L.shape.size()) + " dimensions, expected (c, y, x) or (n)");
    if (std::any_of(L.shape.begin(), L.shape.end(), [](int d) { return d < 1; }))
      fail(m, L, "shape: a dimension below 1, expected positive (c, y, x) or (n)");
    if (cur.size() > (int64_t{1} << 24))
      fail(m, L, "shape: found " + std::to_string(cur.size()) + " neurons, expected 1..2^24");
    first = 1;
  }
  bool flatten = false;
  for (size_t i = first; i < m.layers.size(); ++i) {
    const NetxLayer& L = m.layers[i];
    if (L.type == "flatten") {
      flatten = true;
      cur.spatial = false;
      continue;
    }
    if (L.type == "input") fail(m, L, "type input: an input layer must be layer/0");
    Layer l;
    l.name = "layer" + std::to_string(net.layers.size());
    if (L.type == "dense") {
      if (cur.spatial)
        fail(m, L, "type dense after a (c, y, x) layer without a flatten layer between them (netx connects a "
                   "conv layer to a dense one through flatten)");
      if (cur.c > 0 && cur.size() != L.n_in)
        fail(m, L, "inFeatures: found " + std::to_string(L.n_in) + ", expected " + std::to_string(cur.size()) +
                       " (the outputs of the layer before" + (flatten ? ", flattened" : "") + ")");
      l.n_in = L.n_in;
      l.n_out = L.n_out;
      if (map_neuron(m, L, l))
        for (double b : L.bias) l.bias.push_back(static_cast<int64_t>(b));
      out.layers.push_back(map_dense_weights(m, L, l));
      cur = {L.n_out, 1, 1, false};
    } else {  // conv (unsupported_reason lets no other type through)
      if (cur.c == 0)
        fail(m, L, "type conv as the first layer: netx takes a conv layer's input shape from the layer "
                   "before it, and this file has none");
      if (!cur.spatial)
        fail(m, L, "type conv after a dense or flatten layer: expected a (c, y, x) input");
      Shape next;
      const bool any_bias = map_neuron(m, L, l);
      out.layers.push_back(map_conv(m, L, cur, l, next));
      // a per-channel bias (netx's channel-wise bias), one entry per output channel
      if (!L.bias.empty()) {
        if (static_cast<int64_t>(L.bias.size()) != next.c)
          fail(m, L, "bias: found " + std::to_string(L.bias.size()) + " values, expected " +
                         std::to_string(next.c) + " (one per output channel)");
        if (any_bias)
          for (int64_t c = 0; c < next.c; ++c) l.bias.push_back(static_cast<int64_t>(L.bias[static_cast<size_t>(c)]));
      }
      // conv layers need the input's (c, y, x) shape: a version 2 network
      net.format_version = 2;
      cur = next;
    }
    flatten = false;
    if (net.layers.empty()) {
      net.input_size = l.n_in;
      net.input_shape = l.is_conv() ? std::vector<int64_t>{l.conv.c_in, l.conv.h_in, l.conv.w_in}
                                    : std::vector<int64_t>{l.n_in};
    }
    net.layers.push_back(std::move(l));
  }
  if (net.layers.empty()) throw InputError(m.path + ": no dense or conv layer to import");
  return out;
}

}  // namespace sf::import
