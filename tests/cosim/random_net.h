// Random networks and rasters that exercise every if/lif (and loihi2) feature: depth,
// sizes, weight and state widths (small ones saturate), thresholds, every leak,
// reset and fire rule, bias, graded and signed payloads, and lanes P.
#pragma once

#include <cstdint>
#include <string>

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

// A random `akida` (Akida 1.0) network: 1-3 dense layers, input bits 1/2/4 (8 with an
// input layer), weight bits 1/2/4 (8 on the input layer), act_bits 1/2/4, thresholds
// across the 20-bit (24-bit) range and near the potentials, act_steps m / 2^f with
// negative, zero and positive f (some below 2^-40, which every potential above the
// threshold saturates), so that y = 0, every ladder rung and the act_bits cap occur.
RandomNet random_akida_net(uint64_t seed);

// A random `akida2` (Akida 2.0) network: input bits 4/8 signed or not, int4/int8
// weights, input_shift, int8 bias with bias_shift, small and large buffer_bits (the
// final-sum saturation), relu with and without max_value (and its shift), output
// scales 0..255 and output shifts of both signs around the value range, output_bits
// 4/8: outputs hit both ends of the output range.
RandomNet random_akida2_net(uint64_t seed);

// A random network of conv2d (kernels 1-7, strides 1-3, padding 0-3, dilation
// 1-2, groups 1, 2 or depthwise, rectangular windows) and sumpool2d layers over a
// [C, H, W] input, sometimes ending in a dense layer, with random lanes P, for
// `model` "iflif", "loihi2", "akida" or "akida2": that model's own generator lends
// the neuron parameters, weights and payloads, so its rules hold.
RandomNet random_conv_net(uint64_t seed, const std::string& model);

}  // namespace sf::test
