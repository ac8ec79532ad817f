// Convolution and sum pooling in the golden model (reference/synapses.h):
// hand-computed windows (padding corners, stride, dilation, groups), and on
// random networks of every model the conv layer against its dense twin, whose
// matrix this test builds by looping over the OUTPUT neurons (the golden model
// loops over an input event's window): two derivations of one semantics. The
// fast path is held to the readable one on random conv networks.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "golden.h"
#include "net_builder.h"

namespace sf::test {
namespace {

using Rng = std::mt19937_64;
int64_t uniform(Rng& rng, int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }

ConvGeom geom(int c_in, int h_in, int w_in, int c_out, int k, int s = 1, int p = 0, int d = 1, int groups = 1) {
  ConvGeom g;
  g.c_in = c_in, g.h_in = h_in, g.w_in = w_in, g.c_out = c_out;
  g.kh = g.kw = k, g.sh = g.sw = s, g.ph = g.pw = p, g.dh = g.dw = d, g.groups = groups;
  g.h_out = (h_in + 2 * p - d * (k - 1) - 1) / s + 1;
  g.w_out = (w_in + 2 * p - d * (k - 1) - 1) / s + 1;
  return g;
}

Layer conv_layer(const std::string& name, const ConvGeom& g, std::vector<int32_t> w, NeuronSpec neuron,
                 int weight_bits = 8, std::vector<int64_t> bias = {}) {
  Layer l;
  l.name = name;
  l.type = LayerType::Conv2d;
  l.conv = g;
  l.n_in = g.c_in * g.h_in * g.w_in;
  l.n_out = g.c_out * g.h_out * g.w_out;
  l.weights = std::move(w);
  l.weight_bits = weight_bits;
  l.bias = std::move(bias);
  l.neuron = neuron;
  return l;
}

// An `if` neuron that never fires and never resets: v after one step is the step's input sum.
NeuronSpec integrator() {
  NeuronSpec n;
  n.model = NeuronModel::If;
  n.iflif = if_params((int64_t{1} << 30) - 1, ResetMode::None, FireRule::Ge, 32);
  return n;
}

// v of every output neuron after one step with one input event at (c, y, x).
std::vector<int64_t> sums_of_event(const Layer& l, int c, int y, int x, int64_t payload = 1) {
  const ConvGeom& g = l.conv;
  Network net = network(l.n_in, {l}, payload == 1 ? 1 : 8, payload != 1);
  const int i = (c * g.h_in + y) * g.w_in + x;
  return ref::run(net, raster(1, l.n_in, {{0, i, payload}})).layers[0].state.at("v")[0];
}

int neuron(const ConvGeom& g, int co, int oy, int ox) { return (co * g.h_out + oy) * g.w_out + ox; }

// w[co][0][ky][kx] = 100 co + 10 ky + kx + 1: every cell tells where it came from.
std::vector<int32_t> labelled(const ConvGeom& g) {
  std::vector<int32_t> w(g.weight_count());
  for (size_t k = 0; k < w.size(); ++k) {
    const int kx = static_cast<int>(k % g.kw), ky = static_cast<int>(k / g.kw % g.kh);
    const int ci = static_cast<int>(k / (g.kw * g.kh) % g.cig()), co = static_cast<int>(k / (g.kw * g.kh * g.cig()));
    w[k] = 100 * co + 30 * ci + 10 * ky + kx + 1;
  }
  return w;
}

TEST(GoldenConv, PaddedCornerReachesFourOutputs) {
  // 1x4x4, k3 p1 s1: input (0, 0) sits under the kernel cells (1,1), (1,0), (0,1), (0,0)
  // of outputs (0,0), (0,1), (1,0), (1,1).
  const ConvGeom g = geom(1, 4, 4, 2, 3, 1, 1);
  const Layer l = conv_layer("c", g, labelled(g), integrator(), 16);
  const auto v = sums_of_event(l, 0, 0, 0);
  std::vector<int64_t> want(l.n_out, 0);
  for (int co = 0; co < 2; ++co) {
    want[neuron(g, co, 0, 0)] = 100 * co + 10 * 1 + 1 + 1;
    want[neuron(g, co, 0, 1)] = 100 * co + 10 * 1 + 0 + 1;
    want[neuron(g, co, 1, 0)] = 100 * co + 10 * 0 + 1 + 1;
    want[neuron(g, co, 1, 1)] = 100 * co + 10 * 0 + 0 + 1;
  }
  EXPECT_EQ(v, want);
  // the opposite corner (3, 3) mirrors it
  const auto v2 = sums_of_event(l, 0, 3, 3);
  EXPECT_EQ(v2[neuron(g, 0, 3, 3)], 10 * 1 + 1 + 1);
  EXPECT_EQ(v2[neuron(g, 0, 2, 2)], 10 * 2 + 2 + 1);
  EXPECT_EQ(v2[neuron(g, 1, 2, 3)], 100 + 10 * 2 + 1 + 1);
  EXPECT_EQ(std::count_if(v2.begin(), v2.end(), [](int64_t x) { return x != 0; }), 8);
}

TEST(GoldenConv, StrideTwoKeepsOnlyTheGrid) {
  // 1x5x5, k3 s2 p0 -> 2x2: input (2, 2) is cell (2,2) of output (0,0), (2,0) of (0,1),
  // (0,2) of (1,0) and (0,0) of (1,1); input (1, 1) only reaches output (0,0) at (1,1).
  const ConvGeom g = geom(1, 5, 5, 1, 3, 2, 0);
  ASSERT_EQ(g.h_out, 2);
  const Layer l = conv_layer("c", g, labelled(g), integrator(), 16);
  EXPECT_EQ(sums_of_event(l, 0, 2, 2), (std::vector<int64_t>{23, 21, 3, 1}));
  EXPECT_EQ(sums_of_event(l, 0, 1, 1), (std::vector<int64_t>{12, 0, 0, 0}));
  EXPECT_EQ(sums_of_event(l, 0, 4, 1), (std::vector<int64_t>{0, 0, 22, 0}));
}

TEST(GoldenConv, DilationSpreadsTheKernel) {
  // 1x5x5, k2 d2 p0 -> 3x3 (span 3): input (2, 2) is cell (1,1) of output (0,0),
  // (1,0) of (0,2), (0,1) of (2,0), (0,0) of (2,2).
  const ConvGeom g = geom(1, 5, 5, 1, 2, 1, 0, 2);
  ASSERT_EQ(g.h_out, 3);
  const Layer l = conv_layer("c", g, labelled(g), integrator(), 16);
  EXPECT_EQ(sums_of_event(l, 0, 2, 2), (std::vector<int64_t>{12, 0, 11, 0, 0, 0, 2, 0, 1}));
}

TEST(GoldenConv, GroupsReachOnlyTheirChannels) {
  // 2 groups: input channel 1 reaches output channels 2 and 3 only, with their kernels.
  const ConvGeom g = geom(2, 3, 3, 4, 1, 1, 0, 1, 2);
  const Layer l = conv_layer("c", g, labelled(g), integrator(), 16);
  const auto v = sums_of_event(l, 1, 1, 2, -3);
  for (int co = 0; co < 4; ++co)
    for (int n = 0; n < 9; ++n)
      EXPECT_EQ(v[co * 9 + n], co >= 2 && n == 1 * 3 + 2 ? -3 * (100 * co + 1) : 0) << co << " " << n;
}

TEST(GoldenConv, BiasIsPerChannel) {
  const ConvGeom g = geom(1, 2, 2, 2, 1);
  NeuronSpec n = integrator();
  const Layer l = conv_layer("c", g, {1, 1}, n, 8, {5, -7});
  const auto v = sums_of_event(l, 0, 0, 1);
  EXPECT_EQ(v, (std::vector<int64_t>{5, 6, 5, 5, -7, -6, -7, -7}));
}

// ---- the conv layer against its dense twin, every model ----

// The dense matrix of a conv layer, row by row: neuron (co, oy, ox) reads input
// (ci, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw) for every cell of its kernel.
std::vector<int32_t> dense_matrix(const Layer& l) {
  const ConvGeom& g = l.conv;
  std::vector<int32_t> w(static_cast<size_t>(l.n_out) * l.n_in, 0);
  for (int co = 0; co < g.c_out; ++co)
    for (int oy = 0; oy < g.h_out; ++oy)
      for (int ox = 0; ox < g.w_out; ++ox)
        for (int cl = 0; cl < g.cig(); ++cl)
          for (int ky = 0; ky < g.kh; ++ky)
            for (int kx = 0; kx < g.kw; ++kx) {
              const int iy = oy * g.sh - g.ph + ky * g.dh, ix = ox * g.sw - g.pw + kx * g.dw;
              if (iy < 0 || iy >= g.h_in || ix < 0 || ix >= g.w_in) continue;
              const int ci = co / g.cog() * g.cig() + cl;
              w[static_cast<size_t>(neuron(g, co, oy, ox)) * l.n_in + (ci * g.h_in + iy) * g.w_in + ix] =
                  l.weights[((static_cast<size_t>(co) * g.cig() + cl) * g.kh + ky) * g.kw + kx];
            }
  return w;
}

std::vector<int64_t> spread(const std::vector<int64_t>& per_channel, int positions) {
  std::vector<int64_t> out;
  for (int64_t x : per_channel) out.insert(out.end(), static_cast<size_t>(positions), x);
  return out;
}

Layer dense_twin(const Layer& c) {
  Layer d = c;
  d.type = LayerType::Dense;
  d.conv = ConvGeom{};
  d.weights = dense_matrix(c);
  const int pos = c.conv.positions();
  d.bias = spread(c.bias, pos);
  if (!d.neuron.akida.threshold.empty()) d.neuron.akida.threshold = spread(c.neuron.akida.threshold, pos);
  if (!d.neuron.akida2.bias.empty()) d.neuron.akida2.bias = spread(c.neuron.akida2.bias, pos);
  if (!d.neuron.akida2.output_scale.empty()) d.neuron.akida2.output_scale = spread(c.neuron.akida2.output_scale, pos);
  return d;
}

ConvGeom random_geom(Rng& rng, int c_in, int h, int w) {
  for (;;) {
    ConvGeom g;
    g.c_in = c_in, g.h_in = h, g.w_in = w;
    g.groups = uniform(rng, 0, 2) == 0 && c_in % 2 == 0 ? 2 : 1;
    g.c_out = g.groups * static_cast<int>(uniform(rng, 1, 3));
    g.kh = static_cast<int>(uniform(rng, 1, 5)), g.kw = static_cast<int>(uniform(rng, 1, 5));
    g.sh = static_cast<int>(uniform(rng, 1, 3)), g.sw = static_cast<int>(uniform(rng, 1, 3));
    g.ph = static_cast<int>(uniform(rng, 0, 2)), g.pw = static_cast<int>(uniform(rng, 0, 2));
    g.dh = static_cast<int>(uniform(rng, 1, 2)), g.dw = static_cast<int>(uniform(rng, 1, 2));
    const int sh = g.h_in + 2 * g.ph - g.dh * (g.kh - 1) - 1, sw = g.w_in + 2 * g.pw - g.dw * (g.kw - 1) - 1;
    if (sh < 0 || sw < 0) continue;
    g.h_out = sh / g.sh + 1, g.w_out = sw / g.sw + 1;
    return g;
  }
}

std::vector<int32_t> random_weights(Rng& rng, size_t n, int64_t lo, int64_t hi) {
  std::vector<int32_t> w(n);
  for (int32_t& x : w) x = static_cast<int32_t>(uniform(rng, lo, hi));
  return w;
}

NeuronSpec random_neuron(Rng& rng, NeuronModel m, int c_out, int64_t scale) {
  NeuronSpec n;
  n.model = m;
  switch (m) {
    case NeuronModel::If:
    case NeuronModel::Lif:
      n.iflif = if_params(uniform(rng, 1, scale), static_cast<ResetMode>(uniform(rng, 0, m == NeuronModel::Lif ? 3 : 2)),
                          uniform(rng, 0, 1) ? FireRule::Ge : FireRule::Gt, 16);
      if (m == NeuronModel::Lif) n.iflif.leak = shift_leak(static_cast<int>(uniform(rng, 1, 4)));
      break;
    case NeuronModel::Loihi2:
      n.loihi2.du = static_cast<int>(uniform(rng, 0, 4095));
      n.loihi2.dv = static_cast<int>(uniform(rng, 0, 4095));
      n.loihi2.vth = uniform(rng, 1, 200);
      n.loihi2.weight_exp = static_cast<int>(uniform(rng, 0, 3));
      break;
    case NeuronModel::Akida:
      n.akida.act_bits = uniform(rng, 0, 1) ? 1 : 4;
      n.akida.act_step_m = static_cast<uint64_t>(uniform(rng, 1, 7));
      n.akida.act_step_f = 0;
      for (int c = 0; c < c_out; ++c) n.akida.threshold.push_back(uniform(rng, 0, scale));
      break;
    case NeuronModel::Akida2:
      n.akida2.relu = true;
      n.akida2.output_bits = 4;
      n.akida2.output_shift = -static_cast<int>(uniform(rng, 0, 3));
      for (int c = 0; c < c_out; ++c) n.akida2.output_scale.push_back(uniform(rng, 1, 3));
      for (int c = 0; c < c_out; ++c) n.akida2.bias.push_back(uniform(rng, -4, 4));
      break;
  }
  return n;
}

TEST(GoldenConv, EqualsItsDenseTwinForEveryModel) {
  Rng rng(20261207);
  const NeuronModel models[] = {NeuronModel::If, NeuronModel::Lif, NeuronModel::Loihi2, NeuronModel::Akida,
                                NeuronModel::Akida2};
  int compared_spikes = 0;
  for (NeuronModel m : models)
    for (int trial = 0; trial < 12; ++trial) {
      // conv -> conv, a [c, h, w] input, random events
      const int c_in = static_cast<int>(uniform(rng, 1, 3)) * (m == NeuronModel::Akida ? 1 : 2);
      const ConvGeom g1 = random_geom(rng, c_in, static_cast<int>(uniform(rng, 3, 8)), static_cast<int>(uniform(rng, 3, 8)));
      const ConvGeom g2 = random_geom(rng, g1.c_out, g1.h_out, g1.w_out);
      Network net;
      net.name = "conv";
      const bool akida1 = m == NeuronModel::Akida, akida2 = m == NeuronModel::Akida2;
      net.input_payload_bits = akida1 ? 1 : akida2 ? 4 : 1;
      int64_t wlo = -8, whi = 7;
      int wbits = 8;
      if (akida1) wlo = -1, whi = 1, wbits = 2;
      if (akida2) wbits = 4;
      if (m == NeuronModel::Loihi2) wlo = -256, whi = 255, wbits = 9;
      const int64_t scale = akida1 ? 3 : akida2 ? 8 : m == NeuronModel::Loihi2 ? 150 : 12;
      for (const ConvGeom& g : {g1, g2}) {
        Layer l = conv_layer(net.layers.empty() ? "c1" : "c2", g, random_weights(rng, g.weight_count(), wlo, whi),
                             random_neuron(rng, m, g.c_out, scale), wbits);
        if ((m == NeuronModel::If || m == NeuronModel::Lif || m == NeuronModel::Loihi2) && uniform(rng, 0, 1))
          for (int c = 0; c < g.c_out; ++c) l.bias.push_back(uniform(rng, -3, 3));
        if (akida1 && net.layers.empty()) l.neuron.akida.input_layer = true;
        net.layers.push_back(l);
      }
      net.input_size = net.layers[0].n_in;
      net.input_shape = {g1.c_in, g1.h_in, g1.w_in};
      Network twin = net;
      for (Layer& l : twin.layers) l = dense_twin(l);
      std::vector<InputEvent> ev;
      for (int t = 0; t < 5; ++t)
        for (int i = 0; i < net.input_size; ++i)
          if (uniform(rng, 0, 2) == 0) ev.push_back({t, i, akida2 ? uniform(rng, 1, 7) : 1});
      const Raster r = raster(5, net.input_size, ev);
      const Trace a = ref::run(net, r), b = ref::run(twin, r);
      ASSERT_EQ(a.layers.size(), b.layers.size());
      for (size_t k = 0; k < a.layers.size(); ++k) {
        const auto& sa = a.layers[k].spikes;
        const auto& sb = b.layers[k].spikes;
        ASSERT_EQ(sa.size(), sb.size()) << to_string(m) << " trial " << trial << " layer " << k;
        for (size_t s = 0; s < sa.size(); ++s)
          ASSERT_TRUE(sa[s].t == sb[s].t && sa[s].neuron == sb[s].neuron && sa[s].payload == sb[s].payload);
        EXPECT_EQ(a.layers[k].state, b.layers[k].state) << to_string(m) << " trial " << trial << " layer " << k;
        compared_spikes += static_cast<int>(sa.size());
      }
    }
  EXPECT_GT(compared_spikes, 1000);  // the networks were not silent
}

TEST(GoldenConv, FastPathEqualsReadable) {
  Rng rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    const ConvGeom g1 = random_geom(rng, static_cast<int>(uniform(rng, 1, 4)) * 2, static_cast<int>(uniform(rng, 4, 10)),
                                    static_cast<int>(uniform(rng, 4, 10)));
    const NeuronModel m = uniform(rng, 0, 1) ? NeuronModel::If : NeuronModel::Lif;
    Network net;
    net.name = "fast";
    net.input_payload_bits = uniform(rng, 0, 1) ? 1 : 3;
    net.input_payload_signed = net.input_payload_bits > 1;
    Layer c = conv_layer("c", g1, random_weights(rng, g1.weight_count(), -20, 20), random_neuron(rng, m, g1.c_out, 30), 8);
    if (uniform(rng, 0, 1))
      for (int co = 0; co < g1.c_out; ++co) c.bias.push_back(uniform(rng, -5, 5));
    net.layers.push_back(c);
    net.layers.push_back(dense("d", c.n_out, 5, random_weights(rng, static_cast<size_t>(c.n_out) * 5, -3, 3),
                               if_params(6)));
    net.input_size = c.n_in;
    std::vector<InputEvent> ev;
    for (int t = 0; t < 6; ++t)
      for (int i = 0; i < net.input_size; ++i)
        if (uniform(rng, 0, 3) == 0) {
          int64_t p = net.input_payload_bits == 1 ? 1 : uniform(rng, -4, 3);
          if (p != 0) ev.push_back({t, i, p});
        }
    const Raster r = raster(6, net.input_size, ev);
    const Trace a = ref::run(net, r);
    ref::Simulator sim(net);
    const Trace b = sim.run(r);
    for (size_t k = 0; k < 2; ++k) {
      ASSERT_EQ(a.layers[k].spikes.size(), b.layers[k].spikes.size()) << "trial " << trial;
      for (size_t s = 0; s < a.layers[k].spikes.size(); ++s)
        ASSERT_TRUE(a.layers[k].spikes[s].t == b.layers[k].spikes[s].t &&
                    a.layers[k].spikes[s].neuron == b.layers[k].spikes[s].neuron);
      EXPECT_EQ(a.layers[k].state, b.layers[k].state) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace sf::test
