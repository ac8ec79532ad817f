// The `akida` / `akida2` golden model of whole networks (reference/akida/network.h)
// as sf::ref::run and the Simulator dispatch it: the semantics.md numbers through a
// one-layer network, multi-bit events between layers, states, decoding, and the IR
// round trip of the akida fields.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "golden.h"
#include "ir/error.h"
#include "ir/events.h"
#include "ir/network.h"

namespace sf::test {
namespace {

Layer akida_layer(const std::string& name, int n_in, int n_out, std::vector<int32_t> w, int weight_bits,
                  int act_bits, uint64_t m, int f, std::vector<int64_t> threshold, bool input_layer = false) {
  Layer l;
  l.name = name;
  l.n_in = n_in;
  l.n_out = n_out;
  l.weights = std::move(w);
  l.weight_bits = weight_bits;
  l.neuron.model = NeuronModel::Akida;
  l.neuron.akida.act_bits = act_bits;
  l.neuron.akida.act_step_m = m;
  l.neuron.akida.act_step_f = f;
  l.neuron.akida.threshold = std::move(threshold);
  l.neuron.akida.input_layer = input_layer;
  return l;
}

Layer akida2_layer(const std::string& name, int n_in, int n_out, std::vector<int32_t> w, int weight_bits,
                   std::vector<int64_t> scale, int shift, int output_bits, bool relu) {
  Layer l;
  l.name = name;
  l.n_in = n_in;
  l.n_out = n_out;
  l.weights = std::move(w);
  l.weight_bits = weight_bits;
  l.neuron.model = NeuronModel::Akida2;
  l.neuron.akida2.output_scale = std::move(scale);
  l.neuron.akida2.output_shift = shift;
  l.neuron.akida2.output_bits = output_bits;
  l.neuron.akida2.relu = relu;
  return l;
}

Network one_layer(Layer l, int pay_bits, bool pay_signed) {
  Network n;
  n.name = "t";
  n.input_size = l.n_in;
  n.input_payload_bits = pay_bits;
  n.input_payload_signed = pay_signed;
  n.layers.push_back(std::move(l));
  return n;
}

Raster raster(int size, int steps, std::vector<InputEvent> ev) {
  Raster r;
  r.size = size;
  r.timesteps = steps;
  r.events = std::move(ev);
  return r;
}

// semantics.md: T = 10, act_bits 4, act_step 3; p = w * 1 for one input event of value 1.
TEST(AkidaNetwork, SemanticsNumbersAct4) {
  const std::vector<int32_t> p = {-5, 10, 11, 13, 14, 16, 19, 20, 55, 56, 100};
  Network net = one_layer(akida_layer("fc", 1, 11, p, 8, 4, 3, 0, std::vector<int64_t>(11, 10), true), 8, false);
  const Trace t = ref::run(net, raster(1, 1, {{0, 0, 1}}));
  const std::vector<int64_t> want = {0, 0, 1, 1, 2, 2, 3, 4, 15, 15, 15};
  std::vector<int64_t> got(11, 0);
  for (const Spike& s : t.layers[0].spikes) got[static_cast<size_t>(s.neuron)] = s.payload;
  EXPECT_EQ(got, want);
  EXPECT_EQ(t.semantics, "akida");
  EXPECT_TRUE(t.layers[0].graded);
  ASSERT_EQ(t.layers[0].state.at("p").size(), 1u);
  EXPECT_EQ(t.layers[0].state.at("p")[0], std::vector<int64_t>(p.begin(), p.end()));
}

// act_bits 2, act_step 0.75 = 3 / 2^2 (s_eff 3).
TEST(AkidaNetwork, SemanticsNumbersAct2) {
  const std::vector<int32_t> p = {-5, 10, 11, 13, 14, 16, 19, 20, 55, 56, 100};
  Network net = one_layer(akida_layer("fc", 1, 11, p, 8, 2, 3, 2, std::vector<int64_t>(11, 10), true), 8, false);
  const Trace t = ref::run(net, raster(1, 1, {{0, 0, 1}}));
  const std::vector<int64_t> want = {0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3};
  std::vector<int64_t> got(11, 0);
  for (const Spike& s : t.layers[0].spikes) got[static_cast<size_t>(s.neuron)] = s.payload;
  EXPECT_EQ(got, want);
}

// Values travel between layers; each step stands alone (stateless); the Simulator agrees.
TEST(AkidaNetwork, ValuesFlowAndNothingCarriesOver) {
  Network net;
  net.name = "two";
  net.input_size = 2;
  net.input_payload_bits = 4;
  net.layers.push_back(akida_layer("a", 2, 2, {1, 1, 2, -1}, 4, 4, 1, 0, {0, 0}));
  net.layers.push_back(akida_layer("b", 2, 1, {1, 1}, 2, 2, 1, 0, {3}));
  // step 0: a.p = {15 + 15, 30 - 15} = {30, 15} -> s_eff 1: {15, 15}; b.p = 30 -> s_eff 4: ceil(27/4) = 7 -> 3
  // step 1: a.p = {1, 2} -> {1, 2}; b.p = 3 -> 0 (nothing left over from step 0)
  const Raster r = raster(2, 2, {{0, 0, 15}, {0, 1, 15}, {1, 0, 1}});
  const Trace t = ref::run(net, r);
  EXPECT_EQ(t.layers[0].spikes, (std::vector<Spike>{{0, 0, 15}, {0, 1, 15}, {1, 0, 1}, {1, 1, 2}}));
  EXPECT_EQ(t.layers[1].spikes, (std::vector<Spike>{{0, 0, 3}}));
  EXPECT_EQ(t.layers[1].state.at("p"), (std::vector<std::vector<int64_t>>{{30}, {3}}));
  ref::Simulator sim(net);
  EXPECT_EQ(diff_traces(sim.run(r), t), "");
}

// docs/semantics.md derived vectors: ties round half up; (1000, 181, -10) saturates int8, gives 177 as uint8.
TEST(AkidaNetwork, Akida2ScaleOutThroughANetwork) {
  // acc = 5 * x (x = 1): 5 * 1 >> 1 rounds half up to 3; signed outputs
  Network net = one_layer(akida2_layer("fc", 1, 2, {5, -3}, 8, {1, 1}, -1, 8, false), 8, true);
  Trace t = ref::run(net, raster(1, 1, {{0, 0, 1}}));
  EXPECT_EQ(t.layers[0].spikes, (std::vector<Spike>{{0, 0, 3}, {0, 1, -1}}));
  EXPECT_EQ(t.layers[0].state.at("acc")[0], (std::vector<int64_t>{5, -3}));
  EXPECT_EQ(t.semantics, "akida2");
  // acc = 100 * 10 = 1000, scale 181, shift -10: int8 -> 127, uint8 (relu) -> 177
  Network s8 = one_layer(akida2_layer("fc", 1, 1, {100}, 8, {181}, -10, 8, false), 8, false);
  EXPECT_EQ(ref::run(s8, raster(1, 1, {{0, 0, 10}})).layers[0].spikes, (std::vector<Spike>{{0, 0, 127}}));
  Network u8 = one_layer(akida2_layer("fc", 1, 1, {100}, 8, {181}, -10, 8, true), 8, false);
  EXPECT_EQ(ref::run(u8, raster(1, 1, {{0, 0, 10}})).layers[0].spikes, (std::vector<Spike>{{0, 0, 177}}));
  // buffer saturation of the final sum: 100 * 10 + (5 << 4) = 1080 -> buffer_bits 8: 127
  u8.layers[0].neuron.akida2.buffer_bits = 8;
  u8.layers[0].neuron.akida2.bias = {5};
  u8.layers[0].neuron.akida2.bias_shift = 4;
  EXPECT_EQ(ref::run(u8, raster(1, 1, {{0, 0, 10}})).layers[0].state.at("acc")[0], (std::vector<int64_t>{127}));
}

// spike_count on multi-bit outputs: argmax of the summed values, ties to the lowest index.
TEST(AkidaNetwork, DecodeSumsValues) {
  Network net = one_layer(akida2_layer("fc", 2, 3, {1, 0, 0, 1, 2, 0}, 8, {1, 1, 1}, 0, 8, true), 8, false);
  // step 0: x0 = 2 -> {2, 0, 4}; step 1: x1 = 5 -> {0, 5, 0}; step 2: x0 = 1 -> {1, 0, 2}
  const Raster r = raster(2, 3, {{0, 0, 2}, {1, 1, 5}, {2, 0, 1}});
  const Trace t = ref::run(net, r);
  EXPECT_EQ(ref::output_counts(net, t), (std::vector<int64_t>{3, 5, 6}));
  EXPECT_EQ(ref::decode(net, t), 2);  // sums 3, 5, 6 (event counts 2, 1, 2)
  std::vector<int64_t> counts;
  ref::Simulator sim(net);
  sim.run_counts(r, counts);
  EXPECT_EQ(counts, (std::vector<int64_t>{3, 5, 6}));
}

TEST(AkidaNetwork, RejectsWhatTheContractDoesNotDefine) {
  // an akida layer after an if layer
  Network net = one_layer(akida_layer("a", 1, 1, {1}, 2, 1, 1, 0, {0}), 1, false);
  Layer l;
  l.name = "b";
  l.n_in = 1;
  l.n_out = 1;
  l.weights = {1};
  net.layers.insert(net.layers.begin(), l);
  EXPECT_THROW(ref::run(net, raster(1, 1, {})), InputError);
  // act_bits 3
  Network bad = one_layer(akida_layer("a", 1, 1, {1}, 2, 3, 1, 0, {0}), 1, false);
  EXPECT_THROW(ref::run(bad, raster(1, 1, {})), InputError);
  // akida2 input bits must be 4 or 8
  Network bad2 = one_layer(akida2_layer("a", 1, 1, {1}, 8, {1}, 0, 8, false), 2, false);
  EXPECT_THROW(ref::run(bad2, raster(1, 1, {})), InputError);
}

// save_network / load_network keep every akida field.
TEST(AkidaNetwork, SaveLoadRoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() / ("sf_akida_rt_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Network a;
  a.name = "rt";
  a.input_size = 2;
  a.input_payload_bits = 8;
  a.layers.push_back(akida_layer("x", 2, 2, {127, -3, 0, 1}, 8, 2, 12345, 35, {8388607, -8388608}, true));
  a.layers.push_back(akida_layer("y", 2, 1, {1, 0}, 1, 4, 7, -5, {-3}));
  save_network(a, (dir / "a.json").string());
  const Network a2 = load_network((dir / "a.json").string());
  for (size_t k = 0; k < 2; ++k) {
    const AkidaParams &p = a.layers[k].neuron.akida, &q = a2.layers[k].neuron.akida;
    EXPECT_EQ(a2.layers[k].neuron.model, NeuronModel::Akida);
    EXPECT_EQ(p.input_layer, q.input_layer);
    EXPECT_EQ(p.act_bits, q.act_bits);
    EXPECT_EQ(p.act_step_m, q.act_step_m);
    EXPECT_EQ(p.act_step_f, q.act_step_f);
    EXPECT_EQ(p.threshold, q.threshold);
    EXPECT_EQ(a.layers[k].weights, a2.layers[k].weights);
    EXPECT_EQ(a.layers[k].weight_bits, a2.layers[k].weight_bits);
  }
  Network b = one_layer(akida2_layer("z", 2, 2, {-8, 7, 3, 0}, 4, {0, 255}, -7, 4, true), 4, true);
  Akida2Params& q = b.layers[0].neuron.akida2;
  q.input_shift = 3;
  q.bias = {-128, 127};
  q.bias_shift = 5;
  q.buffer_bits = 17;
  q.has_max_value = true;
  q.max_value = 200;
  q.max_value_shift = 9;
  save_network(b, (dir / "b.json").string());
  const Akida2Params r = load_network((dir / "b.json").string()).layers[0].neuron.akida2;
  EXPECT_EQ(r.input_shift, 3);
  EXPECT_EQ(r.bias, q.bias);
  EXPECT_EQ(r.bias_shift, 5);
  EXPECT_EQ(r.buffer_bits, 17);
  EXPECT_TRUE(r.relu);
  EXPECT_TRUE(r.has_max_value);
  EXPECT_EQ(r.max_value, 200);
  EXPECT_EQ(r.max_value_shift, 9);
  EXPECT_EQ(r.output_scale, q.output_scale);
  EXPECT_EQ(r.output_shift, -7);
  EXPECT_EQ(r.output_bits, 4);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sf::test
