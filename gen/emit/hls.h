// HLS C++ emitter: IR + plan in, an HLS project out. Like the Verilog emitter it
// never changes the IR or the plan, and like hls4ml's generated code the files
// it writes hold configuration and wiring only: every operation on a neuron or
// a synapse lives in the header templates of hls/include/sf_hls/.
#pragma once

#include <string>
#include <vector>

#include "ir/network.h"
#include "passes/plan.h"

namespace sf::gen {

struct HlsEmitResult {
  std::vector<std::string> sources;     // what the C-simulation build compiles (absolute paths)
  std::string include_dir;              // -I for sf_net.h and sf_hls/
};

// Writes into `dir` (the project is self-contained: the templates are copied):
//   include/sf_hls/*.h   the templates (from `templates_dir`, i.e. hls/include/sf_hls)
//   sf_net.h             one config struct per layer and neuron model, the event
//                        word types, params (weights, biases) and state structs,
//                        the top function's declaration
//   sf_net.cpp           the top function sf_top: one call runs one timestep
//   sf_net_params.cpp    the network's weights and biases as initialized arrays
//   sf_tb.cpp            C-simulation test bench: spikeforge-raster in,
//                        one spikeforge-trace per sample out
//   run_hls.tcl          Vitis HLS script: csim, csynth, cosim, export
//   Makefile             `make csim INPUT=raster.json` with g++
// `dir` may be a staging directory that becomes `final_dir`; sources name final_dir.
HlsEmitResult emit_hls(const Network& net, const Plan& plan, const std::string& dir,
                       const std::string& final_dir, const std::string& templates_dir);

// The signed width that holds I + b of layer k for every step (I within the
// plan's proven accumulator range, b any of the layer's biases).
int hls_sum_bits(const Layer& l, const LayerPlan& lp);

}  // namespace sf::gen
