// HLS C-simulation driver: generated HLS C++ + golden traces -> g++ build and run.
#pragma once

#include <string>
#include <vector>

#include "ir/events.h"
#include "ir/network.h"

namespace sf::sim {

struct CsimOptions {
  std::string work_dir;    // where the raster, the traces and logs go
  std::string compiler = "g++";
};

// The emitted HLS project (the caller runs the HLS emitter): its directory,
// the sf_hls include directory and the C++ sources of the test bench build.
struct HlsProject {
  std::string dir;
  std::string include_dir;
  std::vector<std::string> sources;
};

struct CsimResult {
  bool ok = false;
  std::string message;          // first difference, when !ok
  std::vector<Trace> observed;  // per sample, as the C-simulation computed it
  double build_seconds = 0, run_seconds = 0;
};

// Builds the emitted HLS project's C-simulation test bench with the host
// compiler (argument lists only), runs every sample and compares each trace
// with the golden one: every spike and every state at every timestep. Throws
// sf::ToolError when the compiler is missing, the build fails or the test
// bench fails.
// The raster, logs, binary and traces go to opt.work_dir (the binary into the
// project directory).
CsimResult hls_csim(const HlsProject& project, const std::vector<Raster>& inputs, const std::vector<Trace>& golden,
                    const CsimOptions& opt);

}  // namespace sf::sim
