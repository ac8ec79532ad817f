// sf_hls/neuron_iflif.h - the `if` and `lif` neuron update of spec/semantics.md, one lane.
//
// Per fire phase, with input = I[n] + b[n]:
//   v = sat_vbits(L(v) - theta * pend + input)     (pend only with reset = subtract_deferred)
//   s = v >= theta   (fire_gt: v > theta)
//   reset: subtract v -= theta | zero v = v_reset | none | subtract_deferred pend = s
// An `if` neuron is leak = none. Field ranges follow docs/network-format.md.
//
// subtract_deferred (snnTorch reset_delay=True, v[t+1] = beta v[t] + I[t+1] - theta s[t]): the
// spike leaves v unchanged (so v after the step, the value a trace records, still includes the
// theta that will be taken off), and the next step subtracts theta right after the leak, before
// the input is added; the sum L(v) - theta + input is saturated once, like the other modes.
#ifndef SF_HLS_NEURON_IFLIF_H
#define SF_HLS_NEURON_IFLIF_H

#include "arith.h"
#include "pragmas.h"
#include "types.h"

namespace sf_hls {

enum class reset_mode { subtract = 0, zero = 1, none = 2, subtract_deferred = 3 };
enum class leak_kind { none = 0, shift = 1, mult = 2, sub = 3 };

// docs/network-format.md: leak.frac is 0..24 (the mult leak's fixed-point fraction bits).
constexpr int max_leak_frac = 24;
// docs/network-format.md: v_bits is 2..32.
constexpr int min_v_bits = 2;
constexpr int max_v_bits = 32;

// CFG (all static constexpr):
//   int v_bits            width of v, signed, saturating (2..32)
//   long long threshold   theta, 1..2^(v_bits-1)-1
//   bool fire_gt          spike on v > theta instead of v >= theta
//   reset_mode reset      subtract | zero | none | subtract_deferred
//   long long v_reset     v after a spike with reset = zero; fits v_bits signed
//   leak_kind leak        none | shift | mult | sub
//   int leak_shift        shift leak: k, 0..v_bits
//   long long leak_beta   mult leak: beta_q, 0..2^leak_frac
//   int leak_frac         mult leak: f, 0..24
//   long long leak_lambda sub leak: lambda, 0..2^(v_bits-1)-1
//   int in_bits           signed width of the input I + b handed to update()
template <class CFG>
struct neuron_iflif {
    using cfg = CFG;
    static constexpr int v_bits = CFG::v_bits;
    static constexpr int in_bits = CFG::in_bits;
    using v_t = int_t<v_bits>;
    using in_t = int_t<in_bits>;

    // pend: a subtract_deferred spike whose theta the next step still has to subtract.
    struct state_t {
        v_t v;
        bool pend;
    };

private:
    using v_range = signed_range<v_bits>;
    static constexpr bool is_mult = CFG::leak == leak_kind::mult;
    // Leak parameters of the other kinds are not range-checked, so only the active one may
    // reach a shift or a width.
    static constexpr int shift_k = CFG::leak == leak_kind::shift ? CFG::leak_shift : 0;
    static constexpr int frac_f = is_mult ? CFG::leak_frac : 0;

    // |v| of the most negative v needs one bit more than v; |L(v)| <= |v| for every leak.
    static constexpr int mag_bits = v_bits + 1;
    // v * beta with 0 <= beta <= 2^f: |product| <= 2^(v_bits-1+f), plus sign, plus one for its
    // negation inside trunc0. At most 32 + 24 + 2 = 58 bits: exact in 64, no split needed.
    static constexpr int prod_bits = v_bits + frac_f + 2;
    // L(v) - theta spans v_bits + 1 bits; adding the input adds one more.
    static constexpr int sum_bits = max_int(v_bits + 1, in_bits) + 1;
    using mag_t = int_t<mag_bits>;
    using prod_t = int_t<prod_bits>;
    using sum_t = int_t<sum_bits>;

