// Cycle model: the exact number of clock cycles each timestep takes in the
// generated hardware, predicted from the events alone (how many inputs arrive
// per step, and which neurons of each layer spike). Co-simulation checks it.
#pragma once

#include <cstdint>
#include <vector>

#include "passes/plan.h"

namespace sf::gen {

struct StepEvents {
  // inputs[t]: the input indices of timestep t's events, in the order they are offered
  std::vector<std::vector<int>> inputs;
  // spikes[layer][t]: neurons (ascending) that spiked in layer at step t
  std::vector<std::vector<std::vector<int>>> spikes;
};

struct CycleReport {
  std::vector<uint64_t> cycles;  // per timestep: from the previous output marker to this one
  uint64_t total = 0;
  uint64_t integrate_cycles = 0;  // cycles any engine spent issuing synaptic chunks
  uint64_t synaptic_ops = 0;      // weight words x lanes really used (events x fan-out)
};

// Assumes the input words are offered back to back from cycle 0 (the first
// cycle after reset) and the output is always ready, as the harness does.
CycleReport predict_cycles(const Plan& plan, const StepEvents& events);

}  // namespace sf::gen
