// Co-simulation driver: generated RTL + golden expectations -> Verilator run.
#pragma once

#include <string>
#include <vector>

#include "ir/events.h"
#include "ir/network.h"
#include "passes/cycle_model.h"
#include "passes/plan.h"

namespace sf::sim {

struct CosimOptions {
  std::string work_dir;      // where RTL, the verilated model and logs go
  std::string waves;         // FST written on the first mismatch ("" = none)
  std::string source_dir;    // SpikeForge sources (rtl_templates/, sim/harness/)
  int jobs = 2;
  bool systemc = false;      // verilate with --sc and drive it from the SystemC harness
};

struct CosimResult {
  bool ok = false;
  std::string message;                     // first mismatch, when !ok
  std::vector<Trace> observed;             // per sample, as seen in the RTL (with cycles)
  std::vector<gen::CycleReport> predicted; // per sample
  uint64_t total_cycles = 0;
  double build_seconds = 0, run_seconds = 0;
  double sim_seconds = 0;  // of run_seconds: clocking the model and checking it (no file I/O)
};

// Events per timestep as the cycle model needs them.
gen::StepEvents step_events(const Raster& input, const Trace& golden);

// Emits the RTL, builds it with the harness (Verilator, argument lists only),
// and runs every sample. Throws sf::ToolError when Verilator is missing or the
// build fails.
CosimResult cosimulate(const Network& net, const gen::Plan& plan, const std::vector<Raster>& inputs,
                       const std::vector<Trace>& golden, const CosimOptions& opt);

}  // namespace sf::sim
