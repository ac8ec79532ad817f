// Co-simulation driver: generated RTL + golden expectations -> Verilator run.
// The RTL comes from the caller (spikeforge runs the Verilog emitter): this
// library knows the network IR and the generated design's layout, not the
// generator.
#pragma once

#include <string>
#include <vector>

#include "ir/events.h"
#include "ir/network.h"

namespace sf::sim {

struct CosimOptions {
  std::string work_dir;      // where the verilated model, expectations and logs go
  std::string waves;         // FST written on the first mismatch ("" = none)
  std::string source_dir;    // SpikeForge sources (sim/harness/)
  int jobs = 2;
  bool systemc = false;      // verilate with --sc and drive it from the SystemC harness
};

// A field of a lane's state word: the golden trace's state `name`, bits
// [lo, lo + bits) of the lane's lane_bits (from the neuron-model table).
struct CosimStateField {
  std::string name;
  int lo = 0, bits = 0;
};

// One layer of the generated design, as the harness checks it (from the plan).
struct CosimLayer {
  std::string name;
  int n_out = 0;
  int P = 1;              // lanes
  int lane_bits = 0;      // the lane's state word (plan: v_bits)
  int pay_bits = 1;       // graded designs: output event value bits
  bool pay_signed = false;
  std::vector<CosimStateField> state;  // the fields compared with the golden trace's states
  // The engine's lane slots: slot = state word address * P + lane holds neuron
  // slots[slot] (-1: an idle lane). Empty: slot n is neuron n (the dense engine).
  // The fire phase emits in slot order, so the expected events are sorted so.
  std::vector<int> slots;
};

// The generated design: its RTL files, emitted into rtl_dir (the harness is
// built with -I rtl_dir and runs there, where the memory init files are), and
// the layout of its layers.
struct CosimDesign {
  std::string rtl_dir;
  std::vector<std::string> rtl_files;
  bool graded = false;  // events carry values; the layers keep no state to read back
  std::vector<CosimLayer> layers;
};

struct CosimResult {
  bool ok = false;
  std::string message;                     // first mismatch, when !ok
  std::vector<Trace> observed;             // per sample, as seen in the RTL (with cycles)
  uint64_t total_cycles = 0;
  double build_seconds = 0, run_seconds = 0;
  double sim_seconds = 0;  // of run_seconds: clocking the model and checking it (no file I/O)
};

// Builds the emitted RTL of `design` with the harness (Verilator, argument
// lists only) in opt.work_dir, and runs every sample; the harness checks every
// event, state and the cycles of every timestep (expected_cycles[sample], the
// cycle model's prediction). Throws sf::ToolError when Verilator is missing or
// the build fails.
CosimResult cosimulate(const Network& net, const CosimDesign& design, const std::vector<Raster>& inputs,
                       const std::vector<Trace>& golden, const std::vector<std::vector<uint64_t>>& expected_cycles,
                       const CosimOptions& opt);

}  // namespace sf::sim
