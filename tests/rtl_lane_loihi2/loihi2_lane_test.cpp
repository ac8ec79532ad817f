// Checks rtl_templates/sf_neuron_loihi2.v (the `loihi2` fire phase, docs/semantics.md):
// the reference numbers of semantics.md iterated through the lane, hand-derived edge cases
// (each value is also checked against the golden model, so that a slip in the hand arithmetic
// shows up as such), and random vectors against the golden model sf::ref::loihi2::step, on
// both decay implementations (DECAY_IMPL 0 multiply, 1 shift-and-add), which must agree.

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
#include "Vloihi2_lane_bad_vth.h"
#include "Vsf_l2_lane_configs.h"
#include "loihi2.h"
#include "sf_l2_lane_configs.h"

namespace {

namespace l2 = sf::ref::loihi2;

// The parameters of one lane, in the order of sf_neuron_loihi2's parameters; the values come
// from sf_l2_lane_configs.h (generated with the wrapper from the CMakeLists.txt beside this).
struct Cfg {
  int du;
  int dv;
  int64_t vth;
  int bias_exp;
  int acc_bits;
  int bias_bits;
  int impl;  // DECAY_IMPL
};

struct Out {
  int64_t u;
  int64_t v;
  bool spike;
  bool operator==(const Out& o) const { return u == o.u && v == o.v && spike == o.spike; }
};

std::ostream& operator<<(std::ostream& os, const Out& o) {
  return os << "{u=" << o.u << ", v=" << o.v << ", spike=" << o.spike << "}";
}

constexpr int64_t kP23 = int64_t{1} << 23;  // 8388608
constexpr int64_t kUMin = -kP23, kUMax = kP23 - 1;
constexpr int64_t kVMax = kP23 - 1;  // v is clamped to [-kVMax, kVMax]

using sf::test::max_of;
using sf::test::min_of;
using sf::test::put;
using sf::test::sign_extend;

l2::Params params_of(const Cfg& c) {
  l2::Params p;
  p.du = c.du;
  p.dv = c.dv;
  p.vth = c.vth;
  p.bias_exp = c.bias_exp;
  return p;
}

Out golden_step(const Cfg& c, int64_t u, int64_t v, int64_t a, int64_t bias) {
  l2::State s;
  s.u = u;
  s.v = v;
  const bool spike = l2::step(params_of(c), s, a, bias);
  return {s.u, s.v, spike};
}

// All tested lanes live in one verilated wrapper (sf_l2_lane_configs.v); one model serves all.
Vsf_l2_lane_configs& model() {
  static VerilatedContext ctx;
  static Vsf_l2_lane_configs m(&ctx);
  return m;
}

// One lane of the wrapper: its parameters and references to its ports.
template <class AI, class BI>
class Lane {
 public:
  Lane(const Cfg& cfg, IData& u_i, IData& v_i, AI& a_i, BI& bias_i, IData& u_o, IData& v_o,
       CData& spike_o)
      : cfg_(cfg), u_i_(u_i), v_i_(v_i), a_i_(a_i), bias_i_(bias_i), u_o_(u_o), v_o_(v_o),
        spike_o_(spike_o) {}

  const Cfg& cfg() const { return cfg_; }

  // Drives the inputs without evaluating (so that two lanes can share one eval()).
  void drive(int64_t u, int64_t v, int64_t a, int64_t bias) {
    put(u_i_, u, 24, "u");
    put(v_i_, v, 24, "v");
    put(a_i_, a, cfg_.acc_bits, "a");
    put(bias_i_, bias, cfg_.bias_bits, "bias");
  }
  Out read() const { return {sign_extend(u_o_, 24), sign_extend(v_o_, 24), spike_o_ != 0}; }

  Out step(int64_t u, int64_t v, int64_t a, int64_t bias) {
    drive(u, v, a, bias);
    model().eval();
    return read();
  }

