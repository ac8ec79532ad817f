// The integer graph model against the two other golden models:
//  - the dense if/lif golden model (reference/golden.h, sf_reference): random
//    dense networks built once as an sf::Network and once as an IntGraph must
//    give the same spikes and the same v at every step (both golden paths,
//    run() and Simulator);
//  - the float NIR model (reference/nir_float) on graphs whose float
//    arithmetic is exact on integers (integer weights, IF with impulse input,
//    r = 1): the same spikes and v.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "float_model.h"
#include "golden.h"
#include "int_graph.h"
#include "ir/events.h"
#include "ir/network.h"

namespace ig = sf::ref::int_graph;
namespace nf = sf::ref::nir_float;

namespace {

ig::FireRule to_ig(sf::FireRule f) { return f == sf::FireRule::Ge ? ig::FireRule::Ge : ig::FireRule::Gt; }

ig::ResetMode to_ig(sf::ResetMode r) {
  switch (r) {
    case sf::ResetMode::Subtract: return ig::ResetMode::Subtract;
    case sf::ResetMode::Zero: return ig::ResetMode::Zero;
    case sf::ResetMode::None: return ig::ResetMode::None;
    case sf::ResetMode::SubtractDeferred: return ig::ResetMode::SubtractDeferred;
  }
  return ig::ResetMode::Subtract;
}

ig::Leak to_ig(const sf::Leak& l) {
  ig::Leak out;
  out.shift = l.shift;
  out.beta = l.beta;
  out.frac = l.frac;
  out.lambda = l.lambda;
  switch (l.kind) {
    case sf::LeakKind::None: out.kind = ig::LeakKind::None; break;
    case sf::LeakKind::Shift: out.kind = ig::LeakKind::Shift; break;
    case sf::LeakKind::Mult: out.kind = ig::LeakKind::Mult; break;
    case sf::LeakKind::Sub: out.kind = ig::LeakKind::Sub; break;
  }
  return out;
}

// The dense network as a graph: in -> fcK (Dense, the layer's weights) -> nK
// (IF or LIF with the layer's parameters and bias) -> ... -> out.
ig::IntGraph to_graph(const sf::Network& net) {
  ig::IntGraph g;
  g.add(ig::input_node("in", {net.input_size}));
  std::string prev = "in";
  for (size_t k = 0; k < net.layers.size(); ++k) {
    const sf::Layer& l = net.layers[k];
    const std::string fc = "fc" + std::to_string(k), n = "n" + std::to_string(k);
    ig::Tensor w{{l.n_out, l.n_in}, ig::Values(l.weights.begin(), l.weights.end())};
    g.add(ig::dense_node(fc, w));
    const sf::IfLifParams& p = l.neuron.iflif;
    ig::NeuronParams q;
    q.threshold = p.threshold;
    q.fire = to_ig(p.fire);
    q.reset = to_ig(p.reset);
    q.v_reset = p.v_reset;
    q.v_bits = p.v_bits;
    q.leak = to_ig(p.leak);
    q.bias = l.bias;
    g.add(l.neuron.model == sf::NeuronModel::If ? ig::if_node(n, q) : ig::lif_node(n, q));
    g.connect(prev, fc);
    g.connect(fc, n);
    prev = n;
  }
  g.add(ig::output_node("out"));
  g.connect(prev, "out");
  g.finalize();
  return g;
}

struct Rng {
  std::mt19937_64 gen;
  int64_t uni(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(gen); }
  bool coin(double p = 0.5) { return std::bernoulli_distribution(p)(gen); }
};

sf::Network random_network(Rng& r, bool graded) {
  sf::Network net;
  net.name = "random";
  net.input_size = static_cast<int>(r.uni(1, 30));
  if (graded) {
    net.input_payload_bits = static_cast<int>(r.uni(2, 4));
    net.input_payload_signed = r.coin();
  }
  const int layers = static_cast<int>(r.uni(1, 3));
  int n_in = net.input_size;
  static const int kVBits[] = {3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32};
  for (int k = 0; k < layers; ++k) {
    sf::Layer l;
    l.name = "l" + std::to_string(k);
    l.n_in = n_in;
    l.n_out = static_cast<int>(r.uni(1, 30));
    sf::IfLifParams& p = l.neuron.iflif;
    p.v_bits = kVBits[r.uni(0, 10)];
    const int64_t vmax = (int64_t{1} << (p.v_bits - 1)) - 1;
    l.weight_bits = static_cast<int>(r.uni(2, std::min(16, p.v_bits + 2)));
    const int64_t wmax = (int64_t{1} << (l.weight_bits - 1)) - 1;
    for (int i = 0; i < l.n_in * l.n_out; ++i) {
      int64_t w = r.uni(-wmax - 1, wmax);
      if (r.coin(0.3)) w = std::min(wmax, std::max<int64_t>(-w, w));  // lean excitatory
      l.weights.push_back(static_cast<int32_t>(w));
    }
    const bool lif = r.coin();
    l.neuron.model = lif ? sf::NeuronModel::Lif : sf::NeuronModel::If;
    p.threshold = r.uni(1, std::min(vmax, std::max<int64_t>(1, 3 * wmax)));
    p.fire = r.coin() ? sf::FireRule::Ge : sf::FireRule::Gt;
    const sf::ResetMode resets[] = {sf::ResetMode::Subtract, sf::ResetMode::Zero, sf::ResetMode::None,
                                    sf::ResetMode::SubtractDeferred};
    p.reset = resets[r.uni(0, lif ? 3 : 2)];
    p.v_reset = r.coin() ? 0 : r.uni(-vmax - 1, vmax);
    if (lif) {
      switch (r.uni(0, 3)) {
        case 0: break;
        case 1: p.leak.kind = sf::LeakKind::Shift, p.leak.shift = static_cast<int>(r.uni(0, 10)); break;
        case 2:
          p.leak.kind = sf::LeakKind::Mult;
          p.leak.frac = static_cast<int>(r.uni(0, 16));
          p.leak.beta = r.uni(0, int64_t{1} << p.leak.frac);
          break;
        default: p.leak.kind = sf::LeakKind::Sub, p.leak.lambda = r.uni(0, 8); break;
      }
    }
    if (r.coin()) {
      for (int n = 0; n < l.n_out; ++n) l.bias.push_back(r.uni(-(vmax + 1) / 2, vmax / 2));
    }
    net.layers.push_back(l);
    n_in = l.n_out;
  }
  return net;
}

// Returns the raster and the same input as one dense vector per step.
sf::Raster random_raster(Rng& r, const sf::Network& net, int steps, std::vector<ig::Values>& dense) {
  sf::Raster raster;
  raster.timesteps = steps;
  raster.size = net.input_size;
  const double density = static_cast<double>(r.uni(5, 60)) / 100.0;
  const int64_t lo = net.input_payload_signed ? -(int64_t{1} << (net.input_payload_bits - 1)) : 0;
  const int64_t hi = (int64_t{1} << (net.input_payload_bits - (net.input_payload_signed ? 1 : 0))) - 1;
  dense.assign(static_cast<size_t>(steps), ig::Values(static_cast<size_t>(net.input_size), 0));
  for (int t = 0; t < steps; ++t) {
    for (int i = 0; i < net.input_size; ++i) {
      if (!r.coin(density)) continue;
      int64_t p = 1;
      while (net.input_payload_bits > 1 && (p = r.uni(lo, hi)) == 0) {
      }
      raster.events.push_back({t, i, p});
      dense[static_cast<size_t>(t)][static_cast<size_t>(i)] = p;
    }
  }
  return raster;
}

// What the random networks exercised, so the cross-check cannot pass vacuously.
struct Coverage {
  int64_t spikes = 0, saturated = 0, deferred = 0, leak_kinds[4] = {0, 0, 0, 0}, resets[4] = {0, 0, 0, 0};
};

// Compares the IntGraph with sf::ref::run and sf::ref::Simulator step by step;
// returns the first difference ("" when none).
std::string compare(const sf::Network& net, const sf::Raster& raster, const std::vector<ig::Values>& xs,
                    Coverage& cov) {
  const sf::Trace slow = sf::ref::run(net, raster);
  sf::ref::Simulator fast_sim(net);
  const sf::Trace fast = fast_sim.run(raster);
  const ig::IntGraph g = to_graph(net);
  ig::Simulator sim(g);
  for (size_t t = 0; t < xs.size(); ++t) {
    sim.step({xs[t]});
    for (size_t k = 0; k < net.layers.size(); ++k) {
      const sf::Layer& l = net.layers[k];
      const size_t node = g.index("n" + std::to_string(k));
      ig::Values want_s(static_cast<size_t>(l.n_out), 0);
      for (const sf::Spike& s : slow.layers[k].spikes) {
        if (s.t == static_cast<int>(t)) want_s[static_cast<size_t>(s.neuron)] = 1;
      }
      const std::vector<int64_t>& want_v = slow.layers[k].state.at("v").at(t);
      const std::string at = "step " + std::to_string(t) + ", layer " + std::to_string(k);
      if (sim.value(node) != want_s) return at + ": spikes differ";
      if (sim.v(node) != want_v) return at + ": v differs";
      if (fast.layers[k].state.at("v").at(t) != want_v) return at + ": the golden paths differ";
      const int64_t vmax = (int64_t{1} << (l.neuron.iflif.v_bits - 1)) - 1;
      for (size_t n = 0; n < want_v.size(); ++n) {
        cov.spikes += want_s[n];
        // v at a bound with no spike-reset this step: the sum was clamped there.
        if (want_v[n] == vmax || want_v[n] == -vmax - 1) ++cov.saturated;
        cov.deferred += sim.deferred(node)[n];
      }
    }
  }
  for (size_t k = 0; k < net.layers.size(); ++k) {
    if (fast.layers[k].spikes != slow.layers[k].spikes) {
      return "layer " + std::to_string(k) + ": fast spikes differ";
    }
  }
  for (const sf::Layer& l : net.layers) {
    ++cov.leak_kinds[static_cast<int>(l.neuron.iflif.leak.kind)];
    ++cov.resets[static_cast<int>(l.neuron.iflif.reset)];
  }
  return "";
}

void cross_check(uint64_t seed, int networks, bool graded) {
  Rng r{std::mt19937_64(seed)};
  Coverage cov;
  for (int i = 0; i < networks; ++i) {
    const sf::Network net = random_network(r, graded);
    std::vector<ig::Values> xs;
    const sf::Raster raster = random_raster(r, net, static_cast<int>(r.uni(10, 40)), xs);
    const std::string diff = compare(net, raster, xs, cov);
    ASSERT_EQ(diff, "") << "seed " << seed << ", network " << i;
  }
  EXPECT_GT(cov.spikes, 1000);
  EXPECT_GT(cov.saturated, 100);
  EXPECT_GT(cov.deferred, 50);
  for (int k = 0; k < 4; ++k) EXPECT_GT(cov.leak_kinds[k], 0) << "leak kind " << k;
  for (int k = 0; k < 4; ++k) EXPECT_GT(cov.resets[k], 0) << "reset mode " << k;
  std::cout << "[ cross-check ] " << networks << " networks: " << cov.spikes << " spikes, "
            << cov.saturated << " saturated v, " << cov.deferred << " deferred resets\n";
}

}  // namespace

