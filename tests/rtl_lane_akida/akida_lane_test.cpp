// Checks rtl_templates/sf_neuron_akida.v (Akida 1.0 activation) and sf_neuron_akida2.v (Akida 2.0
// output stage) against docs/semantics.md: the hand-derived numbers of the spec, hand-derived
// corners (each also checked against the golden model, so that a slip in the hand arithmetic
// shows up as such), every combination of the corner inputs, and random vectors steered at the
// interesting points, all compared bit for bit with the golden model sf::ref::akida.

#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vakida2_lane_bad_output_bits.h"
#include "Vakida_lane_bad_act_bits.h"
#include "Vsf_ak1_lane_configs.h"
#include "Vsf_ak2_lane_configs.h"
#include "akida.h"
#include "elaboration_check.h"
#include "lane_ports.h"

namespace {

namespace ak = sf::ref::akida;
using sf::test::max_of;
using sf::test::min_of;
using sf::test::put;
using sf::test::sign_extend;

// Parameters of one lane, in the order of the module's parameters (after the name); the values
// come from the generated headers below.
struct Cfg1 {
  const char* name;
  int p_bits, t_bits, act_bits;
  int64_t step_m;
  int step_f;
};
struct Cfg2 {
  const char* name;
  int sum_bits, acc_stage, buffer_bits, bias_shift, relu, max_en;
  int64_t max_value;
  int max_value_shift, out_shift, output_bits;
};

}  // namespace

#include "sf_ak1_lane_configs.h"
#include "sf_ak2_lane_configs.h"

