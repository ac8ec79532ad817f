// TEST-ONLY stand-in for Vitis <ap_int.h>; NOT the vendor library and never used to build
// hardware. It models the one property the SpikeForge templates must survive: a value stored in
// ap_int<W> / ap_uint<W> keeps only its low W bits (it wraps at W, unlike the C-sim int16_t that
// int_t<9> maps to). Arithmetic goes through the implicit conversion to a 64-bit integer, so an
// intermediate is exact until it is stored back into a too-narrow type, which is what the second
// build of test_hls_templates.cpp (-DSF_HLS_VITIS) is there to detect.
#ifndef SF_TEST_MOCK_AP_INT_H
#define SF_TEST_MOCK_AP_INT_H

template <int W>
class ap_uint;

template <int W>
class ap_int {
    static_assert(W >= 1 && W <= 64, "mock ap_int: 1..64 bits only");
    long long v_;
    static long long wrap(unsigned long long u) {
        if (W == 64) return static_cast<long long>(u);
        const unsigned long long mask = (1ULL << (W % 64)) - 1;
        u &= mask;
        if ((u >> (W - 1)) & 1ULL) u |= ~mask;  // sign-extend bit W-1
        return static_cast<long long>(u);
    }

public:
    ap_int() : v_(0) {}
    ap_int(long long x) : v_(wrap(static_cast<unsigned long long>(x))) {}
    template <int W2>
    ap_int(const ap_int<W2>& o) : v_(wrap(static_cast<unsigned long long>(o.to_int64()))) {}
    template <int W2>
    ap_int(const ap_uint<W2>& o) : v_(wrap(o.to_uint64())) {}
    operator long long() const { return v_; }
    long long to_int64() const { return v_; }
    unsigned long long to_uint64() const { return static_cast<unsigned long long>(v_); }
};

template <int W>
class ap_uint {
    static_assert(W >= 1 && W <= 64, "mock ap_uint: 1..64 bits only");
    unsigned long long v_;
    static unsigned long long wrap(unsigned long long u) {
        if (W == 64) return u;
        return u & ((1ULL << (W % 64)) - 1);
    }

public:
    ap_uint() : v_(0) {}
    ap_uint(long long x) : v_(wrap(static_cast<unsigned long long>(x))) {}
    template <int W2>
    ap_uint(const ap_uint<W2>& o) : v_(wrap(o.to_uint64())) {}
    template <int W2>
    ap_uint(const ap_int<W2>& o) : v_(wrap(o.to_uint64())) {}
    operator unsigned long long() const { return v_; }
    long long to_int64() const { return static_cast<long long>(v_); }
    unsigned long long to_uint64() const { return v_; }
};

#endif  // SF_TEST_MOCK_AP_INT_H
