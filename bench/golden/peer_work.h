// The benchmark's workload: the integer IF network and Poisson raster of
// bench/peer_bench.py, either rebuilt here from its seed or read from
// the files it writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/events.h"
#include "ir/network.h"

namespace sf::bench {

struct PeerWork {
  Network net;
  Raster raster;
  std::string origin;                               // for the report
  std::optional<std::vector<int64_t>> ref_totals;   // results.json: output_spikes_ref
  std::optional<int64_t> ref_events;                // results.json: synaptic_events
};

// peer_bench.py's build(): same numpy draws, same per-layer threshold search.
PeerWork build_peer_work(const std::vector<int>& sizes, int steps, double rate, uint32_t seed);

// network.plain.json + input.raster.json (+ results.json when the path is not
// empty). Throws sf::InputError on anything it cannot read.
PeerWork load_peer_work(const std::string& network_path, const std::string& raster_path,
                        const std::string& results_path);

}  // namespace sf::bench
