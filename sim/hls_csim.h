// HLS C-simulation driver: generated HLS C++ + golden traces -> g++ build and run.
#pragma once

#include <string>
#include <vector>

#include "ir/events.h"
#include "ir/network.h"
#include "passes/plan.h"

namespace sf::sim {

struct CsimOptions {
  std::string work_dir;    // where the HLS project, the binary, the traces and logs go
  std::string source_dir;  // SpikeForge sources (hls/include/sf_hls)
  std::string compiler = "g++";
};

struct CsimResult {
  bool ok = false;
  std::string message;          // first difference, when !ok
  std::vector<Trace> observed;  // per sample, as the C-simulation computed it
  double build_seconds = 0, run_seconds = 0;
};

// Emits the HLS project, builds its C-simulation test bench with the host
// compiler (argument lists only), runs every sample and compares each trace
// with the golden one: every spike and every state at every timestep. Throws
// sf::ToolError when the compiler is missing, the build fails or the test
// bench fails.
CsimResult hls_csim(const Network& net, const gen::Plan& plan, const std::vector<Raster>& inputs,
                    const std::vector<Trace>& golden, const CsimOptions& opt);

}  // namespace sf::sim
