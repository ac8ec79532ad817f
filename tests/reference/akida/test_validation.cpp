// Every validation error: std::invalid_argument naming the field and the
// allowed range, with the boundary values themselves accepted (so that an
// off-by-one in either direction fails a test).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "akida_test_util.h"

namespace sf::ref::akida {
namespace {

using test::expect_invalid;
using test::step;
using test::v1_params;

// ---- ActStep -------------------------------------------------------------------

TEST(AkidaValidateV1, ActStepFromFloatRejectsNonPositiveAndNonFinite) {
  for (float bad : {0.0f, -0.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()})
    expect_invalid([bad] { ActStep::from_float(bad); }, {"act_step", "positive finite float32"});
}

TEST(AkidaValidateV1, ActStepFromRatioLimits) {
  expect_invalid([] { ActStep::from_ratio(0, 0); }, {"act_step mantissa = 0"});
  // 2^53 - 1 is accepted, 2^53 + 1 (odd, 54 bits) is not.
  EXPECT_EQ(ActStep::from_ratio((uint64_t{1} << 53) - 1, 0).mantissa(), (uint64_t{1} << 53) - 1);
  expect_invalid([] { ActStep::from_ratio((uint64_t{1} << 53) + 1, 0); }, {"act_step mantissa", "2^53 - 1"});
  EXPECT_EQ(ActStep::from_ratio(1, 256).frac_bits(), 256);
  expect_invalid([] { ActStep::from_ratio(1, 257); }, {"act_step frac_bits = 257", "-256..256"});
  expect_invalid([] { ActStep::from_ratio(1, -257); }, {"act_step frac_bits = -257", "-256..256"});
  expect_invalid([] { step(1.0f).times(0); }, {"act_step multiplier = 0"});
  expect_invalid([] { ActStep::from_ratio((uint64_t{1} << 52) + 1, 0).times(3); }, {"53 bits"});
}

// ---- V1 parameters -------------------------------------------------------------

TEST(AkidaValidateV1, BitWidths) {
  EXPECT_NO_THROW(validate(v1_params(4, 4, 4, {0}, {1.0f})));
  expect_invalid([] { validate(v1_params(3, 4, 4, {0}, {1.0f})); }, {"in_bits = 3", "{1, 2, 4}"});
  expect_invalid([] { validate(v1_params(8, 4, 4, {0}, {1.0f})); }, {"in_bits = 8", "{1, 2, 4}"});
  expect_invalid([] { validate(v1_params(4, 3, 4, {0}, {1.0f})); }, {"weight_bits = 3", "{1, 2, 4}"});
  expect_invalid([] { validate(v1_params(4, 8, 4, {0}, {1.0f})); }, {"weight_bits = 8", "{1, 2, 4}"});
  expect_invalid([] { validate(v1_params(4, 4, 3, {0}, {1.0f})); }, {"act_bits = 3", "{1, 2, 4}"});
  expect_invalid([] { validate(v1_params(4, 4, 8, {0}, {1.0f})); }, {"act_bits = 8", "{1, 2, 4}"});
  expect_invalid([] { validate(v1_params(4, 4, 0, {0}, {1.0f})); }, {"act_bits = 0", "{1, 2, 4}"});
  // The input layer adds 8 to in_bits and weight_bits, not to act_bits.
  EXPECT_NO_THROW(validate(v1_params(8, 8, 4, {0}, {1.0f}, true)));
  expect_invalid([] { validate(v1_params(8, 8, 8, {0}, {1.0f}, true)); }, {"act_bits = 8", "{1, 2, 4}"});
  expect_invalid([] { validate(v1_params(16, 8, 4, {0}, {1.0f}, true)); }, {"in_bits = 16", "{1, 2, 4, 8}"});
  expect_invalid([] { v1_activation(1, 0, step(1.0f), 3); }, {"act_bits = 3", "{1, 2, 4}"});
}

// Signed 20-bit: -524288..524287; the input layer, signed 24-bit:
// -8388608..8388607.
TEST(AkidaValidateV1, ThresholdRange) {
  EXPECT_NO_THROW(validate(v1_params(1, 2, 1, {-524288, 524287}, {1.0f})));
  expect_invalid(
      [] {
        validate(v1_params(1, 2, 1, {0, 524288}, {1.0f}));
      },
      {"threshold[1] = 524288", "-524288..524287"});
  expect_invalid([] { validate(v1_params(1, 2, 1, {-524289}, {1.0f})); },
                 {"threshold[0] = -524289", "-524288..524287"});
  EXPECT_NO_THROW(validate(v1_params(8, 8, 1, {-8388608, 8388607}, {1.0f}, true)));
  expect_invalid([] { validate(v1_params(8, 8, 1, {8388608}, {1.0f}, true)); },
                 {"threshold[0] = 8388608", "-8388608..8388607"});
  expect_invalid([] { validate(v1_params(1, 2, 1, {}, {1.0f})); }, {"threshold is empty"});
}

// act_step < 2^19 (2^23 on the input layer): the largest float below is accepted.
TEST(AkidaValidateV1, ActStepRange) {
  EXPECT_NO_THROW(validate(v1_params(1, 2, 1, {0}, {std::nextafter(524288.0f, 0.0f)})));
  expect_invalid(
      [] {
        validate(v1_params(1, 2, 1, {0}, {1.0f, 524288.0f}));
      },
      {"act_step[1] = 524288", "0 < act_step < 524288"});
  EXPECT_NO_THROW(validate(v1_params(8, 8, 1, {0}, {std::nextafter(8388608.0f, 0.0f)}, true)));
  expect_invalid([] { validate(v1_params(8, 8, 1, {0}, {8388608.0f}, true)); },
                 {"act_step[0] = 8388608", "0 < act_step < 8388608"});
  V1Params p = v1_params(1, 2, 1, {0}, {1.0f});
  p.act_step.clear();
  expect_invalid([&p] { validate(p); }, {"act_step is empty"});
}

TEST(AkidaValidateV1, PerNeuronSizes) {
  const V1Params p = v1_params(1, 2, 1, {0, 1}, {1.0f});
  EXPECT_NO_THROW(validate(p, 2));
  expect_invalid([&p] { validate(p, 3); }, {"threshold has 2 entries", "1 (one for all) or 3"});
  const V1Params q = v1_params(1, 2, 1, {0}, {1.0f, 2.0f});
  expect_invalid([&q] { validate(q, 3); }, {"act_step has 2 entries", "1 (one for all) or 3"});
  expect_invalid([] { v1_activate({1, 2, 3}, v1_params(1, 2, 1, {0, 1}, {1.0f})); }, {"threshold has 2 entries"});
}

// Symmetric weights: b = 2 -> -1..1, b = 4 -> -7..7, b = 8 (input layer) ->
// -127..127; b = 1 -> binary 0..1.
TEST(AkidaValidateV1, WeightRanges) {
  EXPECT_NO_THROW(validate_weights({{-1, 0, 1}}, v1_params(1, 2, 1, {0}, {1.0f})));
  expect_invalid([] { validate_weights({{1, 2}}, v1_params(1, 2, 1, {0}, {1.0f})); }, {"weights[0][1] = 2", "-1..1"});
  EXPECT_NO_THROW(validate_weights({{-7, 7}}, v1_params(1, 4, 1, {0}, {1.0f})));
  expect_invalid(
      [] {
        validate_weights({{0}, {-8}}, v1_params(1, 4, 1, {0}, {1.0f}));
      },
      {"weights[1][0] = -8", "-7..7"});
  EXPECT_NO_THROW(validate_weights({{-127, 127}}, v1_params(8, 8, 1, {0}, {1.0f}, true)));
  expect_invalid([] { validate_weights({{-128}}, v1_params(8, 8, 1, {0}, {1.0f}, true)); },
                 {"weights[0][0] = -128", "-127..127"});
  EXPECT_NO_THROW(validate_weights({{0, 1}}, v1_params(1, 1, 1, {0}, {1.0f})));
  expect_invalid([] { validate_weights({{-1}}, v1_params(1, 1, 1, {0}, {1.0f})); },
                 {"weights[0][0] = -1", "0..1", "binary"});
  expect_invalid(
      [] {
        validate_weights({{1, 0}, {0}}, v1_params(1, 2, 1, {0}, {1.0f}));
      },
      {"weights[1] has 1 inputs", "weights[0] has 2"});
}

TEST(AkidaValidateV1, Inputs) {
  const V1Params p = v1_params(4, 2, 1, {0}, {1.0f});
  EXPECT_NO_THROW(validate_inputs({{0, 0}, {1, 15}, {2, 3}}, 3, p));
  expect_invalid([&p] { validate_inputs({{0, 16}}, 3, p); }, {"input event 0 (index 0) value = 16", "0..15"});
  expect_invalid([&p] { validate_inputs({{0, 1}, {1, -1}}, 3, p); }, {"input event 1 (index 1) value = -1", "0..15"});
  expect_invalid([&p] { validate_inputs({{3, 1}}, 3, p); }, {"index 3 is outside 0..2"});
  expect_invalid([&p] { validate_inputs({{-1, 1}}, 3, p); }, {"index -1 is outside 0..2"});
  expect_invalid([&p] { validate_inputs({{1, 1}, {1, 2}}, 3, p); }, {"second event for index 1"});
  // Through the layer function too, with the layer's in_bits (1-bit: 0..1).
  expect_invalid([] { v1_dense_step({{1}}, v1_params(1, 2, 1, {0}, {1.0f}), {{0, 2}}); }, {"value = 2", "0..1"});
  expect_invalid(
      [] {
        v1_dense_step({{2}}, v1_params(1, 2, 1, {0}, {1.0f}), {{0, 1}});
      },
      {"weights[0][0] = 2", "-1..1"});
}

TEST(AkidaValidateV1, GapProductsMustStillFit) {
  // 2^17 * 4 = 2^19 leaves the 20-bit threshold range; 2^17 - 1 times 4 fits.
  EXPECT_NO_THROW(v1_gap_params(v1_params(1, 2, 1, {131071}, {1.0f}), 2, 2));
  expect_invalid([] { v1_gap_params(v1_params(1, 2, 1, {131072}, {1.0f}), 2, 2); },
                 {"threshold[0] = 524288", "-524288..524287"});
  expect_invalid([] { v1_gap_params(v1_params(1, 2, 1, {0}, {131072.0f}), 2, 2); },
                 {"act_step[0] = 524288", "0 < act_step < 524288"});
  expect_invalid([] { v1_gap_params(v1_params(1, 2, 1, {0}, {1.0f}), 0, 2); }, {"GAP height = 0"});
  expect_invalid([] { v1_gap_params(v1_params(1, 2, 1, {0}, {1.0f}), 2, -1); }, {"GAP width = -1"});
}

TEST(AkidaValidateV1, RunDenseShapes) {
  const V1Params p = v1_params(1, 2, 1, {0}, {1.0f});
  expect_invalid(
      [&p] {
        v1_run_dense({{1, 1}}, p, test::raster(3, 1, {}), 1);
      },
      {"input raster has size 3", "the weights have 2 inputs"});
  expect_invalid([&p] { v1_run_dense({{1}}, p, test::raster(1, 2, {{-1, 0, 1}}), 2); }, {"t = -1 < 0"});
  expect_invalid([&p] { v1_run_dense({{1}}, p, test::raster(1, 2, {}), -1); }, {"timesteps = -1 < 0"});
}

// ---- Maps and pooling ----------------------------------------------------------

TEST(AkidaValidateMaps, PoolingArguments) {
  const Map m(3, 3, 1);
  expect_invalid([] { Map(0, 3, 1); }, {"map dimensions 0x3x1", ">= 1"});
  expect_invalid([&m] { max_pool(m, 0, 2, 1, 1, Padding::kValid); }, {"pool size height = 0", "at least 1"});
  expect_invalid([&m] { max_pool(m, 2, 2, 1, 0, Padding::kValid); }, {"pool stride width = 0", "at least 1"});
  expect_invalid([&m] { max_pool(m, 4, 2, 1, 1, Padding::kValid); },
                 {"pool size height = 4", "larger than the map (3)"});
  EXPECT_NO_THROW(max_pool(m, 4, 4, 1, 1, Padding::kSame));
  Map broken(2, 2, 1);
  broken.data.pop_back();
  expect_invalid([&broken] { global_sum(broken); }, {"holds 3 values"});
  EXPECT_THROW(m.at(3, 0, 0), std::out_of_range);
}

// ---- V2 parameters -------------------------------------------------------------

TEST(AkidaValidateV2, ScalarFields) {
  EXPECT_NO_THROW(validate(V2Params{}));
  auto with = [](auto edit) {
    V2Params p;
    edit(p);
    return p;
  };
  expect_invalid([&] { validate(with([](V2Params& p) { p.input_bits = 2; })); }, {"input_bits = 2", "{4, 8}"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.weight_bits = 2; })); }, {"weight_bits = 2", "{4, 8}"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_bits = 2; })); }, {"output_bits = 2", "{4, 8}"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_bits = 16; })); }, {"output_bits = 16", "{4, 8}"});
  EXPECT_NO_THROW(validate(with([](V2Params& p) { p.buffer_bits = 32; })));
  EXPECT_NO_THROW(validate(with([](V2Params& p) { p.buffer_bits = 2; })));
  expect_invalid([&] { validate(with([](V2Params& p) { p.buffer_bits = 33; })); }, {"buffer_bits = 33", "2..32"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.buffer_bits = 1; })); }, {"buffer_bits = 1", "2..32"});
  EXPECT_NO_THROW(validate(with([](V2Params& p) { p.input_shift = {0, 32}; })));
  expect_invalid([&] { validate(with([](V2Params& p) {
                         p.input_shift = {0, 33};
                       })); },
                 {"input_shift[1] = 33", "0..32"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.input_shift = {-1}; })); }, {"input_shift[0] = -1", "0..32"});
  EXPECT_NO_THROW(validate(with([](V2Params& p) { p.bias = {-128, 127}; })));
  expect_invalid([&] { validate(with([](V2Params& p) { p.bias = {128}; })); }, {"bias[0] = 128", "-128..127"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.bias = {-129}; })); }, {"bias[0] = -129", "-128..127"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.bias_shift = {33}; })); }, {"bias_shift[0] = 33", "0..32"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.bias_shift = {-1}; })); }, {"bias_shift[0] = -1", "0..32"});
  EXPECT_NO_THROW(validate(with([](V2Params& p) { p.output_scale = {0, 255}; })));
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_scale = {256}; })); },
                 {"output_scale[0] = 256", "0..255"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_scale = {-1}; })); },
                 {"output_scale[0] = -1", "0..255"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_scale.clear(); })); }, {"output_scale is empty"});
  EXPECT_NO_THROW(validate(with([](V2Params& p) { p.output_shift = {-128, 127}; })));
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_shift = {128}; })); },
                 {"output_shift[0] = 128", "-128..127"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_shift = {-129}; })); },
                 {"output_shift[0] = -129", "-128..127"});
  expect_invalid([&] { validate(with([](V2Params& p) { p.output_shift.clear(); })); }, {"output_shift is empty"});
}

