// Graph quantization: a float NIR graph (reference/nir_float) of any shape the
// integer golden model runs (convolutions, pools, recurrent CubaLIF nets, LI
// readouts) becomes an integer graph (reference/int_graph), and a precision
// report compares the two layer by layer on binary input rasters.
//
// This is for golden-model evaluation only: the hardware IR (gen/ir) still
// comes from gen/quantize, whose dense IF/LIF mapping this one reproduces
// exactly (same weights, biases, thresholds, leaks; README.md has the rules and
// the one place where the proved state width differs).
//
// The unit of the mapping is a neuron node ("domain"): its membrane has one
// scale s (or one per output channel), and every weight node that feeds it,
// directly or through Identity / Flatten / Delay / SumPool2d / AvgPool2d,
// forward or back edge, is scaled into it together:
//   s = max over those weight nodes of |g·W·p| / (2^(B-1) - 1)
// (g: the neuron's input gain from the discretization, p: the 1/(kh·kw) of
// any AvgPool2d on the path, which becomes a SumPool2d), w = round(g·W·p/s).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "float_json.h"
#include "int_graph.h"
#include "ir/events.h"

namespace sf::quant {

struct GraphQuantOptions {
  int weight_bits = 8;       // B, 2..16
  bool per_channel = false;  // one scale per output channel of each weight node
  int leak_frac = 16;        // f of a `mult` leak, 1..24
  int timesteps = 1000;      // steps the state-width proof covers, 1..2^24
  // CubaLI/CubaLIF only: extra fraction bits h of the membrane below the
  // current's scale (s_v = qm·r·s_i / 2^h, gain g_q = 2^h). 0..16.
  int cuba_v_frac = 4;
};

// One neuron node and the weight nodes scaled into it.
struct GraphLayerQuant {
  std::string name;                      // the neuron node
  std::string kind;                      // "IF", "LIF", "CubaLIF", "LI", ...
  std::vector<std::string> weight_nodes;  // feeding it (forward or back edge)
  int64_t neurons = 0;                   // elements of the neuron node
  bool per_channel = false;              // false also where per-channel was asked but not possible
  std::string note;                      // why per-channel fell back, etc.
  // Membrane scale: one integer v unit in float v units (Simulator::v's).
  // scales: one per channel when per_channel, else one value.
  std::vector<double> scales;
  double scale = 0;                      // the largest of `scales`
  int weight_bits = 0;
  // Weights, in the float units of what they drive (the membrane, or the
  // synaptic current of a Cuba neuron): |g·W·p - s·w|.
  double max_weight_error = 0, mean_weight_error = 0;
  int64_t max_weight = 0;                // max |w| (≤ 2^(B-1) - 1)
  double max_bias_error = 0;             // weight biases and the neuron's constant drive
  double threshold_float = 0;            // largest |v_threshold| (spiking kinds)
  int64_t threshold_int = 0;             // its integer θ (channel of the largest scale)
  double threshold_error = 0;            // max |v_threshold - s·θ|
  double alpha = 1, alpha_q = 1;         // membrane decay per step, and the integer one
  std::string leak = "none";             // "none", "shift 5", "mult 62915/2^16"
  int v_bits = 0;
  int64_t v_bound = 0;                   // proved |v| ≤ v_bound for `timesteps` steps
  // CubaLI / CubaLIF: the synaptic current.
  bool synapse = false;
  std::vector<double> i_scales;
  double i_scale = 0;
  double alpha_syn = 1, alpha_syn_q = 1;
  std::string syn_leak = "none";
  double gain_float = 1;                 // s_i·qm·r / s_v (exactly 2^h by construction)
  int64_t gain_q = 1;
  int gain_frac = 0;
  int i_bits = 0;
  int64_t i_bound = 0;
};

struct IntNetwork {
  std::string name;
  std::string source;
  ref::int_graph::IntGraph graph;  // finalized; node names as in the float graph
  std::vector<GraphLayerQuant> layers;  // one per neuron node, in execution order
  int timesteps = 0;
};

// Throws sf::InputError naming the node and field for anything the integer
// graph cannot represent, and for option values out of range.
IntNetwork quantize_graph(const ref::nir_float::FloatNetwork& fnet, const GraphQuantOptions& opt);

// ---- Float vs integer ----

struct GraphLayerAgreement {
  std::string name;
  bool spiking = false;
  int64_t float_spikes = 0, int_spikes = 0;
  int64_t both_spikes = 0;     // (t, neuron) where both spike
  int64_t compared = 0;        // (t, neuron) pairs
  double agreement = 1;        // share of pairs where both spike or both do not
  int first_divergence = -1;   // first t where any neuron differs, -1 none
  double max_v_error = 0;      // max |v_float - s·v_int| (after reset), every step and neuron
  int max_v_error_t = -1;
};
struct GraphSampleAgreement {
  std::vector<GraphLayerAgreement> layers;  // as IntNetwork::layers
  // argmax of the output's spike counts (a spiking source) or of its final
  // value (LI readout: s·v_int for the integer side); ties to the lowest index.
  int float_decision = -1, int_decision = -1;
  double float_top = 0;  // the winning count / value of the float model (0: a silent output)
};

// Runs both models on the raster (binary events; the flat index runs over the
// Input nodes' elements in graph order). Throws sf::InputError for a raster
// that does not fit.
GraphSampleAgreement compare_graph(const ref::nir_float::FloatNetwork& fnet, const IntNetwork& q,
                                   const Raster& raster);

// "spikeforge-precision-report" v1 (field names as gen/quantize's report) and
// a readable summary.
std::string graph_report_json(const ref::nir_float::FloatNetwork& fnet, const IntNetwork& q,
                              const GraphQuantOptions& opt, const std::vector<GraphSampleAgreement>& samples);
std::string graph_report_text(const IntNetwork& q, const std::vector<GraphSampleAgreement>& samples);

// Deterministic synthetic inputs (not the real data sets; README.md):
// "nmnist": a random three-stroke glyph moved through an N-MNIST-like saccade,
//   ON/OFF events where its edges pass, plus background noise, shape [2, H, W];
// "braille": 12 channels, each letter a random subset of active taxels that
//   burst while it passes the sensor, plus noise.
std::vector<Raster> generate_inputs(const std::string& kind, int64_t size, int samples, int steps,
                                    uint64_t seed);

}  // namespace sf::quant
