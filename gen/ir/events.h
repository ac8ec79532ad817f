// Input rasters (`spikeforge-raster` v1) and traces (`spikeforge-trace` v1).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/network.h"

namespace sf {

struct InputEvent {
  int t = 0;
  int index = 0;
  int64_t payload = 1;
};

struct Raster {
  int timesteps = 0;
  int size = 0;
  std::vector<InputEvent> events;  // sorted by (t, index) after loading
  std::optional<int> label;
};

// Loads a single-sample or batch raster. Every sample is checked against `net`
// (size, payload range) when given. Throws sf::InputError with the event's position.
std::vector<Raster> load_rasters(const std::string& path, const Network* net);
void save_rasters(const std::vector<Raster>& samples, const std::string& path);

struct Spike {
  int t = 0;
  int neuron = 0;
  int64_t payload = 1;  // 1 for binary spikes
  bool operator==(const Spike& o) const {
    return t == o.t && neuron == o.neuron && payload == o.payload;
  }
};

struct LayerTrace {
  std::string name;
  bool graded = false;       // spikes carry payloads
  std::vector<Spike> spikes;  // sorted by (t, neuron)
  // state variable name -> [timestep][neuron], value after that step's fire/reset
  std::map<std::string, std::vector<std::vector<int64_t>>> state;
};

struct Trace {
  std::string network;
  std::string semantics;
  int timesteps = 0;
  std::vector<LayerTrace> layers;
  std::vector<uint64_t> cycles;  // simulators only
};

void save_trace(const Trace& trace, const std::string& path);
Trace load_trace(const std::string& path);

// First difference between two traces, or an empty string when they agree:
// the earliest timestep, then the first layer in network order, naming the
// neuron and both values ("timestep 3, layer 'fc2', neuron 7: state v 12 vs 13").
// Missing timesteps, neurons or spikes count as differences; a state variable
// one trace does not record is not compared.
std::string diff_traces(const Trace& a, const Trace& b);

}  // namespace sf
