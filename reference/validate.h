// Preconditions of the golden arithmetic. The network loader validates files;
// these checks also cover networks and rasters built in code, so the golden
// model never computes on something its contract does not define.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/events.h"
#include "ir/network.h"

namespace sf::ref {

// Throws sf::InputError naming the network, the layer and the field.
void validate_network(const Network& net);

// Range of an input event's payload from input_payload_bits / _signed.
int64_t payload_lo(const Network& net);
int64_t payload_hi(const Network& net);

// Largest |I[n]| layer `k` can integrate in one step (max over n of
// Σ_i |W[n][i]| * max|payload|). validate_network() guarantees it is < 2^62,
// so L(v) + I + b never overflows int64; the Simulator sizes its
// accumulators from it.
int64_t input_bound(const Network& net, size_t k);

// Number of steps a run lasts: `requested` when >= 0, else the raster's.
int run_length(const Raster& raster, int requested);

// The loihi2 golden model (reference/loihi2) on checked events; its errors as
// sf::InputError. run() and the Simulator dispatch loihi2 networks here.
Trace run_loihi2(const Network& net, const std::vector<InputEvent>& events, int steps, bool record_state);

// The akida / akida2 golden model (reference/akida/network.h) on checked
// events; its errors as sf::InputError. run() and the Simulator dispatch
// akida networks here.
Trace run_akida(const Network& net, const std::vector<InputEvent>& events, int steps, bool record_state);

// The raster's events with t < steps, sorted by (t, index), after checking
// every event (range, payload, duplicates). Throws sf::InputError.
std::vector<InputEvent> checked_events(const Network& net, const Raster& raster, int steps);

}  // namespace sf::ref
