// sf_hls/stream.h - the FIFO type between layers: sf_hls::stream<T>.
//
//   SF_HLS_VITIS: hls::stream<T>   (<hls_stream.h>)
//   SF_HLS_AC:    ac_channel<T>    (<ac_channel.h>)
//   otherwise:    sf_hls::csim_stream<T>, an unbounded std::deque FIFO for C-simulation.
// The templates use only write(const T&) and read(), which all three provide.
#ifndef SF_HLS_STREAM_H
#define SF_HLS_STREAM_H

#if defined(SF_HLS_VITIS)
#include <hls_stream.h>
namespace sf_hls {
template <class T>
using stream = hls::stream<T>;
}  // namespace sf_hls

#elif defined(SF_HLS_AC)
#include <ac_channel.h>
namespace sf_hls {
template <class T>
using stream = ac_channel<T>;
}  // namespace sf_hls

#else
#include <cstddef>
#include <deque>
#include <stdexcept>
#include <string>

namespace sf_hls {

template <class T>
class csim_stream {
public:
    csim_stream() = default;
    explicit csim_stream(const char* name) : name_(name) {}
    // A stream stands for one wire between two blocks; a copy would silently fork it.
    csim_stream(const csim_stream&) = delete;
    csim_stream& operator=(const csim_stream&) = delete;

    void write(const T& word) { words_.push_back(word); }

    // Hardware would stall forever here; in C-sim an empty read means the producer wrote fewer
    // words (or no end-of-timestep word) than the consumer expects, i.e. a design bug.
    T read() {
        if (words_.empty()) {
            throw std::logic_error("sf_hls::csim_stream '" + (name_.empty() ? std::string("?") : name_) +
                                   "': read from an empty stream (the producer wrote fewer words than "
                                   "the consumer reads; missing end-of-timestep word?)");
        }
        T word = words_.front();
        words_.pop_front();
        return word;
    }

    bool empty() const { return words_.empty(); }
    std::size_t size() const { return words_.size(); }
    const std::string& name() const { return name_; }

private:
    std::deque<T> words_;
    std::string name_;
};

template <class T>
using stream = csim_stream<T>;

}  // namespace sf_hls
#endif

#endif  // SF_HLS_STREAM_H
