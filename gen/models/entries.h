// Helpers the neuron-model entries share, and the entries table.cpp lists.
// Only gen/models/ includes this header; everything else reads the table
// through neuron_model.h.
#pragma once

#include "models/neuron_model.h"

namespace sf {

// format: weight_bits 2..16 (every model but akida's binary weights); the
// weights weight_bits two's complement.
void check_weight_bits_2_to_16(const JsonCtx& c, const Layer& l);
WeightLimits signed_weight_limits(const Layer& l);
// A per-neuron integer array `key` of exactly n_out entries in [lo, hi].
std::vector<int64_t> get_per_neuron(const JsonCtx& c, const json& n, const std::string& key, int n_out,
                                    int64_t lo, int64_t hi, const std::string& what);
// events: binary spikes
PayloadFormat binary_payload(const NeuronSpec& spec);
// the largest value of the model's output payload format
int64_t payload_max_of_model(const Layer& l);
// planner: no weight shift; the payload multiplier's modelled LUTs
int no_weight_shift(const Layer& l);
int payload_mult_luts(const gen::LayerPlan& lp);

// report: nothing more in the summary line; the akida / akida2 report section
// and summary (graded events, a parameter memory, no state memory)
std::string no_summary_extra(const Layer& l, const gen::LayerPlan& lp);
json akida_family_report(const Layer& l, const gen::LayerPlan& lp);
std::string graded_events_summary(const Layer& l, const gen::LayerPlan& lp);

extern const NeuronModelInfo kIfModel;
extern const NeuronModelInfo kLifModel;
extern const NeuronModelInfo kLoihi2Model;
extern const NeuronModelInfo kAkidaModel;
extern const NeuronModelInfo kAkida2Model;

}  // namespace sf
