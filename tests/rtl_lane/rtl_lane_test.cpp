// Checks rtl_templates/sf_neuron_iflif.v (the `if` / `lif` fire phase, docs/semantics.md):
// hand-computed cases per parameter set, multi-step trajectories, random vectors on the
// 32-bit state / 48-bit input configurations, and exhaustive sweeps of tiny configurations
// against the formula written out below in plain int64 arithmetic.

#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "elaboration_check.h"
#include "lane_ports.h"
#include "Vlane_bad_theta.h"
#include "Vsf_lane_configs.h"
#include "sf_lane_configs.h"

namespace {

// The parameters of one lane, in the order of sf_neuron_iflif's parameters; the values come
// from sf_lane_configs.h (generated with the wrapper from tests/rtl_lane/CMakeLists.txt).
struct Cfg {
  int v_bits;
  int acc_bits;
  int bias_bits;
  int64_t theta;
  int gt;     // 0: s >= θ, 1: s > θ
  int reset;  // 0 subtract, 1 zero, 2 none, 3 subtract_deferred
  int64_t v_reset;
  int leak;  // 0 none, 1 shift, 2 mult, 3 sub
  int k;
  int64_t beta;
  int f;
  int64_t lambda;
};

struct Out {
  int64_t v;
  bool spike;
  bool pend;
  bool operator==(const Out& o) const { return v == o.v && spike == o.spike && pend == o.pend; }
};

std::ostream& operator<<(std::ostream& os, const Out& o) {
  return os << "{v=" << o.v << ", spike=" << o.spike << ", pend=" << o.pend << "}";
}

using sf::test::max_of;
using sf::test::min_of;
using sf::test::put;
using sf::test::sign_extend;

// The contract, written as directly as C++ allows. C++ integer division truncates toward
// zero, which is exactly trunc0; the RTL uses magnitudes and shifts instead.
int64_t ref_leak(const Cfg& c, int64_t v) {
  switch (c.leak) {
    case 0:
      return v;
    case 1:
      return v - v / (int64_t{1} << c.k);
    case 2:
      return v * c.beta / (int64_t{1} << c.f);
    default:
      if (v > 0) return std::max<int64_t>(v - c.lambda, 0);
      if (v < 0) return std::min<int64_t>(v + c.lambda, 0);
      return 0;
  }
}

Out ref_step(const Cfg& c, int64_t v, int64_t acc, int64_t bias, bool pend) {
  int64_t total = ref_leak(c, v) + acc + bias;
  if (c.reset == 3 && pend) total -= c.theta;
  const int64_t s = std::clamp(total, min_of(c.v_bits), max_of(c.v_bits));
  const bool spike = c.gt ? s > c.theta : s >= c.theta;
  int64_t v_next = s;
  if (spike && c.reset == 0) v_next = s - c.theta;
  if (spike && c.reset == 1) v_next = c.v_reset;
  return {v_next, spike, c.reset == 3 && spike};
}

// All tested lanes live in one verilated wrapper (sf_lane_configs.v); one model serves all.
Vsf_lane_configs& model() {
  static VerilatedContext ctx;
  static Vsf_lane_configs m(&ctx);
  return m;
}

// One lane of the wrapper: its parameters and references to its ports.
template <class VI, class AI, class BI, class VO>
class Lane {
 public:
  Lane(const Cfg& cfg, VI& v_i, AI& acc_i, BI& bias_i, CData& pend_i, VO& v_o, CData& spike_o,
       CData& pend_o)
      : cfg_(cfg), v_i_(v_i), acc_i_(acc_i), bias_i_(bias_i), pend_i_(pend_i), v_o_(v_o),
        spike_o_(spike_o), pend_o_(pend_o) {}

  const Cfg& cfg() const { return cfg_; }

  Out step(int64_t v, int64_t acc, int64_t bias, bool pend) {
    put(v_i_, v, cfg_.v_bits, "v");
    put(acc_i_, acc, cfg_.acc_bits, "I");
    put(bias_i_, bias, cfg_.bias_bits, "b");
    pend_i_ = pend;
    model().eval();
    return {sign_extend(v_o_, cfg_.v_bits), spike_o_ != 0, pend_o_ != 0};
  }

