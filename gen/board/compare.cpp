#include "board/compare.h"

#include <algorithm>

namespace sf::board {

OutputComparison compare_output(const std::vector<std::vector<int>>& got, const Trace& golden,
                                const std::string& out_layer, int output_size) {
  std::vector<std::vector<int>> expect(static_cast<size_t>(golden.timesteps));
  for (const LayerTrace& l : golden.layers)
    if (l.name == out_layer)
      for (const auto& sp : l.spikes) expect[static_cast<size_t>(sp.t)].push_back(sp.neuron);
  OutputComparison c;
  c.output.timesteps = golden.timesteps;
  c.output.layers.push_back({out_layer, false, {}, {}});
  for (size_t t = 0; t < got.size(); ++t) {
    std::vector<int> g = got[t], e = t < expect.size() ? expect[t] : std::vector<int>{};
    std::sort(g.begin(), g.end());
    std::sort(e.begin(), e.end());
    for (int i : g)
      if (i >= 0 && i < output_size) c.output.layers[0].spikes.push_back({static_cast<int>(t), i, 1});
    if (g != e) c.mismatches.push_back({static_cast<int>(t), g.size(), e.size()});
  }
  return c;
}

}  // namespace sf::board