TEST(CrossCheck, RandomDenseIfLifMatchGoldenBinaryInput) { cross_check(20240601, 300, false); }

TEST(CrossCheck, RandomDenseIfLifMatchGoldenGradedInput) { cross_check(777, 100, true); }

// ---- The float model on integer-exact graphs ---------------------------------------

namespace {

nf::Values as_double(const ig::Values& v) { return nf::Values(v.begin(), v.end()); }

struct BridgeLayer {
  ig::Values w, b;
};

// in[2,6,6] -> conv (4 out, groups 2, 3x3, stride 1, pad 1, bias) -> if1 ->
// SumPool2d 2x2 -> Flatten -> dense [5, 36] + bias -> if2 -> out, built in
// both models with the same integer weights. IF: r = 1, impulse input, strict
// threshold, reset to 0 or by subtraction: every float value is an integer.
void bridge(bool subtract, uint64_t seed) {
  Rng r{std::mt19937_64(seed)};
  ig::Values cw, cb, dw, db;
  for (int i = 0; i < 4 * 1 * 3 * 3; ++i) cw.push_back(r.uni(-3, 3));
  for (int i = 0; i < 4; ++i) cb.push_back(r.uni(-1, 1));
  for (int i = 0; i < 5 * 36; ++i) dw.push_back(r.uni(-2, 3));
  for (int i = 0; i < 5; ++i) db.push_back(r.uni(-1, 1));
  const int64_t th1 = 3, th2 = 4;

  ig::Window iw;
  iw.stride = {1, 1};
  iw.pad_begin = iw.pad_end = {1, 1};
  iw.dilation = {1, 1};
  iw.groups = 2;
  ig::NeuronParams p1, p2;
  p1.threshold = th1;
  p2.threshold = th2;
  for (ig::NeuronParams* p : {&p1, &p2}) {
    p->fire = ig::FireRule::Gt;
    p->reset = subtract ? ig::ResetMode::Subtract : ig::ResetMode::Zero;
    p->v_bits = 40;
  }
  ig::IntGraph gi;
  gi.add(ig::input_node("in", {2, 6, 6}));
  gi.add(ig::conv_node("conv", {{4, 1, 3, 3}, cw}, cb, iw));
  gi.add(ig::if_node("if1", p1));
  gi.add(ig::sum_pool2d_node("pool", {2, 2}, {2, 2}, {0, 0}));
  gi.add(ig::flatten_node("flat", 0, -1));
  gi.add(ig::dense_node("fc", {{5, 36}, dw}, db));
  gi.add(ig::if_node("if2", p2));
  gi.add(ig::output_node("out"));

  nf::Window fw;
  fw.stride = {1, 1};
  fw.pad_begin = fw.pad_end = {1, 1};
  fw.dilation = {1, 1};
  fw.groups = 2;
  nf::FloatGraph gf;
  gf.add(nf::input_node("in", {2, 6, 6}));
  gf.add(nf::conv_node("conv", {{4, 1, 3, 3}, as_double(cw)}, as_double(cb), fw));
  gf.add(nf::if_node("if1", {1}, {double(th1)}, {0}));
  gf.add(nf::sum_pool2d_node("pool", {2, 2}, {2, 2}, {0, 0}));
  gf.add(nf::flatten_node("flat", 0, -1));
  gf.add(nf::affine_node("fc", {{5, 36}, as_double(dw)}, as_double(db)));
  gf.add(nf::if_node("if2", {1}, {double(th2)}, {0}));
  gf.add(nf::output_node("out"));
  const char* chain[] = {"in", "conv", "if1", "pool", "flat", "fc", "if2", "out"};
  for (int i = 0; i + 1 < 8; ++i) {
    gi.connect(chain[i], chain[i + 1]);
    gf.connect(chain[i], chain[i + 1]);
  }
  gi.finalize();
  gf.finalize();

  nf::SimOptions opt;
  opt.method = nf::Method::Euler;
  opt.if_input = nf::IfInput::Impulse;
  opt.reset = subtract ? nf::ResetMode::Subtract : nf::ResetMode::Zero;
  ig::Simulator si(gi);
  nf::Simulator sf_(gf, opt);
  int64_t spikes1 = 0, spikes2 = 0;
  for (int t = 0; t < 50; ++t) {
    ig::Values x(72);
    for (int64_t& e : x) e = r.coin(0.3) ? 1 : 0;
    si.step({x});
    sf_.step({as_double(x)});
    for (const char* name : chain) {
      const size_t n = gi.index(name);
      ASSERT_EQ(as_double(si.value(n)), sf_.value(gf.index(name))) << "step " << t << ", " << name;
      ASSERT_EQ(as_double(si.v(n)), sf_.v(gf.index(name))) << "step " << t << ", " << name;
    }
    for (int64_t s : si.value(gi.index("if1"))) spikes1 += s;
    for (int64_t s : si.value(gi.index("if2"))) spikes2 += s;
  }
  EXPECT_GT(spikes1, 100);  // both layers are active: the comparison is not of zeros
  EXPECT_GT(spikes2, 10);
}

}  // namespace

TEST(FloatBridge, ConvPoolDenseIfZeroResetMatchesFloatModel) { bridge(false, 11); }

TEST(FloatBridge, ConvPoolDenseIfSubtractResetMatchesFloatModel) { bridge(true, 12); }
