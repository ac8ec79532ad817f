// Tests for the netx -> IR conversion (gen/import/netx_convert.h): netx's
// mapping of the corpus files, its weight optimisation on hand-made layers, and
// every rejection.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "golden.h"
#include "import/netx_convert.h"
#include "import/netx_reader.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using sf::import::netx_to_network;
using sf::import::NetxLayer;
using sf::import::NetxModel;

namespace {

const std::string kCorpus = NETX_CORPUS_DIR;

// A dense CUBA layer as netx stores it.
NetxLayer cuba(int n_in, int n_out, std::vector<double> w) {
  NetxLayer L;
  L.name = "layer/0";
  L.type = "dense";
  L.n_in = n_in;
  L.n_out = n_out;
  L.weights = std::move(w);
  L.weight_dims = {n_out, n_in};
  L.has_neuron = true;
  L.neuron_type = "CUBA";
  L.i_decay = 4096;
  L.v_decay = 0;
  L.v_th_mant = 10;
  L.ref_delay = 1;
  return L;
}

NetxModel model_of(std::vector<NetxLayer> layers) {
  NetxModel m;
  m.path = "hand.net";
  m.layers = std::move(layers);
  return m;
}

// Dense's summed input after weight_exp, for a binary spike vector.
int64_t dendrite(const sf::Layer& l, int n, const std::vector<int>& s) {
  int64_t sum = 0;
  for (int i = 0; i < l.n_in; ++i) sum += s[static_cast<size_t>(i)] ? l.w(n, i) : 0;
  const int e = l.neuron.loihi2.weight_exp;
  return e >= 0 ? sum * (int64_t{1} << e) : static_cast<int64_t>(std::floor(static_cast<double>(sum) / std::ldexp(1.0, -e)));
}

// netx's promise (docs/formats.md, netx): for in-range weights the optimisation
// round-trips, so every dendritic sum equals the stored weights times the spikes.
void expect_sums_equal_stored(const NetxLayer& L, const sf::Layer& l, uint64_t seed) {
  std::mt19937_64 g(seed);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<int> s(static_cast<size_t>(L.n_in));
    for (int& x : s) x = std::bernoulli_distribution(trial % 2 ? 0.1 : 0.6)(g);
    for (int n = 0; n < L.n_out; ++n) {
      int64_t want = 0;
      for (int i = 0; i < L.n_in; ++i)
        want += s[static_cast<size_t>(i)] ? static_cast<int64_t>(L.weights[static_cast<size_t>(n) * L.n_in + i]) : 0;
      ASSERT_EQ(dendrite(l, n, s), want) << l.name << " neuron " << n << " trial " << trial;
    }
  }
}

TEST(NetxConvert, OxfordMapsAsNetxDoes) {
  const NetxModel m = sf::import::read_netx(kCorpus + "/oxford/network.net");
  const auto imp = netx_to_network(m, "oxford");
  const sf::Network& net = imp.net;
  ASSERT_EQ(net.layers.size(), 2u);
  EXPECT_TRUE(net.is_loihi2());
  EXPECT_EQ(net.input_size, 200);
  EXPECT_EQ(net.layers[0].n_out, 256);
  EXPECT_EQ(net.layers[1].n_out, 200);
  // iDecay 4096 -> du 4095; vDecay 415 / 409 -> dv; vThMant 6 -> vth; bias_exp 6
  EXPECT_EQ(net.layers[0].neuron.loihi2.du, 4095);
  EXPECT_EQ(net.layers[0].neuron.loihi2.dv, 415);
  EXPECT_EQ(net.layers[1].neuron.loihi2.dv, 409);
  EXPECT_EQ(net.layers[0].neuron.loihi2.vth, 6);
  EXPECT_EQ(net.layers[0].neuron.loihi2.bias_exp, 6);
  EXPECT_FALSE(net.layers[0].has_bias());
  // the corpus README: layer 1 gets k = 1 and 7 weight bits
  EXPECT_EQ(imp.layers[1].weight_exp, -1);
  EXPECT_EQ(imp.layers[1].num_weight_bits, 7);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(imp.layers[k].weights_changed, 0) << "layer " << k << " must round-trip";
    expect_sums_equal_stored(m.layers[k], net.layers[k], k + 1);
  }
}

