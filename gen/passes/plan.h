// Hardware planning passes: IR in, a hardware plan out. Passes never write files.
//
//  widths   : accumulator and index widths, proved from the weights, the fan-in
//             and the payload range so that no step sum can overflow;
//  parallel : lanes P per layer, given or chosen to fit a LUT budget;
//  memory   : where every memory goes (EBR, flip-flops, SPRAM) and what it costs;
//  fifos    : depth of the AER FIFO after each layer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/bits.h"
#include "ir/hw_plan.h"
#include "ir/network.h"

namespace sf::gen {

using sf::bits_for_range;  // ir/bits.h
using sf::clog2;

// Runs every planning pass. Throws sf::InputError when the network cannot be
// built (widths beyond what the RTL supports, a P that does not exist) and
// sf::CheckFailure when it cannot fit the given capacity.
Plan plan_network(const Network& net, const PlanOptions& opt, const std::string& net_file);

}  // namespace sf::gen
