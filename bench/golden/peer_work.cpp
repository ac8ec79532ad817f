#include "peer_work.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "ir/error.h"
#include "numpy_rng.h"

namespace sf::bench {
namespace {

Layer if_layer(int k, int n_in, int n_out, int64_t theta, std::vector<int32_t> weights) {
  Layer l;
  l.name = "fc" + std::to_string(k + 1);
  l.n_in = n_in;
  l.n_out = n_out;
  l.weight_bits = 5;  // what peer_bench.py declares for its -7..7 weights
  l.weights = std::move(weights);
  l.neuron.model = NeuronModel::If;
  l.neuron.iflif.threshold = theta;
  // peer_bench.py's v is unbounded int64; 32 bits keep it from ever saturating here.
  l.neuron.iflif.v_bits = 32;
  return l;
}

Network shell(const std::vector<int>& sizes, const std::string& name) {
  Network net;
  net.name = name;
  net.input_size = sizes.front();
  return net;
}

Raster spikes_as_raster(const LayerTrace& layer, int steps, int size) {
  Raster r;
  r.timesteps = steps;
  r.size = size;
  for (const Spike& s : layer.spikes) r.events.push_back({s.t, s.neuron, 1});
  return r;
}

// layer_spikes(w, theta, x).mean() of peer_bench.py, via the golden model.
double firing_rate(const Layer& layer, const Raster& x) {
  Network one = shell({layer.n_in}, "calibration");
  one.layers.push_back(layer);
  std::vector<int64_t> counts;
  ref::Simulator(one).run_counts(x, counts);
  int64_t total = 0;
  for (int64_t c : counts) total += c;
  return static_cast<double>(total) / (static_cast<double>(x.timesteps) * layer.n_out);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw InputError(path + ": cannot open");
  try {
    return nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": " + e.what());
  }
}

}  // namespace

PeerWork build_peer_work(const std::vector<int>& sizes, int steps, double rate, uint32_t seed) {
  NumpyPcg64 rng(seed);
  std::vector<std::vector<int32_t>> weights;
  for (size_t k = 0; k + 1 < sizes.size(); ++k) {
    weights.emplace_back(static_cast<size_t>(sizes[k + 1]) * sizes[k]);
    for (int32_t& w : weights.back()) w = static_cast<int32_t>(rng.integers(-7, 8));
  }
  PeerWork work;
  work.raster.timesteps = steps;
  work.raster.size = sizes.front();
  for (int t = 0; t < steps; ++t)
    for (int i = 0; i < sizes.front(); ++i)
      if (rng.random() < rate) work.raster.events.push_back({t, i, 1});

  work.net = shell(sizes, "peer_bench");
  Raster x = work.raster;
  for (size_t k = 0; k + 1 < sizes.size(); ++k) {
    Layer layer = if_layer(static_cast<int>(k), sizes[k], sizes[k + 1], 1, std::move(weights[k]));
    int64_t lo = 1, hi = int64_t{1} << 16;  // smallest θ whose rate is <= target
    while (lo < hi) {
      layer.neuron.iflif.threshold = (lo + hi) / 2;
      if (firing_rate(layer, x) <= rate) hi = layer.neuron.iflif.threshold;
      else lo = layer.neuron.iflif.threshold + 1;
    }
    layer.neuron.iflif.threshold = lo;
    work.net.layers.push_back(layer);
    Network one = shell({layer.n_in}, "calibration");
    one.layers.push_back(std::move(layer));
    x = spikes_as_raster(ref::Simulator(one).run(x, {false, -1}).layers[0], steps, sizes[k + 1]);
  }
  work.origin = "rebuilt like peer_bench.py (seed " + std::to_string(seed) + ")";
  return work;
}

PeerWork load_peer_work(const std::string& network_path, const std::string& raster_path,
                        const std::string& results_path) {
  PeerWork work;
  try {
    const nlohmann::json nj = read_json(network_path);
    const auto sizes = nj.at("sizes").get<std::vector<int>>();
    const auto theta = nj.at("theta").get<std::vector<int64_t>>();
    const auto& wj = nj.at("weights_out_by_in");
    work.net = shell(sizes, "peer_bench");
    for (size_t k = 0; k + 1 < sizes.size(); ++k) {
      std::vector<int32_t> w;
      w.reserve(static_cast<size_t>(sizes[k + 1]) * sizes[k]);
      for (const auto& row : wj.at(k))
        for (const auto& x : row) w.push_back(x.get<int32_t>());
      work.net.layers.push_back(if_layer(static_cast<int>(k), sizes[k], sizes[k + 1], theta.at(k), std::move(w)));
      work.net.layers.back().weight_bits = nj.value("weight_bits", 5);
    }

    const nlohmann::json rj = read_json(raster_path);
    if (rj.value("format", "") != "spikeforge-raster" || rj.value("version", 0) != 1)
      throw InputError(raster_path + ": expected format spikeforge-raster version 1");
    work.raster.timesteps = rj.at("timesteps").get<int>();
    work.raster.size = rj.at("size").get<int>();
    for (const auto& e : rj.at("events"))
      work.raster.events.push_back({e.at(0).get<int>(), e.at(1).get<int>(), e.size() > 2 ? e.at(2).get<int64_t>() : 1});

    if (!results_path.empty()) {
      const nlohmann::json res = read_json(results_path);
      work.ref_totals = res.at("output_spikes_ref").get<std::vector<int64_t>>();
      work.ref_events = res.at("synaptic_events").get<int64_t>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(network_path + " / " + raster_path + ": " + e.what());
  }
  work.origin = "loaded from " + network_path;
  return work;
}

}  // namespace sf::bench