TEST(NetxConvert, MnistMapsAsNetxDoes) {
  const NetxModel m = sf::import::read_netx(kCorpus + "/mnist/trained_mnist_network.net");
  const auto imp = netx_to_network(m, "mnist");
  ASSERT_EQ(imp.net.layers.size(), 3u);
  const int sizes[] = {128, 64, 10};
  for (size_t k = 0; k < 3; ++k) {
    const sf::Layer& l = imp.net.layers[k];
    EXPECT_EQ(l.n_out, sizes[k]);
    EXPECT_EQ(l.neuron.loihi2.du, 409);  // iDecay 410
    EXPECT_EQ(l.neuron.loihi2.dv, 410);
    EXPECT_EQ(l.neuron.loihi2.vth, 64);
    expect_sums_equal_stored(m.layers[k], l, 10 + k);
  }
  EXPECT_EQ(imp.net.input_size, 784);
}

TEST(NetxConvert, TinyNeedsSkipInputThenKeepsItsConvLayers) {
  const NetxModel m = sf::import::read_netx(kCorpus + "/tiny/tiny.net");
  try {
    netx_to_network(m, "tiny");
    FAIL() << "tiny.net's input layer must be refused without skip_input";
  } catch (const sf::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("layer/0: type input"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--skip-input"), std::string::npos) << msg;
  }
  sf::import::NetxOptions o;
  o.skip_input = true;
  const auto imp = netx_to_network(m, "tiny", o);
  // 3x16x16 -> conv 5x5/2 -> 24x6x6 -> conv 5x5/2 -> 36x1x1, as conv2d layers
  ASSERT_EQ(imp.net.layers.size(), 2u);
  EXPECT_EQ(imp.net.format_version, 2);
  EXPECT_EQ(imp.net.input_shape, (std::vector<int64_t>{3, 16, 16}));
  EXPECT_EQ(imp.net.input_size, 768);
  EXPECT_EQ(imp.net.layers[0].n_out, 864);
  EXPECT_EQ(imp.net.layers[1].n_out, 36);
  const NetxLayer& L = m.layers[1];
  const sf::Layer& l = imp.net.layers[0];
  EXPECT_EQ(l.type, sf::LayerType::Conv2d);
  EXPECT_EQ(l.conv.c_out, 24);
  EXPECT_EQ(l.conv.h_out, 6);
  EXPECT_EQ(l.conv.sh, 2);
  // the kernel as netx stores it (O, I, kH, kW): 24 x 3 x 5 x 5 weights, stored once
  ASSERT_EQ(l.weights.size(), 24u * 3 * 5 * 5);
  for (size_t k = 0; k < l.weights.size(); ++k) EXPECT_EQ(l.weights[k], static_cast<int32_t>(L.weights[k]));
  // the per-channel bias, one entry per output channel
  ASSERT_EQ(l.bias.size(), 24u);
  EXPECT_EQ(l.bias[5], static_cast<int64_t>(L.bias[5]));
  EXPECT_EQ(l.neuron.loihi2.weight_exp, 0);
  EXPECT_EQ(l.neuron.loihi2.du, 4095);
}

// Mixed weights within [-128, 127]: netx shifts them left by 1 (weight_exp -1);
// the sums equal the stored weights.
TEST(NetxConvert, MixedSmallWeightsShiftByOne) {
  const auto imp = netx_to_network(model_of({cuba(3, 2, {100, -128, 7, -3, 127, 0})}), "m");
  EXPECT_EQ(imp.layers[0].weight_exp, -1);
  EXPECT_EQ(imp.layers[0].sign_mode, "mixed");
  const sf::Layer& l = imp.net.layers[0];
  EXPECT_EQ(l.weights, (std::vector<int32_t>{200, -256, 14, -6, 254, 0}));
  EXPECT_EQ(imp.layers[0].weights_changed, 0);
}

// Excitatory weights up to 63: scale 255/63 -> k = 2.
TEST(NetxConvert, ExcitatoryWeightsShiftToTheTop) {
  const auto imp = netx_to_network(model_of({cuba(2, 1, {63, 5})}), "e");
  EXPECT_EQ(imp.layers[0].weight_exp, -2);
  EXPECT_EQ(imp.layers[0].sign_mode, "excitatory");
  EXPECT_EQ(imp.net.layers[0].weights, (std::vector<int32_t>{252, 20}));
}

// Inhibitory: netx scales by -256 / min, so the extreme becomes -256; Lava's
// Dense then clips inhibitory weights to [-255, 0] and truncates the magnitude
// (5 weight bits: 3 low bits), so -256 arrives as -248. A real Lava quirk: the
// conversion reports it as a changed weight instead of hiding it.
TEST(NetxConvert, InhibitoryWeightsFollowLavasClip) {
  const auto imp = netx_to_network(model_of({cuba(2, 1, {-64, -2})}), "i");
  EXPECT_EQ(imp.layers[0].weight_exp, -2);
  EXPECT_EQ(imp.layers[0].num_weight_bits, 5);
  EXPECT_EQ(imp.layers[0].sign_mode, "inhibitory");
  EXPECT_EQ(imp.net.layers[0].weights, (std::vector<int32_t>{-248, -8}));
  EXPECT_EQ(imp.layers[0].weights_changed, 1);
}

// Stored even mixed weights up to 254 (slayer's range) stay as they are.
TEST(NetxConvert, SlayerRangeMixedWeightsKeepExponentZero) {
  const auto imp = netx_to_network(model_of({cuba(3, 1, {254, -256, 38})}), "s");
  EXPECT_EQ(imp.layers[0].weight_exp, 0);
  EXPECT_EQ(imp.net.layers[0].weights, (std::vector<int32_t>{254, -256, 38}));
  EXPECT_EQ(imp.layers[0].weights_changed, 0);
}

void expect_rejected(NetxLayer L, const std::string& needle) {
  try {
    netx_to_network(model_of({std::move(L)}), "x");
    FAIL() << "expected a rejection mentioning '" << needle << "'";
  } catch (const sf::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("hand.net"), std::string::npos) << msg;
    EXPECT_NE(msg.find("layer/0"), std::string::npos) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << msg;
  }
}

