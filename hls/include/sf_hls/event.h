// sf_hls/event.h - one word of an address-event stream between layers.
//
// A timestep's events are followed by one end-of-timestep word (eot = true) whose index and
// payload are ignored (written as 0). Binary spikes are event<IDX_W, 1, false> with payload 1.
#ifndef SF_HLS_EVENT_H
#define SF_HLS_EVENT_H

#include <type_traits>

#include "types.h"

namespace sf_hls {

// IDX_W: width of the neuron/input index (unsigned). PAY_W, PAY_SIGNED: the payload's width and
// signedness (docs/network-format.md: signed payloads need at least 2 bits).
template <int IDX_W, int PAY_W, bool PAY_SIGNED>
struct event {
    static_assert(IDX_W >= 1, "sf_hls::event: index width must be >= 1");
    static_assert(PAY_W >= 1, "sf_hls::event: payload width must be >= 1");
    static_assert(!PAY_SIGNED || PAY_W >= 2, "sf_hls::event: a signed payload needs >= 2 bits");

    using index_t = uint_t<IDX_W>;
    using payload_t = typename std::conditional<PAY_SIGNED, int_t<PAY_W>, uint_t<PAY_W>>::type;

    index_t index;
    payload_t payload;
    bool eot;

    static event data(const index_t& i, const payload_t& p) {
        event e;
        e.index = i;
        e.payload = p;
        e.eot = false;
        return e;
    }
    static event end_of_step() {
        event e;
        e.index = 0;
        e.payload = 0;
        e.eot = true;
        return e;
    }
};

}  // namespace sf_hls

#endif  // SF_HLS_EVENT_H
