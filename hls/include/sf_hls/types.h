// sf_hls/types.h - the one type layer under every SpikeForge HLS template.
//
// int_t<W> / uint_t<W> name a signed / unsigned integer of W bits (1 <= W <= 64):
//   - SF_HLS_VITIS: ap_int<W> / ap_uint<W>      (<ap_int.h>, AMD Vitis HLS)
//   - SF_HLS_AC:    ac_int<W, true/false>       (<ac_int.h>, Siemens Catapult)
//   - otherwise (plain g++ C-simulation): the smallest of int8_t..int64_t (uint8_t..uint64_t)
//     that holds W bits.
//
// WHY THE TEMPLATES NEVER RELY ON WRAP-AROUND: in C-simulation int_t<9> is an int16_t, so it does
// not wrap at 9 bits, while ap_int<9> does. Code that only works if a value wraps (or only if it
// does not) would behave differently under the two. Every template therefore computes each
// intermediate in a type whose width is derived from the config constants so that the exact
// value always fits, and converts to the narrow storage type only when the value provably fits
// (or after an explicit saturation). Then C-sim and synthesis compute the same numbers.
// tests/hls/unit builds the unit tests a second time against a test-only ap_int stand-in that
// wraps at W bits, which catches an intermediate width chosen too small.
#ifndef SF_HLS_TYPES_H
#define SF_HLS_TYPES_H

#if defined(SF_HLS_VITIS) && defined(SF_HLS_AC)
#error "sf_hls: define at most one of SF_HLS_VITIS and SF_HLS_AC"
#endif

#include <type_traits>
#if defined(SF_HLS_VITIS)
#include <ap_int.h>
#elif defined(SF_HLS_AC)
#include <ac_int.h>
#else
#include <cstdint>
#endif

namespace sf_hls {

// Widest integer any template may use for an intermediate; the static_asserts that size
// intermediates compare against it.
constexpr int max_bits = 64;

constexpr int max_int(int a, int b) { return a > b ? a : b; }

namespace detail {

template <int W>
struct width_check {
    static_assert(W >= 1 && W <= max_bits, "sf_hls: an integer width must be 1..64 bits");
    static constexpr bool ok = true;
};

#if defined(SF_HLS_VITIS)
template <int W, bool S>
struct int_sel {
    static_assert(width_check<W>::ok, "");
    using type = typename std::conditional<S, ap_int<W>, ap_uint<W>>::type;
};
#elif defined(SF_HLS_AC)
template <int W, bool S>
struct int_sel {
    static_assert(width_check<W>::ok, "");
    using type = ac_int<W, S>;
};
#else
template <int W, bool S>
struct int_sel {
    static_assert(width_check<W>::ok, "");
    using signed_type = typename std::conditional<
        (W <= 8), std::int8_t,
        typename std::conditional<
            (W <= 16), std::int16_t,
            typename std::conditional<(W <= 32), std::int32_t, std::int64_t>::type>::type>::type;
    using type = typename std::conditional<S, signed_type,
                                           typename std::make_unsigned<signed_type>::type>::type;
};
#endif

}  // namespace detail

template <int W>
using int_t = typename detail::int_sel<W, true>::type;
template <int W>
using uint_t = typename detail::int_sel<W, false>::type;

// Value of an int_t/uint_t as a plain 64-bit integer (indexing, messages). Only defined for
// widths <= 64, which the selection above guarantees.
template <class T>
inline long long to_i64(const T& x) {
#if defined(SF_HLS_VITIS) || defined(SF_HLS_AC)
    return x.to_int64();
#else
    return static_cast<long long>(x);
#endif
}
template <class T>
inline unsigned long long to_u64(const T& x) {
#if defined(SF_HLS_VITIS) || defined(SF_HLS_AC)
    return x.to_uint64();
#else
    return static_cast<unsigned long long>(x);
#endif
}

// Bounds of a B-bit two's-complement integer, B <= 63 so that both fit a long long.
template <int B>
struct signed_range {
    static_assert(B >= 1 && B < max_bits, "sf_hls::signed_range: B must be 1..63");
    static constexpr long long hi = (1LL << (B - 1)) - 1;
    static constexpr long long lo = -hi - 1;
};

// True when x fits B bits signed; used by the C-sim checks of proved ranges.
template <int B, class T>
inline bool fits_signed(const T& x) {
    return !(x < signed_range<B>::lo) && !(x > signed_range<B>::hi);
}

}  // namespace sf_hls

#endif  // SF_HLS_TYPES_H
