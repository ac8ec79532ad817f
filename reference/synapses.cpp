#include "synapses.h"

#include <algorithm>
#include <cstdlib>

namespace sf::ref {

size_t expected_weights(const Layer& l) {
  if (!l.is_conv()) return static_cast<size_t>(l.n_in) * l.n_out;
  const ConvGeom& g = l.conv;
  return static_cast<size_t>(g.c_out) * (g.c_in / std::max(1, g.groups)) * g.kh * g.kw;
}

int64_t max_abs_fan_in(const Layer& l) {
  int64_t best = 0;
  if (!l.is_conv()) {
    for (int n = 0; n < l.n_out; ++n) {
      int64_t s = 0;
      for (int i = 0; i < l.n_in; ++i) s += std::llabs(l.w(n, i));
      best = std::max(best, s);
    }
    return best;
  }
  // every neuron of a channel has a subset of the channel's kernel (its window may be cut by padding)
  const ConvGeom& g = l.conv;
  const size_t per = l.weights.size() / static_cast<size_t>(g.c_out);
  for (int co = 0; co < g.c_out; ++co) {
    int64_t s = 0;
    for (size_t k = 0; k < per; ++k) s += std::llabs(l.weights[co * per + k]);
    best = std::max(best, s);
  }
  return best;
}

std::vector<int64_t> per_neuron(const Layer& l, const std::vector<int64_t>& stored) {
  if (!l.is_conv() || stored.empty()) return stored;
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(l.n_out));
  for (size_t co = 0; co < stored.size(); ++co) out.insert(out.end(), static_cast<size_t>(l.conv.positions()), stored[co]);
  return out;
}

}  // namespace sf::ref
