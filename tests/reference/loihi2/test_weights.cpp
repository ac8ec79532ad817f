// Weight preparation as Lava's weightutils does it (docs/semantics.md):
// sign mode over the whole matrix, clip, drop low bits.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "loihi2.h"

namespace sf::ref::loihi2 {
namespace {

using W = std::vector<int32_t>;

TEST(Loihi2SignMode, DecidedByMinAndMax) {
  EXPECT_EQ(determine_sign_mode({0, 3, 255}), SignMode::kExcitatory);
  EXPECT_EQ(determine_sign_mode({0, 0}), SignMode::kExcitatory);  // all zero counts as excitatory
  EXPECT_EQ(determine_sign_mode({}), SignMode::kExcitatory);
  EXPECT_EQ(determine_sign_mode({0, -1}), SignMode::kInhibitory);
  EXPECT_EQ(determine_sign_mode({-1, 1}), SignMode::kMixed);
}

// Spec: [300, -300, 39] mixed -> clip to [255, -256, 39] -> drop 8 - 8 + 1 = 1
// bit, floor: [254, -256, 38].
TEST(Loihi2Weights, MixedSpecExample) {
  EXPECT_EQ(prepare_weights({300, -300, 39}, 8), (W{254, -256, 38}));
}

// num_weight_bits = 7, mixed: drop 8 - 7 + 1 = 2 bits: 255 -> 252, -256 -> -256, 39 -> 36.
TEST(Loihi2Weights, MixedSevenBits) {
  EXPECT_EQ(prepare_weights({300, -300, 39}, 7), (W{252, -256, 36}));
}

// Spec: 8-bit mixed weights become even, floor on negatives: 255 -> 254, 39 -> 38, -3 -> -4.
TEST(Loihi2Weights, MixedEightBitWeightsBecomeEven) {
  EXPECT_EQ(prepare_weights({255, 39, -3}, 8), (W{254, 38, -4}));
}

// Spec: excitatory [0.5, 300, 40] -> [0, 255, 40]. Lava's int32 Var truncates
// 0.5 to 0 first; all >= 0, so excitatory: clip [0, 255], drop 0 bits.
TEST(Loihi2Weights, ExcitatoryFloatSpecExample) {
  EXPECT_EQ(prepare_weights_from_float({0.5, 300, 40}, 8), (W{0, 255, 40}));
}

// The sign mode is decided after the int32 cast: [-0.5, 300] casts to [0, 300],
// excitatory -> [0, 255]. Deciding on the floats (mixed) would give [0, 254].
// [-1.9, 5.7] casts toward zero to [-1, 5], mixed -> [-2, 4].
TEST(Loihi2Weights, FloatsAreTruncatedTowardZeroBeforeTheSignMode) {
  EXPECT_EQ(prepare_weights_from_float({-0.5, 300}, 8), (W{0, 255}));
  EXPECT_EQ(prepare_weights_from_float({-1.9, 5.7}, 8), (W{-2, 4}));
}

// Excitatory, 7 bits: drop 1 bit, no sign bit: 255 -> 254, 3 -> 2; 300 clips to 255 -> 254.
TEST(Loihi2Weights, ExcitatorySevenBits) {
  EXPECT_EQ(prepare_weights({255, 3, 300}, 7), (W{254, 2, 254}));
}

// Inhibitory: clip to [-255, 0] (not -256: Lava negates and clips to [0, 255]).
// 8 bits: drop 0 bits, odd magnitudes stay. 7 bits: drop 1 bit of the
// magnitude, toward zero: -3 -> -2 (mixed floor would give -4), -255 -> -254.
TEST(Loihi2Weights, InhibitoryTruncatesTheMagnitude) {
  EXPECT_EQ(prepare_weights({-300, -3, 0}, 8), (W{-255, -3, 0}));
  EXPECT_EQ(prepare_weights({-300, -3, 0}, 7), (W{-254, -2, 0}));
}

// One bit, mixed: drop 8 bits, floor: 255 -> 0, -1 -> -256, -256 -> -256.
TEST(Loihi2Weights, MixedOneBit) {
  EXPECT_EQ(prepare_weights({255, -1, -256}, 1), (W{0, -256, -256}));
}

// Lava's proc_params sign_mode overrides the detection: excitatory clips -5 to 0.
TEST(Loihi2Weights, ForcedSignMode) {
  EXPECT_EQ(prepare_weights({-5, 10}, 8, SignMode::kExcitatory), (W{0, 10}));
  EXPECT_EQ(prepare_weights({-5, 10}, 8), (W{-6, 10}));  // detected: mixed
}

// One sign mode for the whole matrix: rows [10] and [-3] together are mixed,
// so -3 -> -4 and 10 stays even; row by row they would stay [10] and [-3].
TEST(Loihi2Weights, MatrixSharesOneSignMode) {
  const WeightMatrix m = prepare_weight_matrix({{10}, {-3}}, 8);
  EXPECT_EQ(m, (WeightMatrix{{10}, {-4}}));
  EXPECT_THROW(prepare_weight_matrix({{1, 2}, {3}}, 8), std::invalid_argument);
}

// Preparation is not idempotent: [1, -256] is mixed -> [0, -256], which is
// then inhibitory and would clip to -255. run_dense therefore takes prepared
// weights as they are and only checks the 8-bit range.
TEST(Loihi2Weights, NotIdempotent) {
  const W once = prepare_weights({1, -256}, 8);
  EXPECT_EQ(once, (W{0, -256}));
  EXPECT_EQ(prepare_weights({once[0], once[1]}, 8), (W{0, -255}));
}

TEST(Loihi2Weights, RejectsWhatLavaCannotStore) {
  EXPECT_THROW(prepare_weights({int64_t{1} << 31}, 8), std::invalid_argument);
  EXPECT_THROW(prepare_weights_from_float({std::nan("")}, 8), std::invalid_argument);
  EXPECT_THROW(prepare_weights_from_float({std::numeric_limits<double>::infinity()}, 8), std::invalid_argument);
  EXPECT_THROW(prepare_weights_from_float({3e9}, 8), std::invalid_argument);
  EXPECT_THROW(prepare_weights({1}, 0), std::invalid_argument);
  EXPECT_THROW(prepare_weights({1}, 9), std::invalid_argument);
  // Just inside int32 after truncation toward zero; mixed, so they clip to
  // [-256, 255] and lose one bit: -256, 254.
  EXPECT_EQ(prepare_weights_from_float({-2147483648.9, 2147483647.9}, 8), (W{-256, 254}));
}

}  // namespace
}  // namespace sf::ref::loihi2