namespace {

using i128 = __int128;

// One verilated wrapper per lane kind holds every tested lane.
Vsf_ak1_lane_configs& model1() {
  static VerilatedContext ctx;
  static Vsf_ak1_lane_configs m(&ctx);
  return m;
}
Vsf_ak2_lane_configs& model2() {
  static VerilatedContext ctx;
  static Vsf_ak2_lane_configs m(&ctx);
  return m;
}

// ---------------------------------------------------------------- Akida 1.0

struct Lane1 {
  Cfg1 cfg;
  std::function<void(int64_t, int64_t)> drive;  // p, T
  std::function<uint64_t()> y;
  std::function<bool()> valid;
};

#define SF_AK1_LANE(n)                                                                   \
  Lane1{SF_AK1_CFG_##n,                                                                  \
        [](int64_t p, int64_t t) {                                                       \
          put(model1().n##_p_i, p, SF_AK1_CFG_##n.p_bits, "p");                          \
          put(model1().n##_t_i, t, SF_AK1_CFG_##n.t_bits, "T");                          \
        },                                                                               \
        [] { return static_cast<uint64_t>(model1().n##_y_o); },                          \
        [] { return model1().n##_valid_o != 0; }},

std::vector<Lane1> lanes1() { return {SF_AK1_FOR_EACH(SF_AK1_LANE)}; }

const Lane1& lane1(const std::string& name) {
  static const std::vector<Lane1> all = lanes1();
  for (const Lane1& l : all)
    if (name == l.cfg.name) return l;
  throw std::runtime_error("no akida lane " + name);
}

int64_t golden1(const Cfg1& c, int64_t p, int64_t t) {
  return ak::v1_activation(p, t, ak::ActStep::from_ratio(static_cast<uint64_t>(c.step_m), c.step_f), c.act_bits);
}

// Checks the lane (already driven and evaluated) on (p, T); returns false on a mismatch.
bool check1(const Lane1& l, int64_t p, int64_t t) {
  const int64_t want = golden1(l.cfg, p, t);
  const auto got = static_cast<int64_t>(l.y());
  const bool valid = l.valid();
  if (got == want && valid == (want != 0)) return true;
  ADD_FAILURE() << "akida lane " << l.cfg.name << ": p=" << p << " T=" << t << ": RTL y=" << got
                << " valid=" << valid << ", golden y=" << want;
  return false;
}

int64_t eval1(const Lane1& l, int64_t p, int64_t t) {
  l.drive(p, t);
  model1().eval();
  EXPECT_EQ(l.valid(), l.y() != 0) << l.cfg.name;
  return static_cast<int64_t>(l.y());
}

// semantics.md: T = 10, p = -5, 10, 11, 13, 14, 16, 19, 20, 55, 56, 100.
TEST(AkidaLane, SpecHandDerived) {
  const std::vector<int64_t> ps = {-5, 10, 11, 13, 14, 16, 19, 20, 55, 56, 100};
  const std::vector<std::pair<const char*, std::vector<int64_t>>> want = {
      {"hand4", {0, 0, 1, 1, 2, 2, 3, 4, 15, 15, 15}},
      {"hand2", {0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3}},
      {"hand1", {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
  };
  for (const auto& [name, ys] : want) {
    const Lane1& l = lane1(name);
    std::vector<int64_t> rtl, gold;
    for (int64_t p : ps) {
      rtl.push_back(eval1(l, p, 10));
      gold.push_back(golden1(l.cfg, p, 10));
    }
    EXPECT_EQ(rtl, ys) << name << " RTL";
    EXPECT_EQ(gold, ys) << name << " golden model";
  }
}

// Hand-derived corners of the other lanes.
TEST(AkidaLane, HandCorners) {
  struct Case {
    const char* lane;
    int64_t p, t, y;
  };
  const int64_t p31 = int64_t{1} << 31;
  const std::vector<Case> cases = {
      // frac: act_step 0.625 at 4 bits, s_eff 0.625: ceil(d / 0.625) = ceil(1.6 d)
      {"frac", 1, 0, 2}, {"frac", 5, 0, 8}, {"frac", 6, -3, 15}, {"frac", -524288, 524287, 0},
      {"frac", 524287, -524288, 15},
      // big2: act_step 16 at 2 bits, s_eff 64: d = 64 -> 1, 65 -> 2, 128 -> 2, 129 -> 3
      {"big2", 64, 0, 1}, {"big2", 65, 0, 2}, {"big2", 128, 0, 2}, {"big2", 129, 0, 3},
      {"big2", -2147483648LL, -524288, 0},
      // in24: s_eff 1 at 4 bits: y = min(d, 15)
      {"in24", -8388608, -8388608, 0}, {"in24", -8388607, -8388608, 1}, {"in24", 8388607, -8388608, 15},
      {"in24", 14, 0, 14}, {"in24", 15, 0, 15}, {"in24", 16, 0, 15}, {"in24", -8388608, 8388607, 0},
      // huge4: s_eff = act_step = 2^31 - 1 at 4 bits
      {"huge4", 2147483647, 0, 1}, {"huge4", 2147483648LL, 0, 2}, {"huge4", 34359738367LL, -524288, 15},
      {"huge4", 1, 0, 1},
      // tiny1: any d > 0 gives 1
      {"tiny1", 1, 0, 1}, {"tiny1", 0, 0, 0}, {"tiny1", -549755813888LL, 8388607, 0},
      // w8t4: s_eff 2^-8: every d >= 1 saturates; p 8 bits, T 4 bits
      {"w8t4", -128, 7, 0}, {"w8t4", 127, -8, 15}, {"w8t4", -8, -8, 0}, {"w8t4", -7, -8, 15},
      // fneg: act_step 3 * 2^24, 4 bits; d = 3 * 2^24 -> 1, + 1 -> 2
      {"fneg", 50331648, 0, 1}, {"fneg", 50331649, 0, 2}, {"fneg", 15 * 50331648LL, 0, 15},
      {"fneg", 14 * 50331648LL, 0, 14},
      // fpos: act_step (2^31 - 1) / 2^40 < 2^-9: d = 1 -> 15
      {"fpos", -p31, p31 - 1, 0}, {"fpos", 1, 0, 15},
  };
  for (const Case& c : cases) {
    const Lane1& l = lane1(c.lane);
    SCOPED_TRACE(std::string(c.lane) + " p=" + std::to_string(c.p) + " T=" + std::to_string(c.t));
    EXPECT_EQ(eval1(l, c.p, c.t), c.y) << "RTL";
    EXPECT_EQ(golden1(l.cfg, c.p, c.t), c.y) << "golden model";
  }
}

// The smallest d with ceil(d / s_eff) >= j, i.e. d > (j - 1) * s_eff: floor((j-1) m 2^-k) + 1.
i128 rung_start(const Cfg1& c, int64_t j) {
  const int k = c.step_f + c.act_bits - 4;
  const i128 jm = static_cast<i128>(j - 1) * c.step_m;
  return (k >= 0 ? (jm >> k) : (jm << -k)) + 1;
}

// Every lane on the cross product of corner p and T, plus p = T + (each rung's start +- 2).
TEST(AkidaLane, Corners) {
  std::vector<Lane1> ls = lanes1();
  for (const Lane1& l : ls) {
    const Cfg1& c = l.cfg;
    const int64_t plo = min_of(c.p_bits), phi = max_of(c.p_bits);
    const int64_t tlo = min_of(c.t_bits), thi = max_of(c.t_bits);
    std::vector<int64_t> ps = {plo, plo + 1, -1, 0, 1, phi - 1, phi};
    std::vector<int64_t> ts = {tlo, tlo + 1, -1, 0, 1, thi - 1, thi};
    int bad = 0;
    for (int64_t p : ps)
      for (int64_t t : ts) {
        l.drive(p, t);
        model1().eval();
        if (!check1(l, p, t) && ++bad > 10) return;
      }
    const int cap = (1 << c.act_bits) - 1;
    for (int64_t t : ts)
      for (int64_t j = 1; j <= cap + 1; ++j)
        for (int64_t delta = -2; delta <= 2; ++delta) {
          const i128 p = static_cast<i128>(t) + rung_start(c, j) + delta;
          if (p < plo || p > phi) continue;
          l.drive(static_cast<int64_t>(p), t);
          model1().eval();
          if (!check1(l, static_cast<int64_t>(p), t) && ++bad > 10) return;
        }
  }
}

constexpr int kRandomVectors = 120000;

// Each vector drives every lane at once (one eval per vector for all lanes).
TEST(AkidaLane, RandomAgainstGolden) {
  std::vector<Lane1> ls = lanes1();
  std::mt19937_64 rng(0xA1D1A);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  std::vector<int64_t> ps(ls.size()), ts(ls.size());
  std::vector<int> bad(ls.size(), 0);
  std::vector<int64_t> nonzero(ls.size(), 0), capped(ls.size(), 0);
  for (int i = 0; i < kRandomVectors; ++i) {
    for (size_t n = 0; n < ls.size(); ++n) {
      const Cfg1& c = ls[n].cfg;
      const int64_t plo = min_of(c.p_bits), phi = max_of(c.p_bits);
      const int64_t tlo = min_of(c.t_bits), thi = max_of(c.t_bits);
      const int cap = (1 << c.act_bits) - 1;
      int64_t p = 0, t = 0;
      switch (rng() % 4) {
        case 0:  // uniform
          p = uniform(plo, phi);
          t = uniform(tlo, thi);
          break;
        case 1: {  // d at a rung's start (exact ceil ties) +- 2
          t = uniform(tlo, thi);
          const i128 want = static_cast<i128>(t) + rung_start(c, uniform(0, cap + 1)) + uniform(-2, 2);
          p = static_cast<int64_t>(std::clamp<i128>(want, plo, phi));
          break;
        }
        case 2: {  // ends of the ranges, +- a little
          const int64_t pe[] = {plo, phi, 0}, te[] = {tlo, thi, 0};
          p = std::clamp<int64_t>(pe[rng() % 3] + uniform(-3, 3), plo, phi);
          t = std::clamp<int64_t>(te[rng() % 3] + uniform(-3, 3), tlo, thi);
          break;
        }
        default:  // small values
          p = std::clamp<int64_t>(uniform(-100, 100), plo, phi);
          t = std::clamp<int64_t>(uniform(-100, 100), tlo, thi);
          break;
      }
      ps[n] = p;
      ts[n] = t;
      ls[n].drive(p, t);
    }
    model1().eval();
    for (size_t n = 0; n < ls.size(); ++n) {
      if (bad[n] > 10) continue;
      if (!check1(ls[n], ps[n], ts[n])) ++bad[n];
      const uint64_t y = ls[n].y();
      nonzero[n] += y != 0;
      capped[n] += y == static_cast<uint64_t>((1 << ls[n].cfg.act_bits) - 1);
    }
  }
  // The vectors must reach both ends of every lane's output range, or the test proves little.
  for (size_t n = 0; n < ls.size(); ++n) {
    EXPECT_GT(nonzero[n], kRandomVectors / 10) << ls[n].cfg.name;
    EXPECT_GT(kRandomVectors - nonzero[n], kRandomVectors / 10) << ls[n].cfg.name;
    EXPECT_GT(capped[n], 100) << ls[n].cfg.name;
  }
}

TEST(AkidaLane, IllegalParametersStopElaboration) {
  sf::test::expect_elaboration<Vakida_lane_bad_act_bits>(true);
}

// ---------------------------------------------------------------- Akida 2.0

struct Lane2 {
  Cfg2 cfg;
  std::function<void(int64_t, int64_t, int64_t)> drive;  // sum, bias, scale
  std::function<uint64_t()> y;
  std::function<bool()> valid;
};

#define SF_AK2_LANE(n)                                                                   \
  Lane2{SF_AK2_CFG_##n,                                                                  \
        [](int64_t s, int64_t b, int64_t k) {                                            \
          put(model2().n##_sum_i, s, SF_AK2_CFG_##n.sum_bits, "sum");                    \
          put(model2().n##_bias_i, b, 8, "bias");                                        \
          put(model2().n##_scale_i, k - (k > 127 ? 256 : 0), 8, "scale");                \
        },                                                                               \
        [] { return static_cast<uint64_t>(model2().n##_y_o); },                          \
        [] { return model2().n##_valid_o != 0; }},

std::vector<Lane2> lanes2() { return {SF_AK2_FOR_EACH(SF_AK2_LANE)}; }

const Lane2& lane2(const std::string& name) {
  static const std::vector<Lane2> all = lanes2();
  for (const Lane2& l : all)
    if (name == l.cfg.name) return l;
  throw std::runtime_error("no akida2 lane " + name);
}

// The golden model's accumulator (ACC_STAGE 1: the saturated final sum with the bias) and output.
int64_t golden_acc2(const Cfg2& c, int64_t sum, int64_t bias) {
  if (!c.acc_stage) return sum;
  return ak::saturate_signed(sum + bias * (int64_t{1} << c.bias_shift), c.buffer_bits);
}

int64_t golden2(const Cfg2& c, int64_t sum, int64_t bias, int64_t scale) {
  ak::V2Params p;
  p.buffer_bits = c.buffer_bits;
  p.relu = c.relu != 0;
  if (c.max_en) p.max_value = c.max_value;
  p.max_value_shift = c.max_value_shift;
  p.output_scale = {scale};
  p.output_shift = {c.out_shift};
  p.output_bits = c.output_bits;
  return ak::v2_output(golden_acc2(c, sum, bias), p, 0);
}

int64_t read2(const Lane2& l) {
  const uint64_t raw = l.y();
  return l.cfg.relu ? static_cast<int64_t>(raw) : sign_extend(raw, l.cfg.output_bits);
}

bool check2(const Lane2& l, int64_t sum, int64_t bias, int64_t scale) {
  const int64_t want = golden2(l.cfg, sum, bias, scale);
  const int64_t got = read2(l);
  const bool valid = l.valid();
  if (got == want && valid == (want != 0)) return true;
  ADD_FAILURE() << "akida2 lane " << l.cfg.name << ": sum=" << sum << " bias=" << bias << " scale=" << scale
                << ": RTL y=" << got << " valid=" << valid << ", golden y=" << want;
  return false;
}

int64_t eval2(const Lane2& l, int64_t sum, int64_t bias, int64_t scale) {
  l.drive(sum, bias, scale);
  model2().eval();
  EXPECT_EQ(l.valid(), l.y() != 0) << l.cfg.name;
  return read2(l);
}

// Hand-derived: rounding ties half up (toward +inf), both saturations, the ReLU bound.
TEST(Akida2Lane, HandCorners) {
  struct Case {
    const char* lane;
    int64_t sum, bias, scale, y;
  };
  const int64_t b27 = int64_t{1} << 27;
  const std::vector<Case> cases = {
      // dflt: signed 8-bit out, shift 0
      {"dflt", 127, 0, 1, 127}, {"dflt", 128, 0, 1, 127}, {"dflt", -128, 0, 1, -128}, {"dflt", -129, 0, 1, -128},
      {"dflt", 5, -3, 2, 4}, {"dflt", 1000, 0, 0, 0},
      // dflt: the buffer saturates the final sum (bias included)
      {"dflt", b27, -1, 1, 127}, {"dflt", -b27 - 1, 1, 1, -128},
      // rnd: bias << 2, >> 8 rounding half up: 128/256 = 0.5 -> 1, -0.5 -> 0, -1.5 -> -1,
      // 383/256 = 1.496 -> 1, 384/256 = 1.5 -> 2; bias 32 << 2 = 128 -> 0.5 -> 1
      {"rnd", 128, 0, 1, 1}, {"rnd", -128, 0, 1, 0}, {"rnd", -129, 0, 1, -1}, {"rnd", -384, 0, 1, -1},
      {"rnd", -385, 0, 1, -2}, {"rnd", 383, 0, 1, 1}, {"rnd", 384, 0, 1, 2}, {"rnd", 0, 32, 1, 1},
      {"rnd", 0, -32, 1, 0}, {"rnd", -32768, 0, 1, -128}, {"rnd", -32769, 0, 1, -128}, {"rnd", -32897, 0, 1, -128},
      {"rnd", 32639, 0, 1, 127}, {"rnd", 32640, 0, 1, 128 - 1},
      // relumax: bound 6 << 2 = 24, >> 1 rounding: 24 * 1 / 2 = 12; 4-bit unsigned: 15 max
      {"relumax", 100, 0, 1, 12}, {"relumax", -100, 0, 1, 0}, {"relumax", 24, 0, 2, 15}, {"relumax", 3, 0, 1, 2},
      {"relumax", 1, 0, 1, 1}, {"relumax", 0, 0, 255, 0},
      // zerobnd: max_value 0 -> everything 0
      {"zerobnd", 2047, 0, 255, 0},
      // left4: << 3, 4-bit signed: 1 -> 8 -> 7; -1 -> -8; bias 1 << 1 = 2
      {"left4", 0, 0, 1, 0}, {"left4", 1, 0, 1, 7}, {"left4", -1, 0, 1, -8}, {"left4", 0, -1, 1, -8},
      // left127 / right128: any non-zero product saturates / vanishes
      {"left127", 1, 0, 1, 127}, {"left127", -1, 0, 1, -128}, {"left127", 0, 0, 255, 0}, {"left127", 5, 0, 0, 0},
      {"right128", b27 - 1, 0, 255, 0}, {"right128", -b27, 0, 255, 0},
      // buf2: 2-bit buffer [-2, 1], ReLU bound 1: y = scale (4-bit unsigned, capped 15)
      {"buf2", 127, 0, 3, 3}, {"buf2", 127, 0, 200, 15}, {"buf2", -128, 0, 200, 0},
      // edge37: >> 37 = Y_W: always 0; edge36: |y| <= 2^27 * 255 < 2^35, so (y + 2^35) >> 36 = 0
      {"edge37", b27 - 1, 0, 255, 0}, {"edge36", -b27, 0, 255, 0}, {"edge36", b27 - 1, 0, 255, 0},
  };
  for (const Case& c : cases) {
    const Lane2& l = lane2(c.lane);
    SCOPED_TRACE(std::string(c.lane) + " sum=" + std::to_string(c.sum) + " bias=" + std::to_string(c.bias) +
                 " scale=" + std::to_string(c.scale));
    EXPECT_EQ(eval2(l, c.sum, c.bias, c.scale), c.y) << "RTL";
    EXPECT_EQ(golden2(l.cfg, c.sum, c.bias, c.scale), c.y) << "golden model";
  }
}

// The ReLU bound, or 2^62 when there is none.
int64_t bound2(const Cfg2& c) { return c.max_en ? c.max_value << c.max_value_shift : int64_t{1} << 62; }

// A sum that gives accumulator `acc` (clamped to the sum range) with bias 0.
int64_t sum_for(const Cfg2& c, i128 acc) {
  return static_cast<int64_t>(std::clamp<i128>(acc, min_of(c.sum_bits), max_of(c.sum_bits)));
}

// Every lane on the cross product of corner sums, biases and scales.
TEST(Akida2Lane, Corners) {
  for (const Lane2& l : lanes2()) {
    const Cfg2& c = l.cfg;
    const int64_t slo = min_of(c.sum_bits), shi = max_of(c.sum_bits);
    std::vector<int64_t> sums = {slo, slo + 1, -1, 0, 1, shi - 1, shi};
    for (int64_t e : {min_of(c.buffer_bits), max_of(c.buffer_bits)})
      for (int64_t d = -2; d <= 2; ++d) sums.push_back(sum_for(c, static_cast<i128>(e) + d));
    if (c.max_en)
      for (int64_t d = -2; d <= 2; ++d) sums.push_back(sum_for(c, static_cast<i128>(bound2(c)) + d));
    const std::vector<int64_t> biases = {-128, -1, 0, 1, 127};
    const std::vector<int64_t> scales = {0, 1, 2, 127, 128, 255};
    int bad = 0;
    for (int64_t s : sums)
      for (int64_t b : biases)
        for (int64_t k : scales) {
          l.drive(s, b, k);
          model2().eval();
          if (!check2(l, s, b, k) && ++bad > 10) return;
        }
  }
}

TEST(Akida2Lane, RandomAgainstGolden) {
  std::vector<Lane2> ls = lanes2();
  std::mt19937_64 rng(0xA1D2A);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  std::vector<int64_t> ss(ls.size()), bs(ls.size()), ks(ls.size());
  std::vector<int> bad(ls.size(), 0);
  std::vector<int64_t> nonzero(ls.size(), 0);
  for (int i = 0; i < kRandomVectors; ++i) {
    for (size_t n = 0; n < ls.size(); ++n) {
      const Cfg2& c = ls[n].cfg;
      const int64_t slo = min_of(c.sum_bits), shi = max_of(c.sum_bits);
      int64_t s = 0, b = uniform(-128, 127), k = uniform(0, 255);
      switch (rng() % 5) {
        case 0:  // uniform
          s = uniform(slo, shi);
          break;
        case 1: {  // the buffer's edges (with this bias), +- a little
          const i128 edge = rng() % 2 ? min_of(c.buffer_bits) : max_of(c.buffer_bits);
          const i128 bias = c.acc_stage ? static_cast<i128>(b) << c.bias_shift : 0;
          s = sum_for(c, edge - bias + uniform(-3, 3));
          break;
        }
        case 2: {  // acc * scale at a rounding tie (or at an output edge) of the output shift
          b = 0;
          k = uniform(1, 255);
          const int64_t olo = c.relu ? 0 : min_of(c.output_bits);
          const int64_t ohi = c.relu ? (int64_t{1} << c.output_bits) - 1 : max_of(c.output_bits);
          const i128 o = uniform(olo - 1, ohi + 1);
          i128 target;  // the product y wanted
          if (c.out_shift < 0 && -c.out_shift < 100) {
            const int sh = -c.out_shift;
            target = (o << sh) - (static_cast<i128>(1) << (sh - 1));  // a tie: o - 1/2
          } else {
            target = c.out_shift >= 0 && c.out_shift < 60 ? o << c.out_shift : o;
          }
          // acc with acc * k close to target (floor division), then a nudge
          i128 acc = target / k;
          acc += uniform(-1, 1);
          s = sum_for(c, acc);
          break;
        }
        case 3:  // the ReLU bound (or 0)
          b = 0;
          s = sum_for(c, static_cast<i128>(c.max_en ? bound2(c) : 0) + uniform(-3, 3));
          break;
        default:  // small values
          s = std::clamp<int64_t>(uniform(-1000, 1000), slo, shi);
          b = uniform(-4, 4);
          k = uniform(0, 4);
          break;
      }
      ss[n] = s;
      bs[n] = b;
      ks[n] = k;
      ls[n].drive(s, b, k);
    }
    model2().eval();
    for (size_t n = 0; n < ls.size(); ++n) {
      if (bad[n] > 10) continue;
      if (!check2(ls[n], ss[n], bs[n], ks[n])) ++bad[n];
      const int64_t y = read2(ls[n]);
      nonzero[n] += y != 0;
    }
  }
  // Lanes that can only give 0 (a zero ReLU bound, shifts beyond the product) are exempt.
  for (size_t n = 0; n < ls.size(); ++n) {
    const Cfg2& c = ls[n].cfg;
    // |acc * scale| <= 2^(A_W-1) * 255 < 2^(n-1) leaves every rounded quotient at 0
    const int a_w = c.acc_stage ? c.buffer_bits : c.sum_bits;
    const int n_r = -c.out_shift;
    const bool shifted_out = n_r > 0 && (n_r > 100 || (static_cast<i128>(255) << (a_w - 1)) < (static_cast<i128>(1) << (n_r - 1)));
    const bool always_zero = (c.max_en && c.max_value == 0) || shifted_out;
    if (always_zero) {
      EXPECT_EQ(nonzero[n], 0) << c.name;
      continue;
    }
    EXPECT_GT(nonzero[n], kRandomVectors / 20) << c.name;
  }
}

TEST(Akida2Lane, IllegalParametersStopElaboration) {
  sf::test::expect_elaboration<Vakida2_lane_bad_output_bits>(true);
}

}  // namespace
