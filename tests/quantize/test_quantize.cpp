// The dense-chain quantizer (gen/quantize/quantize.h) on float networks built
// by hand, every number derived in the comments; the float network file.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "float_json.h"
#include "golden.h"
#include "ir/error.h"
#include "quantize/quantize.h"

namespace {

namespace nf = sf::ref::nir_float;
using sf::quant::QuantizeOptions;
using sf::quant::quantize;

// in[2] -> lin (Linear 2x2) -> neuron -> out
nf::FloatNetwork chain(nf::FloatNode neuron, const std::vector<double>& w, bool affine = false,
                       const std::vector<double>& b = {}) {
  nf::FloatNetwork f;
  f.name = "t";
  f.source = "t.json";
  f.graph.add(nf::input_node("in", {2}));
  nf::Tensor t{{2, 2}, w};
  f.graph.add(affine ? nf::affine_node("lin", t, b) : nf::linear_node("lin", t));
  neuron.name = "n";
  f.graph.add(neuron);
  f.graph.add(nf::output_node("out"));
  f.graph.connect("in", "lin");
  f.graph.connect("lin", "n");
  f.graph.connect("n", "out");
  f.graph.finalize();
  return f;
}

std::string refusal(const nf::FloatNetwork& f, const QuantizeOptions& o = {}) {
  try {
    quantize(f, "t", o);
  } catch (const sf::InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Quantize, IfScalesByTheLargestDrive) {
  // IF, Euler input: g = dt·r = 1e-4 · 2. Drives g·W = 2e-4·[0.4, -1; 0.25, 0.1].
  // s = 2e-4 / 127; w = round(127·W) = [51 (50.8), -127; 32 (31.75), 13 (12.7)].
  // θ = round(0.02 / s) = round(0.02·127/2e-4) = 12700.
  auto f = chain(nf::if_node("", {2.0}, {0.02}, {0.0}), {0.4, -1.0, 0.25, 0.1});
  const auto q = quantize(f, "t", {});
  const sf::Layer& l = q.net.layers.at(0);
  EXPECT_EQ(l.weights, (std::vector<int32_t>{51, -127, 32, 13}));
  EXPECT_EQ(l.neuron.model, sf::NeuronModel::If);
  EXPECT_EQ(l.neuron.iflif.threshold, 12700);
  EXPECT_EQ(l.neuron.iflif.fire, sf::FireRule::Gt);
  EXPECT_EQ(l.neuron.iflif.reset, sf::ResetMode::Zero);
  EXPECT_FALSE(l.has_bias());
  EXPECT_NEAR(q.layers[0].scale, 2e-4 / 127, 1e-18);
  // largest error: 0.1 -> 13/127 (0.00236 of W), times g
  EXPECT_NEAR(q.layers[0].max_weight_error, 2e-4 * (13.0 / 127 - 0.1), 1e-15);
  // |v| moves by at most M = 127 per step (neuron 0's negative side): 1000 steps -> 127,000 < 2^17
  EXPECT_EQ(q.layers[0].v_bound, 127000);
  EXPECT_EQ(l.neuron.iflif.v_bits, 18);
}

TEST(Quantize, ImpulseInputAndSubtractReset) {
  auto f = chain(nf::if_node("", {1.0}, {3.0}, {0.0}), {1.0, 0.6, -0.6, 0.25});
  f.options.if_input = nf::IfInput::Impulse;  // g = r = 1
  f.options.reset = nf::ResetMode::Subtract;
  QuantizeOptions o;
  o.weight_bits = 4;  // s = 1/7: w = round(7·W) = [7, 4 (4.2), -4 (-4.2), 2 (1.75)], θ = 21
  const auto q = quantize(f, "t", o);
  EXPECT_EQ(q.net.layers[0].weights, (std::vector<int32_t>{7, 4, -4, 2}));
  EXPECT_EQ(q.net.layers[0].neuron.iflif.threshold, 21);
  EXPECT_EQ(q.net.layers[0].neuron.iflif.reset, sf::ResetMode::Subtract);
}

TEST(Quantize, LeakIsAnExactShiftWhenItCanBe) {
  // dt/tau = 1/16: alpha = 15/16 = 1 - 2^-4, exactly a `shift 4` leak
  auto f = chain(nf::lif_node("", {16e-4}, {1.0}, {0.0}, {1.0}, {0.0}), {1.0, 0.0, 0.0, 1.0});
  const auto q = quantize(f, "t", {});
  EXPECT_EQ(q.net.layers[0].neuron.iflif.leak.kind, sf::LeakKind::Shift);
  EXPECT_EQ(q.net.layers[0].neuron.iflif.leak.shift, 4);
  EXPECT_EQ(q.layers[0].alpha_q, q.layers[0].alpha);
  // w = 127 on the diagonal: M = 127. A shift leak takes nothing from |v| < 16, so
  // |v'| <= (15/16)|v| + 1 + M and |v| <= (M + 1)·16 + M = 2175 (not M·16 + M = 2159)
  EXPECT_EQ(q.layers[0].v_bound, 2175);
}

TEST(Quantize, LeakMultiplyBiasAndLeakVoltage) {
  // Euler, dt/tau = 0.04: alpha = 0.96 -> mult round(0.96·2^16) = 62915 (62914.56)
  // g = 0.04·r (r = 0.5) = 0.02; drives g·W = 0.02·[1, 0.4; 0.25, -0.75]; s = 0.02/127
  // bias = round((g·b + 0.04·v_leak) / s), 1/s = 6350:
  //   n0: (0.02·0.1 + 0.04·0.25) = 0.012 -> 76.2 -> 76;  n1: (0.02·-0.3 + 0.01) = 0.004 -> 25.4 -> 25
  auto f = chain(nf::lif_node("", {25e-4}, {0.5}, {0.25}, {1.0}, {0.0}), {1.0, 0.4, 0.25, -0.75}, true,
                 {0.1, -0.3});
  const auto q = quantize(f, "t", {});
  const sf::Layer& l = q.net.layers[0];
  EXPECT_EQ(l.neuron.iflif.leak.kind, sf::LeakKind::Mult);
  EXPECT_EQ(l.neuron.iflif.leak.beta, 62915);
  EXPECT_EQ(l.neuron.iflif.leak.frac, 16);
  EXPECT_NEAR(q.layers[0].alpha_q - 0.96, 62915.0 / 65536 - 0.96, 1e-15);
  EXPECT_EQ(l.bias, (std::vector<int64_t>{76, 25}));
  EXPECT_EQ(l.weights, (std::vector<int32_t>{127, 51, 32, -95}));  // 50.8, 31.75, -95.25
  EXPECT_EQ(l.neuron.iflif.threshold, 6350);                         // 1.0·127/0.02
}

TEST(Quantize, ExactMethodUsesTheExponential) {
  auto f = chain(nf::lif_node("", {25e-4}, {1.0}, {0.0}, {1.0}, {0.0}), {1.0, 0.0, 0.0, 1.0});
  f.options.method = nf::Method::Exact;
  const auto q = quantize(f, "t", {});
  EXPECT_DOUBLE_EQ(q.layers[0].alpha, std::exp(-0.04));
  EXPECT_EQ(q.net.layers[0].neuron.iflif.leak.beta, std::llround(std::exp(-0.04) * 65536));
}

TEST(Quantize, RefusesWhatTheIrCannotHold) {
  // per-neuron thresholds
  EXPECT_NE(refusal(chain(nf::if_node("", {1.0}, {1.0, 2.0}, {0.0}), {1, 0, 0, 1})).find(
                "node 'n' (IF): v_threshold: found different values per neuron"),
            std::string::npos);
  // per-neuron time constants
  EXPECT_NE(refusal(chain(nf::lif_node("", {1e-2, 2e-2}, {1.0}, {0.0}, {1.0}, {0.0}), {1, 0, 0, 1}))
                .find("tau: found different values per neuron"),
            std::string::npos);
  // a non-spiking readout where a spiking neuron is expected
  EXPECT_NE(refusal(chain(nf::li_node("", {1e-2}, {1.0}, {0.0}), {1, 0, 0, 1})).find("expected an IF or LIF node"),
            std::string::npos);
  auto f = chain(nf::if_node("", {1.0}, {1.0}, {0.0}), {1, 0, 0, 1});
  QuantizeOptions pc;
  pc.per_channel = true;
  EXPECT_NE(refusal(f, pc).find("--per-channel"), std::string::npos);
  QuantizeOptions wide;
  wide.weight_bits = 17;
  EXPECT_NE(refusal(f, wide).find("--weight-bits: found 17, expected 2..16"), std::string::npos);
  f.options.method = nf::Method::SnnTorch;
  EXPECT_NE(refusal(f).find("\"snntorch\""), std::string::npos);
  // state beyond 32 bits: a threshold of 2^33 integer units
  auto big = chain(nf::if_node("", {1.0}, {1e6}, {0.0}), {1, 0, 0, 1});
  EXPECT_NE(refusal(big).find("more than 32 bits"), std::string::npos);
  // a threshold below one integer unit
  auto tiny = chain(nf::if_node("", {1.0}, {1e-9}, {0.0}), {1, 0, 0, 1});
  EXPECT_NE(refusal(tiny).find("expected a threshold > 0"), std::string::npos);
}

TEST(Quantize, RefusesRecurrentAndBranchingGraphs) {
  nf::FloatNetwork f;
  f.name = "r";
  f.source = "r.json";
  f.graph.add(nf::input_node("in", {2}));
  f.graph.add(nf::linear_node("lin", {{2, 2}, {1, 0, 0, 1}}));
  f.graph.add(nf::if_node("n", {1.0}, {1.0}, {0.0}));
  f.graph.add(nf::linear_node("rec", {{2, 2}, {0, 1, 1, 0}}));
  f.graph.add(nf::output_node("out"));
  f.graph.connect("in", "lin");
  f.graph.connect("lin", "n");
  f.graph.connect("n", "rec");
  f.graph.connect("rec", "n", true);
  f.graph.connect("n", "out");
  f.graph.finalize();
  const std::string why = refusal(f);
  EXPECT_NE(why.find("node 'n' (IF)"), std::string::npos) << why;
  EXPECT_NE(why.find("recurrent (back) edge from 'rec'"), std::string::npos) << why;
}

TEST(Quantize, PrecisionReportAgreesOnItself) {
  // 8-bit IF whose float drives are exact multiples of s: float and integer agree everywhere
  auto f = chain(nf::if_node("", {1.0}, {1.5}, {0.0}), {1.0, 0.5, 0.25, -1.0});
  f.options.if_input = nf::IfInput::Impulse;
  const auto q = quantize(f, "t", {});  // s = 1/127: w = 127, 63.5 -> 64 (inexact), ...
  sf::Raster r;
  r.timesteps = 30;
  r.size = 2;
  for (int t = 0; t < 30; ++t) r.events.push_back({t, t % 2, 1});
  const auto s = sf::quant::compare(f, q, r);
  ASSERT_EQ(s.layers.size(), 1u);
  EXPECT_GT(s.layers[0].float_spikes, 0);
  EXPECT_GE(s.layers[0].agreement, 0.9);
  // the integer side is the golden model itself
  const sf::Trace it = sf::ref::run(q.net, r, {false, 30});
  EXPECT_EQ(static_cast<int64_t>(it.layers[0].spikes.size()), s.layers[0].int_spikes);
  const std::string j = sf::quant::report_json(f, q, {}, {s});
  EXPECT_NE(j.find("\"spikeforge-precision-report\""), std::string::npos);
  EXPECT_NE(j.find("\"spike_agreement\""), std::string::npos);
}

TEST(FloatNetworkFile, RoundTripsAndNamesBadFields) {
  auto f = chain(nf::lif_node("", {25e-4}, {0.5}, {0.2}, {1.0}, {0.0}), {1.0, 0.5, 0.25, -0.75}, true,
                 {0.1, -0.3});
  f.options.dt = 2e-4;
  f.options.reset = nf::ResetMode::Subtract;
  const nlohmann::json j = nf::to_json(f);
  const nf::FloatNetwork g = nf::from_json(j);
  EXPECT_EQ(nf::to_json(g), j);
  EXPECT_EQ(g.options.dt, 2e-4);
  EXPECT_EQ(g.options.reset, nf::ResetMode::Subtract);
  auto bad = [&](const std::string& path, const nlohmann::json& value, const std::string& want) {
    nlohmann::json d = j;
    d[nlohmann::json::json_pointer(path)] = value;
    try {
      nf::from_json(d);
      ADD_FAILURE() << path << ": accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  bad("/format", "spikeforge-network", "format: found \"spikeforge-network\"");
  bad("/version", 2, "version: found 2");
  bad("/discretization/dt", -1, "discretization.dt: found -1");
  bad("/discretization/method", "rk4", "discretization.method: found \"rk4\", expected euler | exact | snntorch");
  bad("/nodes/1/kind", "Bogus", "nodes[1].kind: found \"Bogus\"");
  bad("/nodes/1/weight/data", nlohmann::json::array({1, 2}), "nodes[1].weight.data: found 2 values, expected 4");
  bad("/nodes/2/tau", nlohmann::json::array({-1}), "node 'n' (LIF): tau[0]: found -1");
  bad("/edges/0", nlohmann::json::array({"in"}), "edges[0]: found [\"in\"]");
  bad("/edges/0", nlohmann::json::array({"in", "nowhere"}), "nowhere");
}

}  // namespace

namespace {

// in [2, 6, 6] -> conv (3 channels, k3 s1 p1, bias) -> IF -> sumpool 2 -> IF -> flatten
// -> affine 27 -> 4 -> IF -> out: every image layer the quantizer maps.
nf::FloatNetwork conv_chain(bool pool_without_neuron = false) {
  nf::FloatNetwork f;
  f.name = "c";
  f.source = "c.json";
  f.options.if_input = nf::IfInput::Impulse;
  f.graph.add(nf::input_node("in", {2, 6, 6}));
  std::vector<double> w(3 * 2 * 3 * 3);
  for (size_t k = 0; k < w.size(); ++k) w[k] = 0.05 * static_cast<double>(static_cast<int>(k % 9) - 3);
  nf::Window win;
  win.stride = {1, 1}, win.pad_begin = {1, 1}, win.pad_end = {1, 1}, win.dilation = {1, 1}, win.groups = 1;
  f.graph.add(nf::conv_node("conv", {{3, 2, 3, 3}, w}, {0.1, 0.0, -0.05}, win));
  f.graph.add(nf::if_node("n1", {1.0}, {0.3}, {0.0}));
  f.graph.add(nf::sum_pool2d_node("pool", {2, 2}, {2, 2}, {0, 0}));
  if (!pool_without_neuron) f.graph.add(nf::if_node("n2", {1.0}, {1.0}, {0.0}));
  f.graph.add(nf::flatten_node("flat", 0, -1));
  std::vector<double> a(4 * 27);
  for (size_t k = 0; k < a.size(); ++k) a[k] = 0.1 * static_cast<double>(static_cast<int>(k % 7) - 2);
  f.graph.add(nf::affine_node("fc", {{4, 27}, a}, {0, 0, 0, 0}));
  f.graph.add(nf::if_node("n3", {1.0}, {0.5}, {0.0}));
  f.graph.add(nf::output_node("out"));
  f.graph.connect("in", "conv");
  f.graph.connect("conv", "n1");
  f.graph.connect("n1", "pool");
  if (pool_without_neuron) {
    f.graph.connect("pool", "flat");
  } else {
    f.graph.connect("pool", "n2");
    f.graph.connect("n2", "flat");
  }
  f.graph.connect("flat", "fc");
  f.graph.connect("fc", "n3");
  f.graph.connect("n3", "out");
  f.graph.finalize();
  return f;
}

}  // namespace

TEST(Quantize, ConvPoolDenseChain) {
  const auto q = quantize(conv_chain(), "c", {});
  ASSERT_EQ(q.net.layers.size(), 3u);
  EXPECT_EQ(q.net.format_version, 2);
  EXPECT_EQ(q.net.input_shape, (std::vector<int64_t>{2, 6, 6}));
  const sf::Layer& c = q.net.layers[0];
  EXPECT_EQ(c.type, sf::LayerType::Conv2d);
  EXPECT_EQ(c.conv.c_out, 3);
  EXPECT_EQ(c.conv.h_out, 6);
  EXPECT_EQ(c.weights.size(), 54u);  // the kernel, once
  // impulse input: g = r = 1; s = max |W| / 127 = 0.25 / 127: w = round(W / s)
  EXPECT_NEAR(q.layers[0].scale, 0.25 / 127, 1e-15);
  EXPECT_EQ(c.weights[0], -76);  // -0.15 / s = -76.2
  EXPECT_EQ(c.weights[8], 127);
  // the per-channel bias: 0.1 / s = 50.8 -> 51, 0, -0.05 / s = -25.4 -> -25
  EXPECT_EQ(c.bias, (std::vector<int64_t>{51, 0, -25}));
  EXPECT_EQ(c.neuron.iflif.threshold, 152);  // 0.3 / s = 152.4
  const sf::Layer& p = q.net.layers[1];
  EXPECT_EQ(p.type, sf::LayerType::SumPool2d);
  EXPECT_EQ(p.weights, std::vector<int32_t>(12, 1));
  EXPECT_EQ(p.neuron.iflif.threshold, 1);  // the pool's scale is its gain, 1
  EXPECT_EQ(q.net.layers[2].n_in, 27);
  // the float model and the golden model agree on a fixed input pattern, within the
  // rounding of 8-bit weights (the report's measure: the share of (t, n) alike)
  sf::Raster r;
  r.timesteps = 12;
  r.size = 72;
  for (int t = 0; t < 12; ++t)
    for (int i = 0; i < 72; ++i)
      if ((i * 7 + t * 3) % 5 == 0) r.events.push_back({t, i, 1});
  const auto a = sf::quant::compare(conv_chain(), q, r);
  ASSERT_EQ(a.layers.size(), 3u);
  int spikes = 0;
  for (const auto& l : a.layers) {
    EXPECT_GE(l.agreement, l.name == "conv1" ? 0.97 : 0.9) << l.name;
    spikes += static_cast<int>(l.int_spikes);
  }
  EXPECT_GT(spikes, 50);
}

TEST(Quantize, SumPoolStraightIntoTheNextLayerIsRefusedByName) {
  const std::string e = refusal(conv_chain(true));
  EXPECT_NE(e.find("node 'fc'"), std::string::npos) << e;
  EXPECT_NE(e.find("without a neuron between them"), std::string::npos) << e;
}
