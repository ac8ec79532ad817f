// TEST-ONLY stand-in for Vitis <hls_stream.h> (see ap_int.h in this folder): an unbounded FIFO.
#ifndef SF_TEST_MOCK_HLS_STREAM_H
#define SF_TEST_MOCK_HLS_STREAM_H

#include <cstddef>
#include <deque>
#include <stdexcept>

namespace hls {

template <class T>
class stream {
public:
    stream() = default;
    explicit stream(const char*) {}
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;
    void write(const T& x) { q_.push_back(x); }
    T read() {
        if (q_.empty()) throw std::runtime_error("mock hls::stream: read while empty");
        T x = q_.front();
        q_.pop_front();
        return x;
    }
    bool empty() const { return q_.empty(); }
    std::size_t size() const { return q_.size(); }

private:
    std::deque<T> q_;
};

}  // namespace hls

#endif  // SF_TEST_MOCK_HLS_STREAM_H
