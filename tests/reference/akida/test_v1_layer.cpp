// Akida 1.0 FullyConnected layer: potentials over one timestep's events,
// per-neuron thresholds and steps, value-0 outputs not emitted, statelessness.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "akida_test_util.h"

namespace sf::ref::akida {
namespace {

using test::v1_params;

// 3 inputs (4-bit), 4 neurons (4-bit weights, 4-bit activations).
const WeightMatrix kW{{3, -2, 7}, {1, 1, 1}, {-7, 0, 5}, {0, 1, 0}};
// T = -10, 4, -20, 15 and act_step 1.5, 1, 0.5, 1.
V1Params layer() { return v1_params(4, 4, 4, {-10, 4, -20, 15}, {1.5f, 1.0f, 0.5f, 1.0f}); }

// Events (given out of index order) x0 = 5, x2 = 2, x1 = 15:
// p0 = 3*5 - 2*15 + 7*2 = -1     d = -1 + 10 = 9   -> ceil(9 / 1.5) = 6
// p1 = 5 + 15 + 2 = 22           d = 22 - 4 = 18   -> 18 -> 15 (cap)
// p2 = -7*5 + 0 + 5*2 = -25      d = -25 + 20 = -5 -> 0, not emitted
// p3 = 15                        p = T             -> 0, not emitted
const std::vector<Event> kInput{{0, 5}, {2, 2}, {1, 15}};

TEST(AkidaV1Dense, PotentialsAreExactWeightedSums) {
  EXPECT_EQ(v1_dense_potentials(kW, layer(), kInput), (std::vector<int64_t>{-1, 22, -25, 15}));
}

TEST(AkidaV1Dense, MultiEventStepEmitsOnlyNonZeroValues) {
  EXPECT_EQ(v1_dense_step(kW, layer(), kInput), (std::vector<Event>{{0, 6}, {1, 15}}));
}

// A value-0 input event is legal and adds nothing: same output as without it.
TEST(AkidaV1Dense, ZeroValuedInputAddsNothing) {
  std::vector<Event> with_zero = kInput;
  with_zero[2].value = 0;  // x1 = 0 instead of 15
  // p0 = 15 + 14 = 29, d = 39 -> ceil(26) = 26 -> 15; p1 = 7, d = 3 -> 3;
  // p2 = -25 (x1 has weight 0) -> 0; p3 = 0 -> 0.
  EXPECT_EQ(v1_dense_step(kW, layer(), with_zero), (std::vector<Event>{{0, 15}, {1, 3}}));
  const std::vector<Event> without{{0, 5}, {2, 2}};
  EXPECT_EQ(v1_dense_step(kW, layer(), without), v1_dense_step(kW, layer(), with_zero));
}

// Every step starts from p = 0 (nothing carries over). Raster:
// t = 0: the events above -> (0,6), (1,15)
// t = 1: none. p = 0: n0 d = 10 -> ceil(6.67) = 7; n1 d = -4 -> 0;
//        n2 d = 20 -> 40 -> 15; n3 d = -15 -> 0.
// t = 2: x1 = 15 only: p = -30, 15, 0, 15 -> n0 d = -20 -> 0; n1 d = 11 -> 11;
//        n2 d = 20 -> 15; n3 p = T -> 0.
// t = 3 is beyond the run (timesteps = 3) and is ignored.
TEST(AkidaV1Dense, RunDenseIsStatelessPerTimestep) {
  const Raster r = test::raster(3, 4, {{0, 0, 5}, {0, 2, 2}, {0, 1, 15}, {2, 1, 15}, {3, 0, 15}});
  const Trace tr = v1_run_dense(kW, layer(), r, 3, "fc");
  EXPECT_EQ(tr.semantics, "akida");
  EXPECT_EQ(tr.timesteps, 3);
  ASSERT_EQ(tr.layers.size(), 1u);
  const LayerTrace& l = tr.layers[0];
  EXPECT_EQ(l.name, "fc");
  EXPECT_TRUE(l.graded);
  const std::vector<Spike> want{{0, 0, 6}, {0, 1, 15}, {1, 0, 7}, {1, 2, 15}, {2, 1, 11}, {2, 2, 15}};
  EXPECT_EQ(l.spikes, want);
  const std::vector<std::vector<int64_t>> p{{-1, 22, -25, 15}, {0, 0, 0, 0}, {-30, 15, 0, 15}};
  EXPECT_EQ(l.state.at("p"), p);
}

// A single threshold/act_step entry applies to every neuron.
// T = 0, act_step 2 at 2 bits (s_eff 8): p = -1, 22, -25, 15 -> 0, ceil(2.75) = 3, 0, 2.
TEST(AkidaV1Dense, SingleEntryParametersApplyToAllNeurons) {
  EXPECT_EQ(v1_dense_step(kW, v1_params(4, 4, 2, {0}, {2.0f}), kInput), (std::vector<Event>{{1, 3}, {3, 2}}));
}

// Input layer (InputConvolutional limits): 8-bit inputs and weights, 24-bit threshold.
// x0 = 255, x1 = 200:
// p0 = 127*255 - 127*200 = 127*55 = 6985; T = 6000, act_step 100: ceil(9.85) = 10.
// p1 = 100*255 + 200 = 25700; T = 25699, act_step 1: d = 1 -> 1.
// p2 = p1 with T = 2^23 - 1 (the largest 24-bit threshold): 0.
TEST(AkidaV1Dense, InputLayerEightBit) {
  const WeightMatrix w{{127, -127}, {100, 1}, {100, 1}};
  const V1Params p = v1_params(8, 8, 4, {6000, 25699, 8388607}, {100.0f, 1.0f, 1.0f}, true);
  const std::vector<Event> in{{0, 255}, {1, 200}};
  EXPECT_EQ(v1_dense_potentials(w, p, in), (std::vector<int64_t>{6985, 25700, 25700}));
  EXPECT_EQ(v1_dense_step(w, p, in), (std::vector<Event>{{0, 10}, {1, 1}}));
}

// 1-bit weights are binary {0, 1}, with binary inputs and outputs.
// W = [1, 0, 1], T = 1: x0 = x2 = 1 -> p = 2 > 1 -> 1; x0 alone -> p = 1 = T -> 0;
// x1 alone -> p = 0 -> 0.
TEST(AkidaV1Dense, BinaryWeights) {
  const WeightMatrix w{{1, 0, 1}};
  const V1Params p = v1_params(1, 1, 1, {1}, {1.0f});
  EXPECT_EQ(v1_dense_step(w, p, {{0, 1}, {2, 1}}), (std::vector<Event>{{0, 1}}));
  EXPECT_TRUE(v1_dense_step(w, p, {{0, 1}}).empty());
  EXPECT_TRUE(v1_dense_step(w, p, {{1, 1}}).empty());
}

// No input at all: p = 0 for every neuron; only negative thresholds fire.
// T = -1, act_step 0.25 at 4 bits: d = 1 -> 4.
TEST(AkidaV1Dense, EmptyStepFiresOnlyBelowZeroThresholds) {
  const WeightMatrix w{{1}, {1}};
  const V1Params p = v1_params(1, 2, 4, {-1, 0}, {0.25f});
  EXPECT_EQ(v1_dense_step(w, p, {}), (std::vector<Event>{{0, 4}}));
}

}  // namespace
}  // namespace sf::ref::akida
