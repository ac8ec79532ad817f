// run_dense: Dense (weights, weight_exp, graded payloads, one-step delay) into
// the loihi2 neuron. Expected values are derived in the comments.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "loihi2.h"

namespace sf::ref::loihi2 {
namespace {

using Rows = std::vector<std::vector<int64_t>>;

Raster raster(int size, int timesteps, std::vector<InputEvent> events) {
  Raster r;
  r.size = size;
  r.timesteps = timesteps;
  r.events = std::move(events);
  return r;
}

// du = 4095 clears u every step, so u[t] = (Dense output delivered at t) << 6
// and reads the dendritic input directly; vth maximal and dv = 0 keep v quiet.
Params readout_params(int weight_exp = 0, int num_weight_bits = 8) {
  Params p;
  p.du = 4095;
  p.dv = 0;
  p.vth = kVthMax;
  p.weight_exp = weight_exp;
  p.num_weight_bits = num_weight_bits;
  return p;
}

constexpr int kSpikeStep = 2;  // the input column spikes once, here
constexpr int kSteps = 5;

// Runs a one-column Dense layer whose input spikes once at kSpikeStep and
// checks that u is 0 except at kSpikeStep + 1, where it is expected << 6:
// "each arrives one step after the spike".
void expect_arrives_one_step_later(const WeightMatrix& w, const Params& p, const std::vector<int64_t>& expected) {
  const Trace tr = run_dense(w, p, raster(1, kSteps, {{kSpikeStep, 0, 1}}), kSteps);
  ASSERT_EQ(tr.layers.size(), 1u);
  const auto& u = tr.layers[0].state.at("u");
  ASSERT_EQ(u.size(), static_cast<size_t>(kSteps));
  for (int t = 0; t < kSteps; ++t)
    for (size_t n = 0; n < expected.size(); ++n) {
      const int64_t want = t == kSpikeStep + 1 ? expected[n] * 64 : 0;
      EXPECT_EQ(u[static_cast<size_t>(t)][n], want) << "t " << t << ", neuron " << n;
    }
  EXPECT_TRUE(tr.layers[0].spikes.empty());
}

// Spec: [300, -300, 39] -> [254, -256, 38], each arriving one step after the spike.
TEST(Loihi2Dense, MixedWeightsArriveOneStepLater) {
  const WeightMatrix w = prepare_weight_matrix({{300}, {-300}, {39}}, 8);
  EXPECT_EQ(w, (WeightMatrix{{254}, {-256}, {38}}));
  expect_arrives_one_step_later(w, readout_params(), {254, -256, 38});
}

// Spec: weight_exp = 1 -> [508, -512, 76] (the prepared weights << 1).
TEST(Loihi2Dense, WeightExpOneDoublesTheInput) {
  const WeightMatrix w = prepare_weight_matrix({{300}, {-300}, {39}}, 8);
  expect_arrives_one_step_later(w, readout_params(1), {508, -512, 76});
}

// Spec: num_weight_bits = 7 -> [252, -256, 36].
TEST(Loihi2Dense, SevenWeightBits) {
  const WeightMatrix w = prepare_weight_matrix({{300}, {-300}, {39}}, 7);
  EXPECT_EQ(w, (WeightMatrix{{252}, {-256}, {36}}));
  expect_arrives_one_step_later(w, readout_params(0, 7), {252, -256, 36});
}

// Spec: excitatory [0.5, 300, 40] -> [0, 255, 40].
TEST(Loihi2Dense, ExcitatoryFloatWeights) {
  const std::vector<int32_t> flat = prepare_weights_from_float({0.5, 300, 40}, 8);
  const WeightMatrix w{{flat[0]}, {flat[1]}, {flat[2]}};
  EXPECT_EQ(w, (WeightMatrix{{0}, {255}, {40}}));
  expect_arrives_one_step_later(w, readout_params(), {0, 255, 40});
}

// Spec's first Lava number through the simulator: three neurons, bias 2 << 6,
// threshold 8 << 6, no input: all spike at steps 4 and 9 (see test_neuron.cpp).
TEST(Loihi2Dense, BiasOnlySpikesAtSteps4And9ForEveryNeuron) {
  Params p;
  p.vth = 8;
  p.bias_mant = {2, 2, 2};
  p.bias_exp = 6;
  const Trace tr = run_dense(WeightMatrix(3, std::vector<int32_t>{0}), p, raster(1, 10, {}), 10);
  std::vector<Spike> want;
  for (int t : {4, 9})
    for (int n = 0; n < 3; ++n) want.push_back(Spike{t, n, 1});
  EXPECT_EQ(tr.layers[0].spikes, want);
  EXPECT_EQ(tr.semantics, "loihi2");
  EXPECT_EQ(tr.timesteps, 10);
}

// weight_exp = -1 floors the SUM, not each synapse: weights [-1, -1], both
// inputs spike at t = 0: sum -2 -> -1 -> u[1] = -64. Per-synapse flooring
// would give -1 + -1 = -2 (u = -128).
// Single synapse -3: floor(-1.5) = -2 -> u = -128 (trunc0 would give -1, -64).
// weight_exp = -2 on -1: floor(-0.25) = -1 -> u = -64 (trunc0 gives 0).
TEST(Loihi2Dense, NegativeWeightExpFloorsTheNegativeSum) {
  const Trace sum = run_dense({{-1, -1}}, readout_params(-1), raster(2, 2, {{0, 0, 1}, {0, 1, 1}}), 2);
  EXPECT_EQ(sum.layers[0].state.at("u")[1][0], -64);
  const Trace odd = run_dense({{-3}}, readout_params(-1), raster(1, 2, {{0, 0, 1}}), 2);
  EXPECT_EQ(odd.layers[0].state.at("u")[1][0], -128);
  const Trace quarter = run_dense({{-1}}, readout_params(-2), raster(1, 2, {{0, 0, 1}}), 2);
  EXPECT_EQ(quarter.layers[0].state.at("u")[1][0], -64);
  const Trace positive = run_dense({{3}}, readout_params(-1), raster(1, 2, {{0, 0, 1}}), 2);
  EXPECT_EQ(positive.layers[0].state.at("u")[1][0], 64);  // floor(1.5) = 1
}

// Graded payloads multiply the weight, with no payload shift: weights
// [38, -4], payload 3 on input 0 and -2 on input 1 at t = 0:
// 38*3 + (-4)*(-2) = 122 -> u[1] = 122 << 6 = 7808. weight_exp = 1: 244 << 6 = 15616.
TEST(Loihi2Dense, GradedPayloadsMultiplyTheWeight) {
  const Raster in = raster(2, 2, {{0, 0, 3}, {0, 1, -2}});
  EXPECT_EQ(run_dense({{38, -4}}, readout_params(), in, 2).layers[0].state.at("u")[1][0], 7808);
  EXPECT_EQ(run_dense({{38, -4}}, readout_params(1), in, 2).layers[0].state.at("u")[1][0], 15616);
}

// With memory, inputs of consecutive steps accumulate in u with the decay
// between them: du = 2047 (halving), weight 2, spikes at t = 0 and t = 1:
// u[1] = 128, u[2] = 64 + 128 = 192, u[3] = 96. dv = 0: v = 0, 128, 320, 416.
TEST(Loihi2Dense, InputsAccumulateWithDecay) {
  Params p = readout_params();
  p.du = 2047;
  const Trace tr = run_dense({{2}}, p, raster(1, 4, {{1, 0, 1}, {0, 0, 1}}), 4);  // unsorted on purpose
  EXPECT_EQ(tr.layers[0].state.at("u"), (Rows{{0}, {128}, {192}, {96}}));
  EXPECT_EQ(tr.layers[0].state.at("v"), (Rows{{0}, {128}, {320}, {416}}));
}

// An event on the last step would arrive after the run: it never shows.
TEST(Loihi2Dense, LastStepEventIsNotIntegrated) {
  const Trace tr = run_dense({{2}}, readout_params(), raster(1, 3, {{2, 0, 1}}), 3);
  EXPECT_EQ(tr.layers[0].state.at("u"), (Rows{{0}, {0}, {0}}));
}

TEST(Loihi2Dense, RejectsInconsistentInputs) {
  const Raster one = raster(1, 2, {{0, 0, 1}});
  EXPECT_THROW(run_dense({{1}, {1, 2}}, readout_params(), one, 2), std::invalid_argument);  // ragged
  EXPECT_THROW(run_dense({{300}}, readout_params(), one, 2), std::invalid_argument);        // unprepared
  EXPECT_THROW(run_dense({{1, 2}}, readout_params(), one, 2), std::invalid_argument);       // size 1 vs 2 inputs
  EXPECT_THROW(run_dense({{1}}, readout_params(), raster(1, 2, {{0, 1, 1}}), 2), std::invalid_argument);
  EXPECT_THROW(run_dense({{1}}, readout_params(), raster(1, 2, {{-1, 0, 1}}), 2), std::invalid_argument);
  EXPECT_THROW(run_dense({{1}}, readout_params(), one, -1), std::invalid_argument);
  Params p = readout_params();
  p.bias_mant = {1, 2};  // two entries for one neuron
  EXPECT_THROW(run_dense({{1}}, p, one, 2), std::invalid_argument);
  const Raster huge = raster(2, 2, {{0, 0, INT64_MAX / 2}, {0, 1, INT64_MAX / 2}});
  EXPECT_THROW(run_dense({{4, 4}}, readout_params(), huge, 2), std::overflow_error);
}

}  // namespace
}  // namespace sf::ref::loihi2
