// Unit tests of the sf_hls templates (hls/include/sf_hls). Every expected number is derived by
// hand from docs/semantics.md and docs/network-format.md (derivation in the comment next to it),
// never from the golden model or the RTL: these tests are an independent reading of the contract.
//
// Built three times by tests/hls/unit/build_and_run.sh, all with -Wall -Wextra -Werror -pedantic:
//   - plain C-simulation types (int_t<9> = int16_t, sf_hls::csim_stream);
//   - -DSF_HLS_VITIS / -DSF_HLS_AC against mock_vendor/ (ap_int / ac_int stand-ins that wrap at
//     W bits), which fail these same tests if a template stores an intermediate in too narrow a
//     width (C-sim types are wider than W and would hide it).
#include <gtest/gtest.h>

#include <sf_hls/sf_hls.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using sf_hls::leak_kind;
using sf_hls::neuron_iflif;
using sf_hls::reset_mode;

namespace {

template <class T>
long long ll(const T& x) {
    return sf_hls::to_i64(x);
}

// ---------------------------------------------------------------- neuron configs (hls4ml style)

// An `if` neuron: theta = 4 in 8 bits, ge, subtract, no leak. Tests derive from it and override.
struct if_base {
    static constexpr int v_bits = 8;
    static constexpr long long threshold = 4;
    static constexpr bool fire_gt = false;
    static constexpr reset_mode reset = reset_mode::subtract;
    static constexpr long long v_reset = 0;
    static constexpr leak_kind leak = leak_kind::none;
    static constexpr int leak_shift = 0;
    static constexpr long long leak_beta = 0;
    static constexpr int leak_frac = 0;
    static constexpr long long leak_lambda = 0;
    static constexpr int in_bits = 16;
};

// One fire phase: the input I + b, and the expected spike, v and pend after it.
struct row {
    long long input;
    bool spike;
    long long v;
    bool pend;
};

// Runs the rows from power-up and checks every step.
template <class CFG>
void expect_steps(const std::vector<row>& rows) {
    using N = neuron_iflif<CFG>;
    typename N::state_t s;
    N::reset(s);
    EXPECT_EQ(ll(s.v), 0);
    EXPECT_FALSE(s.pend);
    for (std::size_t t = 0; t < rows.size(); ++t) {
        SCOPED_TRACE("step " + std::to_string(t) + ", input " + std::to_string(rows[t].input));
        const bool spike = N::update(s, rows[t].input);
        EXPECT_EQ(spike, rows[t].spike);
        EXPECT_EQ(ll(s.v), rows[t].v);
        EXPECT_EQ(s.pend, rows[t].pend);
    }
}

// ---------------------------------------------------------------- if: fire ge / gt

TEST(NeuronIf, FireGe) {
    // theta 4, v >= 4 fires, subtract.
    expect_steps<if_base>({
        {2, false, 2, false},  // 0 + 2 = 2 < 4
        {2, true, 0, false},   // 2 + 2 = 4 >= 4: fire, 4 - 4 = 0
        {3, false, 3, false},  // 0 + 3 = 3
        {1, true, 0, false},   // 3 + 1 = 4: fire -> 0
        {9, true, 5, false},   // 0 + 9 = 9: fire, 9 - 4 = 5 (one spike per step, remainder kept)
    });
}

struct if_gt : if_base {
    static constexpr bool fire_gt = true;
};
TEST(NeuronIf, FireGt) {
    expect_steps<if_gt>({
        {2, false, 2, false},  // 2
        {2, false, 4, false},  // 4 > 4 is false: no spike at equality
        {1, true, 1, false},   // 5 > 4: fire, 5 - 4 = 1
        {3, false, 4, false},  // 1 + 3 = 4: again no spike at equality
    });
}

// ---------------------------------------------------------------- resets

struct if_zero_m1 : if_base {
    static constexpr reset_mode reset = reset_mode::zero;
    static constexpr long long v_reset = -1;
};
TEST(NeuronIf, ResetZeroNegativeVReset) {
    expect_steps<if_zero_m1>({
        {5, true, -1, false},   // 5 >= 4: fire, v = v_reset = -1
        {3, false, 2, false},   // -1 + 3 = 2
        {2, true, -1, false},   // 2 + 2 = 4: fire -> -1
        {0, false, -1, false},  // -1 + 0
    });
}

struct if_zero_p2 : if_base {
    static constexpr reset_mode reset = reset_mode::zero;
    static constexpr long long v_reset = 2;
};
TEST(NeuronIf, ResetZeroPositiveVReset) {
    expect_steps<if_zero_p2>({
        {6, true, 2, false},   // 6: fire -> 2 (not 6 - 4 = 2 by accident: next rows differ)
        {1, false, 3, false},  // 2 + 1 = 3
        {9, true, 2, false},   // 3 + 9 = 12: fire -> 2 (subtract would give 8)
    });
}

struct if_none : if_base {
    static constexpr reset_mode reset = reset_mode::none;
};
TEST(NeuronIf, ResetNone) {
    expect_steps<if_none>({
        {5, true, 5, false},    // 5: fire, v unchanged
        {0, true, 5, false},    // 5 + 0 = 5: fires again
        {-3, false, 2, false},  // 5 - 3 = 2
    });
}

struct lif_deferred : if_base {
    static constexpr reset_mode reset = reset_mode::subtract_deferred;
};
TEST(NeuronLif, SubtractDeferredNoLeak) {
    // v[t+1] = v[t] - theta * s[t] + I[t+1]; v after a spiking step still holds the theta.
    expect_steps<lif_deferred>({
        {5, true, 5, true},     // 0 + 5 = 5 >= 4: fire, v stays 5, theta pending
        {0, false, 1, false},   // 5 - 4 + 0 = 1
        {0, false, 1, false},   // nothing pending: 1
        {3, true, 4, true},     // 1 + 3 = 4: fire, pending
        {-1, false, -1, false}, // 4 - 4 - 1 = -1
    });
}

struct lif_deferred_10 : lif_deferred {
    static constexpr long long threshold = 10;
};
TEST(NeuronLif, SubtractDeferredConsecutiveSpikes) {
    expect_steps<lif_deferred_10>({
        {20, true, 20, true},  // 20: fire
        {20, true, 30, true},  // 20 - 10 + 20 = 30: fire
        {0, true, 20, true},   // 30 - 10 = 20: fire
        {0, true, 10, true},   // 20 - 10 = 10 >= 10: fire
        {0, false, 0, false},  // 10 - 10 = 0
        {0, false, 0, false},  // 0
    });
}

struct lif_deferred_shift : lif_deferred_10 {
    static constexpr leak_kind leak = leak_kind::shift;
    static constexpr int leak_shift = 1;
};
TEST(NeuronLif, SubtractDeferredAfterLeak) {
    // theta is taken off after the leak: L(12) - 10 = 6 - 10 = -4. Subtracting before the leak
    // would give L(12 - 10) = L(2) = 1 instead.
    expect_steps<lif_deferred_shift>({
        {12, true, 12, true},   // L(0) = 0; 12 >= 10: fire, v stays 12
        {0, false, -4, false},  // L(12) = 12 - trunc0(6) = 6; 6 - 10 + 0 = -4
        {0, false, -2, false},  // L(-4) = -4 - trunc0(-2) = -2
        {0, false, -1, false},  // L(-2) = -2 - trunc0(-1) = -1
        {0, false, -1, false},  // L(-1) = -1 - trunc0(-0.5) = -1 - 0 = -1 (floor would give 0)
    });
}

struct lif_deferred_sat : lif_deferred {
    static constexpr int v_bits = 4;  // [-8, 7]
    static constexpr long long threshold = 5;
};
TEST(NeuronLif, SubtractDeferredSaturatesOnce) {
    // Reading chosen (see neuron_iflif.h): v = sat(L(v) - theta + I + b), one saturation.
    // Saturating first and subtracting after, sat(7 + 7) - 5, would give 2 in step 1.
    expect_steps<lif_deferred_sat>({
        {7, true, 7, true},     // 7 >= 5: fire, v stays 7
        {7, true, 7, true},     // 7 - 5 + 7 = 9 -> sat 7: fire
        {0, false, 2, false},   // 7 - 5 = 2
        {-20, false, -8, false},// 2 - 20 = -18 -> sat -8
    });
}

// ---------------------------------------------------------------- lif leaks

struct lif_shift1 : if_base {
    static constexpr long long threshold = 100;
    static constexpr leak_kind leak = leak_kind::shift;
    static constexpr int leak_shift = 1;
};
TEST(NeuronLif, ShiftLeakNegativeRoundsTowardZero) {
    expect_steps<lif_shift1>({
        {-5, false, -5, false},  // L(0) = 0; 0 - 5
        {0, false, -3, false},   // L(-5) = -5 - trunc0(-2.5) = -5 + 2 = -3 (floor: -5 + 3 = -2)
        {0, false, -2, false},   // L(-3) = -3 - trunc0(-1.5) = -3 + 1 = -2
        {0, false, -1, false},   // L(-2) = -2 - (-1) = -1
        {0, false, -1, false},   // L(-1) = -1 - trunc0(-0.5) = -1 (floor: 0)
    });
}
TEST(NeuronLif, ShiftLeakPositive) {
    expect_steps<lif_shift1>({
        {5, false, 5, false},  // 5
        {0, false, 3, false},  // 5 - trunc0(2.5) = 5 - 2 = 3
        {0, false, 2, false},  // 3 - 1 = 2
        {0, false, 1, false},  // 2 - 1 = 1
        {0, false, 1, false},  // 1 - 0 = 1
    });
}

struct lif_shift0 : lif_shift1 {
    static constexpr int leak_shift = 0;
};
TEST(NeuronLif, ShiftLeakZeroForgetsEverything) {
    expect_steps<lif_shift0>({
        {5, false, 5, false},  // 5
        {0, false, 0, false},  // L(5) = 5 - trunc0(5 / 1) = 0
        {-7, false, -7, false},// 0 - 7
        {2, false, 2, false},  // L(-7) = 0; 0 + 2
    });
}

struct lif_shift_vbits : lif_shift1 {
    static constexpr int leak_shift = 8;  // = v_bits, the largest legal shift
};
TEST(NeuronLif, ShiftLeakOfVBitsKeepsV) {
    expect_steps<lif_shift_vbits>({
        {-128, false, -128, false},  // -128 (the most negative 8-bit v)
        {0, false, -128, false},     // -128 - trunc0(-128 / 256) = -128 - 0
        {99, false, -29, false},     // L(-128) = -128; -128 + 99 = -29
    });
}

struct lif_mult_3_2 : if_base {
    static constexpr long long threshold = 100;
    static constexpr leak_kind leak = leak_kind::mult;
    static constexpr long long leak_beta = 3;  // beta = 3 / 4
    static constexpr int leak_frac = 2;
};
TEST(NeuronLif, MultLeakNegativeRoundsTowardZero) {
    expect_steps<lif_mult_3_2>({
        {-5, false, -5, false},  // -5
        {0, false, -3, false},   // trunc0(-15 / 4) = trunc0(-3.75) = -3 (floor: -4)
        {0, false, -2, false},   // trunc0(-9 / 4) = -2
        {0, false, -1, false},   // trunc0(-6 / 4) = -1
        {0, false, 0, false},    // trunc0(-3 / 4) = 0
    });
}
TEST(NeuronLif, MultLeakPositive) {
    expect_steps<lif_mult_3_2>({
        {5, false, 5, false},  // 5
        {0, false, 3, false},  // trunc0(15 / 4) = 3
        {1, false, 3, false},  // trunc0(9 / 4) = 2; + 1 = 3
    });
}

struct lif_mult_one : lif_mult_3_2 {
    static constexpr long long leak_beta = 4;  // = 2^frac: beta = 1, no leak
};
TEST(NeuronLif, MultLeakBetaOneKeepsV) {
    expect_steps<lif_mult_one>({
        {-5, false, -5, false},  // -5
        {0, false, -5, false},   // trunc0(-20 / 4) = -5
        {3, false, -2, false},   // -5 + 3
    });
}

struct lif_mult_zero : lif_mult_3_2 {
    static constexpr long long leak_beta = 0;  // beta = 0: stateless
};
TEST(NeuronLif, MultLeakBetaZero) {
    expect_steps<lif_mult_zero>({
        {5, false, 5, false},   // 5
        {0, false, 0, false},   // trunc0(0) = 0
        {-6, false, -6, false}, // 0 - 6
        {1, false, 1, false},   // 0 + 1
    });
}

// The widest legal mult leak: v_bits 32, frac 24, beta = 2^24 - 1: |v * beta| ~ 2^55, which a
// 32-bit or a naive double computation would get wrong.
struct lif_mult_wide : if_base {
    static constexpr int v_bits = 32;
    static constexpr long long threshold = 2147483647;  // 2^31 - 1
    static constexpr reset_mode reset = reset_mode::none;
    static constexpr leak_kind leak = leak_kind::mult;
    static constexpr long long leak_beta = 16777215;  // 2^24 - 1
    static constexpr int leak_frac = 24;
    static constexpr int in_bits = 40;
};
TEST(NeuronLif, MultLeakWideExact) {
    expect_steps<lif_mult_wide>({
        // -(2^31 - 1); then (2^31 - 1)(2^24 - 1) / 2^24 = 2^31 - 2^7 - 1 + 2^-24, so
        // trunc0 = -(2^31 - 129) = -2147483519 (floor would give -2147483520).
        {-2147483647, false, -2147483647, false},
        {0, false, -2147483519, false},
    });
    expect_steps<lif_mult_wide>({
        // -2^31 (input below the range saturates to it); 2^31 (2^24 - 1) / 2^24 = 2^31 - 2^7 exactly.
        {-4294967296LL, false, -2147483648LL, false},
        {0, false, -2147483520LL, false},
    });
    expect_steps<lif_mult_wide>({
        // (2^31 - 2)(2^24 - 1) / 2^24 = 2^31 - 2 - (2^31 - 2) / 2^24 = 2147483646 - 127.99999988
        // -> trunc0 = 2147483518.
        {2147483646, false, 2147483646, false},
        {0, false, 2147483518, false},
    });
}

struct lif_sub3 : if_base {
    static constexpr long long threshold = 100;
    static constexpr leak_kind leak = leak_kind::sub;
    static constexpr long long leak_lambda = 3;
};
TEST(NeuronLif, SubLeakPositiveStopsAtZero) {
    expect_steps<lif_sub3>({
        {5, false, 5, false},  // 5
        {0, false, 2, false},  // 5 - 3 = 2
        {0, false, 0, false},  // |2| < 3: max(2 - 3, 0) = 0, not -1
        {0, false, 0, false},  // 0 stays 0
        {3, false, 3, false},  // 0 + 3
        {0, false, 0, false},  // |3| = lambda: 0
    });
}
TEST(NeuronLif, SubLeakNegativeStopsAtZero) {
    expect_steps<lif_sub3>({
        {-5, false, -5, false},  // -5
        {0, false, -2, false},   // -(5 - 3) = -2
        {0, false, 0, false},    // |-2| < 3: 0, not +1
        {-2, false, -2, false},  // 0 - 2
        {4, false, 4, false},    // L(-2) = 0, then + 4 (the leak never crosses zero itself)
    });
}

// ---------------------------------------------------------------- saturation

struct if_sat4 : if_base {
    static constexpr int v_bits = 4;  // [-8, 7]
    static constexpr long long threshold = 7;
    static constexpr reset_mode reset = reset_mode::none;
};
TEST(NeuronSat, TopAndBottomOfVBits) {
    expect_steps<if_sat4>({
        {20, true, 7, false},      // sat4(20) = 7 >= 7: fire, none keeps 7
        {1, true, 7, false},       // 7 + 1 = 8 -> 7: fire
        {-100, false, -8, false},  // 7 - 100 = -93 -> -8
        {-1, false, -8, false},    // -9 -> -8
        {3, false, -5, false},     // -8 + 3
    });
}

struct if_sat4_sub : if_sat4 {
    static constexpr reset_mode reset = reset_mode::subtract;
};
TEST(NeuronSat, SaturateThenSubtract) {
    expect_steps<if_sat4_sub>({
        {20, true, 0, false},  // sat4(20) = 7: fire, 7 - 7 = 0 (not 20 - 7 = 13 -> 7)
        {6, false, 6, false},  // 6 < 7
    });
}

struct lif_sat4_sub1 : if_sat4 {
    static constexpr leak_kind leak = leak_kind::sub;
    static constexpr long long leak_lambda = 1;
};
TEST(NeuronSat, BottomWithLeak) {
    expect_steps<lif_sat4_sub1>({
        {-8, false, -8, false},  // -8
        {-5, false, -8, false},  // L(-8) = -7; -7 - 5 = -12 -> -8
        {0, false, -7, false},   // L(-8) = -7
    });
}

// in_bits = v_bits: the sum v + input needs one bit more than either (7 + 7 = 14 is 5 bits).
struct if_sat4_narrow_in : if_sat4 {
    static constexpr int in_bits = 4;
};
TEST(NeuronSat, NarrowInputSumNeedsAnExtraBit) {
    expect_steps<if_sat4_narrow_in>({
        {7, true, 7, false},     // 7: fire, none keeps 7
        {7, true, 7, false},     // 7 + 7 = 14 -> 7 (a 4-bit sum would wrap to -2)
        {-8, false, -1, false},  // 7 - 8 = -1
        {-8, false, -8, false},  // -1 - 8 = -9 -> -8
        {-8, false, -8, false},  // -8 - 8 = -16 -> -8
    });
}

struct if_sat4_wide_in : if_sat4 {
    static constexpr int in_bits = 40;
};
TEST(NeuronSat, WideInputSaturates) {
    expect_steps<if_sat4_wide_in>({
        {274877906943LL, true, 7, false},     // 2^38 - 1 -> 7
        {-274877906944LL, false, -8, false},  // 7 - 2^38 -> -8
    });
}

// ---------------------------------------------------------------- dense

// Layer of 3 inputs x 4 neurons, signed 3-bit payloads (-4..3), `if` theta 5, subtract, bias.
struct dense_neuron : if_base {
    static constexpr long long threshold = 5;
    static constexpr int in_bits = 9;
};
template <int P>
struct dense_cfg {
    static constexpr int n_in = 3;
    static constexpr int n_out = 4;
    static constexpr int w_bits = 4;
    static constexpr int acc_bits = 8;
    static constexpr bool has_bias = true;
    static constexpr int bias_bits = 8;
    static constexpr int sum_bits = 9;
    static constexpr int in_idx_bits = 2;
    static constexpr int out_idx_bits = 2;
    static constexpr int pay_bits = 3;
    static constexpr bool pay_signed = true;
    static constexpr int parallel = P;
    using neuron = neuron_iflif<dense_neuron>;
};

// Feeds one timestep of (index, payload) events and returns the indices of the output spikes,
// checking that every output word carries payload 1 and that exactly one eot ends the step.
template <class D>
std::vector<long long> step_once(const std::vector<std::pair<int, int>>& events,
                                 const typename D::weight_t* w, const typename D::bias_t* b,
                                 typename D::state_t* st, bool* spk) {
    sf_hls::stream<typename D::in_t> in;
    sf_hls::stream<typename D::out_t> out;
    for (const auto& e : events) in.write(D::in_t::data(e.first, e.second));
    in.write(D::in_t::end_of_step());
    D::step(in, out, w, b, st, spk);
    EXPECT_TRUE(in.empty());  // the step consumed exactly its words, eot included
    std::vector<long long> spikes;
    for (;;) {
        const typename D::out_t o = out.read();
        if (o.eot) break;
        EXPECT_EQ(ll(o.payload), 1);
        spikes.push_back(ll(o.index));
    }
    EXPECT_TRUE(out.empty());  // nothing after the eot word
    return spikes;
}

template <int P>
void check_dense_vector() {
    using D = sf_hls::dense<dense_cfg<P>>;
    const typename D::weight_t w[12] = {
        2,  -1, 3,   // neuron 0
        -4, 1,  0,   // neuron 1
        1,  1,  1,   // neuron 2
        0,  5,  -2,  // neuron 3
    };
    const typename D::bias_t b[4] = {1, 0, -2, 3};
    typename D::state_t st[4];
    bool spk[4];
    D::reset(st);

    // Step 0: (0, -3), (1, 2) twice, (2, 1).
    //   acc0 = 2(-3) - 1(2) - 1(2) + 3(1) = -7;  + 1 = -6           -> v0 = -6
    //   acc1 = -4(-3) + 1(2) + 1(2) + 0   = 16;  + 0 = 16  >= 5     -> spike, v1 = 11
    //   acc2 = -3 + 2 + 2 + 1             =  2;  - 2 = 0            -> v2 = 0
    //   acc3 = 0 + 5(2) + 5(2) - 2(1)     = 18;  + 3 = 21  >= 5     -> spike, v3 = 16
    EXPECT_EQ(step_once<D>({{0, -3}, {1, 2}, {1, 2}, {2, 1}}, w, b, st, spk), (std::vector<long long>{1, 3}));
    EXPECT_EQ(ll(st[0].v), -6);
    EXPECT_EQ(ll(st[1].v), 11);
    EXPECT_EQ(ll(st[2].v), 0);
    EXPECT_EQ(ll(st[3].v), 16);
    EXPECT_FALSE(spk[0]);
    EXPECT_TRUE(spk[1]);
    EXPECT_FALSE(spk[2]);
    EXPECT_TRUE(spk[3]);

    // Step 1: no events (acc cleared): v += b.
    //   v0 = -6 + 1 = -5;  v1 = 11 >= 5 -> 6;  v2 = 0 - 2 = -2;  v3 = 16 + 3 = 19 -> 14
    EXPECT_EQ(step_once<D>({}, w, b, st, spk), (std::vector<long long>{1, 3}));
    EXPECT_EQ(ll(st[0].v), -5);
    EXPECT_EQ(ll(st[1].v), 6);
    EXPECT_EQ(ll(st[2].v), -2);
    EXPECT_EQ(ll(st[3].v), 14);

    // Step 2: (2, 3): acc = (9, 0, 3, -6).
    //   v0 = -5 + 9 + 1 = 5 >= 5 -> 0;  v1 = 6 + 0 + 0 = 6 -> 1;  v2 = -2 + 3 - 2 = -1;
    //   v3 = 14 - 6 + 3 = 11 -> 6. Spikes in ascending order across chunks: 0, 1, 3.
    EXPECT_EQ(step_once<D>({{2, 3}}, w, b, st, spk), (std::vector<long long>{0, 1, 3}));
    EXPECT_EQ(ll(st[0].v), 0);
    EXPECT_EQ(ll(st[1].v), 1);
    EXPECT_EQ(ll(st[2].v), -1);
    EXPECT_EQ(ll(st[3].v), 6);

    // Step 3: (0, -4): acc = (-8, 16, -4, 0)  [-4 * -4 = 16].
    //   v0 = 0 - 8 + 1 = -7;  v1 = 1 + 16 = 17 -> 12;  v2 = -1 - 4 - 2 = -7;  v3 = 6 + 3 = 9 -> 4
    EXPECT_EQ(step_once<D>({{0, -4}}, w, b, st, spk), (std::vector<long long>{1, 3}));
    EXPECT_EQ(ll(st[0].v), -7);
    EXPECT_EQ(ll(st[1].v), 12);
    EXPECT_EQ(ll(st[2].v), -7);
    EXPECT_EQ(ll(st[3].v), 4);

    // reset(): back to power-up.
    D::reset(st);
    for (int n = 0; n < 4; ++n) {
        EXPECT_EQ(ll(st[n].v), 0);
        EXPECT_FALSE(st[n].pend);
    }
}

// The same vector with every lane count: 4 = 1 x 4, 2 x 2, 3 + 1 (a partial chunk), 4 x 1.
TEST(Dense, GradedSignedPayloadParallel1) { check_dense_vector<1>(); }
TEST(Dense, GradedSignedPayloadParallel2) { check_dense_vector<2>(); }
TEST(Dense, GradedSignedPayloadParallel3) { check_dense_vector<3>(); }
TEST(Dense, GradedSignedPayloadParallel4) { check_dense_vector<4>(); }

// The example network of docs/network-format.md: 2 inputs (2-bit unsigned payloads) -> 4 lif
// (shift 3, theta 10, v_bits 8, subtract, bias) -> 2 if (theta 4, v_bits 6, zero to -1).
struct doc_hidden_neuron : if_base {
    static constexpr long long threshold = 10;
    static constexpr leak_kind leak = leak_kind::shift;
    static constexpr int leak_shift = 3;
    static constexpr int in_bits = 9;
};
struct doc_hidden {
    static constexpr int n_in = 2;
    static constexpr int n_out = 4;
    static constexpr int w_bits = 4;
    static constexpr int acc_bits = 8;  // |sum| <= 8 * 3 * 2 = 48
    static constexpr bool has_bias = true;
    static constexpr int bias_bits = 8;
    static constexpr int sum_bits = 9;
    static constexpr int in_idx_bits = 1;
    static constexpr int out_idx_bits = 2;
    static constexpr int pay_bits = 2;
    static constexpr bool pay_signed = false;
    static constexpr int parallel = 2;
    using neuron = neuron_iflif<doc_hidden_neuron>;
};
struct doc_out_neuron : if_base {
    static constexpr int v_bits = 6;
    static constexpr reset_mode reset = reset_mode::zero;
    static constexpr long long v_reset = -1;
    static constexpr int in_bits = 6;
};
struct doc_out {
    static constexpr int n_in = 4;
    static constexpr int n_out = 2;
    static constexpr int w_bits = 3;
    static constexpr int acc_bits = 6;  // |sum| <= 3 + 2 + 2 + 4 = 11
    static constexpr bool has_bias = false;
    static constexpr int bias_bits = 1;
    static constexpr int sum_bits = 6;
    static constexpr int in_idx_bits = 2;
    static constexpr int out_idx_bits = 1;
    static constexpr int pay_bits = 1;
    static constexpr bool pay_signed = false;
    static constexpr int parallel = 1;
    using neuron = neuron_iflif<doc_out_neuron>;
};

TEST(Dense, DocExampleTwoLayers) {
    using H = sf_hls::dense<doc_hidden>;
    using O = sf_hls::dense<doc_out>;
    static_assert(std::is_same<H::out_t, O::in_t>::value, "binary events between the layers");
    const H::weight_t wh[8] = {7, -3, -3, 7, 4, 4, -8, -8};
    const H::bias_t bh[4] = {0, 0, -2, 12};
    const O::weight_t wo[8] = {3, -2, 2, -4, -2, 3, 0, 3};
    const O::bias_t bo[1] = {0};
    H::state_t sh[4];
    O::state_t so[2];
    bool kh[4];
    bool ko[2];
    H::reset(sh);
    O::reset(so);

    sf_hls::stream<H::in_t> in;
    sf_hls::stream<H::out_t> mid;
    sf_hls::stream<O::out_t> out;
    auto out_spikes = [&out]() {
        std::vector<long long> s;
        for (O::out_t o = out.read(); !o.eot; o = out.read()) s.push_back(ll(o.index));
        return s;
    };
    auto run = [&](const std::vector<std::pair<int, int>>& events) {
        for (const auto& e : events) in.write(H::in_t::data(e.first, e.second));
        in.write(H::in_t::end_of_step());
        H::step(in, mid, wh, bh, sh, kh);
        O::step(mid, out, wo, bo, so, ko);
        EXPECT_TRUE(mid.empty());
        return out_spikes();
    };

    // t0, event (0, 3): acc = 3 * (7, -3, 4, -8) = (21, -9, 12, -24); + b = (21, -9, 10, -12).
    //   hidden: 21 -> spike, 11;  -9;  10 -> spike, 0;  -12.
    //   out: spikes 0, 2 -> acc = (3 + 2, -2 + 0) = (5, -2): 5 >= 4 -> spike, v_reset -1; -2.
    EXPECT_EQ(run({{0, 3}}), (std::vector<long long>{0}));
    EXPECT_EQ(ll(sh[0].v), 11);
    EXPECT_EQ(ll(sh[1].v), -9);
    EXPECT_EQ(ll(sh[2].v), 0);
    EXPECT_EQ(ll(sh[3].v), -12);
    EXPECT_TRUE(kh[0] && !kh[1] && kh[2] && !kh[3]);
    EXPECT_EQ(ll(so[0].v), -1);
    EXPECT_EQ(ll(so[1].v), -2);

    // t1, event (0, 3): L(v) = v - trunc0(v / 8): L(11) = 10, L(-9) = -9 + 1 = -8, L(0) = 0,
    //   L(-12) = -12 - trunc0(-1.5) = -11.  v = (10 + 21, -8 - 9, 0 + 12 - 2, -11 - 24 + 12)
    //   = (31 -> spike 21, -17, 10 -> spike 0, -23).
    //   out: acc (5, -2): v0 = -1 + 5 = 4 -> spike, -1;  v1 = -2 - 2 = -4.
    EXPECT_EQ(run({{0, 3}}), (std::vector<long long>{0}));
    EXPECT_EQ(ll(sh[0].v), 21);
    EXPECT_EQ(ll(sh[1].v), -17);
    EXPECT_EQ(ll(sh[2].v), 0);
    EXPECT_EQ(ll(sh[3].v), -23);
    EXPECT_EQ(ll(so[0].v), -1);
    EXPECT_EQ(ll(so[1].v), -4);

    // t2, no events: L(21) = 21 - 2 = 19 -> spike, 9;  L(-17) = -17 + 2 = -15;  L(0) - 2 = -2;
    //   L(-23) = -23 - trunc0(-2.875) = -21, + 12 = -9.
    //   out: spike 0 -> acc (3, -2): v0 = -1 + 3 = 2;  v1 = -4 - 2 = -6; no spikes.
    EXPECT_EQ(run({}), (std::vector<long long>{}));
    EXPECT_EQ(ll(sh[0].v), 9);
    EXPECT_EQ(ll(sh[1].v), -15);
    EXPECT_EQ(ll(sh[2].v), -2);
    EXPECT_EQ(ll(sh[3].v), -9);
    EXPECT_EQ(ll(so[0].v), 2);
    EXPECT_EQ(ll(so[1].v), -6);
    EXPECT_TRUE(!ko[0] && !ko[1]);
}

// A lif layer with subtract_deferred inside dense: the state carries pend from step to step.
struct deferred_neuron : if_base {
    static constexpr long long threshold = 3;
    static constexpr reset_mode reset = reset_mode::subtract_deferred;
    static constexpr int in_bits = 6;
};
struct deferred_layer : doc_out {
    static constexpr int n_out = 1;
    static constexpr int sum_bits = 6;
    using neuron = neuron_iflif<deferred_neuron>;
};
TEST(Dense, DeferredResetAcrossSteps) {
    using D = sf_hls::dense<deferred_layer>;
    const D::weight_t w[4] = {2, 2, -1, 0};
    const D::bias_t b[1] = {0};
    D::state_t st[1];
    bool spk[1];
    D::reset(st);
    // t0: inputs 0, 1 -> 4 >= 3: spike, v stays 4 (pending 3).
    EXPECT_EQ(step_once<D>({{0, 1}, {1, 1}}, w, b, st, spk), (std::vector<long long>{0}));
    EXPECT_EQ(ll(st[0].v), 4);
    EXPECT_TRUE(st[0].pend);
    // t1: input 2 -> 4 - 3 - 1 = 0.
    EXPECT_EQ(step_once<D>({{2, 1}}, w, b, st, spk), (std::vector<long long>{}));
    EXPECT_EQ(ll(st[0].v), 0);
    EXPECT_FALSE(st[0].pend);
}

// ---------------------------------------------------------------- C-sim checks of caller bugs

TEST(DenseCsim, IndexOutOfRangeThrows) {
    using D = sf_hls::dense<dense_cfg<2>>;
    const D::weight_t w[12] = {};
    const D::bias_t b[4] = {};
    D::state_t st[4];
    bool spk[4];
    D::reset(st);
    sf_hls::stream<D::in_t> in;
    sf_hls::stream<D::out_t> out;
    in.write(D::in_t::data(3, 1));  // n_in = 3: index 3 fits 2 bits but names no input
    in.write(D::in_t::end_of_step());
    EXPECT_THROW(D::step(in, out, w, b, st, spk), std::logic_error);
}

// acc_bits 4 holds -8..7, and with sum_bits 4 so does I + b.
struct narrow_acc : dense_cfg<1> {
    static constexpr int acc_bits = 4;
};
struct narrow_sum : narrow_acc {
    static constexpr int sum_bits = 4;
};

TEST(DenseCsim, AccumulatorProofViolationThrows) {
    // Two events of weight 7 sum to 14 > 7: the generator's accumulator proof was wrong.
    using D = sf_hls::dense<narrow_acc>;
    const D::weight_t w[12] = {7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const D::bias_t b[4] = {};
    D::state_t st[4];
    bool spk[4];
    D::reset(st);
    EXPECT_THROW(step_once<D>({{0, 1}, {1, 1}}, w, b, st, spk), std::logic_error);
}

TEST(DenseCsim, SumBitsViolationThrows) {
    // acc 7 (fits 4 bits) + bias 1 = 8 does not fit sum_bits 4.
    using D = sf_hls::dense<narrow_sum>;
    const D::weight_t w[12] = {7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const D::bias_t b[4] = {1, 0, 0, 0};
    D::state_t st[4];
    bool spk[4];
    D::reset(st);
    EXPECT_THROW(step_once<D>({{0, 1}}, w, b, st, spk), std::logic_error);
}

TEST(DenseCsim, MissingEotIsAnEmptyRead) {
    using D = sf_hls::dense<dense_cfg<1>>;
    const D::weight_t w[12] = {};
    const D::bias_t b[4] = {};
    D::state_t st[4];
    bool spk[4];
    D::reset(st);
    sf_hls::stream<D::in_t> in;
    sf_hls::stream<D::out_t> out;
    in.write(D::in_t::data(0, 1));  // no eot word follows
    EXPECT_ANY_THROW(D::step(in, out, w, b, st, spk));
}

#if !defined(SF_HLS_VITIS) && !defined(SF_HLS_AC)
TEST(CsimStream, FifoOrderAndEmptyReadThrows) {
    sf_hls::csim_stream<int> s("fc1_in");
    EXPECT_TRUE(s.empty());
    s.write(3);
    s.write(-4);
    EXPECT_EQ(s.size(), 2u);
    EXPECT_EQ(s.read(), 3);
    EXPECT_EQ(s.read(), -4);
    EXPECT_TRUE(s.empty());
    try {
        s.read();
        FAIL() << "reading an empty stream must throw";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("fc1_in"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
    }
}

TEST(Types, SmallestStdIntegerHoldingW) {
    static_assert(std::is_same<sf_hls::int_t<1>, std::int8_t>::value, "");
    static_assert(std::is_same<sf_hls::int_t<8>, std::int8_t>::value, "");
    static_assert(std::is_same<sf_hls::int_t<9>, std::int16_t>::value, "");
    static_assert(std::is_same<sf_hls::int_t<32>, std::int32_t>::value, "");
    static_assert(std::is_same<sf_hls::int_t<33>, std::int64_t>::value, "");
    static_assert(std::is_same<sf_hls::uint_t<16>, std::uint16_t>::value, "");
    static_assert(std::is_same<sf_hls::uint_t<64>, std::uint64_t>::value, "");
    SUCCEED();
}
#endif

TEST(Arith, Trunc0AndSat) {
    // trunc0 rounds toward zero on both signs; an arithmetic shift would floor the negatives.
    EXPECT_EQ(ll(sf_hls::trunc0_shr<1>(sf_hls::int_t<8>(-5))), -2);
    EXPECT_EQ(ll(sf_hls::trunc0_shr<1>(sf_hls::int_t<8>(5))), 2);
    EXPECT_EQ(ll(sf_hls::trunc0_shr<2>(sf_hls::int_t<8>(-1))), 0);
    EXPECT_EQ(ll(sf_hls::trunc0_shr<0>(sf_hls::int_t<8>(-7))), -7);
    EXPECT_EQ(ll(sf_hls::sat<4>(sf_hls::int_t<16>(8))), 7);
    EXPECT_EQ(ll(sf_hls::sat<4>(sf_hls::int_t<16>(-9))), -8);
    EXPECT_EQ(ll(sf_hls::sat<4>(sf_hls::int_t<16>(-8))), -8);
    EXPECT_EQ(ll(sf_hls::sat<4>(sf_hls::int_t<16>(7))), 7);
}

}  // namespace
