// Quantization: a float network (reference/nir_float: an imported NIR graph
// and its discretization) becomes an integer network of the IR (gen/ir), and a
// precision report says what that cost. docs/quantize.md is the contract.
//
// Mapping, per layer (a weight node Affine/Linear/Conv2d/SumPool2d followed by a
// neuron IF/LIF; a conv layer's gain, drive and bias per output channel):
// the float step v' = α·v + g_n·(W·x + b)_n + c_n (α, g, c from the
// discretization) becomes the integer step v' = L(v) + Σ w·x + bias with
//   s         = max |g_n·W[n][i]| / (2^(B-1) - 1)        (symmetric max-abs, per layer)
//   w[n][i]   = round(g_n·W[n][i] / s),  bias[n] = round((g_n·b_n + c_n) / s)
//   θ         = round(v_threshold / s),  v_reset = round(v_reset / s)
//   L         = none (α = 1), `shift k` when α = 1 - 2^-k exactly, else `mult β, f`
//               with β = round(α·2^f)
// and the state width proved from the input ranges.
#pragma once

#include <string>
#include <vector>

#include "float_json.h"
#include "ir/events.h"
#include "ir/network.h"

namespace sf::quant {

struct QuantizeOptions {
  int weight_bits = 8;    // B, 2..16
  bool per_channel = false;  // refused: the IR's if/lif layers have one threshold
  int leak_frac = 16;     // f of a `mult` leak, 1..24
  int timesteps = 1000;   // runs the state-width proof covers (the IR's timesteps)
};

struct LayerQuant {
  std::string name;           // the IR layer ("fc1")
  std::string weight_node;    // float graph nodes it came from
  std::string neuron_node;
  std::string neuron_kind;    // "IF" | "LIF"
  int n_in = 0, n_out = 0;
  double scale = 0;           // s: one integer membrane unit, in float membrane units
  int weight_bits = 0;
  double max_weight_error = 0;   // max |g·W - s·w| over the layer, float membrane units
  double mean_weight_error = 0;  // mean of the same
  double max_bias_error = 0;     // max |g·b + c - s·bias|
  double threshold_float = 0, threshold_error = 0;  // |v_threshold - s·θ|
  double alpha = 1, alpha_q = 1;  // leak factor per step and what the integer leak applies
  std::string leak;           // "none", "shift 5", "mult 62915/2^16"
  int v_bits = 0;
  int64_t v_bound = 0;        // proved |v| <= v_bound for `timesteps` steps
};

struct QuantizeResult {
  Network net;
  std::vector<LayerQuant> layers;
};

// Throws sf::InputError naming the node and field for anything the IR cannot
// represent (a node kind outside a dense IF/LIF chain, per-neuron thresholds or
// leaks that differ, a method other than euler/exact, state wider than 32 bits).
QuantizeResult quantize(const ref::nir_float::FloatNetwork& fnet, const std::string& name,
                        const QuantizeOptions& opt);

// One neuron's float step under the network's discretization (IF and LIF):
// v' = alpha·v + gain·input + drive (quantize.cpp's table, docs/quantize.md).
struct FloatStep {
  double alpha = 1, gain = 1, drive = 0;
};
FloatStep float_step(const ref::nir_float::FloatNetwork& fnet, const ref::nir_float::FloatNode& neuron, size_t j);

// The layers of a dense chain Input -> (Affine|Linear -> neuron)+ -> Output, as
// {weight node, neuron node} indices, past Identity nodes (and Flatten nodes
// when flatten_passes). Throws sf::InputError naming the node that breaks the
// chain: one feeding several nodes, one with several inputs, a non-dense node
// where a weight node belongs. The neuron nodes' kinds are the caller's to check.
struct ChainLayer {
  size_t weight = 0, neuron = 0;
};
// With image_layers, Conv2d and SumPool2d nodes are weight nodes too.
std::vector<ChainLayer> dense_chain(const ref::nir_float::FloatNetwork& fnet, bool flatten_passes,
                                    bool image_layers = false);

// An integer dense layer of the chain, its weights zeroed for the quantizer to fill.
Layer dense_layer(const std::string& name, int n_in, int n_out, int weight_bits);

// Float reference vs integer golden model on one raster (event payloads are
// the float inputs: 1.0 for a binary spike).
struct LayerAgreement {
  std::string name;
  int64_t float_spikes = 0, int_spikes = 0;
  double agreement = 1;     // share of (t, n) where both spike or both do not
  int first_divergence = -1;  // first t where any neuron differs, -1 none
  double max_v_error = 0;   // max |v_float - s·v_int| over every step and neuron (after reset)
  int max_v_error_t = -1;   // the step where it occurs
};
struct SampleAgreement {
  std::vector<LayerAgreement> layers;
  int float_decision = -1, int_decision = -1;  // spike-count argmax of the last layer
  int label = -1;                               // the raster sample's label, -1 none
};
SampleAgreement compare(const ref::nir_float::FloatNetwork& fnet, const QuantizeResult& q, const Raster& raster);

// report.json (format "spikeforge-precision-report") and a readable summary.
std::string report_json(const ref::nir_float::FloatNetwork& fnet, const QuantizeResult& q,
                        const QuantizeOptions& opt, const std::vector<SampleAgreement>& samples);
std::string report_text(const QuantizeResult& q, const std::vector<SampleAgreement>& samples);

}  // namespace sf::quant
