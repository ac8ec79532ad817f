// sf_hls/arith.h - the two rounding/clamping primitives of spec/semantics.md.
//
// Both take the value in a type the caller sized so that it holds the exact value AND its
// negation (one bit of headroom); see types.h for why nothing may depend on wrap-around.
#ifndef SF_HLS_ARITH_H
#define SF_HLS_ARITH_H

#include "types.h"

namespace sf_hls {

// sat_B(x): clamp to [-2^(B-1), 2^(B-1) - 1].
template <int B, class T>
inline int_t<B> sat(const T& x) {
    if (x > signed_range<B>::hi) return int_t<B>(signed_range<B>::hi);
    if (x < signed_range<B>::lo) return int_t<B>(signed_range<B>::lo);
    return int_t<B>(x);
}

// trunc0(a / 2^K) = sign(a) * (|a| >> K): rounds toward zero. An arithmetic shift of a negative
// value would round toward -inf instead (-5 >> 1 = -3, but trunc0(-5 / 2) = -2).
// Precondition: -a fits T (T has one bit more than a needs).
template <int K, class T>
inline T trunc0_shr(const T& a) {
    static_assert(K >= 0 && K < max_bits, "sf_hls::trunc0_shr: shift must be 0..63");
    const bool neg = a < 0;
    T mag = a;
    if (neg) mag = T(-mag);
    mag = T(mag >> K);
    if (neg) mag = T(-mag);
    return mag;
}

}  // namespace sf_hls

#endif  // SF_HLS_ARITH_H
