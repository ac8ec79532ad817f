// Akida 1.0 activation: the exact act_step, the table of docs/semantics.md,
// boundaries, and cases where floating point would give a different answer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "akida_test_util.h"

namespace sf::ref::akida {
namespace {

using test::step;

// ---- ActStep: a float32 held exactly as m / 2^f ---------------------------------

TEST(AkidaActStep, FromFloatIsExactAndNormalized) {
  // 3.0 = 3 / 2^0; 0.75 = 3 / 2^2; 8.0 = 1 / 2^-3 (the mantissa is made odd).
  EXPECT_EQ(step(3.0f), ActStep::from_ratio(3, 0));
  EXPECT_EQ(step(0.75f).mantissa(), 3u);
  EXPECT_EQ(step(0.75f).frac_bits(), 2);
  EXPECT_EQ(step(8.0f).mantissa(), 1u);
  EXPECT_EQ(step(8.0f).frac_bits(), -3);
  // 0.1f is 0x3DCCCCCD: significand 0xCCCCCD = 13421773 (odd) times 2^-27,
  // i.e. 0.100000001490116..., not 0.1.
  EXPECT_EQ(step(0.1f).mantissa(), 13421773u);
  EXPECT_EQ(step(0.1f).frac_bits(), 27);
  // The smallest subnormal float32 is 2^-149; the largest float32 is
  // (2^24 - 1) * 2^104.
  EXPECT_EQ(step(std::numeric_limits<float>::denorm_min()), ActStep::from_ratio(1, 149));
  EXPECT_EQ(step(std::numeric_limits<float>::max()), ActStep::from_ratio((1u << 24) - 1, -104));
  // The float just below 1: (2^24 - 1) / 2^24.
  EXPECT_EQ(step(std::nextafter(1.0f, 0.0f)), ActStep::from_ratio((1u << 24) - 1, 24));
}

TEST(AkidaActStep, FromRatioNormalizes) {
  // 12 / 2^2 = 3 / 2^0.
  EXPECT_EQ(ActStep::from_ratio(12, 2), ActStep::from_ratio(3, 0));
  EXPECT_NE(ActStep::from_ratio(3, 1), ActStep::from_ratio(3, 0));
  // 2^53 normalizes to 1 * 2^53, i.e. frac_bits -53: accepted.
  EXPECT_EQ(ActStep::from_ratio(uint64_t{1} << 53, 0), ActStep::from_ratio(1, -53));
  EXPECT_DOUBLE_EQ(ActStep::from_ratio(3, 2).to_double(), 0.75);
  EXPECT_EQ(ActStep::from_ratio(3, 2).str(), "0.75 (= 3 / 2^2)");
}

TEST(AkidaActStep, TimesIsExact) {
  // 0.75 * 9 = 6.75 = 27 / 2^2; 0.75 * 4 = 3 = 3 / 2^0.
  EXPECT_EQ(step(0.75f).times(9), ActStep::from_ratio(27, 2));
  EXPECT_EQ(step(0.75f).times(4), step(3.0f));
  // 0.1f * 3 = 40265319 / 2^27, which no float32 holds (26 significant bits).
  EXPECT_EQ(step(0.1f).times(3), ActStep::from_ratio(40265319, 27));
}

// ---- The table of docs/semantics.md --------------------------------------------

const std::vector<int64_t> kTableP{-5, 10, 11, 13, 14, 16, 19, 20, 55, 56, 100};
constexpr int64_t kTableT = 10;

std::vector<int64_t> activations(const ActStep& s, int act_bits) {
  std::vector<int64_t> out;
  for (int64_t p : kTableP) out.push_back(v1_activation(p, kTableT, s, act_bits));
  return out;
}

// act_bits 4, act_step 3 (s_eff = 3 * 2^0 = 3); with d = p - 10:
// d = -15, 0 -> 0 (p <= T); 1, 3 -> ceil(1/3), ceil(3/3) = 1; 4, 6 -> 2;
// 9 -> 3; 10 -> ceil(3.33) = 4; 45 -> 15; 46 -> ceil(15.33) = 16 -> 15; 90 -> 15.
TEST(AkidaV1Activation, SpecTableFourBits) {
  EXPECT_EQ(activations(step(3.0f), 4), (std::vector<int64_t>{0, 0, 1, 1, 2, 2, 3, 4, 15, 15, 15}));
}

// act_bits 2, act_step 0.75 -> s_eff = 0.75 * 2^2 = 3: the same levels as
// above, clipped to 3.
TEST(AkidaV1Activation, SpecTableTwoBits) {
  EXPECT_EQ(activations(step(0.75f), 2), (std::vector<int64_t>{0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3}));
}

// act_bits 1: a spike of value 1 whenever p > T, whatever act_step is.
TEST(AkidaV1Activation, SpecTableOneBit) {
  const std::vector<int64_t> want{0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(activations(step(3.0f), 1), want);
  EXPECT_EQ(activations(step(0.001f), 1), want);
  EXPECT_EQ(activations(step(4096.0f), 1), want);
  EXPECT_EQ(activations(step(std::numeric_limits<float>::denorm_min()), 1), want);
}

// ---- Boundaries and non-integer steps ---------------------------------------------

// T + (n-1)*s < p <= T + n*s gives n: the upper end of each interval belongs
// to it. act_step 0.75 at 4 bits, T = 0: p = 3 = 4 * 0.75 -> 4 (not 5);
// p = 6 = 8 * 0.75 -> 8; p = 7 -> ceil(9.33) = 10; p = 11 -> ceil(14.67) = 15;
// p = 12 -> 16 -> 15.
TEST(AkidaV1Activation, UpperIntervalEndIsInclusive) {
  const ActStep s = step(0.75f);
  EXPECT_EQ(v1_activation(3, 0, s, 4), 4);
  EXPECT_EQ(v1_activation(6, 0, s, 4), 8);
  EXPECT_EQ(v1_activation(7, 0, s, 4), 10);
  EXPECT_EQ(v1_activation(11, 0, s, 4), 15);
  EXPECT_EQ(v1_activation(12, 0, s, 4), 15);
}

// act_step 2.5 at 4 bits, T = -3: d = p + 3.
// d = 1 -> ceil(0.4) = 1; 5 -> 2; 6 -> ceil(2.4) = 3; 35 -> 14; 36 -> ceil(14.4) = 15.
TEST(AkidaV1Activation, FractionalStep) {
  const ActStep s = step(2.5f);
  EXPECT_EQ(v1_activation(-3, -3, s, 4), 0);
  EXPECT_EQ(v1_activation(-2, -3, s, 4), 1);
  EXPECT_EQ(v1_activation(2, -3, s, 4), 2);
  EXPECT_EQ(v1_activation(3, -3, s, 4), 3);
  EXPECT_EQ(v1_activation(32, -3, s, 4), 14);
  EXPECT_EQ(v1_activation(33, -3, s, 4), 15);
}

// act_step 1.5 at 2 bits: s_eff = 6. d = 6 -> 1; 7 -> 2; 12 -> 2; 13 -> 3 (cap).
TEST(AkidaV1Activation, TwoBitsUsesQuarterIntervals) {
  const ActStep s = step(1.5f);
  EXPECT_EQ(v1_activation(6, 0, s, 2), 1);
  EXPECT_EQ(v1_activation(7, 0, s, 2), 2);
  EXPECT_EQ(v1_activation(12, 0, s, 2), 2);
  EXPECT_EQ(v1_activation(13, 0, s, 2), 3);
}

// 0.1f = 13421773 / 2^27.
// 4 bits, d = 1: 2^27 / 13421773 = 9.99999985 -> 10 (a decimal 0.1 gives exactly 10 too).
// 2 bits, d = 1: s_eff = 4 * 0.1f, so 2^25 / 13421773 = 2.49999996 -> 3.
// 4 bits, d = 2: 19.9999997 -> 20 -> 15.
TEST(AkidaV1Activation, NonTerminatingDecimalStep) {
  const ActStep s = step(0.1f);
  EXPECT_EQ(v1_activation(1, 0, s, 4), 10);
  EXPECT_EQ(v1_activation(1, 0, s, 2), 3);
  EXPECT_EQ(v1_activation(2, 0, s, 4), 15);
}

// act_step = 10785353 / 2^24 (a float32, 0.642857134...), chosen so that
// 14 * m + 2 = 9 * 2^24: at 4 bits, d = 9 gives d / s = 9 * 2^24 / m =
// 14 + 2 / m, so the exact ceil is 15. The excess 2/m (about 1.9e-7) is below
// half a float32 ulp at 14 (2^-21, about 4.8e-7), so float32 division returns
// exactly 14.0f and ceil would give 14: this is why the model is exact.
TEST(AkidaV1Activation, ExactWhereFloat32DivisionIsNot) {
  const ActStep s = ActStep::from_ratio(10785353, 24);
  const float sf = static_cast<float>(s.to_double());
  ASSERT_EQ(ActStep::from_float(sf), s) << "premise: the step is a float32";
  volatile float d = 9.0f;  // keeps the division in float32 at run time
  ASSERT_EQ(std::ceil(d / sf), 14.0f) << "premise: float32 division rounds the quotient to 14";
  EXPECT_EQ(v1_activation(9, 0, s, 4), 15);
  // One less: d = 8 -> 8 * 2^24 / m = 12.44... -> 13.
  EXPECT_EQ(v1_activation(8, 0, s, 4), 13);
}

// Extremes of the representation: no overflow, exact answers.
TEST(AkidaV1Activation, ExtremeStepsAndPotentials) {
  // act_step 2^-149 at 4 bits: any d >= 1 is 2^149 intervals -> 15.
  EXPECT_EQ(v1_activation(1, 0, step(std::numeric_limits<float>::denorm_min()), 4), 15);
  // act_step 2^18 at 4 bits: d = 1 -> 1; d = 2^18 -> 1; d = 2^18 + 1 -> 2.
  const ActStep big = step(262144.0f);
  EXPECT_EQ(v1_activation(1, 0, big, 4), 1);
  EXPECT_EQ(v1_activation(262144, 0, big, 4), 1);
  EXPECT_EQ(v1_activation(262145, 0, big, 4), 2);
  // act_step = largest float32 (about 2^128): d up to 2^64 is one interval.
  const ActStep huge = step(std::numeric_limits<float>::max());
  EXPECT_EQ(v1_activation(std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), huge, 4), 1);
  // p - T computed without overflow: INT64_MAX - (-2^19) > 0 -> cap;
  // INT64_MIN - 2^19 < 0 -> 0.
  EXPECT_EQ(v1_activation(std::numeric_limits<int64_t>::max(), -524288, step(3.0f), 4), 15);
  EXPECT_EQ(v1_activation(std::numeric_limits<int64_t>::min(), 524287, step(3.0f), 4), 0);
}

// Exhaustive agreement with the interval definition of BrainChip's AEE guide,
// written independently here: y = n for T + (n-1)*s_eff < p <= T + n*s_eff,
// 0 for p <= T, and 2^bits - 1 above the last interval. With s_eff = a / b
// (integers), p - T <= n * a / b  <=>  (p - T) * b <= n * a.
TEST(AkidaV1Activation, MatchesIntervalDefinition) {
  struct Case {
    float step;
    int act_bits;
    int64_t a, b;  // s_eff = a / b
  };
  // 0.1f at 4 bits: 13421773 / 2^27; at 2 bits 4x that; 2.5 at 4 bits: 5/2;
  // 0.75 at 1 bit: 6; 7.0 at 2 bits: 28.
  const Case cases[] = {{0.1f, 4, 13421773, int64_t{1} << 27},
                        {0.1f, 2, 13421773, int64_t{1} << 25},
                        {2.5f, 4, 5, 2},
                        {0.75f, 1, 6, 1},
                        {7.0f, 2, 28, 1}};
  for (const Case& c : cases) {
    const int64_t cap = (int64_t{1} << c.act_bits) - 1;
    for (int64_t T : {int64_t{-7}, int64_t{0}, int64_t{13}})
      for (int64_t p = T - 5; p <= T + 120; ++p) {
        int64_t want = 0;
        if (p > T) {
          want = cap;
          for (int64_t n = 1; n < cap; ++n)
            if ((p - T) * c.b <= n * c.a) {
              want = n;
              break;
            }
        }
        ASSERT_EQ(v1_activation(p, T, step(c.step), c.act_bits), want)
            << "step " << c.step << ", act_bits " << c.act_bits << ", T " << T << ", p " << p;
      }
  }
}

// docs/semantics.md akida (inferred): a 2-bit output equals the 4-bit level
// reduced by ceil(level / 4) and clipped to 3, because ceil(ceil(y)/4) = ceil(y/4).
TEST(AkidaV1Activation, TwoBitsEqualsReducedFourBitLevel) {
  for (float s : {0.75f, 0.1f, 1.25f})
    for (int64_t p = -3; p <= 200; ++p) {
      const int64_t level4 = v1_activation(p, 0, step(s), 4);
      const int64_t reduced = std::min<int64_t>((level4 + 3) / 4, 3);
      ASSERT_EQ(v1_activation(p, 0, step(s), 2), reduced) << "step " << s << ", p " << p;
    }
}

}  // namespace
}  // namespace sf::ref::akida