TEST(AkidaValidateV2, ReluFields) {
  auto relu = [](std::optional<int64_t> max_value, int shift) {
    V2Params p;
    p.relu = true;
    p.max_value = max_value;
    p.max_value_shift = shift;
    return p;
  };
  EXPECT_NO_THROW(validate(relu(255, 32)));
  EXPECT_NO_THROW(validate(relu(0, 0)));
  EXPECT_NO_THROW(validate(relu(std::nullopt, 0)));
  expect_invalid([&] { validate(relu(256, 0)); }, {"max_value = 256", "0..255"});
  expect_invalid([&] { validate(relu(-1, 0)); }, {"max_value = -1", "0..255"});
  expect_invalid([&] { validate(relu(6, 33)); }, {"max_value_shift = 33", "0..32"});
  expect_invalid([&] { validate(relu(6, -1)); }, {"max_value_shift = -1", "0..32"});
  V2Params off;
  off.max_value = 6;
  expect_invalid([&] { validate(off); }, {"max_value is set but relu is off"});
  expect_invalid([] { v2_relu(1, 256, 0); }, {"max_value = 256"});
}

TEST(AkidaValidateV2, PerNeuronSizes) {
  V2Params p;
  p.bias = {1, 2};
  EXPECT_NO_THROW(validate(p, 2));
  expect_invalid([&p] { validate(p, 3); }, {"bias has 2 entries", "0, 1 (one for all) or 3"});
  V2Params q;
  q.bias_shift = {1, 2};
  expect_invalid([&q] { validate(q, 3); }, {"bias_shift has 2 entries"});
  V2Params r;
  r.output_scale = {1, 2};
  expect_invalid([&r] { validate(r, 3); }, {"output_scale has 2 entries", "1 (one for all) or 3"});
  V2Params s;
  s.output_shift = {1, 2};
  expect_invalid([&s] { validate(s, 3); }, {"output_shift has 2 entries"});
  V2Params t;
  t.input_shift = {1, 2};
  EXPECT_NO_THROW(validate(t, 1, 2));
  expect_invalid([&t] { validate(t, 1, 3); }, {"input_shift has 2 entries", "one per input"});
}

