// Lowering: layers whose kind has no hardware engine yet become equivalent
// dense layers before planning. A conv2d / sumpool2d layer becomes the dense
// matrix of its convolution (neurons and inputs keep their C-order numbers),
// with its per-channel bias and model parameters repeated for every neuron of
// the channel. Exact, but without weight sharing: the dense layer stores
// n_out x n_in weights. The golden model runs the original layers, so the
// co-simulation checks the lowering too.
#pragma once

#include <string>
#include <vector>

#include "ir/network.h"

namespace sf::gen {

// Throws sf::InputError naming the layer when its dense matrix would exceed
// the dense kind's 2^28 synapses. `notes` receives one line per lowered layer.
Network lower_for_engines(const Network& net, const std::string& net_file, std::vector<std::string>* notes = nullptr);

}  // namespace sf::gen
