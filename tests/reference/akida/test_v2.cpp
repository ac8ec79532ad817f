// Akida 2.0: accumulator saturation, the output stage (scale, rounded shift,
// saturation), ReLU, a Dense1D step, and quantizeml's FixedPoint quantization.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "akida_test_util.h"

namespace sf::ref::akida {
namespace {

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

// Signed 8-bit output, no ReLU.
int64_t out8(int64_t acc, int64_t scale, int shift) { return v2_scale_out(acc, scale, shift, 8, false); }

// ---- Rounding: floor(y / 2^s + 0.5), half toward +inf -------------------------

// shift -1, scale 1: y / 2 for y = -5, -3, -1, 1, 3, 5 is -2.5, -1.5, -0.5,
// 0.5, 1.5, 2.5; half up gives -2, -1, 0, 1, 2, 3 (floor((y + 1) / 2)).
// Half-even would give -2, -2, 0, 0, 2, 2; half away from zero -3, -2, -1, 1, 2, 3.
TEST(AkidaV2Rounding, TiesRoundHalfUp) {
  std::vector<int64_t> got;
  for (int64_t y : {-5, -3, -1, 1, 3, 5}) got.push_back(out8(y, 1, -1));
  EXPECT_EQ(got, (std::vector<int64_t>{-2, -1, 0, 1, 2, 3}));
}

// shift -2: y / 4 for y = -7, -6, -5, -2, 2, 5, 6, 7, 10 is -1.75, -1.5,
// -1.25, -0.5, 0.5, 1.25, 1.5, 1.75, 2.5 -> -2, -1, -1, 0, 1, 1, 2, 2, 3.
TEST(AkidaV2Rounding, QuarterSteps) {
  std::vector<int64_t> got;
  for (int64_t y : {-7, -6, -5, -2, 2, 5, 6, 7, 10}) got.push_back(out8(y, 1, -2));
  EXPECT_EQ(got, (std::vector<int64_t>{-2, -1, -1, 0, 1, 1, 2, 2, 3}));
}

// The derived vectors of docs/semantics.md (akida2).
// (1000, 181, -10): 181000 / 1024 = 176.76 -> 177: int8 saturates to 127, uint8 keeps 177.
// (-300, 181, -10): -54300 / 1024 = -53.03 -> floor(-52.53) = -53.
// (3|5|-3|-5, 1, -1): 1.5 -> 2, 2.5 -> 3, -1.5 -> -1, -2.5 -> -2.
// (7, 1, +2): 7 << 2 = 28.
TEST(AkidaV2Rounding, NotesVectors) {
  EXPECT_EQ(out8(1000, 181, -10), 127);
  EXPECT_EQ(v2_scale_out(1000, 181, -10, 8, true), 177);
  EXPECT_EQ(out8(-300, 181, -10), -53);
  EXPECT_EQ(out8(3, 1, -1), 2);
  EXPECT_EQ(out8(5, 1, -1), 3);
  EXPECT_EQ(out8(-3, 1, -1), -1);
  EXPECT_EQ(out8(-5, 1, -1), -2);
  EXPECT_EQ(out8(7, 1, 2), 28);
}

// ---- Shifts ----------------------------------------------------------------------

// Positive output_shift is a plain left shift: 7 << 2 = 28, -3 << 3 = -24,
// 5 * 3 << 1 = 30; then saturation: 5 << 5 = 160 -> 127 (int8), 160 (uint8).
TEST(AkidaV2Shift, PositiveShiftIsLeftShift) {
  EXPECT_EQ(out8(-3, 1, 3), -24);
  EXPECT_EQ(out8(5, 3, 1), 30);
  EXPECT_EQ(out8(5, 1, 5), 127);
  EXPECT_EQ(v2_scale_out(5, 1, 5, 8, true), 160);
  // The largest shift keeps only the sign: 1 -> 127, -1 -> -128, 0 -> 0.
  EXPECT_EQ(out8(1, 1, 127), 127);
  EXPECT_EQ(out8(-1, 1, 127), -128);
  EXPECT_EQ(out8(0, 1, 127), 0);
  // Any int64 accumulator, exactly: INT64_MAX * 255 saturates, INT64_MIN too.
  EXPECT_EQ(out8(kI64Max, 255, 0), 127);
  EXPECT_EQ(out8(kI64Min, 255, 0), -128);
}

// Negative output_shift: rounded right shift of the 28-bit-range product.
// (2^27 - 1) * 255 = 34225520385. shift -35: (y + 2^34) / 2^35 =
// 51405389569 / 34359738368 = 1.496 -> 1. shift -36: (y + 2^35) / 2^36 =
// 68585258753 / 68719476736 = 0.998 -> 0.
TEST(AkidaV2Shift, NegativeShiftIsRoundedRightShift) {
  EXPECT_EQ(out8((int64_t{1} << 27) - 1, 255, -35), 1);
  EXPECT_EQ(out8((int64_t{1} << 27) - 1, 255, -36), 0);
  // -(2^27) * 255 / 2^35 = -0.996 -> floor(-0.496) = -1.
  EXPECT_EQ(out8(-(int64_t{1} << 27), 255, -35), -1);
  // The most negative shift, -128, sends every int64 product to 0.
  EXPECT_EQ(out8(kI64Max, 255, -128), 0);
  EXPECT_EQ(out8(kI64Min, 255, -128), 0);
  // scale 0 silences the neuron.
  EXPECT_EQ(out8(1000, 0, 0), 0);
}

// ---- Output saturation ------------------------------------------------------------

// 4-bit: signed -8..7, unsigned 0..15; 8-bit: signed -128..127, unsigned 0..255.
TEST(AkidaV2Saturation, OutputBits) {
  EXPECT_EQ(v2_scale_out(100, 1, 0, 4, false), 7);
  EXPECT_EQ(v2_scale_out(-100, 1, 0, 4, false), -8);
  EXPECT_EQ(v2_scale_out(100, 1, 0, 4, true), 15);
  EXPECT_EQ(v2_scale_out(-100, 1, 0, 4, true), 0);
  EXPECT_EQ(v2_scale_out(300, 1, 0, 8, true), 255);
  EXPECT_EQ(v2_scale_out(-300, 1, 0, 8, false), -128);
  // In range, untouched: 7, -8, 255, -128.
  EXPECT_EQ(v2_scale_out(7, 1, 0, 4, false), 7);
  EXPECT_EQ(v2_scale_out(-8, 1, 0, 4, false), -8);
  EXPECT_EQ(v2_scale_out(255, 1, 0, 8, true), 255);
  EXPECT_EQ(v2_scale_out(-128, 1, 0, 8, false), -128);
  // notes: (40, 3, -3) uint4 -> 120 / 8 = 15 (the top value); (48, 3, -3) ->
  // 144 / 8 = 18 -> 15; (41, 3, -3) -> 123 / 8 = 15.375 -> 15; signed int4: 15 -> 7.
  EXPECT_EQ(v2_scale_out(40, 3, -3, 4, true), 15);
  EXPECT_EQ(v2_scale_out(48, 3, -3, 4, true), 15);
  EXPECT_EQ(v2_scale_out(41, 3, -3, 4, true), 15);
  EXPECT_EQ(v2_scale_out(40, 3, -3, 4, false), 7);
  // (38, 3, -3) -> 114 / 8 = 14.25 -> 14, below the cap.
  EXPECT_EQ(v2_scale_out(38, 3, -3, 4, true), 14);
}

TEST(AkidaV2Saturation, Helpers) {
  EXPECT_EQ(saturate_signed(1000, 8), 127);
  EXPECT_EQ(saturate_signed(-1000, 8), -128);
  EXPECT_EQ(saturate_signed(-5, 8), -5);
  EXPECT_EQ(saturate_unsigned(-5, 4), 0);
  EXPECT_EQ(saturate_unsigned(16, 4), 15);
  EXPECT_EQ(saturate_signed(kI64Max, 28), (int64_t{1} << 27) - 1);
  EXPECT_EQ(saturate_signed(kI64Min, 28), -(int64_t{1} << 27));
}

// ---- ReLU ----------------------------------------------------------------------

// max_value 6 << 3 = 48: 100 -> 48, 49 -> 48, 48 -> 48, 30 -> 30, -5 -> 0, 0 -> 0.
// Unbounded (nullopt): 1000 -> 1000, -1 -> 0.
TEST(AkidaV2Relu, ClampsToShiftedMaxValue) {
  EXPECT_EQ(v2_relu(100, 6, 3), 48);
  EXPECT_EQ(v2_relu(49, 6, 3), 48);
  EXPECT_EQ(v2_relu(48, 6, 3), 48);
  EXPECT_EQ(v2_relu(30, 6, 3), 30);
  EXPECT_EQ(v2_relu(-5, 6, 3), 0);
  EXPECT_EQ(v2_relu(0, 6, 3), 0);
  EXPECT_EQ(v2_relu(1000, std::nullopt, 0), 1000);
  EXPECT_EQ(v2_relu(-1, std::nullopt, 0), 0);
  // 255 << 32 is the largest bound.
  EXPECT_EQ(v2_relu(kI64Max, 255, 32), int64_t{255} << 32);
}

// ReLU comes before the output stage, and makes the output unsigned:
// acc 100 -> 48 -> 48 * 5 = 240 -> 240 / 4 = 60 (uint8).
// uint4: 60 -> 15. acc 200 unbounded, scale 1: uint8 200 (signed would be 127).
TEST(AkidaV2Relu, OutputIsUnsignedAfterRelu) {
  V2Params p;
  p.relu = true;
  p.max_value = 6;
  p.max_value_shift = 3;
  p.output_scale = {5};
  p.output_shift = {-2};
  EXPECT_EQ(v2_output(100, p, 0), 60);
  EXPECT_EQ(v2_output(-100, p, 0), 0);
  p.output_bits = 4;
  EXPECT_EQ(v2_output(100, p, 0), 15);
  V2Params q;
  q.relu = true;
  EXPECT_EQ(v2_output(200, q, 0), 200);
  q.relu = false;
  EXPECT_EQ(v2_output(200, q, 0), 127);
  EXPECT_EQ(v2_output(-200, q, 0), -128);
}

// ---- Accumulator ------------------------------------------------------------------

V2Params acc_params() {
  V2Params p;
  p.input_bits = 8;
  p.weight_bits = 8;
  return p;
}

// 28-bit buffer: -2^27..2^27 - 1 = -134217728..134217727.
// 127 * (255 << 13) = 32385 * 8192 = 265297920 -> 134217727.
// -128 * (255 << 13) = -267386880 -> -134217728.
TEST(AkidaV2Accumulator, SaturatesAtTwentyEightBits) {
  V2Params p = acc_params();
  p.input_shift = {13};
  EXPECT_EQ(v2_dense_accumulate({{127}, {-128}, {1}}, p, {{0, 255}}),
            (std::vector<int64_t>{134217727, -134217728, 2088960}));
}

// Saturation applies to the final sum only: 127*(255<<13) - 127*(255<<13) = 0,
// in either event order. Saturating the partial sum would give
// 134217727 - 265297920 = -131080193 (or its mirror).
TEST(AkidaV2Accumulator, SaturatesTheFinalSumOnly) {
  V2Params p = acc_params();
  p.input_shift = {13};
  const WeightMatrix w{{127, -127}};
  EXPECT_EQ(v2_dense_accumulate(w, p, {{0, 255}, {1, 255}}), (std::vector<int64_t>{0}));
  EXPECT_EQ(v2_dense_accumulate(w, p, {{1, 255}, {0, 255}}), (std::vector<int64_t>{0}));
}

// The bias joins the sum before the saturation:
// 265297920 + (-128 << 20) = 265297920 - 134217728 = 131080192 (in range).
// Saturating first would give 134217727 - 134217728 = -1.
TEST(AkidaV2Accumulator, BiasIsAddedBeforeSaturation) {
  V2Params p = acc_params();
  p.input_shift = {13};
  p.bias = {-128};
  p.bias_shift = {20};
  EXPECT_EQ(v2_dense_accumulate({{127}}, p, {{0, 255}}), (std::vector<int64_t>{131080192}));
}

// buffer_bits 16: -32768..32767. 127 * 255 = 32385 fits; << 1 = 64770 -> 32767.
TEST(AkidaV2Accumulator, OtherBufferWidth) {
  V2Params p = acc_params();
  p.buffer_bits = 16;
  EXPECT_EQ(v2_dense_accumulate({{127}}, p, {{0, 255}}), (std::vector<int64_t>{32385}));
  p.input_shift = {1};
  EXPECT_EQ(v2_dense_accumulate({{127}}, p, {{0, 255}}), (std::vector<int64_t>{32767}));
}

// Signed 4-bit inputs with int4 weights: 3 * -8 = -24, 3 * 7 = 21, -8 * -8 = 64.
TEST(AkidaV2Accumulator, SignedFourBitInputs) {
  V2Params p;
  p.input_bits = 4;
  p.input_signed = true;
  p.weight_bits = 4;
  EXPECT_EQ(v2_dense_accumulate({{3}, {-8}}, p, {{0, -8}}), (std::vector<int64_t>{-24, 64}));
  EXPECT_EQ(v2_dense_accumulate({{3}, {-8}}, p, {{0, 7}}), (std::vector<int64_t>{21, -56}));
}

// ---- Dense1D step -----------------------------------------------------------------

// 3 inputs (uint8), input_shift 0, 1, 2; int8 weights; bias 5 << 3, -1, 0.
// Events x0 = 7, x1 = 100, x2 = 255 -> shifted 7, 200, 1020.
// acc0 = 10*7 - 20*200 + 3*1020 + 40 = 70 - 4000 + 3060 + 40 = -830
// acc1 = 127 * (7 + 200 + 1020) - 1 = 127 * 1227 - 1 = 155828
// acc2 = -128*7 + 5*200 + 0 + 0 = -896 + 1000 = 104
// Output (signed int8, no ReLU):
// n0: scale 3, shift -6: -2490 / 64 = -38.9 -> floor(-38.41) = -39
// n1: scale 1, shift -10: 155828 / 1024 = 152.2 -> 152 -> 127 (saturated)
// n2: scale 1, shift -3: 104 / 8 = 13
V2Params dense_params() {
  V2Params p;
  p.input_shift = {0, 1, 2};
  p.bias = {5, -1, 0};
  p.bias_shift = {3, 0, 0};
  p.output_scale = {3, 1, 1};
  p.output_shift = {-6, -10, -3};
  return p;
}
const WeightMatrix kW2{{10, -20, 3}, {127, 127, 127}, {-128, 5, 0}};
const std::vector<Event> kIn2{{2, 255}, {0, 7}, {1, 100}};

TEST(AkidaV2Dense, MultiEventStep) {
  EXPECT_EQ(v2_dense_accumulate(kW2, dense_params(), kIn2), (std::vector<int64_t>{-830, 155828, 104}));
  EXPECT_EQ(v2_dense_step(kW2, dense_params(), kIn2), (std::vector<Event>{{0, -39}, {1, 127}, {2, 13}}));
}

// With ReLU (unbounded) the negative neuron is 0 and not emitted; outputs are
// uint8 (0..255), so n1's 152 is no longer saturated.
TEST(AkidaV2Dense, ReluDropsZeroOutputs) {
  V2Params p = dense_params();
  p.relu = true;
  EXPECT_EQ(v2_dense_step(kW2, p, kIn2), (std::vector<Event>{{1, 152}, {2, 13}}));
}

// Stateless: t = 0 sees x0 = 5 (acc = 2*5 + (3 << 1) = 16); t = 1 no event
// (acc = the bias alone, 6); t = 2 a value-0 event (acc = 6 again). The bias
// makes the layer emit on every step; nothing of step 0 carries over.
TEST(AkidaV2Dense, RunDenseIsStatelessPerTimestep) {
  V2Params p;
  p.bias = {3};
  p.bias_shift = {1};
  const Raster r = test::raster(1, 3, {{0, 0, 5}, {2, 0, 0}});
  const Trace tr = v2_run_dense({{2}}, p, r, 3, "d");
  EXPECT_EQ(tr.semantics, "akida2");
  ASSERT_EQ(tr.layers.size(), 1u);
  EXPECT_EQ(tr.layers[0].spikes, (std::vector<Spike>{{0, 0, 16}, {1, 0, 6}, {2, 0, 6}}));
  EXPECT_EQ(tr.layers[0].state.at("acc"), (std::vector<std::vector<int64_t>>{{16}, {6}, {6}}));
}

// ---- quantizeml FixedPoint (offline quantization: round half to EVEN) ------------

// quantizeml user guide: pi with frac_bits 1, 3, 6 -> 6, 25, 201
// (pi * 2 = 6.28 -> 6; pi * 8 = 25.13 -> 25; pi * 64 = 201.06 -> 201), for
// float32 and double pi alike. 201 needs value_bits >= 8; with value_bits 7
// (an int8) it saturates to 127.
TEST(AkidaFixedPoint, PiExample) {
  constexpr double kPi = 3.14159265358979323846;
  for (double pi : {kPi, static_cast<double>(static_cast<float>(kPi))}) {
    EXPECT_EQ(fixed_point_quantize(pi, 1, 8), 6);
    EXPECT_EQ(fixed_point_quantize(pi, 3, 8), 25);
    EXPECT_EQ(fixed_point_quantize(pi, 6, 8), 201);
    EXPECT_EQ(fixed_point_quantize(pi, 6, 7), 127);
  }
}

// Ties go to even: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, 0.5 -> 0, -0.5 -> 0;
// 1.25 at 1 fractional bit is 2.5 -> 2, 1.75 is 3.5 -> 4. The run-time
// rescale rounds the same 2.5 up to 3.
TEST(AkidaFixedPoint, TiesToEvenUnlikeRuntimeRescale) {
  EXPECT_EQ(fixed_point_quantize(2.5, 0, 7), 2);
  EXPECT_EQ(fixed_point_quantize(3.5, 0, 7), 4);
  EXPECT_EQ(fixed_point_quantize(-2.5, 0, 7), -2);
  EXPECT_EQ(fixed_point_quantize(0.5, 0, 7), 0);
  EXPECT_EQ(fixed_point_quantize(-0.5, 0, 7), 0);
  EXPECT_EQ(fixed_point_quantize(-3.5, 0, 7), -4);
  EXPECT_EQ(fixed_point_quantize(1.25, 1, 7), 2);
  EXPECT_EQ(fixed_point_quantize(1.75, 1, 7), 4);
  EXPECT_EQ(fixed_point_quantize(2.4, 0, 7), 2);
  EXPECT_EQ(fixed_point_quantize(-2.6, 0, 7), -3);
  EXPECT_EQ(out8(5, 1, -1), 3);  // 2.5 at run time
}

// value_bits excludes the sign: 7 -> -128..127; 3 -> -8..7 (int4).
TEST(AkidaFixedPoint, SaturatesToValueBits) {
  EXPECT_EQ(fixed_point_quantize(300.0, 0, 7), 127);
  EXPECT_EQ(fixed_point_quantize(-300.0, 0, 7), -128);
  EXPECT_EQ(fixed_point_quantize(-128.4, 0, 7), -128);
  EXPECT_EQ(fixed_point_quantize(1e30, 0, 7), 127);
  EXPECT_EQ(fixed_point_quantize(-1e30, 0, 7), -128);
  EXPECT_EQ(fixed_point_quantize(7.4, 0, 3), 7);
  EXPECT_EQ(fixed_point_quantize(7.6, 0, 3), 7);
  EXPECT_EQ(fixed_point_quantize(-8.4, 0, 3), -8);
  // Negative frac_bits: 100 / 2^2 = 25; 102 / 4 = 25.5 -> 26 (even).
  EXPECT_EQ(fixed_point_quantize(100.0, -2, 7), 25);
  EXPECT_EQ(fixed_point_quantize(102.0, -2, 7), 26);
}

}  // namespace
}  // namespace sf::ref::akida