// int4: -8..7, int8: -128..127 (two's complement, the full storage range).
TEST(AkidaValidateV2, Weights) {
  V2Params p;
  EXPECT_NO_THROW(validate_weights({{-128, 127}}, p));
  expect_invalid([&p] { validate_weights({{-129}}, p); }, {"weights[0][0] = -129", "-128..127"});
  expect_invalid([&p] { validate_weights({{0, 128}}, p); }, {"weights[0][1] = 128", "-128..127"});
  p.weight_bits = 4;
  EXPECT_NO_THROW(validate_weights({{-8, 7}}, p));
  expect_invalid([&p] { validate_weights({{8}}, p); }, {"weights[0][0] = 8", "-8..7"});
  expect_invalid([&p] { validate_weights({{-9}}, p); }, {"weights[0][0] = -9", "-8..7"});
  expect_invalid([&p] { validate_weights({{1}, {1, 2}}, p); }, {"weights[1] has 2 inputs"});
}

TEST(AkidaValidateV2, Inputs) {
  V2Params p;  // unsigned 8-bit: 0..255
  EXPECT_NO_THROW(validate_inputs({{0, 0}, {1, 255}}, 2, p));
  expect_invalid([&p] { validate_inputs({{0, 256}}, 2, p); }, {"value = 256", "0..255"});
  expect_invalid([&p] { validate_inputs({{0, -1}}, 2, p); }, {"value = -1", "0..255"});
  expect_invalid([&p] { validate_inputs({{2, 1}}, 2, p); }, {"index 2 is outside 0..1"});
  expect_invalid([&p] { validate_inputs({{0, 1}, {0, 1}}, 2, p); }, {"second event for index 0"});
  p.input_bits = 4;
  p.input_signed = true;  // -8..7
  EXPECT_NO_THROW(validate_inputs({{0, -8}, {1, 7}}, 2, p));
  expect_invalid([&p] { validate_inputs({{0, -9}}, 2, p); }, {"value = -9", "-8..7", "signed 4-bit"});
  expect_invalid([&p] { validate_inputs({{0, 8}}, 2, p); }, {"value = 8", "-8..7"});
  p.input_signed = false;  // 0..15
  expect_invalid([&p] { validate_inputs({{0, 16}}, 2, p); }, {"value = 16", "0..15", "unsigned 4-bit"});
}

