// The `loihi2` neuron (docs/semantics.md) on the numbers Lava's own tests
// quote, and on hand-derived edge cases. Expected values are derived in the
// comments, never computed by the code under test.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "loihi2.h"

namespace sf::ref::loihi2 {
namespace {

// Effective threshold 131071 << 6 = 8388544: above every v these tests reach
// unless they say otherwise.
constexpr int64_t kNeverSpikes = kVthMax;
constexpr int64_t k2To17 = int64_t{1} << 17;  // a_in whose << 6 is 2^23
constexpr int64_t k2To23 = int64_t{1} << 23;

Params make_params(int du, int dv, int64_t vth, int bias_exp = 0) {
  Params p;
  p.du = du;
  p.dv = dv;
  p.vth = vth;
  p.bias_exp = bias_exp;
  return p;
}

struct NeuronRun {
  std::vector<int64_t> u, v;
  std::vector<int> spike_steps;
};

// Steps one neuron `steps` times; a_in[t] is the input at step t (0 beyond the vector).
NeuronRun run_neuron(const Params& p, const std::vector<int64_t>& a_in, int steps, int64_t bias_mant = 0,
               State s = State{}) {
  NeuronRun r;
  for (int t = 0; t < steps; ++t) {
    const int64_t a = static_cast<size_t>(t) < a_in.size() ? a_in[static_cast<size_t>(t)] : 0;
    if (step(p, s, a, bias_mant)) r.spike_steps.push_back(t);
    r.u.push_back(s.u);
    r.v.push_back(s.v);
  }
  return r;
}

// ---- Primitives -------------------------------------------------------------

TEST(Loihi2Primitives, Trunc0RoundsTowardZero) {
  EXPECT_EQ(trunc0_shift(-10240, 12), -2);  // -2.5 -> -2 (floor gives -3): the notes' u=-5, du=2047 example
  EXPECT_EQ(trunc0_shift(10240, 12), 2);
  EXPECT_EQ(trunc0_shift(-7, 2), -1);  // -1.75 -> -1
  EXPECT_EQ(trunc0_shift(-1, 1), 0);   // -0.5 -> 0
  EXPECT_EQ(trunc0_shift(-8, 2), -2);  // exact
  EXPECT_EQ(trunc0_shift(5, 0), 5);
  EXPECT_EQ(trunc0_shift(std::numeric_limits<int64_t>::min(), 62), -2);  // -2^63 / 2^62
  EXPECT_THROW(trunc0_shift(1, 63), std::invalid_argument);
  EXPECT_THROW(trunc0_shift(1, -1), std::invalid_argument);
}

TEST(Loihi2Primitives, FloorShiftRoundsDown) {
  EXPECT_EQ(floor_shift(-3, 1), -2);  // -1.5 -> -2 (trunc0 gives -1)
  EXPECT_EQ(floor_shift(-1, 2), -1);  // -0.25 -> -1
  EXPECT_EQ(floor_shift(-4, 1), -2);  // exact
  EXPECT_EQ(floor_shift(3, 1), 1);
  EXPECT_EQ(floor_shift(-5, 0), -5);
  EXPECT_EQ(floor_shift(std::numeric_limits<int64_t>::min(), 62), -2);
}

TEST(Loihi2Primitives, Wrap24KeepsLow24BitsAsTwosComplement) {
  EXPECT_EQ(wrap24(k2To23 - 1), k2To23 - 1);  // largest in range: unchanged
  EXPECT_EQ(wrap24(k2To23), -k2To23);         // one past: wraps to the most negative
  EXPECT_EQ(wrap24(-k2To23), -k2To23);        // most negative: unchanged
  EXPECT_EQ(wrap24(-k2To23 - 1), k2To23 - 1);
  EXPECT_EQ(wrap24(2 * k2To23), 0);           // 2^24 = 0 mod 2^24
  EXPECT_EQ(wrap24(3 * k2To23), -k2To23);     // 3*2^23 - 2^24 = 2^23 -> -2^23
  EXPECT_EQ(wrap24(-1), -1);
  EXPECT_EQ(wrap24(std::numeric_limits<int64_t>::min()), 0);  // low 24 bits all zero
}

TEST(Loihi2Primitives, SaturateVIsSymmetric) {
  EXPECT_EQ(saturate_v(k2To23), k2To23 - 1);
  EXPECT_EQ(saturate_v(-k2To23), -(k2To23 - 1));  // not -2^23: Lava clips at -(2^23) + 1
  EXPECT_EQ(saturate_v(k2To23 - 1), k2To23 - 1);
  EXPECT_EQ(saturate_v(-5), -5);
}

TEST(Loihi2Primitives, WeightExpShiftsLeftOrFloorsRight) {
  EXPECT_EQ(apply_weight_exp(254, 1), 508);
  EXPECT_EQ(apply_weight_exp(-256, 1), -512);
  EXPECT_EQ(apply_weight_exp(5, 0), 5);
  EXPECT_EQ(apply_weight_exp(3, -1), 1);    // 1.5 -> 1
  EXPECT_EQ(apply_weight_exp(-3, -1), -2);  // -1.5 -> -2, floor (trunc0 gives -1)
  EXPECT_EQ(apply_weight_exp(-1, -2), -1);  // -0.25 -> -1 (trunc0 gives 0)
  EXPECT_THROW(apply_weight_exp(std::numeric_limits<int64_t>::max() / 2, 2), std::overflow_error);
}

// ---- Lava's own test numbers (docs/semantics.md) ----------------------------

// du = dv = 0, bias 2 << 6 = 128 per step, threshold 8 << 6 = 512, no input:
// v = 128, 256, 384, 512 (= 512, not > 512: no spike), 640 > 512 -> spike at
// step 4, v = 0; the same five steps again -> spike at step 9. u stays 0.
TEST(Loihi2Lava, NoDecayBiasSpikesAtSteps4And9) {
  const NeuronRun r = run_neuron(make_params(0, 0, 8, 6), {}, 10, 2);
  EXPECT_EQ(r.spike_steps, (std::vector<int>{4, 9}));
  EXPECT_EQ(r.v, (std::vector<int64_t>{128, 256, 384, 512, 0, 128, 256, 384, 512, 0}));
  EXPECT_EQ(r.u, std::vector<int64_t>(10, 0));
}

// du = 2047 -> decay factor 4096 - 2048 = 2048, exactly one half; a_in = 128
// at step 0 gives u = 128 << 6 = 8192, then 4096, ..., 8192 / 2^7 = 64.
// dv = 0: v sums u exactly, 8192 + 4096 + ... + 64 = 16320 at step 7.
TEST(Loihi2Lava, CurrentHalvesWithDu2047) {
  const NeuronRun r = run_neuron(make_params(2047, 0, kNeverSpikes), {128}, 8);
  EXPECT_EQ(r.u, (std::vector<int64_t>{8192, 4096, 2048, 1024, 512, 256, 128, 64}));
  EXPECT_EQ(r.v, (std::vector<int64_t>{8192, 12288, 14336, 15360, 15872, 16128, 16256, 16320}));
  EXPECT_TRUE(r.spike_steps.empty());
}

// du = 0 still leaks (factor 4095): u = 8192, trunc0(8192*4095/4096) =
// trunc0(8190.0) = 8190, ... dv = 2048 halves v: step 0 v = 8192;
// step 1 v = 4096 + 8190 = 12286 (12288 without the du + 1 offset);
// step 2 u = trunc0(8190*4095/4096) = trunc0(8188.0004) = 8188, v = 6143 + 8188 = 14331.
TEST(Loihi2Lava, VoltageWithDv2048AndDu0) {
  const NeuronRun r = run_neuron(make_params(0, 2048, kNeverSpikes), {128}, 8);
  EXPECT_EQ(r.v, (std::vector<int64_t>{8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295}));
  EXPECT_EQ(r.u[1], 8190);
  EXPECT_EQ(r.u[2], 8188);
}

// 4095 << 5 = 131040; below the threshold 131071 << 6, so v keeps it.
TEST(Loihi2Lava, BiasMant4095Exp5GivesV131040) {
  const NeuronRun r = run_neuron(make_params(0, 0, kNeverSpikes, 5), {}, 1, 4095);
  EXPECT_EQ(r.v[0], 131040);
  EXPECT_EQ(r.u[0], 0);
}

// ---- Hand-derived edge cases --------------------------------------------------

// du = 4095 clears u, so u = wrap_24(a_in << 6).
// a_in = 2^17 - 1: 8388544, in range. a_in = 2^17: 2^23 wraps to -2^23 (Lava
// itself keeps +2^23 here, outside 24 bits; this model follows the spec's
// wrap_24, see README). v takes the wrapped u: dv = 0, v = 0 + u.
TEST(Loihi2Edge, UWrapsAtPlus2To23) {
  const Params p = make_params(4095, 0, kNeverSpikes);
  State s;
  step(p, s, k2To17 - 1, 0);
  EXPECT_EQ(s.u, 8388544);
  s = State{};
  step(p, s, k2To17, 0);
  EXPECT_EQ(s.u, -k2To23);
  EXPECT_EQ(s.v, -k2To23 + 1);  // v = -2^23 saturates to -(2^23 - 1)
}

// a_in = -2^17: -2^23 is in range (Lava turns it into +2^23). a_in = -2^17 - 1:
// -8388672 + 2^24 = 8388544.
TEST(Loihi2Edge, UWrapsAtMinus2To23) {
  const Params p = make_params(4095, 0, kNeverSpikes);
  State s;
  step(p, s, -k2To17, 0);
  EXPECT_EQ(s.u, -k2To23);
  s = State{};
  step(p, s, -k2To17 - 1, 0);
  EXPECT_EQ(s.u, 8388544);
}

// Wrap after a decay: u = 8388000, du = 0: 8388000 * 4095 = 34348860000,
// / 4096 = 8385952.15 -> 8385952; + (100 << 6) = 8392352 > 2^23 - 1, so
// u = 8392352 - 2^24 = -8384864. dv = 0 and v = 0: v = u (the new, wrapped u).
TEST(Loihi2Edge, UWrapsAfterDecay) {
  State s{8388000, 0};
  step(make_params(0, 0, kNeverSpikes), s, 100, 0);
  EXPECT_EQ(s.u, -8384864);
  EXPECT_EQ(s.v, -8384864);
}

// du = 4095, dv = 0, a_in = -2^17 every step: u = -2^23. Step 0: v = -2^23 ->
// -(2^23 - 1); step 1: -(2^23 - 1) - 2^23 -> -(2^23 - 1) again.
TEST(Loihi2Edge, VSaturatesAtMinus2To23Plus1) {
  const NeuronRun r = run_neuron(make_params(4095, 0, kNeverSpikes), {-k2To17, -k2To17, -k2To17}, 3);
  EXPECT_EQ(r.v, (std::vector<int64_t>(3, -(k2To23 - 1))));
  EXPECT_TRUE(r.spike_steps.empty());
}

// On the positive side the clamp (2^23 - 1 = 8388607) is always above the
// largest threshold (131071 << 6 = 8388544), so a saturated v always spikes
// and reads 0: the clamp shows only as a spike. du = 4095, dv = 0, a_in =
// 2^17 - 1: u = 8388544. Step 0: v = 8388544 = threshold, no spike (strict >).
// Step 1: v = 16777088 -> 8388607 > 8388544: spike, v = 0; u stays 8388544.
TEST(Loihi2Edge, VSaturatesAtPlus2To23Minus1AndSpikes) {
  const NeuronRun r = run_neuron(make_params(4095, 0, kVthMax), {k2To17 - 1, k2To17 - 1}, 2);
  EXPECT_EQ(r.v, (std::vector<int64_t>{8388544, 0}));
  EXPECT_EQ(r.spike_steps, (std::vector<int>{1}));
  EXPECT_EQ(r.u[1], 8388544);
}

// From the notes: u = -5, du = 2047: -5 * 2048 = -10240, trunc0(-2.5) = -2
// (floor would give -3). dv = 0, v = 0 + (-2).
// v decay: v = -5, dv = 2048, du = 4095 and no input (u = 0): trunc0(-2.5) = -2.
TEST(Loihi2Edge, DecaysRoundTowardZero) {
  State s{-5, 0};
  step(make_params(2047, 0, kNeverSpikes), s, 0, 0);
  EXPECT_EQ(s.u, -2);
  EXPECT_EQ(s.v, -2);
  State w{0, -5};
  step(make_params(4095, 2048, kNeverSpikes), w, 0, 0);
  EXPECT_EQ(w.v, -2);
  State x{0, 5};
  step(make_params(4095, 2048, kNeverSpikes), x, 0, 0);
  EXPECT_EQ(x.v, 2);
}

// du = 4095: decay factor 4096 - 4096 = 0, u = a_in << 6 only:
// a_in 3, 0, -2, 0 -> u = 192, 0, -128, 0. du = 4094 (factor 1) keeps a
// trace: u = 8192 -> trunc0(8192 / 4096) = 2.
TEST(Loihi2Edge, Du4095HasNoMemory) {
  const NeuronRun r = run_neuron(make_params(4095, 0, kNeverSpikes), {3, 0, -2, 0}, 4);
  EXPECT_EQ(r.u, (std::vector<int64_t>{192, 0, -128, 0}));
  State s{8192, 0};
  step(make_params(4094, 0, kNeverSpikes), s, 0, 0);
  EXPECT_EQ(s.u, 2);
}

// dv = 0: factor 4096, v is kept exactly. v = 1000, no input (du = 4095, u = 0),
// bias 3 << 1 = 6 per step: v = 1006, 1012, 1018.
// dv = 4095 keeps 1/4096: v = 8192 -> 2 (+ bias 0).
TEST(Loihi2Edge, Dv0HasNoVoltageDecay) {
  const NeuronRun r = run_neuron(make_params(4095, 0, kNeverSpikes, 1), {}, 3, 3, State{0, 1000});
  EXPECT_EQ(r.v, (std::vector<int64_t>{1006, 1012, 1018}));
  State s{0, 8192};
  step(make_params(4095, 4095, kNeverSpikes), s, 0, 0);
  EXPECT_EQ(s.v, 2);
}

// du = 2047, a_in = 128 at step 0, dv = 0, threshold 100 << 6 = 6400:
// step 0 u = 8192, v = 8192 > 6400: spike, v = 0, u stays 8192;
// step 1 u = 4096, v = 4096; step 2 u = 2048, v = 6144 (<= 6400);
// step 3 u = 1024, v = 7168 > 6400: spike.
TEST(Loihi2Edge, SpikeResetsVButNotU) {
  const NeuronRun r = run_neuron(make_params(2047, 0, 100), {128}, 4);
  EXPECT_EQ(r.spike_steps, (std::vector<int>{0, 3}));
  EXPECT_EQ(r.u, (std::vector<int64_t>{8192, 4096, 2048, 1024}));
  EXPECT_EQ(r.v, (std::vector<int64_t>{0, 4096, 6144, 0}));
}

// vth = 0: v = 0 does not spike (0 > 0 is false), v = 1 does.
TEST(Loihi2Edge, ThresholdZeroIsStrict) {
  const Params p = make_params(4095, 0, 0, 0);
  State s;
  EXPECT_FALSE(step(p, s, 0, 0));
  EXPECT_TRUE(step(p, s, 0, 1));
  EXPECT_EQ(s.v, 0);
}

// Negative bias: -4096 << 7 = -524288 per step, dv = 0: v = -524288, -1048576.
TEST(Loihi2Edge, NegativeBiasAtFullExponent) {
  const NeuronRun r = run_neuron(make_params(4095, 0, kNeverSpikes, 7), {}, 2, -4096);
  EXPECT_EQ(r.v, (std::vector<int64_t>{-524288, -1048576}));
}

// ---- Validation -----------------------------------------------------------------

void expect_invalid(const Params& p, const std::string& field, const std::string& range) {
  try {
    validate(p);
    ADD_FAILURE() << "validate accepted " << field;
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(field), std::string::npos) << msg;
    EXPECT_NE(msg.find(range), std::string::npos) << msg;
  }
}

TEST(Loihi2Validate, NamesTheFieldAndTheRange) {
  const Params ok = make_params(0, 0, 0);
  EXPECT_NO_THROW(validate(ok));
  Params p = ok;
  p.du = 4096;
  expect_invalid(p, "du = 4096", "0..4095");
  p = ok;
  p.du = -1;  // Lava's "no decay" value; outside the 12-bit register (see README)
  expect_invalid(p, "du = -1", "0..4095");
  p = ok;
  p.dv = 4096;
  expect_invalid(p, "dv = 4096", "0..4095");
  p = ok;
  p.vth = 131072;
  expect_invalid(p, "vth = 131072", "0..131071");
  p = ok;
  p.vth = -1;
  expect_invalid(p, "vth = -1", "0..131071");
  p = ok;
  p.bias_mant = {0, 4096};
  expect_invalid(p, "bias_mant[1] = 4096", "-4096..4095");
  p = ok;
  p.bias_mant = {-4097};
  expect_invalid(p, "bias_mant[0] = -4097", "-4096..4095");
  p = ok;
  p.bias_exp = 8;
  expect_invalid(p, "bias_exp = 8", "0..7");
  p = ok;
  p.bias_exp = -1;
  expect_invalid(p, "bias_exp = -1", "0..7");
  p = ok;
  p.weight_exp = 8;
  expect_invalid(p, "weight_exp = 8", "-8..7");
  p = ok;
  p.weight_exp = -9;
  expect_invalid(p, "weight_exp = -9", "-8..7");
  p = ok;
  p.num_weight_bits = 0;
  expect_invalid(p, "num_weight_bits = 0", "1..8");
  p = ok;
  p.num_weight_bits = 9;
  expect_invalid(p, "num_weight_bits = 9", "1..8");
}

TEST(Loihi2Validate, BoundariesAreAccepted) {
  Params p = make_params(4095, 4095, kVthMax, 7);
  p.bias_mant = {-4096, 4095};
  p.weight_exp = -8;
  p.num_weight_bits = 1;
  EXPECT_NO_THROW(validate(p, 2));
  p.weight_exp = 7;
  p.num_weight_bits = 8;
  EXPECT_NO_THROW(validate(p, 2));
  EXPECT_THROW(validate(p, 3), std::invalid_argument);  // bias_mant must have one entry per neuron
}

TEST(Loihi2Validate, StepRejectsBadInputs) {
  const Params p = make_params(0, 0, 0);
  State s;
  EXPECT_THROW(step(p, s, 0, 4096), std::invalid_argument);
  State bad_u{k2To23, 0};  // +2^23: the value Lava's wrap can leave, outside 24 bits
  EXPECT_THROW(step(p, bad_u, 0, 0), std::invalid_argument);
  State bad_v{0, -k2To23};
  EXPECT_THROW(step(p, bad_v, 0, 0), std::invalid_argument);
  Params q = p;
  q.du = 5000;
  EXPECT_THROW(step(q, s, 0, 0), std::invalid_argument);
}

}  // namespace
}  // namespace sf::ref::loihi2