 private:
  Cfg cfg_;
  IData& u_i_;
  IData& v_i_;
  AI& a_i_;
  BI& bias_i_;
  IData& u_o_;
  IData& v_o_;
  CData& spike_o_;
};

template <class AI, class BI>
Lane<AI, BI> make_lane(const Cfg& cfg, IData& u_i, IData& v_i, AI& a_i, BI& bias_i, IData& u_o,
                       IData& v_o, CData& spike_o) {
  return {cfg, u_i, v_i, a_i, bias_i, u_o, v_o, spike_o};
}

#define SF_L2_LANE(lane)                                                                    \
  make_lane(SF_L2_CFG_##lane, model().lane##_u_i, model().lane##_v_i, model().lane##_a_i,  \
            model().lane##_bias_i, model().lane##_u_o, model().lane##_v_o,                 \
            model().lane##_spike_o)

// Runs `body` on both lanes of a pair (DECAY_IMPL 0 and 1).
#define SF_L2_BOTH(name, body)             \
  do {                                     \
    {                                      \
      SCOPED_TRACE(#name "_m");            \
      auto lane = SF_L2_LANE(name##_m);    \
      body;                                \
    }                                      \
    {                                      \
      SCOPED_TRACE(#name "_s");            \
      auto lane = SF_L2_LANE(name##_s);    \
      body;                                \
    }                                      \
  } while (0)

struct Case {
  int64_t u, v, a, bias;
  Out want;
};

// Each case against the RTL and, where the incoming state is one the golden model accepts
// (v = -2^23 never occurs in the contract), against the golden model too.
template <class L>
void check_cases(L lane, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE("u=" + std::to_string(c.u) + " v=" + std::to_string(c.v) +
                 " a=" + std::to_string(c.a) + " bias=" + std::to_string(c.bias));
    EXPECT_EQ(lane.step(c.u, c.v, c.a, c.bias), c.want) << "RTL";
    if (c.v >= -kVMax) {
      EXPECT_EQ(golden_step(lane.cfg(), c.u, c.v, c.a, c.bias), c.want) << "golden model";
    }
  }
}

// Iterates the lane from u = v = 0 with the input a[t] (0 after the list) and a constant bias.
template <class L>
std::vector<Out> trajectory(L lane, const std::vector<int64_t>& a, int64_t bias, int steps) {
  std::vector<Out> outs;
  int64_t u = 0, v = 0;
  for (int t = 0; t < steps; ++t) {
    const Out o = lane.step(u, v, t < static_cast<int>(a.size()) ? a[t] : 0, bias);
    u = o.u;
    v = o.v;
    outs.push_back(o);
  }
  return outs;
}

constexpr bool kNo = false;
constexpr bool kYes = true;

// ---------------------------------------------------------------- semantics.md numbers

// du = dv = 0, bias_mant = 2, bias_exp = 6 (+128 per step), vth = 8 (threshold 512): v = 128,
// 256, 384, 512 (not > 512), 640 -> spike at step 4, v = 0; again at step 9.
TEST(Loihi2Lane, LavaSpikesAtSteps4And9) {
  SF_L2_BOTH(spk, {
    const auto outs = trajectory(lane, {}, 2, 15);
    std::vector<int> spikes;
    std::vector<int64_t> vs;
    for (size_t t = 0; t < outs.size(); ++t) {
      if (outs[t].spike) spikes.push_back(static_cast<int>(t));
      vs.push_back(outs[t].v);
      EXPECT_EQ(outs[t].u, 0);
    }
    EXPECT_EQ(spikes, (std::vector<int>{4, 9, 14}));
    EXPECT_EQ(vs, (std::vector<int64_t>{128, 256, 384, 512, 0, 128, 256, 384, 512, 0, 128, 256,
                                        384, 512, 0}));
  });
}

// du = 2047 (decay 2048/4096 = 1/2), dv = 0, one input a = 128 at step 0: u = 128 << 6 = 8192,
// then it halves exactly.
TEST(Loihi2Lane, LavaImpulseDu) {
  SF_L2_BOTH(imp_u, {
    const auto outs = trajectory(lane, {128}, 0, 8);
    std::vector<int64_t> us;
    for (const Out& o : outs) us.push_back(o.u);
    EXPECT_EQ(us, (std::vector<int64_t>{8192, 4096, 2048, 1024, 512, 256, 128, 64}));
  });
}

// du = 0 (decay 4095/4096, the du + 1 offset), dv = 2048, same impulse: v = 8192, then
// 4096 + trunc0(8192 * 4095 / 4096) = 4096 + 8190 = 12286, 6143 + 8188 = 14331, ...
TEST(Loihi2Lane, LavaImpulseDv) {
  SF_L2_BOTH(imp_v, {
    const auto outs = trajectory(lane, {128}, 0, 8);
    std::vector<int64_t> vs;
    for (const Out& o : outs) vs.push_back(o.v);
    EXPECT_EQ(vs, (std::vector<int64_t>{8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295}));
  });
}

// bias_mant = 4095, bias_exp = 5, no input: v = 4095 * 32 = 131040 (below 131071 << 6).
TEST(Loihi2Lane, LavaBias) {
  SF_L2_BOTH(typ, {
    const auto outs = trajectory(lane, {}, 4095, 1);
    EXPECT_EQ(outs[0], (Out{0, 131040, kNo}));
  });
}

// ---------------------------------------------------------------- hand-derived edge cases

// du = 4095 (KU = 0: u' = a << 6), dv = 0 (v not decayed), vth = 0 (spike iff v' > 0),
// bias << 7, a 32-bit (only a mod 2^18 reaches u).
TEST(Loihi2Lane, EdgeDu4095Dv0Vth0) {
  SF_L2_BOTH(edge, check_cases(lane, {
      {kUMax, 0, 0, 0, {0, 0, kNo}},          // u cleared; v' = 0, 0 > 0 is false (strict)
      {kUMin, 1, 0, 0, {0, 0, kYes}},         // v' = 1 > 0: spike, v = 0
      {5, -5, 0, 0, {0, -5, kNo}},            // dv = 0: v kept
      {0, -kVMax, 0, 0, {0, -kVMax, kNo}},    // also at the bottom
      {0, -1, 0, 0, {0, -1, kNo}},
      {0, 1, 0, -1, {0, -127, kNo}},          // 1 + (-1 << 7) = -127
      // u wrap at +2^23: 2^17 << 6 = 2^23 -> -2^23; v' = -2^23 -> clamp -(2^23 - 1)
      {0, 0, 131072, 0, {kUMin, -kVMax, kNo}},
      // 131071 << 6 = 8388544 fits; v' = 8388544 > 0: spike
      {0, 0, 131071, 0, {8388544, 0, kYes}},
      // -2^17 << 6 = -2^23 fits; v' = -1 - 2^23 -> clamp
      {0, -1, -131072, 0, {kUMin, -kVMax, kNo}},
      // u wrap at -2^23: -131073 << 6 = -8388672 -> + 2^24 = 8388544, spike
      {0, 0, -131073, 0, {8388544, 0, kYes}},
      {0, 0, 262144, 0, {0, 0, kNo}},         // 2^18 << 6 = 2^24 -> 0
      // 2^31 - 1: low 18 bits all ones, << 6 = 0xFFFFC0 = -64
      {0, 0, 2147483647, 0, {-64, -64, kNo}},
      {0, 0, -2147483648LL, 0, {0, 0, kNo}},  // low 18 bits zero
      {0, 0, 0, 4095, {0, 0, kYes}},          // 4095 << 7 = 524160 > 0
      // v clamp at the bottom: -8388607 - 64 - 524288 = -8912959 -> -8388607
      {0, -kVMax, -1, -4096, {-64, -kVMax, kNo}},
      // v clamp at the top: 8388607 + 64 + 524160 = 8912831 -> 8388607 > 0: spike. The upper
      // clamp never shows in v (vth << 6 <= 2^23 - 64 always spikes there).
      {0, kVMax, 1, 4095, {64, 0, kYes}},
  }));
}

// du = 2047 (u halves), dv = 0, vth = 131071 (threshold 8388544, the largest), a 20-bit.
TEST(Loihi2Lane, NegativeCurrentDecayAndWrap) {
  SF_L2_BOTH(imp_u, check_cases(lane, {
      {-5, 0, 0, 0, {-2, -2, kNo}},           // -10240 / 4096 = -2.5 -> -2 (floor: -3)
      {-1, 0, 0, 0, {0, 0, kNo}},             // -0.5 -> 0 (floor: -1)
      {5, 0, 0, 0, {2, 2, kNo}},              // 2.5 -> 2
      {-3, -7, 0, 0, {-1, -8, kNo}},          // -1.5 -> -1 (floor: -2); v' = -7 - 1
      {kUMin, 0, 0, 0, {-4194304, -4194304, kNo}},  // -2^34 / 2^12 = -2^22 exactly
      // 8388607 / 2 = 4194303.5 -> 4194303, + 65536 << 6 = 4194304: 8388607 fits, spikes
      {kUMax, 0, 65536, 0, {kUMax, 0, kYes}},
      // 4194303 + 65537 << 6 = 4194303 + 4194368 = 8388671 -> - 2^24 = -8388545
      {kUMax, 0, 65537, 0, {-8388545, -8388545, kNo}},
      // -4194304 - 4194368 = -8388672 -> + 2^24 = 8388544; v' = 8388544 is not > 8388544
      {kUMin, 0, -65537, 0, {8388544, 8388544, kNo}},
      {kUMin, 1, -65537, 0, {8388544, 0, kYes}},  // 8388545 > 8388544
  }));
}

// du = 0 (u * 4095 / 4096), dv = 2048 (v halves), vth = 131071.
TEST(Loihi2Lane, NegativeVoltageDecay) {
  SF_L2_BOTH(imp_v, check_cases(lane, {
      {0, -3, 0, 0, {0, -1, kNo}},            // -1.5 -> -1 (floor: -2)
      {0, 3, 0, 0, {0, 1, kNo}},
      {0, -kVMax, 0, 0, {0, -4194303, kNo}},  // -4194303.5 -> -4194303 (floor: -4194304)
      {-1, 0, 0, 0, {0, 0, kNo}},             // -4095 / 4096 -> 0 (floor: -1)
      {-4096, 0, 0, 0, {-4095, -4095, kNo}},  // exact
      {-4097, 0, 0, 0, {-4095, -4095, kNo}},  // -16777215 / 4096 = -4095.9998 -> -4095
      {4097, 3, 0, 0, {4095, 4096, kNo}},     // 4095 + trunc0(1.5) = 4096
      // -2^23 * 4095 / 4096 = -8386560 exactly; v: -4194303; sum -12580863 -> clamp
      {kUMin, -kVMax, 0, 0, {-8386560, -kVMax, kNo}},
      // v = -2^23 is accepted by the lane (not by the golden model, whose state never holds
      // it): -2^23 / 2 = -2^22 exactly
      {0, kUMin, 0, 0, {0, -4194304, kNo}},
  }));
}

// du = dv = 1000 (KU = 3095, KV = 3096), bias << 5, vth = 131071.
TEST(Loihi2Lane, TypicalDecays) {
  SF_L2_BOTH(typ, check_cases(lane, {
      {0, 0, 0, -4096, {0, -131072, kNo}},    // -4096 << 5
      {-1, 0, 0, 0, {0, 0, kNo}},             // -3095 / 4096 -> 0 (floor: -1)
      // 3095000 / 4096 = 755.62 -> 755; 3096000 / 4096 = 755.86 -> 755; 755 + 755
      {1000, 1000, 0, 0, {755, 1510, kNo}},
      {-1000, -1000, 0, 0, {-755, -1510, kNo}},  // floor would give -756, -1512
  }));
}

// du = 2048 (KU = 2047), dv = 4095 (KV = 1: v * 1 / 4096), a 48-bit.
TEST(Loihi2Lane, Dv4095AndWideInput) {
  SF_L2_BOTH(wide, check_cases(lane, {
      {0, -kVMax, 0, 0, {0, -2047, kNo}},     // -2047.9998 -> -2047 (floor: -2048)
      {0, 4095, 0, 0, {0, 0, kNo}},
      {0, -4095, 0, 0, {0, 0, kNo}},          // floor: -1
      {kUMin, 0, 0, 0, {-4192256, -4192256, kNo}},  // -2^23 * 2047 / 2^12 = -2^11 * 2047
      {-1, 0, 0, 0, {0, 0, kNo}},             // -2047 / 4096 -> 0
      // 2^47 - 1: low 18 bits all ones -> -64; -2^47: low 18 bits zero -> 0
      {0, 0, 140737488355327LL, 0, {-64, -64, kNo}},
      {0, 0, -140737488355328LL, 0, {0, 0, kNo}},
      // bias 4095 << 7 = 524160; 8388544 - 64 + 524160 = 8912640 > 8388544: spike
      {0, 0, 131071, 4095, {8388544, 0, kYes}},
  }));
}

// du = 1 (KU = 4094), dv = 4094 (KV = 2), vth = 12345 (threshold 790080), a 8-bit
// (sign-extended to the 18 bits that reach u), bias << 3.
TEST(Loihi2Lane, NarrowInput) {
  SF_L2_BOTH(odd_a, check_cases(lane, {
      {0, 0, -128, 0, {-8192, -8192, kNo}},
      {0, 0, 127, 0, {8128, 8128, kNo}},
      {0, -kVMax, 0, 0, {0, -4095, kNo}},     // -8388607 * 2 / 4096 = -4095.998 -> -4095
      {-2047, 0, 0, 0, {-2046, -2046, kNo}},  // -8380418 / 4096 = -2046.0005 -> -2046
      // v' = trunc0(790080 * 2 / 4096) = 385, + 127 << 6 = 8128, + 4095 << 3 = 32760: 41273
      {0, 790080, 127, 4095, {8128, 41273, kNo}},
  }));
}

// du = 3071 (KU = 1024: u / 4), dv = 1 (KV = 4095), vth = 1 (threshold 64), a exactly 18 bits.
TEST(Loihi2Lane, StrictThresholdAndExactInputWidth) {
  SF_L2_BOTH(odd_b, check_cases(lane, {
      {-7, 0, 0, 0, {-1, -1, kNo}},           // -1.75 -> -1 (floor: -2)
      {7, 64, 0, 0, {1, 64, kNo}},            // 64 * 4095 / 4096 = 63.98 -> 63, + 1 = 64
      {7, 65, 0, 0, {1, 0, kYes}},            // 64.98 -> 64, + 1 = 65 > 64
      {0, 0, -131072, 0, {kUMin, -kVMax, kNo}},  // -2^17 << 6 = -2^23; v clamps
      {0, 0, 131071, 0, {8388544, 0, kYes}},
      {0, 0, 0, 32, {0, 64, kNo}},            // 32 << 1 = 64, not > 64
      {0, 0, 0, 33, {0, 0, kYes}},
  }));
}

// ---------------------------------------------------------------- golden model, random

// u and v in their ranges, a over ACC_BITS, 13-bit bias; half uniform, half near the
// interesting points (0, the ends of each range, a << 6 near +-2^23, v' near the threshold).
template <class LM, class LS>
void check_random(LM lm, LS ls, int n, uint64_t seed) {
  const Cfg& cfg = lm.cfg();
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto near = [&](int64_t c, int64_t lo, int64_t hi) {
    return std::clamp<int64_t>(c + uniform(-4, 4), lo, hi);
  };
  const int64_t a_lo = min_of(cfg.acc_bits), a_hi = max_of(cfg.acc_bits);
  const int64_t b_lo = min_of(cfg.bias_bits), b_hi = max_of(cfg.bias_bits);
  const int64_t th = cfg.vth << 6;
  const int64_t ku = 4096 - (cfg.du + 1), kv = 4096 - cfg.dv;
  int mismatches = 0, spikes = 0, at_threshold = 0;
  for (int i = 0; i < n; ++i) {
    int64_t u, v, a, b;
    switch (rng() % 4) {
      case 0:  // uniform
        u = uniform(kUMin, kUMax);
        v = uniform(-kVMax, kVMax);
        a = uniform(a_lo, a_hi);
        b = uniform(b_lo, b_hi);
        break;
      case 1: {  // ends of the ranges
        const int64_t us[] = {0, kUMin, kUMax, 4096, -4096};
        const int64_t vs[] = {0, -kVMax, kVMax, 4096, -4096};
        const int64_t as[] = {0, a_lo, a_hi, 131072, -131072, 262144, -262144};
        u = near(us[rng() % 5], kUMin, kUMax);
        v = near(vs[rng() % 5], -kVMax, kVMax);
        a = near(as[rng() % 7], a_lo, a_hi);
        b = near(rng() % 2 ? b_lo : b_hi, b_lo, b_hi);
        break;
      }
      case 2:  // small values (the decays round most visibly here)
        u = uniform(-5000, 5000);
        v = uniform(-5000, 5000);
        a = std::clamp<int64_t>(uniform(-64, 64), a_lo, a_hi);
        b = uniform(-8, 8);
        break;
      default: {  // v' steered to within a few of the threshold
        // Pick a small v and bias, then split the rest, R = u', into the decay of u and
        // a << 6, and put what a cannot reach (< 64) into v. The steering uses C++'s own
        // trunc0 (int64 division) and need not be exact: the golden model judges.
        b = uniform(0, b_hi);
        v = uniform(-20, 1000);
        const int64_t r = th + uniform(-2, 2) - v * kv / 4096 - (b << cfg.bias_exp);
        u = ku > 0 ? std::clamp<int64_t>(r * 4096 / ku, kUMin, kUMax) : uniform(kUMin, kUMax);
        const int64_t rest = r - u * ku / 4096;
        a = std::clamp<int64_t>(rest >= 0 ? rest / 64 : -((-rest + 63) / 64), a_lo, a_hi);
        const int64_t rem = rest - a * 64;
        v = std::clamp<int64_t>(v + (rem * 4096 + kv - 1) / kv, -kVMax, kVMax);
        break;
      }
    }
    lm.drive(u, v, a, b);
    ls.drive(u, v, a, b);
    model().eval();
    const Out got_m = lm.read(), got_s = ls.read();
    const Out want = golden_step(cfg, u, v, a, b);
    spikes += want.spike;
    at_threshold += (!want.spike && want.v == th);
    if (!(got_m == want && got_s == want) && ++mismatches <= 10) {
      ADD_FAILURE() << "u=" << u << " v=" << v << " a=" << a << " bias=" << b << ": RTL impl 0 "
                    << got_m << ", impl 1 " << got_s << ", golden " << want;
    }
  }
  EXPECT_EQ(mismatches, 0);
  // the draws do reach both sides and the threshold itself
  EXPECT_GT(spikes, n / 20);
  EXPECT_LT(spikes, n - n / 20);
  EXPECT_GT(at_threshold, 0);
}

#define SF_L2_RANDOM(name, seed) \
  check_random(SF_L2_LANE(name##_m), SF_L2_LANE(name##_s), 200000, seed)

TEST(Loihi2Lane, GoldenRandomSpk) { SF_L2_RANDOM(spk, 1); }
TEST(Loihi2Lane, GoldenRandomImpU) { SF_L2_RANDOM(imp_u, 2); }
TEST(Loihi2Lane, GoldenRandomImpV) { SF_L2_RANDOM(imp_v, 3); }
TEST(Loihi2Lane, GoldenRandomTyp) { SF_L2_RANDOM(typ, 4); }
TEST(Loihi2Lane, GoldenRandomEdge) { SF_L2_RANDOM(edge, 5); }
TEST(Loihi2Lane, GoldenRandomWide) { SF_L2_RANDOM(wide, 6); }
TEST(Loihi2Lane, GoldenRandomOddA) { SF_L2_RANDOM(odd_a, 7); }
TEST(Loihi2Lane, GoldenRandomOddB) { SF_L2_RANDOM(odd_b, 8); }
TEST(Loihi2Lane, GoldenRandomOddC) { SF_L2_RANDOM(odd_c, 9); }
TEST(Loihi2Lane, GoldenRandomOddD) { SF_L2_RANDOM(odd_d, 10); }

// DECAY_IMPL 0 and 1 over the whole 24-bit state range, v = -2^23 included (which the golden
// model does not take): both decays are exact, so they must agree bit for bit.
template <class LM, class LS>
void check_impls_agree(LM lm, LS ls, int n, uint64_t seed) {
  const Cfg& cfg = lm.cfg();
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int mismatches = 0;
  for (int i = 0; i < n; ++i) {
    const int64_t u = uniform(kUMin, kUMax), v = i % 16 == 0 ? kUMin : uniform(kUMin, kUMax);
    const int64_t a = uniform(min_of(cfg.acc_bits), max_of(cfg.acc_bits));
    const int64_t b = uniform(min_of(cfg.bias_bits), max_of(cfg.bias_bits));
    lm.drive(u, v, a, b);
    ls.drive(u, v, a, b);
    model().eval();
    if (!(lm.read() == ls.read()) && ++mismatches <= 10) {
      ADD_FAILURE() << "u=" << u << " v=" << v << " a=" << a << " bias=" << b << ": impl 0 "
                    << lm.read() << ", impl 1 " << ls.read();
    }
  }
  EXPECT_EQ(mismatches, 0);
}

#define SF_L2_AGREE(name, seed) \
  check_impls_agree(SF_L2_LANE(name##_m), SF_L2_LANE(name##_s), 50000, seed)

TEST(Loihi2Lane, DecayImplsAgree) {
  SF_L2_AGREE(spk, 11);
  SF_L2_AGREE(imp_u, 12);
  SF_L2_AGREE(imp_v, 13);
  SF_L2_AGREE(typ, 14);
  SF_L2_AGREE(edge, 15);
  SF_L2_AGREE(wide, 16);
  SF_L2_AGREE(odd_a, 17);
  SF_L2_AGREE(odd_b, 18);
  SF_L2_AGREE(odd_c, 19);
  SF_L2_AGREE(odd_d, 20);
}

// The comparison must be able to fail: the same RTL against the decay rounded by floor (an
// arithmetic shift) instead of trunc0 disagrees on negative inexact products only.
TEST(Loihi2Lane, DetectsFloorDecay) {
  auto lane = SF_L2_LANE(imp_u_m);  // KU = 2048, dv = 0: u' = v' = trunc0(u / 2) for v = 0
  int differ = 0;
  for (int64_t u = -16; u <= 15; ++u) {
    const int64_t floor_half = u >> 1;  // arithmetic shift (C++20 defines it; GCC does)
    if (lane.step(u, 0, 0, 0).u != floor_half) ++differ;
  }
  EXPECT_EQ(differ, 8);  // every odd negative u: -15, -13, ..., -1
}

// ---------------------------------------------------------------- elaboration check

// VTH = 2^17 does not fit the 17-bit vth: the model must report it and stop.
TEST(Loihi2Lane, IllegalVthIsRejected) {
  sf::test::expect_elaboration<Vloihi2_lane_bad_vth>(true);
}

// The same checks pass every tested configuration without a word.
TEST(Loihi2Lane, LegalConfigurationRuns) {
  sf::test::expect_elaboration<Vsf_l2_lane_configs>(false);
}

}  // namespace
