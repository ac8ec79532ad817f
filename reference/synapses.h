// The golden model's synapses: which neurons an input event reaches and with
// which weight, per layer kind (docs/semantics.md, "Layer kinds"). Written
// from the semantics, independently of the generator's planner and engines.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/network.h"

namespace sf::ref {

// Calls f(n, w) for every synapse from input i of layer `l` (each n once):
//  dense:               every neuron n, w = W[n][i];
//  conv2d / sumpool2d:  i = (ci * h_in + y) * w_in + x reaches the neurons
//                       (co, oy, ox) of ci's group with oy * sh - ph + ky * dh = y
//                       and ox * sw - pw + kx * dw = x for a kernel cell (ky, kx),
//                       w = W[co][ci - g * c_in / groups][ky][kx].
template <class F>
void for_each_synapse(const Layer& l, int i, F&& f) {
  if (!l.is_conv()) {
    for (int n = 0; n < l.n_out; ++n) f(n, l.w(n, i));
    return;
  }
  const ConvGeom& g = l.conv;
  const int ci = i / (g.h_in * g.w_in), y = i / g.w_in % g.h_in, x = i % g.w_in;
  const int group = ci / g.cig(), ci_l = ci % g.cig();
  for (int co = group * g.cog(); co < (group + 1) * g.cog(); ++co)
    for (int ky = 0; ky < g.kh; ++ky) {
      const int ny = y + g.ph - ky * g.dh;  // oy * sh
      if (ny < 0 || ny % g.sh != 0 || ny / g.sh >= g.h_out) continue;
      for (int kx = 0; kx < g.kw; ++kx) {
        const int nx = x + g.pw - kx * g.dw;
        if (nx < 0 || nx % g.sw != 0 || nx / g.sw >= g.w_out) continue;
        const int n = (co * g.h_out + ny / g.sh) * g.w_out + nx / g.sw;
        f(n, l.weights[((static_cast<size_t>(co) * g.cig() + ci_l) * g.kh + ky) * g.kw + kx]);
      }
    }
}

// The weights a layer of its kind holds: n_out * n_in (dense), the kernel
// c_out * c_in / groups * kh * kw (conv2d, sumpool2d).
size_t expected_weights(const Layer& l);

// The largest sum of |w| over one neuron's synapses.
int64_t max_abs_fan_in(const Layer& l);

// A per-neuron parameter vector of the layer (the bias, akida thresholds,
// akida2 scales and biases): as stored for a dense layer; for a conv layer,
// where the file holds one entry per output channel, repeated over the
// channel's positions so that entry n belongs to neuron n. Empty stays empty.
std::vector<int64_t> per_neuron(const Layer& l, const std::vector<int64_t>& stored);

}  // namespace sf::ref
