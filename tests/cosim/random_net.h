// Random networks and rasters that exercise every if/lif (and loihi2) feature: depth,
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

// A random `loihi2` network: weights drawn raw and passed through Lava's
// preparation (random num_weight_bits and sign modes), random du / dv (0, 4095
// and between), vth (0 up to 2^17 - 1), bias_mant / bias_exp, weight_exp
// (-8..7) and graded, signed or binary input payloads. Some draws drive u past
// +-2^23 (wrap) and v into its clamp, so the corners get exercised.
RandomNet random_loihi2_net(uint64_t seed);

}  // namespace sf::test