TEST(AkidaValidateV2, OutputStageAndMaps) {
  expect_invalid([] { v2_scale_out(1, 256, 0, 8, false); }, {"output_scale = 256", "0..255"});
  expect_invalid([] { v2_scale_out(1, 1, -129, 8, false); }, {"output_shift = -129", "-128..127"});
  expect_invalid([] { v2_scale_out(1, 1, 0, 6, false); }, {"output_bits = 6", "{4, 8}"});
  expect_invalid([] { saturate_signed(1, 0); }, {"saturation bits = 0", "1..62"});
  expect_invalid([] { saturate_unsigned(1, 63); }, {"saturation bits = 63", "1..62"});
  // An accumulator map must hold saturated values: buffer 8 bits -> -128..127.
  V2Params p;
  p.buffer_bits = 8;
  EXPECT_NO_THROW(v2_outputs_map(Map(1, 1, 1, 127), p));
  expect_invalid([&p] { v2_outputs_map(Map(1, 2, 1, 128), p); }, {"accumulator map[0] = 128", "-128..127"});
  expect_invalid([&p] { v2_gap_step(Map(1, 1, 1, -129), p); }, {"accumulator map[0] = -129", "-128..127"});
  expect_invalid([] { v2_run_dense({{1}}, V2Params{}, test::raster(2, 1, {}), 1); }, {"input raster has size 2"});
}

TEST(AkidaValidateV2, FixedPointArguments) {
  expect_invalid([] { fixed_point_quantize(std::nan(""), 0, 7); }, {"not finite"});
  expect_invalid([] { fixed_point_quantize(INFINITY, 0, 7); }, {"not finite"});
  expect_invalid([] { fixed_point_quantize(1.0, 63, 7); }, {"frac_bits = 63", "-62..62"});
  expect_invalid([] { fixed_point_quantize(1.0, 0, 0); }, {"value_bits = 0", "1..62"});
  expect_invalid([] { fixed_point_quantize(1.0, 0, 63); }, {"value_bits = 63", "1..62"});
}

}  // namespace
}  // namespace sf::ref::akida