 private:
  Cfg cfg_;
  VI& v_i_;
  AI& acc_i_;
  BI& bias_i_;
  CData& pend_i_;
  VO& v_o_;
  CData& spike_o_;
  CData& pend_o_;
};

template <class VI, class AI, class BI, class VO>
Lane<VI, AI, BI, VO> make_lane(const Cfg& cfg, VI& v_i, AI& acc_i, BI& bias_i, CData& pend_i,
                               VO& v_o, CData& spike_o, CData& pend_o) {
  return {cfg, v_i, acc_i, bias_i, pend_i, v_o, spike_o, pend_o};
}

#define SF_LANE(name)                                                                    \
  make_lane(SF_LANE_CFG_##name, model().name##_v_i, model().name##_acc_i,                \
            model().name##_bias_i, model().name##_pend_i, model().name##_v_o,            \
            model().name##_spike_o, model().name##_pend_o)

struct Case {
  int64_t v, acc, bias;
  bool pend;
  Out want;
};

// Each case is checked against the RTL and, so that a slip in the hand arithmetic shows up as
// such, against the written-out formula too.
template <class L>
void check_cases(L lane, const std::vector<Case>& cases) {
  const Cfg& cfg = lane.cfg();
  for (const Case& c : cases) {
    SCOPED_TRACE("v=" + std::to_string(c.v) + " I=" + std::to_string(c.acc) +
                 " b=" + std::to_string(c.bias) + " pend=" + std::to_string(c.pend));
    EXPECT_EQ(lane.step(c.v, c.acc, c.bias, c.pend), c.want) << "RTL";
    EXPECT_EQ(ref_step(cfg, c.v, c.acc, c.bias, c.pend), c.want) << "hand value vs formula";
  }
}

template <class L>
void check_exhaustive(L lane) {
  const Cfg& cfg = lane.cfg();
  int mismatches = 0;
  long count = 0;
  for (int64_t v = min_of(cfg.v_bits); v <= max_of(cfg.v_bits); ++v) {
    for (int64_t a = min_of(cfg.acc_bits); a <= max_of(cfg.acc_bits); ++a) {
      for (int64_t b = min_of(cfg.bias_bits); b <= max_of(cfg.bias_bits); ++b) {
        for (int p = 0; p < 2; ++p) {
          const Out got = lane.step(v, a, b, p != 0);
          const Out want = ref_step(cfg, v, a, b, p != 0);
          ++count;
          if (!(got == want) && ++mismatches <= 10) {
            ADD_FAILURE() << "v=" << v << " I=" << a << " b=" << b << " pend=" << p
                          << ": RTL " << got << ", formula " << want;
          }
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(count, (long{1} << (cfg.v_bits + cfg.acc_bits + cfg.bias_bits + 1)));
}

template <class L>
void check_random(L lane, int n, uint64_t seed) {
  const Cfg& cfg = lane.cfg();
  std::mt19937_64 rng(seed);
  // Half uniform, half near the interesting points (0, ±θ, the ends of each range).
  auto draw = [&](int bits) -> int64_t {
    const int64_t lo = min_of(bits), hi = max_of(bits);
    if (rng() % 2) return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    const int64_t centers[] = {0, cfg.theta, -cfg.theta, lo, hi, min_of(cfg.v_bits),
                               max_of(cfg.v_bits)};
    const int64_t c = centers[rng() % 7] + static_cast<int64_t>(rng() % 9) - 4;
    return std::clamp(c, lo, hi);
  };
  int mismatches = 0;
  for (int i = 0; i < n; ++i) {
    const int64_t v = draw(cfg.v_bits), a = draw(cfg.acc_bits), b = draw(cfg.bias_bits);
    const bool p = rng() % 2;
    const Out got = lane.step(v, a, b, p);
    const Out want = ref_step(cfg, v, a, b, p);
    if (!(got == want) && ++mismatches <= 10) {
      ADD_FAILURE() << "v=" << v << " I=" << a << " b=" << b << " pend=" << p << ": RTL "
                    << got << ", formula " << want;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

constexpr bool kNo = false;
constexpr bool kYes = true;

// ---------------------------------------------------------------- if, hand-computed values

// V_BITS 8 (-128..127), ACC_BITS 12, BIAS_BITS 4 (-8..7), θ = 10, ge, subtract, no leak.

TEST(RtlLane, IfGeSubtract) {
  check_cases(SF_LANE(if_ge_sub), {
      {0, 9, 0, kNo, {9, kNo, kNo}},           // 9 < 10
      {0, 10, 0, kNo, {0, kYes, kNo}},         // 10 >= 10 exactly: spike, 10 - 10
      {3, 5, 2, kNo, {0, kYes, kNo}},          // bias counts: 3 + 5 + 2 = 10
      {3, 5, -1, kNo, {7, kNo, kNo}},          // 3 + 5 - 1 = 7
      {5, 20, 0, kNo, {15, kYes, kNo}},        // 25: one θ only, 25 - 10 = 15
      {-100, 50, -8, kNo, {-58, kNo, kNo}},    // -100 + 50 - 8 = -58
      {120, 100, 7, kNo, {117, kYes, kNo}},    // 227 -> sat 127, then 127 - 10
      {0, 2047, 0, kNo, {117, kYes, kNo}},     // largest I -> sat 127 -> 117
      {-128, -2048, -8, kNo, {-128, kNo, kNo}},  // -2184 -> sat -128
      {100, -2048, 7, kNo, {-128, kNo, kNo}},  // -1941 -> sat -128
      {127, 0, 0, kNo, {117, kYes, kNo}},      // 127 - 10
      {0, 10, 0, kYes, {0, kYes, kNo}},        // pend_i is ignored outside RESET_MODE 3
      {-128, 138, 0, kNo, {0, kYes, kNo}},     // -128 + 138 = 10 -> spike -> 0
  });
}

// With subtract reset and constant input a the rate is a / θ (the ANN-to-SNN property).
TEST(RtlLane, IfSubtractRate) {
  auto lane = SF_LANE(if_ge_sub);
  for (int a : {0, 1, 3, 7, 10}) {
    int64_t v = 0;
    int spikes = 0;
    for (int t = 0; t < 100; ++t) {
      const Out o = lane.step(v, a, 0, kNo);
      v = o.v;
      spikes += o.spike;
    }
    EXPECT_EQ(spikes, a * 100 / 10) << "a=" << a;  // 100 steps * a / 10, exact here
    EXPECT_EQ(v, 0) << "a=" << a;                  // 100 * a is a multiple of θ = 10
  }
  // a = 3, v0 = 0: v = 3, 6, 9, 12 -> spike -> 2, 5, 8, 11 -> spike -> 1, ...
  int64_t v = 0;
  std::vector<int64_t> vs;
  std::vector<int> ss;
  for (int t = 0; t < 8; ++t) {
    const Out o = lane.step(v, 3, 0, kNo);
    v = o.v;
    vs.push_back(v);
    ss.push_back(o.spike);
  }
  EXPECT_EQ(vs, (std::vector<int64_t>{3, 6, 9, 2, 5, 8, 1, 4}));
  EXPECT_EQ(ss, (std::vector<int>{0, 0, 0, 1, 0, 0, 1, 0}));
}

// V_BITS 8, ACC 8, BIAS 2 (-2..1), θ = 10, gt, zero reset to V_RESET = -3.
TEST(RtlLane, IfGtZeroReset) {
  check_cases(SF_LANE(if_gt_zero), {
      {0, 10, 0, kNo, {10, kNo, kNo}},         // 10 > 10 is false under gt
      {0, 11, 0, kNo, {-3, kYes, kNo}},        // 11 > 10: reset to V_RESET
      {5, 5, 1, kNo, {-3, kYes, kNo}},         // 5 + 5 + 1 = 11
      {5, 5, 0, kNo, {10, kNo, kNo}},          // 10
      {127, 127, 1, kNo, {-3, kYes, kNo}},     // 255 -> sat 127 -> spike -> -3
      {-128, -128, -2, kNo, {-128, kNo, kNo}},  // -258 -> sat -128
      {0, -1, -2, kNo, {-3, kNo, kNo}},        // -3 without a spike
  });
}

// V_BITS 4 (-8..7), ACC 8, BIAS 4 (-8..7), θ = 3, ge, no reset: saturation at both ends.
TEST(RtlLane, IfNoResetSaturation4Bit) {
  check_cases(SF_LANE(if_none_v4), {
      {7, 1, 0, kNo, {7, kYes, kNo}},          // 8 -> sat 7, spike, no reset
      {7, 127, 7, kNo, {7, kYes, kNo}},        // 141 -> 7
      {-8, -1, 0, kNo, {-8, kNo, kNo}},        // -9 -> sat -8
      {-8, -128, -8, kNo, {-8, kNo, kNo}},     // -144 -> -8
      {2, 1, 0, kNo, {3, kYes, kNo}},          // 3 >= 3, state stays 3
      {2, 0, 0, kNo, {2, kNo, kNo}},
      {0, 7, 0, kNo, {7, kYes, kNo}},          // 7 fits exactly
      {0, 8, 0, kNo, {7, kYes, kNo}},          // 8 -> 7
      {0, -8, 0, kNo, {-8, kNo, kNo}},         // -8 fits exactly
      {0, -9, 0, kNo, {-8, kNo, kNo}},         // -9 -> -8
      {3, -2, -1, kNo, {0, kNo, kNo}},         // 0
      {-8, 127, 7, kNo, {7, kYes, kNo}},       // 126 -> 7
      {7, -128, -8, kNo, {-8, kNo, kNo}},      // -129 -> -8
      {-8, 16, -1, kNo, {7, kYes, kNo}},       // 7 exactly, no saturation
  });
}

// `if` with the deferred reset (allowed; it is lif's rule without a leak): V 8, θ = 20, gt.
TEST(RtlLane, IfDeferred) {
  check_cases(SF_LANE(if_deferred), {
      {20, 0, 0, kNo, {20, kNo, kNo}},         // 20 > 20 false
      {21, 0, 0, kNo, {21, kYes, kYes}},       // spike, state unchanged, pend_o set
      {21, 0, 0, kYes, {1, kNo, kNo}},         // 21 - 20
      // single saturation on the total: -128 - 20 + 40 = -108 (saturating -148 first would
      // give -128 + 40 = -88)
      {-128, 40, 0, kYes, {-108, kNo, kNo}},
      {127, 127, 1, kYes, {127, kYes, kYes}},  // 127 - 20 + 127 + 1 = 235 -> 127
      {-128, -128, -2, kYes, {-128, kNo, kNo}},  // -278 -> -128
      {10, 30, 1, kYes, {21, kYes, kYes}},     // 10 - 20 + 30 + 1 = 21 > 20
      {100, 27, 0, kNo, {127, kYes, kYes}},    // 127 exactly
  });
}

// ---------------------------------------------------------------- lif, hand-computed values

// shift leak k = 2: L(v) = v - trunc0(v / 4). V 8, ACC 8, BIAS 2, θ = 50, subtract.
TEST(RtlLane, LifShift2) {
  check_cases(SF_LANE(lif_shift2), {
      {100, 0, 0, kNo, {25, kYes, kNo}},       // 100 - 25 = 75 -> spike -> 25
      {7, 0, 0, kNo, {6, kNo, kNo}},           // 7 - trunc0(1.75) = 7 - 1
      {-7, 0, 0, kNo, {-6, kNo, kNo}},         // -7 - trunc0(-1.75) = -7 + 1 (floor: -5)
      {-1, 0, 0, kNo, {-1, kNo, kNo}},         // -1 - trunc0(-0.25) = -1 (floor: 0)
      {3, 0, 0, kNo, {3, kNo, kNo}},           // 3 - 0
      {-128, 0, 0, kNo, {-96, kNo, kNo}},      // -128 + 32
      {127, 0, 0, kNo, {46, kYes, kNo}},       // 127 - 31 = 96 -> 46
      {127, 127, 1, kNo, {77, kYes, kNo}},     // 96 + 128 = 224 -> sat 127 -> 77
      {-128, -128, -2, kNo, {-128, kNo, kNo}},  // -96 - 130 = -226 -> -128
      {-5, 3, 1, kNo, {0, kNo, kNo}},          // -5 + 1 = -4, -4 + 3 + 1 = 0
      {40, 19, 1, kNo, {0, kYes, kNo}},        // 40 - 10 = 30, + 20 = 50 >= 50
  });
}

// k = 0: L(v) = v - v = 0. V 6 (-32..31), ACC 6, BIAS 2, θ = 5, no reset.
TEST(RtlLane, LifShift0) {
  check_cases(SF_LANE(lif_shift0), {
      {31, 3, 0, kNo, {3, kNo, kNo}},
      {-32, -1, -2, kNo, {-3, kNo, kNo}},
      {17, 5, 0, kNo, {5, kYes, kNo}},
  });
}

// k = 5 = V_BITS - 1: only |v| = 32 leaks. V 6, θ = 5, no reset.
TEST(RtlLane, LifShift5) {
  check_cases(SF_LANE(lif_shift5), {
      {-32, 0, 0, kNo, {-31, kNo, kNo}},       // -32 - trunc0(-1) = -31
      {-31, 0, 0, kNo, {-31, kNo, kNo}},       // 31 >> 5 = 0
      {31, 0, 0, kNo, {31, kYes, kNo}},
      {-32, -31, -2, kNo, {-32, kNo, kNo}},    // -31 - 33 = -64 -> -32
  });
}

// k = 6 = V_BITS: no leak at all. V 6, θ = 5, no reset.
TEST(RtlLane, LifShift6) {
  check_cases(SF_LANE(lif_shift6), {
      {-32, 0, 0, kNo, {-32, kNo, kNo}},       // 32 >> 6 = 0
      {31, 0, 0, kNo, {31, kYes, kNo}},
      {-32, -1, 0, kNo, {-32, kNo, kNo}},      // -33 -> -32
      {31, 1, 0, kNo, {31, kYes, kNo}},        // 32 -> 31
  });
}

// mult leak β_q = 11, f = 4 (β = 0.6875): L(v) = trunc0(11 v / 16). V 8, θ = 50, subtract.
TEST(RtlLane, LifMult) {
  check_cases(SF_LANE(lif_mult), {
      {100, 0, 0, kNo, {18, kYes, kNo}},       // 1100 / 16 = 68.75 -> 68 -> 18
      {-100, 0, 0, kNo, {-68, kNo, kNo}},      // -68.75 -> -68 (floor: -69)
      {1, 0, 0, kNo, {0, kNo, kNo}},           // 0.6875 -> 0
      {-1, 0, 0, kNo, {0, kNo, kNo}},          // -0.6875 -> 0 (floor: -1)
      {-128, 0, 0, kNo, {-88, kNo, kNo}},      // -1408 / 16 = -88 exactly
      {127, 0, 0, kNo, {37, kYes, kNo}},       // 1397 / 16 = 87.3125 -> 87 -> 37
      {-3, 2, 1, kNo, {1, kNo, kNo}},          // -33 / 16 = -2.0625 -> -2; -2 + 3 = 1
      {73, 0, 0, kNo, {0, kYes, kNo}},         // 803 / 16 = 50.1875 -> 50 -> 0
      {127, 127, 1, kNo, {77, kYes, kNo}},     // 87 + 128 = 215 -> 127 -> 77
  });
}

// β_q = 0 (f = 3): L(v) = 0.
TEST(RtlLane, LifMultBetaZero) {
  check_cases(SF_LANE(lif_mult_b0), {
      {127, 5, 0, kNo, {5, kNo, kNo}},
      {-128, -7, -1, kNo, {-8, kNo, kNo}},
      {100, 60, 0, kNo, {10, kYes, kNo}},
  });
}

// β_q = 2^f = 16 (f = 4): L(v) = v, including v = -128 (|v| * β_q = 2^11 needs all bits).
TEST(RtlLane, LifMultBetaOne) {
  check_cases(SF_LANE(lif_mult_b1), {
      {-128, 0, 0, kNo, {-128, kNo, kNo}},
      {127, 0, 0, kNo, {77, kYes, kNo}},
      {-7, 0, 0, kNo, {-7, kNo, kNo}},
      {49, 1, 0, kNo, {0, kYes, kNo}},
  });
}

// sub leak λ = 5: L(v) = sign(v) * max(|v| - 5, 0). V 8, θ = 50, subtract.
TEST(RtlLane, LifSub) {
  check_cases(SF_LANE(lif_sub), {
      {3, 0, 0, kNo, {0, kNo, kNo}},           // would cross zero: stops at 0
      {-3, 0, 0, kNo, {0, kNo, kNo}},
      {5, 0, 0, kNo, {0, kNo, kNo}},
      {-5, 0, 0, kNo, {0, kNo, kNo}},
      {6, 0, 0, kNo, {1, kNo, kNo}},
      {-6, 0, 0, kNo, {-1, kNo, kNo}},
      {0, 0, 0, kNo, {0, kNo, kNo}},
      {-128, 0, 0, kNo, {-123, kNo, kNo}},
      {127, 0, 0, kNo, {72, kYes, kNo}},       // 122 -> 72
      {60, -5, 0, kNo, {0, kYes, kNo}},        // 55 - 5 = 50
      {-4, 2, -1, kNo, {1, kNo, kNo}},         // 0 + 2 - 1
  });
}

// shift leak k = 1 with the deferred reset, θ = 20, ge: v[t+1] = L(v[t]) - θ s[t] + I + b.
TEST(RtlLane, LifDeferred) {
  check_cases(SF_LANE(lif_deferred), {
      {30, 0, 0, kNo, {15, kNo, kNo}},         // 30 - 15
      {30, 10, 0, kNo, {25, kYes, kYes}},      // 15 + 10 = 25: spike, nothing subtracted now
      {25, 0, 0, kYes, {-7, kNo, kNo}},        // 25 - 12 = 13, then - 20
      {-7, 0, 0, kNo, {-4, kNo, kNo}},         // -7 - trunc0(-3.5) = -7 + 3
      {-7, 0, 0, kYes, {-24, kNo, kNo}},       // -4 - 20
      // θ is subtracted after the leak: 41 - 20 = 21, 21 - 20 = 1 (before it: 21 - 10 = 11)
      {41, 0, 0, kYes, {1, kNo, kNo}},
      {-128, -128, -2, kYes, {-128, kNo, kNo}},  // -64 - 20 - 130 = -214 -> -128
      {127, 127, 1, kYes, {127, kYes, kYes}},  // 64 - 20 + 128 = 172 -> 127
      {40, 0, 0, kNo, {20, kYes, kYes}},       // 20 >= 20
  });
}

// A short trajectory with the deferred reset: the spike at step 1 costs θ at step 2.
TEST(RtlLane, LifDeferredTrajectory) {
  auto lane = SF_LANE(lif_deferred);
  // I = 12 each step, v0 = 0, L(v) = v - trunc0(v / 2):
  //   t0: 0 + 12 = 12            t1: 6 + 12 = 18          t2: 9 + 12 = 21 -> spike
  //   t3: 11 - 20 + 12 = 3       t4: 2 + 12 = 14          t5: 7 + 12 = 19
  //   t6: 10 + 12 = 22 -> spike  t7: 11 - 20 + 12 = 3
  const std::vector<int64_t> want_v = {12, 18, 21, 3, 14, 19, 22, 3};
  const std::vector<int> want_s = {0, 0, 1, 0, 0, 0, 1, 0};
  int64_t v = 0;
  bool pend = false;
  std::vector<int64_t> got_v;
  std::vector<int> got_s;
  for (size_t t = 0; t < want_v.size(); ++t) {
    const Out o = lane.step(v, 12, 0, pend);
    v = o.v;
    pend = o.pend;
    got_v.push_back(v);
    got_s.push_back(o.spike);
  }
  EXPECT_EQ(got_v, want_v);
  EXPECT_EQ(got_s, want_s);
}

// ---------------------------------------------------------------- wide configurations

// V 32, ACC 48, BIAS 32, θ = 10^6, mult β_q = 2^24 - 1, f = 24: L(v) = trunc0(v - v / 2^24).

TEST(RtlLane, WideMult) {
  const int64_t vmax = 2147483647, vmin = -2147483648LL;
  const int64_t imax = 140737488355327LL, imin = -140737488355328LL;  // ±2^47
  check_cases(SF_LANE(wide_mult), {
      // 2147483647 - 2147483647 / 2^24 = 2147483647 - 127.99999994 -> 2147483519, - 10^6
      {vmax, 0, 0, kNo, {2146483519, kYes, kNo}},
      {vmin, 0, 0, kNo, {-2147483520LL, kNo, kNo}},  // -2^31 + 2^7 exactly
      {-1, 0, 0, kNo, {0, kNo, kNo}},                // -0.99999994 -> 0 (floor: -1)
      {-16777216, 0, 0, kNo, {-16777215, kNo, kNo}},  // -2^24 + 1
      {0, imax, 0, kNo, {2146483647, kYes, kNo}},    // sat 2^31 - 1, - 10^6
      {0, imin, 0, kNo, {vmin, kNo, kNo}},
      // -2147483520 + 140737488355327 - 2147483648 = 140733193388159 -> sat max
      {vmin, imax, vmin, kNo, {2146483647, kYes, kNo}},
      // 2147483519 - 140737488355328 + 2147483647 = -140733193388162 -> sat min
      {vmax, imin, vmax, kNo, {vmin, kNo, kNo}},
      {0, 999999, 0, kNo, {999999, kNo, kNo}},
      {0, 999999, 1, kNo, {0, kYes, kNo}},
      {0, 4294967301LL, 0, kNo, {2146483647, kYes, kNo}},  // 2^32 + 5: no wrap to 5
      {0, -4294967289LL, 0, kNo, {vmin, kNo, kNo}},        // -2^32 + 7: no wrap to 7
  });
}

// V 32, θ = 2^31 - 1 (the largest), ge, zero reset to -2^31, shift leak k = 32 (no leak).

TEST(RtlLane, WideZeroReset) {
  const int64_t vmax = 2147483647, vmin = -2147483648LL;
  check_cases(SF_LANE(wide_zero), {
      {vmax, 0, 0, kNo, {vmin, kYes, kNo}},       // s = θ exactly
      {vmax - 1, 0, 0, kNo, {vmax - 1, kNo, kNo}},
      {vmax - 1, 1, 0, kNo, {vmin, kYes, kNo}},
      {vmin, 0, 0, kNo, {vmin, kNo, kNo}},        // 2^31 >> 32 = 0
      {vmin, -1, 0, kNo, {vmin, kNo, kNo}},       // sat
      {vmin, 0, vmax, kNo, {-1, kNo, kNo}},
      {vmax, 1, 0, kNo, {vmin, kYes, kNo}},       // 2^31 -> sat 2^31 - 1 = θ
  });
}

TEST(RtlLane, WideRandom) {
  check_random(SF_LANE(wide_mult), 200000, 1);
  check_random(SF_LANE(wide_zero), 200000, 2);
}

// ---------------------------------------------------------------- exhaustive, tiny widths

TEST(RtlLane, ExhaustiveShiftDeferred) {
  check_exhaustive(SF_LANE(t_shift_def));
}
TEST(RtlLane, ExhaustiveMultGt) {
  check_exhaustive(SF_LANE(t_mult_gt));
}
TEST(RtlLane, ExhaustiveMultF0Deferred) {
  check_exhaustive(SF_LANE(t_mult_f0_def));
}
TEST(RtlLane, ExhaustiveSubZeroReset) {
  check_exhaustive(SF_LANE(t_sub_zero));
}
TEST(RtlLane, ExhaustiveSubMax) {
  check_exhaustive(SF_LANE(t_sub_max));
}
TEST(RtlLane, ExhaustiveNoneGt) {
  check_exhaustive(SF_LANE(t_none_gt));
}
TEST(RtlLane, ExhaustiveWideBias) {
  check_exhaustive(SF_LANE(t_wide_bias));
}
TEST(RtlLane, ExhaustiveTwoBitState) {
  check_exhaustive(SF_LANE(t_v2));
  check_exhaustive(SF_LANE(t_v2_mult));
}

// The sweeps above must be able to fail: the same RTL against a formula with one detail
// changed (floor instead of trunc0) disagrees.
TEST(RtlLane, ExhaustiveDetectsFloorLeak) {
  auto lane = SF_LANE(t_shift_def);
  int differ = 0;
  for (int64_t v = -16; v <= 15; ++v) {
    const int64_t floor_leak = v - (v >> 1);  // arithmetic shift: floor
    const Out o = lane.step(v, 0, 0, kNo);
    if (o.v != std::clamp<int64_t>(floor_leak, -16, 15)) ++differ;
  }
  EXPECT_EQ(differ, 8);  // every odd negative v: -15, -13, ..., -1
}

// ---------------------------------------------------------------- elaboration check

// THRESHOLD = 128 does not fit V_BITS = 8: the model must report it and stop.
TEST(RtlLane, IllegalThresholdIsRejected) {
  sf::test::expect_elaboration<Vlane_bad_theta>(true);
}

// The same checks pass every tested configuration without a word.
TEST(RtlLane, LegalConfigurationRuns) {
  sf::test::expect_elaboration<Vsf_lane_configs>(false);
}

}  // namespace
