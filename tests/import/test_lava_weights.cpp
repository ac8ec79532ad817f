// The netx importer's copy of Lava's weight preparation (gen/import/lava_weights),
// pinned to Lava's numbers: the same reference values that pin the golden
// model's copy (tests/reference/loihi2/test_weights.cpp), and netx's weight
// exponent and precision on hand-derived matrices.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "import/lava_weights.h"

namespace sf::import::lava {
namespace {

using W = std::vector<int32_t>;
using V = std::vector<int64_t>;

W prepare(const V& w, int bits) { return prepare_weights(w, bits, sign_mode(w)); }

TEST(LavaWeightsImport, SignModeDecidedByMinAndMax) {
  EXPECT_EQ(sign_mode({0, 3, 255}), SignMode::Excitatory);
  EXPECT_EQ(sign_mode({0, 0}), SignMode::Excitatory);  // all zero counts as excitatory
  EXPECT_EQ(sign_mode({}), SignMode::Excitatory);
  EXPECT_EQ(sign_mode({0, -1}), SignMode::Inhibitory);
  EXPECT_EQ(sign_mode({-1, 1}), SignMode::Mixed);
  EXPECT_STREQ(sign_mode_name(SignMode::Mixed), "mixed");
  EXPECT_STREQ(sign_mode_name(SignMode::Excitatory), "excitatory");
  EXPECT_STREQ(sign_mode_name(SignMode::Inhibitory), "inhibitory");
}

// [300, -300, 39] mixed -> clip to [255, -256, 39] -> drop 1 bit, floor.
TEST(LavaWeightsImport, MixedSpecExample) { EXPECT_EQ(prepare({300, -300, 39}, 8), (W{254, -256, 38})); }

// 7 bits, mixed: drop 2 bits.
TEST(LavaWeightsImport, MixedSevenBits) { EXPECT_EQ(prepare({300, -300, 39}, 7), (W{252, -256, 36})); }

// 8-bit mixed weights become even, floor on negatives.
TEST(LavaWeightsImport, MixedEightBitWeightsBecomeEven) {
  EXPECT_EQ(prepare({255, 39, -3}, 8), (W{254, 38, -4}));
}

// Lava's int32 Var truncates floats toward zero before the sign mode; the
// importer gets the truncated values: [0.5, 300, 40] -> [0, 300, 40].
TEST(LavaWeightsImport, ExcitatorySpecExample) { EXPECT_EQ(prepare({0, 300, 40}, 8), (W{0, 255, 40})); }
TEST(LavaWeightsImport, TruncatedFloatsDecideTheSignMode) {
  EXPECT_EQ(prepare({0, 300}, 8), (W{0, 255}));  // [-0.5, 300]
  EXPECT_EQ(prepare({-1, 5}, 8), (W{-2, 4}));    // [-1.9, 5.7]
}

TEST(LavaWeightsImport, ExcitatorySevenBits) { EXPECT_EQ(prepare({255, 3, 300}, 7), (W{254, 2, 254})); }

// Inhibitory: clip to [-255, 0]; the magnitude is truncated (toward zero).
TEST(LavaWeightsImport, InhibitoryTruncatesTheMagnitude) {
  EXPECT_EQ(prepare({-300, -3, 0}, 8), (W{-255, -3, 0}));
  EXPECT_EQ(prepare({-300, -3, 0}, 7), (W{-254, -2, 0}));
}

TEST(LavaWeightsImport, MixedOneBit) { EXPECT_EQ(prepare({255, -1, -256}, 1), (W{0, -256, -256})); }

// A given sign mode overrides the matrix's: excitatory clips -5 to 0.
TEST(LavaWeightsImport, GivenSignMode) {
  EXPECT_EQ(prepare_weights({-5, 10}, 8, SignMode::Excitatory), (W{0, 10}));
  EXPECT_EQ(prepare({-5, 10}, 8), (W{-6, 10}));
}

// Not idempotent: [1, -256] mixed -> [0, -256], then inhibitory -> [0, -255].
TEST(LavaWeightsImport, NotIdempotent) {
  const W once = prepare({1, -256}, 8);
  EXPECT_EQ(once, (W{0, -256}));
  EXPECT_EQ(prepare({once[0], once[1]}, 8), (W{0, -255}));
}

TEST(LavaWeightsImport, RejectsWhatLavaCannotStore) {
  EXPECT_THROW(prepare({int64_t{1} << 31}, 8), std::invalid_argument);
  EXPECT_THROW(prepare({1}, 0), std::invalid_argument);
  EXPECT_THROW(prepare({1}, 9), std::invalid_argument);
  // int32's extremes are mixed: clip to [-256, 255], lose one bit.
  EXPECT_EQ(prepare({-2147483648LL, 2147483647LL}, 8), (W{-256, 254}));
}

// netx's weight exponent: the shift k that brings the extreme into the
// mantissa range. Excitatory max 3: 3 << 6 = 192 <= 255 < 384, k = 6.
// Inhibitory min -3: 3 << 6 = 192 <= 256, k = 6. Mixed [5, -3]:
// min(floor(log2(127/5)), floor(log2(128/3))) + 1 = min(4, 5) + 1 = 5.
// Already at full range: k = 0 (255, excitatory), 1 (mixed 127 / -128 leaves
// one bit for the sign: floor(log2(1)) + 1).
TEST(LavaWeightsImport, WeightShift) {
  EXPECT_EQ(weight_shift({0, 3}, SignMode::Excitatory), 6);
  EXPECT_EQ(weight_shift({0, -3}, SignMode::Inhibitory), 6);
  EXPECT_EQ(weight_shift({5, -3}, SignMode::Mixed), 5);
  EXPECT_EQ(weight_shift({255, 1}, SignMode::Excitatory), 0);
  EXPECT_EQ(weight_shift({127, -128}, SignMode::Mixed), 1);
  EXPECT_EQ(weight_shift({0, 0}, SignMode::Excitatory), 0);
  // larger than the range: a negative shift (the importer rejects k < 0)
  EXPECT_EQ(weight_shift({300}, SignMode::Excitatory), -1);
}

// num_weight_bits = 8 - k - n, n = the low zero bits common to the stored
// weights (one fewer when mixed): [4, 8] has 2 common zero bits.
TEST(LavaWeightsImport, NumWeightBits) {
  EXPECT_EQ(num_weight_bits({4, 8}, 5, SignMode::Excitatory), 1);  // 8 - 5 - 2
  EXPECT_EQ(num_weight_bits({4, -8}, 4, SignMode::Mixed), 3);      // 8 - 4 - (2 - 1)
  EXPECT_EQ(num_weight_bits({3, -5}, 5, SignMode::Mixed), 4);      // odd, mixed: n = -1
  EXPECT_EQ(num_weight_bits({0, 0}, 0, SignMode::Excitatory), 0);  // all zero: n = 8
}

}  // namespace
}  // namespace sf::import::lava
