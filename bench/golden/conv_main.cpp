// sf_bench_conv: the golden model's convolution speed, in synaptic events per
// second (an input event x the neurons its window reaches), on an N-MNIST-shaped
// workload: 2 x 34 x 34 binary events at a given density per step, through
// conv 16 channels k3 p1 (IF) and conv 32 channels k3 s2 p1 (IF). One thread,
// the fast path (Simulator::run_counts), best of --reps runs. Writes the network
// and the raster (--out DIR) so bench/conv_torch.py times PyTorch's conv2d on
// the same events, and the count of synaptic events it timed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "ir/events.h"
#include "ir/network.h"

namespace {

using Clock = std::chrono::steady_clock;

sf::Layer conv(const std::string& name, int c_in, int h, int w, int c_out, int k, int s, int p, int64_t theta,
               std::mt19937_64& rng) {
  sf::Layer l;
  l.name = name;
  l.type = sf::LayerType::Conv2d;
  sf::ConvGeom& g = l.conv;
  g.c_in = c_in, g.h_in = h, g.w_in = w, g.c_out = c_out;
  g.kh = g.kw = k, g.sh = g.sw = s, g.ph = g.pw = p;
  g.h_out = (h + 2 * p - k) / s + 1, g.w_out = (w + 2 * p - k) / s + 1;
  l.n_in = c_in * h * w;
  l.n_out = c_out * g.h_out * g.w_out;
  l.weight_bits = 8;
  l.weights.resize(g.weight_count());
  std::uniform_int_distribution<int> d(-40, 60);
  for (int32_t& x : l.weights) x = d(rng);
  l.neuron.model = sf::NeuronModel::If;
  l.neuron.iflif.threshold = theta;
  l.neuron.iflif.v_bits = 24;
  return l;
}

// Output neurons input index i reaches (window cells x output channels of its group).
int64_t fan_out(const sf::Layer& l, int i) {
  const sf::ConvGeom& g = l.conv;
  const int y = i / g.w_in % g.h_in, x = i % g.w_in;
  const auto count = [](int c, int k, int s, int p, int d, int n) {
    int m = 0;
    for (int kk = 0; kk < k; ++kk) {
      const int t = c + p - kk * d;
      m += t >= 0 && t % s == 0 && t / s < n;
    }
    return m;
  };
  return int64_t{count(y, g.kh, g.sh, g.ph, g.dh, g.h_out)} * count(x, g.kw, g.sw, g.pw, g.dw, g.w_out) * g.cog();
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  int reps = 10, steps = 20;
  double density = 0.05;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--reps")) reps = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--steps")) steps = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--density")) density = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: sf_bench_conv [--out DIR] [--reps N] [--steps T] [--density D]\n");
      return 2;
    }
  }
  std::mt19937_64 rng(2026);
  sf::Network net;
  net.name = "conv_bench";
  net.format_version = 2;
  net.input_shape = {2, 34, 34};
  net.input_size = 2 * 34 * 34;
  net.timesteps = steps;
  net.layers.push_back(conv("conv1", 2, 34, 34, 16, 3, 1, 1, 120, rng));
  net.layers.push_back(conv("conv2", 16, 34, 34, 32, 3, 2, 1, 300, rng));
  net.layers[0].inputs = {"input"};
  net.layers[1].inputs = {"conv1"};
  sf::Raster r;
  r.timesteps = steps;
  r.size = net.input_size;
  std::bernoulli_distribution on(density);
  for (int t = 0; t < steps; ++t)
    for (int i = 0; i < r.size; ++i)
      if (on(rng)) r.events.push_back({t, i, 1});

  // the synaptic events of the run: input events into conv1, conv1's spikes into conv2
  const sf::Trace tr = sf::ref::run(net, r, {false, -1});
  int64_t syn = 0;
  for (const sf::InputEvent& e : r.events) syn += fan_out(net.layers[0], e.index);
  for (const sf::Spike& s : tr.layers[0].spikes) syn += fan_out(net.layers[1], s.neuron);

  sf::ref::Simulator sim(net);
  std::vector<int64_t> counts;
  double best = 1e30;
  for (int k = 0; k < reps; ++k) {
    const auto t0 = Clock::now();
    sim.run_counts(r, counts);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::printf("workload: 2x34x34 input, %d steps, density %.3f: %zu input events, %zu conv1 spikes, %zu conv2 spikes\n",
              steps, density, r.events.size(), tr.layers[0].spikes.size(), tr.layers[1].spikes.size());
  std::printf("golden model (fast path, one thread, best of %d): %.3f ms, %lld synaptic events, %.1f M synaptic events/s\n",
              reps, best * 1e3, static_cast<long long>(syn), static_cast<double>(syn) / best / 1e6);
  if (!out.empty()) {
    sf::save_network(net, out + "/conv_bench.network.json");
    sf::save_rasters({r}, out + "/conv_bench.raster.json");
    std::ofstream(out + "/conv_bench.golden.json")
        << nlohmann::json{{"synaptic_events", syn}, {"seconds", best},
                          {"spikes", {tr.layers[0].spikes.size(), tr.layers[1].spikes.size()}}}
               .dump()
        << "\n";
  }
  return 0;
}
