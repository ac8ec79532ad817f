#include "random_net.h"

#include <algorithm>
#include <random>

#include "loihi2.h"

namespace sf::test {

namespace {

struct Rng {
  std::mt19937_64 g;
  explicit Rng(uint64_t seed) : g(seed * 0x9E3779B97F4A7C15ull + 1) {}
  int64_t in(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(g); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(g) < p; }
};

// Input events at a random rate (sometimes dense), with payloads anywhere in the
// network's payload range (1 for binary inputs).
Raster random_raster(Rng& r, const Network& n) {
  Raster ras;
  ras.timesteps = n.timesteps;
  ras.size = n.input_size;
  const bool binary = n.input_payload_bits == 1 && !n.input_payload_signed;
  const double rate = r.chance(0.2) ? 0.9 : 0.1 + 0.4 * std::uniform_real_distribution<double>(0, 1)(r.g);
  for (int t = 0; t < n.timesteps; ++t)
    for (int i = 0; i < n.input_size; ++i)
      if (r.chance(rate)) ras.events.push_back({t, i, binary ? 1 : r.in(n.payload_min(), n.payload_max())});
  return ras;
}

}  // namespace

RandomNet random_net(uint64_t seed) {
  Rng r(seed);
  RandomNet out;
  Network& n = out.net;
  n.name = "random_" + std::to_string(seed);
  n.input_size = static_cast<int>(r.in(1, 24));
  n.input_payload_signed = r.chance(0.25);
  n.input_payload_bits = static_cast<int>(n.input_payload_signed ? r.in(2, 5) : (r.chance(0.5) ? 1 : r.in(2, 5)));
  n.timesteps = static_cast<int>(r.in(2, 12));
  const int depth = static_cast<int>(r.in(1, 4));
  int n_in = n.input_size;
  for (int k = 0; k < depth; ++k) {
    Layer l;
    l.name = "l" + std::to_string(k);
    l.n_in = n_in;
    l.n_out = static_cast<int>(r.in(1, 20));
    l.weight_bits = static_cast<int>(r.in(2, 8));
    const int64_t wmax = (int64_t{1} << (l.weight_bits - 1)) - 1;
    const int64_t wmin = -wmax - 1;
    // Skew weights positive so that layers actually fire.
    for (int64_t i = 0; i < int64_t{l.n_in} * l.n_out; ++i)
      l.weights.push_back(static_cast<int32_t>(r.chance(0.7) ? r.in(0, wmax) : r.in(wmin, wmax)));
    IfLifParams& p = l.neuron.iflif;
    l.neuron.model = r.chance(0.4) ? NeuronModel::If : NeuronModel::Lif;
    p.v_bits = static_cast<int>(r.chance(0.3) ? r.in(4, 7) : r.in(8, 20));
    const int64_t vmax = (int64_t{1} << (p.v_bits - 1)) - 1;
    p.threshold = std::min<int64_t>(vmax, std::max<int64_t>(1, r.in(1, wmax * std::max(1, l.n_in / 3) + 1)));
    p.fire = r.chance(0.5) ? FireRule::Ge : FireRule::Gt;
    const int reset = static_cast<int>(r.in(0, l.neuron.model == NeuronModel::Lif ? 3 : 2));
    p.reset = static_cast<ResetMode>(reset);
    if (p.reset == ResetMode::Zero) p.v_reset = r.in(-vmax / 2, vmax / 2);
    if (l.neuron.model == NeuronModel::Lif) {
      switch (r.in(0, 2)) {
        case 0: p.leak = {LeakKind::Shift, static_cast<int>(r.in(0, p.v_bits)), 0, 0, 0}; break;
        case 1: {
          const int f = static_cast<int>(r.in(0, 10));
          p.leak = {LeakKind::Mult, 0, r.in(0, int64_t{1} << f), f, 0};
          break;
        }
        default: p.leak = {LeakKind::Sub, 0, 0, 0, r.in(0, std::max<int64_t>(1, p.threshold / 2))};
      }
    }
    if (r.chance(0.4))
      for (int o = 0; o < l.n_out; ++o) l.bias.push_back(r.in(-p.threshold / 2, p.threshold / 2));
    l.parallel = static_cast<int>(r.in(1, l.n_out));
    if (r.chance(0.3)) l.weight_pack = static_cast<int>(r.in(2, 4));  // packed weight words
    n_in = l.n_out;
    n.layers.push_back(std::move(l));
  }
  out.raster = random_raster(r, n);
  return out;
}

RandomNet random_loihi2_net(uint64_t seed) {
  Rng r(seed ^ 0x4C4F494849320000ull);
  RandomNet out;
  Network& n = out.net;
  n.name = "random_loihi2_" + std::to_string(seed);
  n.input_size = static_cast<int>(r.in(1, 24));
  const int pay = static_cast<int>(r.in(0, 2));  // binary, unsigned graded, signed graded
  n.input_payload_signed = pay == 2;
  n.input_payload_bits = pay == 0 ? 1 : static_cast<int>(r.in(2, 8));
  n.timesteps = static_cast<int>(r.in(2, 24));
  // "hot" networks push u past the wrap and v into the clamp
  const bool hot = r.chance(0.3);
  const int depth = static_cast<int>(r.in(1, 3));
  int n_in = n.input_size;
  for (int k = 0; k < depth; ++k) {
    Layer l;
    l.name = "l" + std::to_string(k);
    l.n_in = n_in;
    l.n_out = static_cast<int>(r.in(1, 20));
    // raw weights as a trainer might hand them over, some outside the 8-bit range;
    // the sign mode follows from them (excitatory, inhibitory or mixed)
    // mostly excitatory or mixed, so that hidden layers fire and their spikes
    // travel through the synaptic delay (an inhibitory layer only fires on bias)
    const int sign = r.chance(0.5) ? 0 : (r.chance(0.7) ? 2 : 1);
    std::vector<int64_t> raw;
    for (int64_t i = 0; i < int64_t{l.n_in} * l.n_out; ++i) {
      int64_t w = r.in(0, r.chance(0.1) ? 300 : 255);
      if (sign == 1 || (sign == 2 && r.chance(0.35))) w = -w;
      raw.push_back(w);
    }
    const std::vector<int32_t> prepared =
        ref::loihi2::prepare_weights(raw, static_cast<int>(r.in(1, 8)));
    l.weights.assign(prepared.begin(), prepared.end());
    l.weight_bits = 9;
    l.neuron.model = NeuronModel::Loihi2;
    Loihi2Params& q = l.neuron.loihi2;
    const int64_t dpick = r.in(0, 4);
    q.du = dpick == 0 ? 0 : dpick == 1 ? 4095 : dpick == 2 ? 2047 : static_cast<int>(r.in(0, 4095));
    q.dv = r.chance(0.25) ? 0 : r.chance(0.1) ? 4095 : static_cast<int>(r.in(0, r.chance(0.6) ? 1024 : 4095));
    q.vth = r.chance(0.1) ? 0 : r.chance(0.1) ? (int64_t{1} << 17) - 1 : r.in(1, hot ? 20000 : 250);
    q.bias_exp = static_cast<int>(r.in(0, 7));
    q.weight_exp = static_cast<int>(hot ? r.in(2, 7) : (r.chance(0.2) ? r.in(-8, -3) : r.in(-2, 3)));
    if (r.chance(0.5))
      for (int o = 0; o < l.n_out; ++o)
        l.bias.push_back(hot && r.chance(0.5) ? (r.chance(0.5) ? 4095 : -4096) : r.in(-64, 64));
    l.parallel = static_cast<int>(r.in(1, l.n_out));
    if (r.chance(0.3)) l.weight_pack = static_cast<int>(r.in(2, 4));  // packed weight words
    n_in = l.n_out;
    n.layers.push_back(std::move(l));
  }
  out.raster = random_raster(r, n);
  return out;
}

namespace {

int64_t signed_lim(int bits) { return (int64_t{1} << (bits - 1)) - 1; }

// A rough size of a layer's per-step sum: a third of the inputs at a typical payload.
int64_t typical_sum(int n_in, int64_t wmax, int64_t pmax) {
  return std::max<int64_t>(1, wmax * std::max<int64_t>(1, pmax / 2) * std::max(1, n_in / 3));
}

int log2_floor(int64_t x) {
  int b = 0;
  while (x > 1) x >>= 1, ++b;
  return b;
}

}  // namespace

RandomNet random_akida_net(uint64_t seed) {
  Rng r(seed ^ 0x414B494441310000ull);
  RandomNet out;
  Network& n = out.net;
  n.name = "random_akida_" + std::to_string(seed);
  n.input_size = static_cast<int>(r.in(1, 24));
  const bool input_layer = r.chance(0.3);
  static const int kBits[] = {1, 2, 4};
  n.input_payload_bits = input_layer && r.chance(0.6) ? 8 : kBits[r.in(0, 2)];
  n.input_payload_signed = false;
  n.timesteps = static_cast<int>(r.in(2, 12));
  const int depth = static_cast<int>(r.in(1, 3));
  int n_in = n.input_size;
  int64_t pmax = n.payload_max();
  for (int k = 0; k < depth; ++k) {
    Layer l;
    l.name = "l" + std::to_string(k);
    l.n_in = n_in;
    l.n_out = static_cast<int>(r.in(1, 20));
    l.neuron.model = NeuronModel::Akida;
    AkidaParams& q = l.neuron.akida;
    q.input_layer = k == 0 && input_layer;
    l.weight_bits = q.input_layer && r.chance(0.5) ? 8 : kBits[r.in(0, 2)];
    const int64_t wmax = l.weight_bits == 1 ? 1 : signed_lim(l.weight_bits);
    const int64_t wmin = l.weight_bits == 1 ? 0 : -wmax;
    // mostly positive, so that potentials pass the thresholds
    for (int64_t i = 0; i < int64_t{l.n_in} * l.n_out; ++i)
      l.weights.push_back(static_cast<int32_t>(r.chance(0.7) ? r.in(0, wmax) : r.in(wmin, wmax)));
    q.act_bits = kBits[r.in(0, 2)];
    const int tb = q.input_layer ? 24 : 20;
    const int64_t tmax = signed_lim(tb);
    const int64_t typical = typical_sum(l.n_in, wmax, pmax);
    for (int o = 0; o < l.n_out; ++o) {
      const int64_t pick = r.in(0, 9);
      q.threshold.push_back(pick == 0   ? tmax
                            : pick == 1 ? -tmax - 1
                            : pick <= 3 ? r.in(-typical, 0)
                                        : r.in(-typical / 4, typical));
    }
    // act_step: s_eff = act_step * 2^(4 - act_bits) of about typical / 2^act_bits, or odd
    // corners: tiny steps (every potential above T saturates, f up to 60), huge ones
    const int64_t pick = r.in(0, 9);
    if (pick == 0) {
      q.act_step_m = static_cast<uint64_t>(r.in(1, (int64_t{1} << 24) - 1));
      q.act_step_f = static_cast<int>(r.in(30, 60));
    } else if (pick == 1) {
      q.act_step_m = static_cast<uint64_t>(r.in(1, 31)) | 1u;
      q.act_step_f = static_cast<int>(r.in(-14, -4));  // act_step 16 .. 2^18
    } else {
      // s_eff ~ typical / 2^(act_bits-1), i.e. act_step ~ typical / 8 in 4-bit units
      const int e = log2_floor(typical) - 2 + static_cast<int>(r.in(-2, 2));
      const int mbits = static_cast<int>(r.in(1, 12));
      q.act_step_m = static_cast<uint64_t>(r.in(int64_t{1} << (mbits - 1), (int64_t{1} << mbits) - 1));
      q.act_step_f = mbits - 1 - e;
      if (r.chance(0.3)) q.act_step_m <<= r.in(0, 3), q.act_step_f += 0;  // unnormalized forms too
    }
    // keep 0 < act_step < 2^(tb-1)
    while (q.act_step_f + tb - 1 <= 62 &&
           q.act_step_m >= (uint64_t{1} << std::max(0, tb - 1 + q.act_step_f)))
      ++q.act_step_f;
    if (q.act_step_m >= (uint64_t{1} << 24)) q.act_step_m >>= 4, q.act_step_f -= 4;
    if (q.act_step_m == 0) q.act_step_m = 1;
    l.parallel = static_cast<int>(r.in(1, l.n_out));
    if (r.chance(0.3)) l.weight_pack = static_cast<int>(r.in(2, 4));  // packed weight words
    n_in = l.n_out;
    pmax = (int64_t{1} << q.act_bits) - 1;
    n.layers.push_back(std::move(l));
  }
  out.raster = random_raster(r, n);
  return out;
}

RandomNet random_akida2_net(uint64_t seed) {
  Rng r(seed ^ 0x414B494441320000ull);
  RandomNet out;
  Network& n = out.net;
  n.name = "random_akida2_" + std::to_string(seed);
  n.input_size = static_cast<int>(r.in(1, 24));
  n.input_payload_bits = r.chance(0.5) ? 4 : 8;
  n.input_payload_signed = r.chance(0.4);
  n.timesteps = static_cast<int>(r.in(2, 12));
  const int depth = static_cast<int>(r.in(1, 3));
  int n_in = n.input_size;
  int64_t pmax = n.payload_max();
  for (int k = 0; k < depth; ++k) {
    Layer l;
    l.name = "l" + std::to_string(k);
    l.n_in = n_in;
    l.n_out = static_cast<int>(r.in(1, 20));
    l.neuron.model = NeuronModel::Akida2;
    Akida2Params& q = l.neuron.akida2;
    l.weight_bits = r.chance(0.5) ? 4 : 8;
    const int64_t wmax = signed_lim(l.weight_bits);
    for (int64_t i = 0; i < int64_t{l.n_in} * l.n_out; ++i)
      l.weights.push_back(static_cast<int32_t>(r.chance(0.65) ? r.in(0, wmax) : r.in(-wmax - 1, wmax)));
    q.input_shift = static_cast<int>(r.chance(0.5) ? 0 : r.chance(0.8) ? r.in(1, 6) : r.in(7, 20));
    if (r.chance(0.6)) {
      for (int o = 0; o < l.n_out; ++o) q.bias.push_back(r.in(-128, 127));
      q.bias_shift = static_cast<int>(r.chance(0.7) ? r.in(0, 6) : r.in(7, 32));
    }
    // small buffers saturate the final sum
    q.buffer_bits = static_cast<int>(r.chance(0.3) ? r.in(2, 12) : r.chance(0.5) ? 28 : r.in(13, 32));
    q.relu = r.chance(0.6);
    if (q.relu && r.chance(0.5)) {
      q.has_max_value = true;
      q.max_value = r.in(0, 255);
      q.max_value_shift = static_cast<int>(r.chance(0.7) ? r.in(0, 8) : r.in(9, 32));
    }
    q.output_bits = r.chance(0.5) ? 4 : 8;
    // a few layers with tiny scales and left shifts (output_shift >= 0)
    const bool left = r.chance(0.15);
    for (int o = 0; o < l.n_out; ++o)
      q.output_scale.push_back(left ? r.in(0, 3) : r.chance(0.05) ? 0 : r.chance(0.1) ? 255 : r.in(1, 255));
    // output_shift: scale the typical accumulator (times a typical scale of 128) into the
    // output range, +- a few bits (both saturation and zero outputs), sometimes far off
    int64_t typical = typical_sum(l.n_in, wmax, pmax) << q.input_shift;
    typical = std::min<int64_t>(typical, int64_t{1} << (q.buffer_bits - 1));
    const int want = log2_floor(typical) + 7 - (q.output_bits - 1);
    q.output_shift = static_cast<int>(left              ? r.in(0, 3)
                                      : r.chance(0.1) ? r.in(-128, 127)
                                                      : std::clamp<int64_t>(-want + r.in(-3, 3), -128, 127));
    l.parallel = static_cast<int>(r.in(1, l.n_out));
    if (r.chance(0.3)) l.weight_pack = static_cast<int>(r.in(2, 4));  // packed weight words
    n_in = l.n_out;
    pmax = (int64_t{1} << (q.output_bits - (q.relu ? 0 : 1))) - 1;
    n.layers.push_back(std::move(l));
  }
  out.raster = random_raster(r, n);
  return out;
}

}  // namespace sf::test

