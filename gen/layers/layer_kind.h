// The layer-kind table: every kind of layer is described in one place, its own
// file in gen/layers/, and listed once in table.cpp. The network format, the
// planner and the cycle model read it; none of them switches on the kind.
// `dense` is the first entry; conv2d, pooling, flatten and recurrent dense
// plug in the same way (docs/architecture.md).
//
// What an entry says:
//   format   the layer object's fields of the kind (sizes, weights), parsed
//            with the format's file/field errors, and saved;
//   shape    its output shape for an input shape (the graph of a v2 network);
//   planner  the proved range of a step's input sum, the memories its engine
//            needs (each with a role), the engine's own LUTs and SB_MAC16s;
//   cycles   the exact cycles of its engine: the clear sweep after reset, an
//            input event's integrate, the fire phase;
//   RTL      the engine module.
// The golden model keeps its own per-kind loops (reference/): it shares the
// data, never the arithmetic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/hw_plan.h"
#include "ir/json_reader.h"
#include "ir/network.h"
#include "models/neuron_model.h"

namespace sf {

// A memory an engine needs; the planner sizes it into a MemPlan and places it.
struct MemRequest {
  std::string suffix;  // the memory's name is layer name + suffix (".weights")
  gen::MemRole role;
  int width = 0;  // bits per word
  int depth = 0;  // words
};

// What the cycle model knows of one layer's timestep.
struct StepTraffic {
  // arrivals[j]: the first cycle word j can be accepted (the step's events in
  // the order they come, then the end-of-timestep marker, last)
  std::vector<int64_t> arrivals;
  std::vector<int> indices;      // the events' input indices, in that order
  std::vector<int> spikes;       // the neurons that spike this step, ascending
  std::vector<int> prev_spikes;  // those of the step before (empty at step 0)
};

// The integrate phase's result: when each word was accepted, and the first
// cycle the fire phase may start (before the downstream FIFO is asked).
struct IntegrateResult {
  std::vector<int64_t> accepts;  // per word, the marker last
  int64_t fire_earliest = 0;
  uint64_t issue_cycles = 0;     // cycles spent issuing synaptic updates
  uint64_t synaptic_ops = 0;     // lanes x issues that update a real synapse
};

struct LayerKindInfo {
  LayerType id;
  const char* name;  // the format's layer.type
  // --- format ---
  // The kind's keys in a layer object, besides name, type, neuron and
  // hardware, which every kind has.
  std::vector<const char*> keys;
  // The layer states weight_bits and weights (else the kind fills them:
  // sumpool2d's ones).
  bool weights_given = true;
  // Sizes and geometry, parsed before the neuron (whose parameters may be per
  // neuron or per channel); `in` is the shape the layer before it (or the
  // input) emits, C order (a v1 network's shapes are flat: {size}).
  void (*parse_shape)(const JsonCtx& c, const json& lj, const graph::Shape& in, Layer& l);
  // The weights, within the limits the neuron model sets; `path` is the
  // network file (a weights_file is relative to it).
  void (*parse_weights)(const JsonCtx& c, const std::string& path, const json& lj, const WeightLimits& lim, Layer& l);
  void (*save)(const Layer& l, json& lj);
  // --- shape ---
  // The layer's output shape for its input shape (a v2 network's graph infers
  // every layer's input shape through these), from the layer object's fields.
  graph::Shape (*output_shape)(const JsonCtx& c, const json& lj, const graph::Shape& in);
  // --- planner ---
  // The proved range [lo, hi] of any step's input sum of any neuron, for
  // input payloads in [pmin, pmax] and each input at most once per step.
  void (*input_sum_range)(const Layer& l, int64_t pmin, int64_t pmax, int64_t& lo, int64_t& hi);
  std::vector<MemRequest> (*memories)(const Layer& l, const NeuronModelInfo& model, const gen::LayerPlan& lp);
  int control_luts;                              // modelled LUT4s of the engine without its lanes
  // Cycles of a busy timestep (every input once): what automatic parallelism lowers.
  int64_t (*step_work)(const gen::LayerPlan& lp);
  int (*engine_dsp)(const gen::LayerPlan& lp);   // SB_MAC16 blocks of the engine itself
  // --- engine layout (the emitters and the co-simulation read these) ---
  // The engine's state words for P lanes (the plan's C): chunks of P neurons.
  int (*state_words)(const Layer& l, int P);
  // The neuron in lane `lane` of state word `addr`, or -1 for an idle lane.
  int (*neuron_at)(const gen::LayerPlan& lp, int addr, int lane);
  // Calls f(lanes) for every weight word in memory order: P * w_pack stored
  // weights (w >> w_shift), lane 0 first.
  void (*weight_words)(const Layer& l, const gen::LayerPlan& lp,
                       const std::function<void(const std::vector<int64_t>&)>& f);
  // The parameter memory: its words, and which parameter entry (a neuron of a
  // dense layer, a channel of a conv layer: Layer::param_count) each lane holds (-1: idle).
  int (*param_words)(const gen::LayerPlan& lp);
  int (*param_entry)(const gen::LayerPlan& lp, int word, int lane);
  // The engine instance's shape parameters, "    .N_IN(4), .N_OUT(2), ...,\n".
  std::string (*rtl_shape)(const gen::LayerPlan& lp);
  // --- cycles (docs/cycle-model.md) ---
  int64_t (*clear_cycles)(const gen::LayerPlan& lp);  // after reset, before the first input word
  // The integrate phase of a step: the engine accepts its first word at
  // `ready` or later.
  IntegrateResult (*integrate)(const gen::LayerPlan& lp, const StepTraffic& s, int64_t ready);
  // The fire phase from cycle `start`: calls emit(cycle, neuron) for each
  // output event in the order the engine emits them, and returns the cycle of
  // the end-of-timestep marker (the engine accepts input again after it).
  int64_t (*fire)(const gen::LayerPlan& lp, int64_t start, const StepTraffic& s,
                  const std::function<void(int64_t, int)>& emit);
  // --- RTL ---
  const char* rtl_engine;  // rtl_templates/<rtl_engine>.v; null: no engine yet (the planner refuses the layer)
  std::vector<const char*> rtl_submodules;  // the modules it instantiates, besides the memories and lanes
};

const std::vector<const LayerKindInfo*>& layer_kinds();
const LayerKindInfo& kind_info(LayerType t);
inline const LayerKindInfo& kind_info(const Layer& l) { return kind_info(l.type); }
const LayerKindInfo* find_kind(const std::string& name);  // null when no kind has that name

}  // namespace sf
