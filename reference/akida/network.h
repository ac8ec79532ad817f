// The `akida` / `akida2` golden model of a whole network: the IR's dense
// layers (gen/ir) run with the layer arithmetic of akida.h, one layer after
// the other within each timestep (synaptic delay 0, like `if` / `lif`).
//
// Both models are stateless: every layer computes each step from that step's
// events only. Events carry values: an input event's payload, a layer's
// activation (value 0 is not emitted). A layer's input bits and signedness are
// the network's input payload for the first layer and the previous layer's
// output (akida: unsigned act_bits; akida2: output_bits, signed unless ReLU).
#pragma once

#include <vector>

#include "akida.h"
#include "ir/events.h"
#include "ir/network.h"

namespace sf::ref::akida {

// The layer's weights as akida.h takes them ([n_out][n_in]).
WeightMatrix weights_of(const Layer& layer);
// Layer k's parameters in this model's form (the layer must be `akida`, resp. `akida2`).
V1Params v1_params_of(const Network& net, size_t k);
V2Params v2_params_of(const Network& net, size_t k);

// Checks every layer's parameters and weights (akida.h's validate) and throws
// std::invalid_argument naming the layer.
void validate_network(const Network& net);

// Runs `net` (every layer `akida`, or every layer `akida2`) for `steps` steps
// on `events`, sorted by (t, index), in range and without duplicates
// (sf::ref::checked_events gives that). Every layer's events, payload = value,
// sorted by (t, neuron), traces marked graded. With record_state, per step and
// neuron: akida state "p", the potential sum w x of the step; akida2 state
// "acc", the accumulator saturated to buffer_bits (before ReLU).
Trace run_network(const Network& net, const std::vector<InputEvent>& events, int steps, bool record_state);

}  // namespace sf::ref::akida
