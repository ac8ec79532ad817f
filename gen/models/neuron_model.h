// The neuron-model table: every neuron model (if, lif, loihi2, akida, akida2)
// is described in one place, its own file in gen/models/, and listed once in
// table.cpp. The network format, the planner, the emitters, the co-simulation
// checker, the report and the quantizers read this table; none of them switches
// on the model.
//
// What an entry says:
//   format    its parameters: parse (with the file/field errors of the format),
//             save, the layer fields it allows (weight widths, layer bias);
//   events    the payload its layer emits, whether it keeps state between
//             timesteps, whether its layer has a one-step synaptic delay;
//   state     the fields of a lane's state word (name as in the golden trace,
//             bit offset, width), which the co-simulation compares;
//   planner   how its lane is sized (weight shift and width, state and
//             parameter widths), its modelled LUT cost and SB_MAC16 use;
//   backends  the RTL lane module and the HLS template, or the refusal.
//
// The hooks size hardware and parse files; none computes a neuron update. The
// arithmetic of a model exists once in the golden model (reference/) and once
// in its RTL lane (rtl_templates/), written independently from docs/semantics.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/hw_plan.h"
#include "ir/json_reader.h"
#include "ir/network.h"

namespace sf {

// One field of a lane's state word, as the golden trace names it.
struct StateField {
  std::string name;  // key in LayerTrace::state ("v", "u", "p", "acc")
  int lo = 0;        // lowest bit in the lane's state word
  int bits = 0;      // width
};

// The weights a layer may hold (inclusive), and how a message describes them.
struct WeightLimits {
  int64_t lo = 0, hi = 0;
  std::string text;
};

// What the planner knows about a layer's lane when it asks the model, and what
// the model decides. Filled in order: weight_shift -> weight_bits -> (the
// planner proves the input sum range) -> size_lane.
struct LaneSizing {
  // in
  std::string at;  // "net.json: layer 'fc1': " for messages
  PayloadFormat in;
  int64_t shifted_w_lo = 0, shifted_w_hi = 0;  // range of w >> w_shift
  int w_shift = 0;
  int acc_bits = 0;
  // out (size_lane); defaults are what a plain stateful lane has
  int v_bits = 0;              // state bits per lane
  bool param_mem = false;      // per-neuron parameters replace the bias memory
  int param_bits = 0;          // width of one lane's parameter word (param_mem)
  int hw_weight_exp = 0;       // loihi2: exponent the RTL applies to the summed input
  int64_t hw_step_m = 1;       // akida: act_step as the lane takes it
  int hw_step_f = 0;
  int sum_bits = 0;            // akida2: width of the lane's exact sum
};

struct NeuronModelInfo {
  NeuronModel id;
  const char* name;        // the format's neuron.model value
  // Models of one family may share a network; different families never do.
  const char* family;
  // --- format ---
  // Parses the neuron object `n` (already checked to be an object) of a layer
  // with n_out neurons into `spec` (whose model is already set).
  void (*parse)(const JsonCtx& c, const json& n, int n_out, NeuronSpec& spec);
  json (*save)(const NeuronSpec& spec);
  // Rejects a layer.weight_bits the model cannot take (the layer is parsed up
  // to its neuron).
  void (*check_weight_bits)(const JsonCtx& c, const Layer& l);
  WeightLimits (*weight_limits)(const Layer& l);
  // The layer's `bias` array: its signed width for this layer, or 0 when the
  // model takes no layer bias (then `bias_refusal` says where it goes instead).
  int (*layer_bias_bits)(const NeuronSpec& spec);
  const char* bias_text;     // how a message names one entry: "a v_bits signed integer ("
  const char* bias_refusal;  // the expected-text when layer_bias_bits is 0
  // Network-level checks of layer k, once it is parsed (may be null).
  void (*check_in_network)(const std::string& path, const Network& net, size_t k);
  // --- events ---
  PayloadFormat (*output_payload)(const NeuronSpec& spec);
  int64_t (*output_max)(const Layer& l);  // largest value the layer emits (events are never 0)
  bool stateless;       // no state carried between timesteps (no state memory)
  bool synaptic_delay;  // input reaches the neuron one step late (a second accumulator bank)
  bool graded_events;   // its events carry a value between layers (through the FIFOs)
  // --- state ---
  std::vector<StateField> (*state_fields)(const Layer& l, int lane_state_bits);
  const char* state_summary;  // report: "v", "u+v", "p (stateless)", ...
  // --- planner ---
  int (*weight_shift)(const Layer& l);  // common low zero bits dropped from the weight memory
  int (*weight_bits)(const Layer& l, const LaneSizing& s);  // weight memory bits per weight
  void (*size_lane)(const Layer& l, LaneSizing& s);
  bool (*needs_pending)(const Layer& l);  // a pending-reset bit per neuron
  // True when a neuron of the layer that receives no input in a step and did
  // not emit in the step before can neither change its state nor emit (no
  // leak, no bias): an engine may then skip it (the conv engine's sparse fire).
  // Null: never.
  bool (*quiet_without_input)(const Layer& l);
  // modelled LUT4s and SB_MAC16 blocks of one lane, from the layer plan's widths
  // (and decay_impl, for a model whose DSPs have a LUT form)
  int (*lane_luts)(const Layer& l, const gen::LayerPlan& lp);
  int (*lane_dsp)(const Layer& l, const gen::LayerPlan& lp);
  bool dsp_has_lut_form;  // the planner may move its multiplies to LUTs (decay_impl 1)
  // Word n of the parameter memory (models whose size_lane sets param_mem;
  // null for the others, whose memory holds the layer bias).
  int64_t (*param_word)(const Layer& l, size_t n);
  // --- quantizers ---
  // The integer firing thresholds of a layer, as the precision report lists them.
  json (*integer_thresholds)(const Layer& l);
  // How the precision report's text names them; `error` is the quantizer's
  // threshold error, already formatted.
  std::string (*threshold_text)(const Layer& l, const std::string& error);
  // --- report (spikeforge gen) ---
  // A section of the layer's report.json entry under the key `report_key`
  // (null: none), and what the one-line summary adds after the memories' widths.
  const char* report_key;
  json (*report_section)(const Layer& l, const gen::LayerPlan& lp);
  std::string (*summary_extra)(const Layer& l, const gen::LayerPlan& lp);
  // --- backends ---
  const char* rtl_lane;      // rtl_templates/<rtl_lane>.v, which sf_neuron_lane selects by `name`
  // The model's own parameters of sf_neuron_lane (through the engine), as
  // "    .NAME(value), ...,\n" lines of the engine's instantiation.
  std::string (*rtl_params)(const Layer& l, const gen::LayerPlan& lp);
  const char* hls_template;  // hls/include/sf_hls/<hls_template>, or null: refused
  const char* hls_refusal;   // why, when hls_template is null
};

// The table, in the order of the format's enum of models.
const std::vector<const NeuronModelInfo*>& neuron_models();
const NeuronModelInfo& model_info(NeuronModel m);
inline const NeuronModelInfo& model_info(const Layer& l) { return model_info(l.neuron.model); }
// Null when no model has that name.
const NeuronModelInfo* find_model(const std::string& name);

}  // namespace sf
