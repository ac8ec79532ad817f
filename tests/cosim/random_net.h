// Random networks and rasters that exercise every if/lif feature: depth,
// sizes, weight and state widths (small ones saturate), thresholds, every leak,
// reset and fire rule, bias, graded and signed payloads, and lanes P.
#pragma once

#include <cstdint>

#include "ir/events.h"
#include "ir/network.h"

namespace sf::test {

struct RandomNet {
  Network net;
  Raster raster;
};

RandomNet random_net(uint64_t seed);

}  // namespace sf::test