namespace sf::test {

namespace {

// A draw from the values of `pool` (or `fallback` when it is empty).
template <class T>
T pick(Rng& r, const std::vector<T>& pool, T fallback) {
  return pool.empty() ? fallback : pool[static_cast<size_t>(r.in(0, static_cast<int64_t>(pool.size()) - 1))];
}

// A conv2d layer of random geometry over [c_in, h, w] with the neuron model of
// `like`: weights drawn from like's weights (so the model's weight rules hold),
// per-neuron parameters cut or repeated to one per output channel.
Layer random_conv(Rng& r, const std::string& name, int c_in, int h, int w, const Layer& like, bool pool) {
  Layer l;
  l.name = name;
  ConvGeom& g = l.conv;
  g.c_in = c_in, g.h_in = h, g.w_in = w;
  for (;;) {
    g.groups = 1;
    if (pool) {
      g.c_out = c_in, g.groups = c_in;
      g.kh = g.kw = static_cast<int>(r.in(1, std::min(3, std::min(h, w))));
      if (r.chance(0.3)) g.kw = static_cast<int>(r.in(1, std::min(3, w)));
      g.sh = g.kh, g.sw = g.kw;
      g.ph = g.pw = 0, g.dh = g.dw = 1;
    } else {
      const int cog = static_cast<int>(r.in(1, 4));
      if (c_in % 2 == 0 && r.chance(0.25)) g.groups = 2;
      if (r.chance(0.1)) g.groups = c_in;  // depthwise (times cog)
      g.c_out = g.groups * cog;
      g.kh = static_cast<int>(r.in(1, 7)), g.kw = r.chance(0.7) ? g.kh : static_cast<int>(r.in(1, 7));
      g.sh = static_cast<int>(r.in(1, 3)), g.sw = r.chance(0.7) ? g.sh : static_cast<int>(r.in(1, 3));
      g.ph = static_cast<int>(r.in(0, 3)), g.pw = r.chance(0.7) ? g.ph : static_cast<int>(r.in(0, 3));
      g.dh = r.chance(0.25) ? 2 : 1, g.dw = r.chance(0.7) ? g.dh : (r.chance(0.5) ? 2 : 1);
    }
    const int ry = h + 2 * g.ph - g.dh * (g.kh - 1) - 1, rx = w + 2 * g.pw - g.dw * (g.kw - 1) - 1;
    if (ry < 0 || rx < 0) continue;
    g.h_out = ry / g.sh + 1, g.w_out = rx / g.sw + 1;
    if (int64_t{g.c_out} * g.h_out * g.w_out <= 400) break;
  }
  l.type = pool ? LayerType::SumPool2d : LayerType::Conv2d;
  l.n_in = c_in * h * w;
  l.n_out = g.c_out * g.h_out * g.w_out;
  l.neuron = like.neuron;
  l.weight_bits = pool ? (like.neuron.model == NeuronModel::Akida2 ? 4 : 2) : like.weight_bits;  // akida2: int4 or int8
  l.weights.resize(g.weight_count());
  for (int32_t& x : l.weights) x = pool ? 1 : pick<int32_t>(r, like.weights, 1);
  const auto per_channel = [&](std::vector<int64_t>& v) {
    if (v.empty()) return;
    std::vector<int64_t> out;
    for (int c = 0; c < g.c_out; ++c) out.push_back(pick<int64_t>(r, v, 0));
    v = std::move(out);
  };
  if (like.has_bias()) {
    l.bias = like.bias;
    per_channel(l.bias);
  }
  per_channel(l.neuron.akida.threshold);
  per_channel(l.neuron.akida2.bias);
  per_channel(l.neuron.akida2.output_scale);
  l.parallel = static_cast<int>(r.in(1, g.cog()));
  return l;
}

}  // namespace

RandomNet random_conv_net(uint64_t seed, const std::string& model) {
  Rng r(seed ^ 0xC0417ull);
  // a network of the model's own generator lends its neuron parameters, weights and payloads
  const RandomNet base = model == "loihi2"   ? random_loihi2_net(seed)
                         : model == "akida"  ? random_akida_net(seed)
                         : model == "akida2" ? random_akida2_net(seed)
                                             : random_net(seed);
  RandomNet out;
  Network& n = out.net;
  n = base.net;
  n.name = "random_conv_" + model + "_" + std::to_string(seed);
  n.format_version = 2;
  n.layers.clear();
  const int c = static_cast<int>(r.in(1, 4)), h = static_cast<int>(r.in(3, 10)), w = static_cast<int>(r.in(3, 10));
  n.input_shape = {c, h, w};
  n.input_size = c * h * w;
  n.layers.push_back(random_conv(r, "conv1", c, h, w, base.net.layers.front(), false));
  // akida: only the first layer may be an input layer
  Layer later = base.net.layers.size() > 1 ? base.net.layers[1] : base.net.layers.front();
  later.neuron.akida.input_layer = false;
  if (base.net.layers.size() == 1 && base.net.layers.front().neuron.akida.input_layer) later = Layer{};
  const int extra = later.weights.empty() ? 0 : static_cast<int>(r.in(0, 2));
  for (int k = 0; k < extra; ++k) {
    const ConvGeom& g = n.layers.back().conv;
    n.layers.push_back(random_conv(r, "conv" + std::to_string(k + 2), g.c_out, g.h_out, g.w_out, later,
                                   r.chance(0.4) && std::min(g.h_out, g.w_out) >= 2));
  }
  if (!later.weights.empty() && r.chance(0.6)) {
    // a dense layer reads the flattened map
    Layer d;
    d.name = "fc";
    d.n_in = n.layers.back().n_out;
    d.n_out = static_cast<int>(r.in(1, 6));
    d.neuron = later.neuron;
    d.weight_bits = later.weight_bits;
    d.weights.resize(static_cast<size_t>(d.n_in) * d.n_out);
    for (int32_t& x : d.weights) x = pick<int32_t>(r, later.weights, 1);
    if (later.has_bias())
      for (int o = 0; o < d.n_out; ++o) d.bias.push_back(pick<int64_t>(r, later.bias, 0));
    auto per_neuron = [&](std::vector<int64_t>& v) {
      if (v.empty()) return;
      std::vector<int64_t> o;
      for (int k = 0; k < d.n_out; ++k) o.push_back(pick<int64_t>(r, v, 0));
      v = std::move(o);
    };
    per_neuron(d.neuron.akida.threshold);
    per_neuron(d.neuron.akida2.bias);
    per_neuron(d.neuron.akida2.output_scale);
    d.parallel = static_cast<int>(r.in(1, d.n_out));
    n.layers.push_back(std::move(d));
  }
  for (size_t k = 0; k < n.layers.size(); ++k)
    n.layers[k].inputs = {k == 0 ? n.input_name : n.layers[k - 1].name};
  // input events at a random rate, payloads drawn from the model's own raster
  std::vector<int64_t> pays;
  for (const InputEvent& e : base.raster.events) pays.push_back(e.payload);
  out.raster.timesteps = n.timesteps = static_cast<int>(r.in(2, 6));
  out.raster.size = n.input_size;
  const double rate = r.chance(0.2) ? 0.8 : 0.05 + 0.3 * std::uniform_real_distribution<double>(0, 1)(r.g);
  for (int t = 0; t < n.timesteps; ++t)
    for (int i = 0; i < n.input_size; ++i)
      if (r.chance(rate)) out.raster.events.push_back({t, i, pick<int64_t>(r, pays, 1)});
  return out;
}

}  // namespace sf::test
