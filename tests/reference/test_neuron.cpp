// Every formula of the `if` / `lif` contract (docs/semantics.md) on hand-worked
// numbers. Expected values are derived in the comments, never by the code.
#include <gtest/gtest.h>

#include "net_builder.h"
#include "neuron.h"

namespace sf::ref {
namespace {

using test::if_params;
using test::lif_params;
using test::mult_leak;
using test::shift_leak;
using test::sub_leak;

TEST(Trunc0, RoundsTowardZeroNotDown) {
  EXPECT_EQ(trunc0_shift(7, 2), 1);    // 7/4 = 1.75 -> 1
  EXPECT_EQ(trunc0_shift(-7, 2), -1);  // -1.75 -> -1 (an arithmetic shift gives -2)
  EXPECT_EQ(trunc0_shift(-8, 2), -2);  // exact
  EXPECT_EQ(trunc0_shift(-1, 1), 0);   // -0.5 -> 0 (floor gives -1)
  EXPECT_EQ(trunc0_shift(5, 0), 5);
  EXPECT_EQ(trunc0_shift(-3, 63), 0);
  EXPECT_EQ(trunc0_shift(-3, 70), 0);
  EXPECT_EQ(trunc0_shift(-(int64_t{1} << 31), 31), -1);
}

TEST(Saturation, ClampsToSignedRange) {
  EXPECT_EQ(sat_bits(8, 4), 7);     // 4 bits: -8..7
  EXPECT_EQ(sat_bits(7, 4), 7);
  EXPECT_EQ(sat_bits(-8, 4), -8);
  EXPECT_EQ(sat_bits(-9, 4), -8);
  EXPECT_EQ(sat_bits(2, 2), 1);     // 2 bits: -2..1
  EXPECT_EQ(sat_bits(-3, 2), -2);
  EXPECT_EQ(sat_bits(int64_t{1} << 31, 32), 2147483647);
  EXPECT_EQ(sat_bits(-(int64_t{1} << 31) - 1, 32), -2147483648LL);
}

TEST(LeakShift, IsVMinusTrunc0OfVOver2k) {
  const Leak k2 = shift_leak(2);
  EXPECT_EQ(leak(k2, -7), -6);    // -7 - trunc0(-1.75) = -7 + 1
  EXPECT_EQ(leak(k2, 7), 6);      // 7 - 1
  EXPECT_EQ(leak(k2, 100), 75);   // 100 - 25
  EXPECT_EQ(leak(k2, -100), -75);
  EXPECT_EQ(leak(k2, 3), 3);      // 3 - trunc0(0.75) = 3 - 0
  EXPECT_EQ(leak(k2, -3), -3);    // a floor would give -3 - (-1) = -2
  EXPECT_EQ(leak(shift_leak(0), -5), 0);  // k = 0: beta = 0, v - v
  EXPECT_EQ(leak(shift_leak(1), -1), -1); // -1 - trunc0(-0.5) = -1 - 0
}

TEST(LeakMult, IsTrunc0OfVTimesBetaOver2f) {
  EXPECT_EQ(leak(mult_leak(0, 4), 100), 0);     // beta = 0 forgets everything
  EXPECT_EQ(leak(mult_leak(0, 4), -100), 0);
  EXPECT_EQ(leak(mult_leak(16, 4), 37), 37);    // beta = 2^f: no leak
  EXPECT_EQ(leak(mult_leak(16, 4), -37), -37);
  EXPECT_EQ(leak(mult_leak(3, 2), 10), 7);      // 30/4 = 7.5 -> 7
  EXPECT_EQ(leak(mult_leak(3, 2), -10), -7);    // -7.5 -> -7 (floor gives -8)
  EXPECT_EQ(leak(mult_leak(3, 2), -1), 0);      // -0.75 -> 0
  // frac = 40: v * beta needs 71 bits; 0.5 * (2^31 - 1) = 1073741823.5 -> 1073741823.
  EXPECT_EQ(leak(mult_leak(int64_t{1} << 39, 40), 2147483647), 1073741823);
  EXPECT_EQ(leak(mult_leak(int64_t{1} << 39, 40), -2147483648LL), -1073741824);
}

TEST(LeakSub, MovesTowardZeroAndStopsThere) {
  const Leak l3 = sub_leak(3);
  EXPECT_EQ(leak(l3, 10), 7);
  EXPECT_EQ(leak(l3, -10), -7);
  EXPECT_EQ(leak(l3, 2), 0);    // would cross zero to -1: clamps to 0
  EXPECT_EQ(leak(l3, -2), 0);   // would cross to +1
  EXPECT_EQ(leak(l3, 3), 0);
  EXPECT_EQ(leak(l3, 0), 0);
  EXPECT_EQ(leak(sub_leak(0), -9), -9);
}

TEST(FireStep, GeFiresAtExactlyThresholdGtDoesNot) {
  int64_t v = 0;
  bool pending = false;
  EXPECT_TRUE(fire_step(if_params(5, ResetMode::Subtract, FireRule::Ge), v, pending, 5));  // 5 >= 5
  EXPECT_EQ(v, 0);                                                                          // 5 - 5
  v = 0;
  EXPECT_FALSE(fire_step(if_params(5, ResetMode::Subtract, FireRule::Gt), v, pending, 5));  // 5 > 5 false
  EXPECT_EQ(v, 5);
  EXPECT_TRUE(fire_step(if_params(5, ResetMode::Subtract, FireRule::Gt), v, pending, 1));   // 6 > 5
  EXPECT_EQ(v, 1);
}

TEST(FireStep, ResetsSubtractZeroNone) {
  int64_t v = 0;
  bool pending = false;
  EXPECT_TRUE(fire_step(if_params(5, ResetMode::Subtract), v, pending, 7));
  EXPECT_EQ(v, 2);  // 7 - 5 keeps the surplus
  IfLifParams zero = if_params(5, ResetMode::Zero);
  zero.v_reset = -3;
  v = 0;
  EXPECT_TRUE(fire_step(zero, v, pending, 7));
  EXPECT_EQ(v, -3);  // v_reset
  v = 0;
  const IfLifParams none = if_params(5, ResetMode::None);
  EXPECT_TRUE(fire_step(none, v, pending, 7));
  EXPECT_EQ(v, 7);  // unchanged
  EXPECT_TRUE(fire_step(none, v, pending, 0));  // still >= 5: fires again
  EXPECT_EQ(v, 7);
  EXPECT_FALSE(pending);
}

TEST(FireStep, SaturatesBeforeComparing) {
  // 4 bits (-8..7), theta 6, subtract: 100 -> 7, spike, 1; -100 -> -8; -1 -> -8; +3 -> -5.
  const IfLifParams p = if_params(6, ResetMode::Subtract, FireRule::Ge, 4);
  int64_t v = 0;
  bool pending = false;
  EXPECT_TRUE(fire_step(p, v, pending, 100));
  EXPECT_EQ(v, 1);
  EXPECT_FALSE(fire_step(p, v, pending, -100));
  EXPECT_EQ(v, -8);
  EXPECT_FALSE(fire_step(p, v, pending, -1));
  EXPECT_EQ(v, -8);
  EXPECT_FALSE(fire_step(p, v, pending, 3));
  EXPECT_EQ(v, -5);
  // theta 7 with gt can never fire in 4 bits: v saturates at 7 and 7 > 7 is false.
  const IfLifParams gt = if_params(7, ResetMode::Subtract, FireRule::Gt, 4);
  v = 0;
  for (int t = 0; t < 3; ++t) EXPECT_FALSE(fire_step(gt, v, pending, 100));
  EXPECT_EQ(v, 7);
}

TEST(FireStep, SubtractDeferredWorkedSequence) {
  // lif, leak shift k=1 (beta 0.5), theta 10; inputs 12, 0, 0, 8, 30, 0.
  //  t0: L(0)=0,          +12       -> 12  spike (v kept), pending
  //  t1: L(12)=12-6=6,  -10 +0      -> -4
  //  t2: L(-4)=-4+2=-2,     +0      -> -2
  //  t3: L(-2)=-2+1=-1,     +8      -> 7
  //  t4: L(7)=7-3=4,        +30     -> 34  spike, pending
  //  t5: L(34)=34-17=17, -10 +0     -> 7
  const IfLifParams p = lif_params(10, shift_leak(1), ResetMode::SubtractDeferred);
  const int64_t in[] = {12, 0, 0, 8, 30, 0};
  const int64_t want_v[] = {12, -4, -2, 7, 34, 7};
  const bool want_s[] = {true, false, false, false, true, false};
  int64_t v = 0;
  bool pending = false;
  for (int t = 0; t < 6; ++t) {
    EXPECT_EQ(fire_step(p, v, pending, in[t]), want_s[t]) << "t=" << t;
    EXPECT_EQ(v, want_v[t]) << "t=" << t;
    EXPECT_EQ(pending, want_s[t]) << "t=" << t;
  }
}

TEST(FireStep, SubtractDeferredSaturatesOnceOnTheTotal) {
  // 4 bits (-8..7), theta 5, beta = 1 (mult 1/1).
  //  t0: 0 + 7            -> 7, spike
  //  t1: sat(7 - 5 + 7)   = sat(9) = 7, spike   (saturating before -5 would give 2, no spike)
  //  t2: sat(7 - 5 - 20)  = sat(-18) = -8
  //  t3: sat(-8 + 0)      = -8 (nothing pending)
  const IfLifParams p = lif_params(5, mult_leak(1, 0), ResetMode::SubtractDeferred, 4);
  int64_t v = 0;
  bool pending = false;
  EXPECT_TRUE(fire_step(p, v, pending, 7));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(fire_step(p, v, pending, 7));
  EXPECT_EQ(v, 7);
  EXPECT_FALSE(fire_step(p, v, pending, -20));
  EXPECT_EQ(v, -8);
  EXPECT_FALSE(fire_step(p, v, pending, 0));
  EXPECT_EQ(v, -8);
}

TEST(FireStep, LeakAppliesBeforeInputAndBias) {
  // lif, sub leak 2, theta 10, zero reset: v=0 +6 -> 6; L(6)=4 +6 -> 10 spike -> 0;
  // L(0)=0 -6 -> -6; L(-6)=-4 +0 -> -4.
  const IfLifParams p = lif_params(10, sub_leak(2), ResetMode::Zero);
  int64_t v = 0;
  bool pending = false;
  EXPECT_FALSE(fire_step(p, v, pending, 6));
  EXPECT_EQ(v, 6);
  EXPECT_TRUE(fire_step(p, v, pending, 6));
  EXPECT_EQ(v, 0);
  EXPECT_FALSE(fire_step(p, v, pending, -6));
  EXPECT_EQ(v, -6);
  EXPECT_FALSE(fire_step(p, v, pending, 0));
  EXPECT_EQ(v, -4);
}

}  // namespace
}  // namespace sf::ref
