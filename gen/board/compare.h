// The board's output against the golden model's: what `spikeforge host`
// checks after running a sample on a board.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ir/events.h"

namespace sf::board {

// A timestep whose output neurons differ (as sets) from the golden model's.
struct StepMismatch {
  int t = 0;
  size_t board_spikes = 0;   // how many output events the board sent
  size_t golden_spikes = 0;  // how many the golden model has
};

struct OutputComparison {
  // The board's output as a trace of the last layer (`out_layer`, binary
  // spikes, golden.timesteps long): decodable like the golden model's.
  // Indices outside 0 .. output_size-1 are left out of it.
  Trace output;
  std::vector<StepMismatch> mismatches;  // in timestep order
};

// `got`: the output neuron indices of every timestep as the board sent them
// (run_on_board), in any order; `golden`: the golden model's trace of the same
// sample, whose layer `out_layer` is the network's output layer. Timesteps are
// compared as sorted lists (duplicates count), for every timestep the board
// answered.
OutputComparison compare_output(const std::vector<std::vector<int>>& got, const Trace& golden,
                                const std::string& out_layer, int output_size);

}  // namespace sf::board