    static_assert(v_bits >= min_v_bits && v_bits <= max_v_bits, "neuron_iflif: v_bits must be 2..32");
    static_assert(in_bits >= 1, "neuron_iflif: in_bits must be >= 1");
    static_assert(sum_bits <= max_bits, "neuron_iflif: in_bits too wide for a 64-bit exact sum");
    static_assert(CFG::threshold >= 1 && CFG::threshold <= v_range::hi,
                  "neuron_iflif: threshold must be 1..2^(v_bits-1)-1");
    static_assert(CFG::reset == reset_mode::subtract || CFG::reset == reset_mode::zero ||
                      CFG::reset == reset_mode::none || CFG::reset == reset_mode::subtract_deferred,
                  "neuron_iflif: unknown reset mode");
    static_assert(CFG::reset != reset_mode::zero ||
                      (CFG::v_reset >= v_range::lo && CFG::v_reset <= v_range::hi),
                  "neuron_iflif: v_reset must fit v_bits signed");
    static_assert(CFG::leak == leak_kind::none || CFG::leak == leak_kind::shift || is_mult ||
                      CFG::leak == leak_kind::sub,
                  "neuron_iflif: unknown leak kind");
    static_assert(CFG::leak != leak_kind::shift || (CFG::leak_shift >= 0 && CFG::leak_shift <= v_bits),
                  "neuron_iflif: leak_shift must be 0..v_bits");
    static_assert(!is_mult || (CFG::leak_frac >= 0 && CFG::leak_frac <= max_leak_frac),
                  "neuron_iflif: leak_frac must be 0..24");
    static_assert(!is_mult || (CFG::leak_beta >= 0 && CFG::leak_beta <= (1LL << frac_f)),
                  "neuron_iflif: leak_beta must be 0..2^leak_frac");
    static_assert(prod_bits <= max_bits, "neuron_iflif: v * beta does not fit 64 bits");
    static_assert(CFG::leak != leak_kind::sub || (CFG::leak_lambda >= 0 && CFG::leak_lambda <= v_range::hi),
                  "neuron_iflif: leak_lambda must be 0..2^(v_bits-1)-1");

    // L(v), exact; the result lies in v's range, returned one bit wider (mag_t).
    static mag_t leak(const v_t& v) {
        SF_HLS_INLINE
        const mag_t m = mag_t(v);
        if (CFG::leak == leak_kind::shift) {
            // v - trunc0(v / 2^k): k = 0 gives 0, k = v_bits gives v.
            return mag_t(m - trunc0_shr<shift_k>(m));
        }
        if (is_mult) {
            const prod_t p = prod_t(prod_t(v) * prod_t(CFG::leak_beta));
            return mag_t(trunc0_shr<frac_f>(p));
        }
        if (CFG::leak == leak_kind::sub) {
            // sign(v) * max(|v| - lambda, 0): moves toward 0, never across it.
            const bool neg = m < 0;
            mag_t a = m;
            if (neg) a = mag_t(-a);
            a = mag_t(a - mag_t(CFG::leak_lambda));
            if (a < 0) a = 0;
            if (neg) a = mag_t(-a);
            return a;
        }
        return m;  // leak_kind::none
    }

public:
    // Power-up state.
    static void reset(state_t& s) {
        s.v = 0;
        s.pend = false;
    }

    // One fire phase; returns the spike.
    static bool update(state_t& s, in_t input) {
        SF_HLS_INLINE
        sum_t x = sum_t(leak(s.v));
        if (CFG::reset == reset_mode::subtract_deferred && s.pend) x = sum_t(x - sum_t(CFG::threshold));
        x = sum_t(x + sum_t(input));
        v_t v = sat<v_bits>(x);

        const bool spike = CFG::fire_gt ? (v > CFG::threshold) : (v >= CFG::threshold);

        // After a spike v >= theta > 0, so v - theta lies in [0, 2^(v_bits-1)-1-theta]: no saturation.
        if (CFG::reset == reset_mode::subtract && spike) v = v_t(v - v_t(CFG::threshold));
        if (CFG::reset == reset_mode::zero && spike) v = v_t(CFG::v_reset);
        s.pend = CFG::reset == reset_mode::subtract_deferred && spike;
        s.v = v;
        return spike;
    }
};

}  // namespace sf_hls

#endif  // SF_HLS_NEURON_IFLIF_H
