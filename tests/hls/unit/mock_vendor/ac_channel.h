// TEST-ONLY stand-in for Catapult <ac_channel.h> (see ac_int.h here): an unbounded FIFO.
#ifndef SF_TEST_MOCK_AC_CHANNEL_H
#define SF_TEST_MOCK_AC_CHANNEL_H

#include <deque>
#include <stdexcept>

template <class T>
class ac_channel {
public:
    ac_channel() = default;
    ac_channel(const ac_channel&) = delete;
    ac_channel& operator=(const ac_channel&) = delete;
    void write(const T& x) { q_.push_back(x); }
    T read() {
        if (q_.empty()) throw std::runtime_error("mock ac_channel: read while empty");
        T x = q_.front();
        q_.pop_front();
        return x;
    }
    bool empty() { return q_.empty(); }
    unsigned int size() { return static_cast<unsigned int>(q_.size()); }

private:
    std::deque<T> q_;
};

#endif  // SF_TEST_MOCK_AC_CHANNEL_H
