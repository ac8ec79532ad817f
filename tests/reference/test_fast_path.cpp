// The Simulator (narrow transposed weights, blocked row adds) against the
// readable run() on random networks: spikes, every v, counts. The random
// networks cover every model option and every weight/accumulator layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <set>

#include "golden.h"
#include "net_builder.h"

namespace sf::ref {
namespace {

using Rng = std::mt19937_64;

int64_t uniform(Rng& rng, int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
int64_t smax(int bits) { return (int64_t{1} << (bits - 1)) - 1; }

IfLifParams random_params(Rng& rng, bool lif, int64_t scale) {
  IfLifParams p;
  p.v_bits = static_cast<int>(uniform(rng, 2, 32));
  p.threshold = uniform(rng, 1, std::max<int64_t>(1, std::min(smax(p.v_bits), scale)));
  p.fire = uniform(rng, 0, 1) ? FireRule::Ge : FireRule::Gt;
  p.reset = static_cast<ResetMode>(uniform(rng, 0, lif ? 3 : 2));
  p.v_reset = uniform(rng, -smax(p.v_bits) - 1, smax(p.v_bits)) / (uniform(rng, 0, 1) ? 1 : 1000);
  if (lif) {
    switch (uniform(rng, 0, 2)) {
      case 0: p.leak = test::shift_leak(static_cast<int>(uniform(rng, 0, 8))); break;
      case 1: {
        const int f = static_cast<int>(uniform(rng, 0, 16));
        p.leak = test::mult_leak(uniform(rng, 0, int64_t{1} << f), f);
        break;
      }
      default: p.leak = test::sub_leak(uniform(rng, 0, scale / 4 + 1));
    }
  }
  return p;
}

Layer random_layer(Rng& rng, const std::string& name, int n_in, int n_out, int weight_bits, int64_t pmax) {
  std::vector<int32_t> w(static_cast<size_t>(n_in) * n_out);
  for (int32_t& x : w) x = static_cast<int32_t>(uniform(rng, -smax(weight_bits) - 1, smax(weight_bits)));
  // A threshold near a few inputs' worth keeps layers neither silent nor saturated.
  const int64_t scale = std::min<int64_t>(int64_t{1} << 40, 3 * (smax(weight_bits) + 1) * pmax);
  const bool lif = uniform(rng, 0, 1);
  IfLifParams p = random_params(rng, lif, scale);
  std::vector<int64_t> bias;
  if (uniform(rng, 0, 1))
    for (int n = 0; n < n_out; ++n) bias.push_back(uniform(rng, -std::min(smax(p.v_bits), scale / 8), std::min(smax(p.v_bits), scale / 8)));
  Layer l = test::dense(name, n_in, n_out, std::move(w), p, std::move(bias), weight_bits);
  l.neuron.model = lif ? NeuronModel::Lif : NeuronModel::If;
  return l;
}

Raster random_raster(Rng& rng, const Network& net, int steps) {
  const int64_t hi = net.input_payload_signed ? smax(net.input_payload_bits) : (int64_t{1} << net.input_payload_bits) - 1;
  const int64_t lo = net.input_payload_signed ? -hi - 1 : 0;
  const double density = std::array<double, 3>{0.05, 0.3, 0.9}[uniform(rng, 0, 2)];
  std::vector<InputEvent> ev;
  for (int t = 0; t < steps; ++t)
    for (int i = 0; i < net.input_size; ++i)
      if (std::uniform_real_distribution<double>(0, 1)(rng) < density) {
        // Payload 1 is frequent on purpose: it takes the Simulator's binary path.
        const int64_t p = uniform(rng, 0, 2) == 0 ? 1 : uniform(rng, lo, hi);
        ev.push_back({t, i, std::clamp<int64_t>(p, lo, hi)});
      }
  std::shuffle(ev.begin(), ev.end(), rng);  // the golden model must sort them itself
  return test::raster(steps, net.input_size, std::move(ev));
}

Network random_network(Rng& rng) {
  const int wbits[] = {2, 4, 8, 9, 16, 17, 24, 32};
  const std::pair<int, bool> payloads[] = {{1, false}, {4, true}, {8, false}, {16, true}, {32, true}};
  auto [pbits, psigned] = payloads[uniform(rng, 0, 4)];
  const int layers = static_cast<int>(uniform(rng, 1, 3));
  std::vector<int> sizes = {static_cast<int>(uniform(rng, 1, 70))};
  std::vector<int> bits;
  for (int k = 0; k < layers; ++k) {
    sizes.push_back(static_cast<int>(uniform(rng, 1, 70)));
    bits.push_back(wbits[uniform(rng, 0, 7)]);
  }
  if (bits[0] > 16 && pbits > 16) pbits = 16;  // keep fan-in x weight x payload below 2^62
  const int64_t pmax = psigned ? smax(pbits) + 1 : (int64_t{1} << pbits) - 1;
  std::vector<Layer> ls;
  for (int k = 0; k < layers; ++k)
    ls.push_back(random_layer(rng, "fc" + std::to_string(k), sizes[k], sizes[k + 1], bits[k], k == 0 ? pmax : 1));
  return test::network(sizes[0], std::move(ls), pbits, psigned);
}

void expect_same(const Trace& a, const Trace& b) {
  EXPECT_EQ(a.network, b.network);
  EXPECT_EQ(a.semantics, b.semantics);
  EXPECT_EQ(a.timesteps, b.timesteps);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t k = 0; k < a.layers.size(); ++k) {
    EXPECT_EQ(a.layers[k].name, b.layers[k].name);
    EXPECT_EQ(a.layers[k].spikes, b.layers[k].spikes) << "layer " << k;
    EXPECT_EQ(a.layers[k].state, b.layers[k].state) << "layer " << k;
  }
}

// Checks both Simulator entry points against run(); returns the layouts used.
std::set<std::pair<int, int>> check_agree(const Network& net, const std::vector<Raster>& rasters) {
  Simulator sim(net);
  for (const Raster& r : rasters) {
    const Trace want = run(net, r);
    expect_same(sim.run(r), want);
    std::vector<int64_t> counts, totals;
    sim.run_counts(r, counts, &totals);
    EXPECT_EQ(counts, output_counts(net, want));
    for (size_t k = 0; k < totals.size(); ++k) EXPECT_EQ(totals[k], static_cast<int64_t>(want.layers[k].spikes.size()));
    if (::testing::Test::HasFailure()) return {};
  }
  std::set<std::pair<int, int>> layouts;
  for (size_t k = 0; k < net.layers.size(); ++k) layouts.insert({sim.weight_bytes(k), sim.accumulator_bytes(k)});
  return layouts;
}

TEST(FastPath, AgreesWithRunOnRandomNetworks) {
  Rng rng(20240611);
  int spikes = 0;
  for (int c = 0; c < 400 && !HasFailure(); ++c) {
    const Network net = random_network(rng);
    std::vector<Raster> rasters;  // two rasters: the Simulator must reset between runs
    for (int r = 0; r < 2; ++r) rasters.push_back(random_raster(rng, net, static_cast<int>(uniform(rng, 1, 25))));
    SCOPED_TRACE("case " + std::to_string(c));
    check_agree(net, rasters);
    for (const auto& l : run(net, rasters[0], {false, -1}).layers) spikes += static_cast<int>(l.spikes.size());
  }
  EXPECT_GT(spikes, 10000);  // the comparison is not between two silent networks
}

TEST(FastPath, EveryWeightAndAccumulatorLayoutAgrees) {
  // (weight, payload bits, fan-in) chosen so the input bound lands in each accumulator:
  // The bound is max_n sum_i |W[n][i]| x max|payload|, uniform weights average half the maximum:
  // int8: <= 128 x 3 -> int16 acc; ~64 x 600 = 38400 -> int32; >= 128 x 2^31 -> int64.
  // int16 (9-bit): 256 x 3 -> int16; 2^15 x 300 -> int32; 2^15 x 2^31 x 3 -> int64.
  // int32: 2^23 x 60 < 2^31 -> int32; 2^31 x 2^15 x 60 -> int64. Layer b (fan-in 37) follows.
  struct Case { int wbits, pbits, fan_in; };
  const Case cases[] = {{8, 1, 3},  {8, 1, 600}, {8, 32, 3},  {9, 1, 3},
                        {16, 1, 300}, {16, 32, 3}, {24, 1, 60}, {32, 16, 60}};
  Rng rng(7);
  std::set<std::pair<int, int>> seen;
  for (const Case& c : cases) {
    std::vector<Layer> ls = {random_layer(rng, "a", c.fan_in, 37, c.wbits, c.pbits == 1 ? 1 : int64_t{1} << (c.pbits - 1)),
                             random_layer(rng, "b", 37, 5, c.wbits, 1)};
    for (Layer& l : ls) l.weights[0] = static_cast<int32_t>(-smax(c.wbits) - 1);  // the extreme weight
    const Network net = test::network(c.fan_in, std::move(ls), c.pbits, c.pbits > 1);
    std::vector<Raster> rasters;
    for (int r = 0; r < 3; ++r) rasters.push_back(random_raster(rng, net, 20));
    const auto used = check_agree(net, rasters);
    seen.insert(used.begin(), used.end());
  }
  const std::set<std::pair<int, int>> all = {{1, 2}, {1, 4}, {1, 8}, {2, 2}, {2, 4}, {2, 8}, {4, 4}, {4, 8}};
  EXPECT_EQ(seen, all);
}

}  // namespace
}  // namespace sf::ref
