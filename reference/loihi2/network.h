// The `loihi2` golden model of a whole network: the IR's layers (gen/ir) run
// with the neuron of loihi2.h, one step of synaptic delay per hop (the input
// hop included), exactly as Lava chains Dense -> LIF -> Dense -> LIF.
#pragma once

#include <vector>

#include "ir/events.h"
#include "ir/network.h"
#include "loihi2.h"

namespace sf::ref::loihi2 {

// The layer's parameters in this model's form (bias_mant = the IR's bias).
Params params_of(const Layer& layer);

// Checks every layer's parameters (validate() above) and throws
// std::invalid_argument naming the layer and field.
void validate_network(const Network& net);

// Runs `net` (every layer `loihi2`) for `steps` steps from u = v = 0 on
// `events`, which must be sorted by (t, index), in range and without
// duplicates (sf::ref::checked_events gives that). Events of step t (payload
// times weight) and spikes a layer emits at t enter the next layer's u at
// t + 1. Every layer's spikes (payload 1) sorted by (t, neuron); with
// record_state, state["u"] and state["v"][t][n] after step t's reset.
Trace run_network(const Network& net, const std::vector<InputEvent>& events, int steps,
                  bool record_state);

}  // namespace sf::ref::loihi2
