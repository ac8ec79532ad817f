// The golden model: integer semantics of docs/semantics.md (`if`, `lif`;
// `loihi2` and `akida` / `akida2` dispatch to their own golden models).
// Everything else in SpikeForge (RTL, HLS, simulators) is judged against it.
//
// Two paths compute the same thing:
//  - run(): the readable one, int64 throughout, a direct transcription of the
//    contract; it writes traces for `spikeforge run` and co-simulation.
//  - Simulator: the fast one for large batches and benchmarks (weights
//    transposed once into the narrowest integer type, event-driven row adds).
// Tests hold the two equal on random networks.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ir/events.h"
#include "ir/network.h"

namespace sf::ref {

struct RunOptions {
  bool record_state = true;  // fill LayerTrace::state["v"]
  int timesteps = -1;        // -1: raster.timesteps
};

// Runs `net` on `input`. Every layer's spikes (payload 1) sorted by (t, neuron);
// with record_state, state["v"][t][n] = v after step t's fire/reset.
// Throws sf::InputError when the network or the raster is outside the contract.
Trace run(const Network& net, const Raster& input, const RunOptions& opt = {});

// Spikes per neuron of the last layer; for graded (multi-bit) outputs, as
// akida / akida2 layers emit, the sum of each neuron's event values. Without the network the width comes
// from the recorded state, else from the highest neuron that spiked.
std::vector<int64_t> output_counts(const Trace& trace);
std::vector<int64_t> output_counts(const Network& net, const Trace& trace);

// Decoded class per net.decoding: spike_count = argmax of the counts (graded
// outputs: of the summed event values; ties to
// the lowest index); first_spike = the neuron that spikes first (ties to the
// lowest index, -1 if none); membrane = argmax of the final v (needs state).
int decode(const Network& net, const Trace& trace);
// spike_count decoding of output counts (output_counts, Simulator::run_counts):
// the index of the largest count, ties to the lowest index, -1 if there are none.
int decode_counts(const std::vector<int64_t>& counts);

// "if", "lif", or "mixed" when the layers differ.
const char* semantics_name(const Network& net);

class Simulator {
 public:
  // Validates `net` and lays out its weights for the fast path.
  explicit Simulator(const Network& net);
  ~Simulator();
  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;

  // Spike counts of the last layer's neurons, without recording a trace;
  // `layer_totals`, when given, receives each layer's total spike count.
  void run_counts(const Raster& input, std::vector<int64_t>& counts,
                  std::vector<int64_t>* layer_totals = nullptr, int timesteps = -1);

  // Same trace as sf::ref::run().
  Trace run(const Raster& input, const RunOptions& opt = {});

  // Bytes per weight / per accumulator lane chosen for layer k (for reports).
  int weight_bytes(size_t k) const;
  int accumulator_bytes(size_t k) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sf::ref
