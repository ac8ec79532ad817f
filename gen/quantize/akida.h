// Akida-legal conversion of a float network (an imported NIR graph):
// `spikeforge quantize FLOAT.json --target akida|akida2`. docs/quantize.md, "Akida".
//
// The network must pass the compatibility check of its target
// (gen/akida/check.h): a dense chain whose neurons are stateless (LIF with a
// per-step decay below the check's limit). The float neuron fires when
// g·(W·x + b) + c > θ; with
//   s       = max |g_n·W[n][i]| / (2^(B-1) - 1)    per layer (or per neuron: --per-channel)
//   w[n][i] = round(g_n·W[n][i] / s_n)
//   T[n]    = floor((θ - c_n - g_n·b_n) / s_n)     (the bias folded into the threshold)
// the integer neuron must fire when Σ w·x > T[n], which is the float condition
// on the quantized weights, exactly (Σ w·x is an integer). The decay the float
// neuron had (below the limit) is dropped, and reported.
//
// akida (1.0): an `akida` layer with 1-bit activations and threshold T[n]:
//   exact.
// akida2 (2.0): an `akida2` Dense1D layer has no threshold; the step is built
//   from its bias path and its bounded ReLU:
//     acc = Σ w·x + (bias[n] << bias_shift),  y = clamp(acc, 0, 1)  (max_value 1,
//     output_scale 1, output_shift 0, 4-bit outputs)
//   fires (y = 1) when Σ w·x >= 1 - (bias << bias_shift), i.e. Σ w·x > T[n]
//   for bias << bias_shift = -T[n]. The bias is int8 with one shift per layer:
//   exact when every -T[n] is a multiple of 2^k in [-128·2^k, 127·2^k] for the
//   smallest k that holds them all; otherwise rounded half up, and the error
//   (at most 2^(k-1) integer units) is reported as the threshold error.
#pragma once

#include "quantize/quantize.h"

namespace sf::quant {

enum class AkidaGeneration { V1, V2 };

struct AkidaOptions {
  AkidaGeneration generation = AkidaGeneration::V1;
  int weight_bits = 4;       // 1.0 FullyConnected: {2, 4}; 2.0 Dense1D: {4, 8}
  bool per_channel = false;  // one scale per neuron (the thresholds are per neuron anyway)
  double max_decay = 1e-3;   // as the compatibility check
};

// Throws sf::InputError listing every violation of the target's rules, or
// naming the node and field that cannot be converted.
QuantizeResult quantize_akida(const ref::nir_float::FloatNetwork& fnet, const std::string& name,
                              const AkidaOptions& opt);

}  // namespace sf::quant