TEST(NetxConvert, RejectsWhatLoihi2RegistersCannotHold) {
  NetxLayer L = cuba(1, 1, {1});
  L.i_decay = 0;
  expect_rejected(L, "neuron/iDecay");
  L = cuba(1, 1, {1});
  L.v_decay = 4096;
  expect_rejected(L, "neuron/vDecay");
  L = cuba(1, 1, {1});
  L.v_th_mant = 131072;
  expect_rejected(L, "neuron/vThMant");
  L = cuba(1, 1, {1});
  L.bias = {5000};
  expect_rejected(L, "bias[0]");
  L = cuba(2, 1, {1, 300});
  expect_rejected(L, "weight[0][1]");
  L = cuba(1, 1, {1.5});
  expect_rejected(L, "not an integer");
  L = cuba(1, 1, {1});
  L.neuron_type = "SDNN";
  expect_rejected(L, "SDNN");
}

// The imported oxford network runs in the golden model (smoke: it spikes).
TEST(NetxConvert, OxfordRunsInTheGoldenModel) {
  const auto imp = netx_to_network(sf::import::read_netx(kCorpus + "/oxford/network.net"), "oxford");
  const std::vector<sf::Raster> r = sf::load_rasters(std::string(NETX_CONFORMANCE_DIR) + "/loihi2-dense/input.raster.json", nullptr);
  const sf::Trace t = sf::ref::run(imp.net, r.at(0), {false, 400});
  EXPECT_GT(t.layers[0].spikes.size(), 0u);
  EXPECT_GT(t.layers[1].spikes.size(), 0u);
}

}  // namespace
