// TEST-ONLY stand-in for Catapult <ac_int.h>; NOT the vendor library (see ap_int.h here): it
// keeps the low W bits of every stored value, which is the property the templates must survive.
#ifndef SF_TEST_MOCK_AC_INT_H
#define SF_TEST_MOCK_AC_INT_H

template <int W, bool S>
class ac_int {
    static_assert(W >= 1 && W <= 64, "mock ac_int: 1..64 bits only");
    long long v_;
    static long long wrap(unsigned long long u) {
        if (W == 64) return static_cast<long long>(u);
        const unsigned long long mask = (1ULL << (W % 64)) - 1;
        u &= mask;
        if (S && ((u >> (W - 1)) & 1ULL)) u |= ~mask;  // sign-extend bit W-1
        return static_cast<long long>(u);
    }

public:
    ac_int() : v_(0) {}
    ac_int(long long x) : v_(wrap(static_cast<unsigned long long>(x))) {}
    template <int W2, bool S2>
    ac_int(const ac_int<W2, S2>& o) : v_(wrap(o.to_uint64())) {}
    operator long long() const { return v_; }
    long long to_int64() const { return v_; }
    unsigned long long to_uint64() const { return static_cast<unsigned long long>(v_); }
};

#endif  // SF_TEST_MOCK_AC_INT_H
