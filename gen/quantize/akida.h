// Akida-legal conversion of a float network (an imported NIR graph):
// `spikeforge quantize FLOAT.json --target akida`. docs/quantize.md, "Akida".
//
// The network must pass the Akida 1.0 compatibility check (gen/akida/check.h):
// a dense chain whose neurons are stateless (LIF with a per-step decay below
// the check's limit). Each layer then maps exactly to an `akida` layer with
// 1-bit activations: the float neuron fires when g·(W·x + b) + c > θ; with
//   s       = max |g_n·W[n][i]| / (2^(B-1) - 1)    per layer (or per neuron: --per-channel)
//   w[n][i] = round(g_n·W[n][i] / s_n)
//   T[n]    = floor((θ - c_n - g_n·b_n) / s_n)     (the bias folded into the threshold)
// the integer neuron fires when Σ w·x > T[n], which is the float condition on
// the quantized weights, exactly (Σ w·x is an integer). The decay the float
// neuron had (below the limit) is dropped, and reported.
#pragma once

#include "quantize/quantize.h"

namespace sf::quant {

struct AkidaOptions {
  int weight_bits = 4;       // {2, 4} (Akida 1.0 FullyConnected)
  bool per_channel = false;  // one scale per neuron (the thresholds are per neuron anyway)
  double max_decay = 1e-3;   // as the compatibility check
};

// Throws sf::InputError listing every violation of the Akida 1.0 rules, or
// naming the node and field that cannot be converted.
QuantizeResult quantize_akida(const ref::nir_float::FloatNetwork& fnet, const std::string& name,
                              const AkidaOptions& opt);

}  // namespace sf::quant
