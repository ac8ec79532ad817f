// The neuron-model table: one line per model. A new model adds its file in
// gen/models/ and one line here (docs/architecture.md).
#include "models/entries.h"

namespace sf {

const std::vector<const NeuronModelInfo*>& neuron_models() {
  static const std::vector<const NeuronModelInfo*> table = {
      &kIfModel, &kLifModel, &kLoihi2Model, &kAkidaModel, &kAkida2Model,
  };
  return table;
}

const NeuronModelInfo& model_info(NeuronModel m) {
  for (const NeuronModelInfo* e : neuron_models())
    if (e->id == m) return *e;
  throw std::logic_error("neuron model " + std::to_string(static_cast<int>(m)) + " has no table entry");
}

const NeuronModelInfo* find_model(const std::string& name) {
  for (const NeuronModelInfo* e : neuron_models())
    if (name == e->name) return e;
  return nullptr;
}

// Shared by the entries.

void check_weight_bits_2_to_16(const JsonCtx& c, const Layer& l) {
  if (l.weight_bits < 2)
    c.fail("weight_bits", std::to_string(l.weight_bits),
           "an integer in 2..16 (1-bit binary weights only with model \"akida\")");
}

WeightLimits signed_weight_limits(const Layer& l) {
  WeightLimits w;
  w.lo = signed_min(l.weight_bits);
  w.hi = signed_max(l.weight_bits);
  w.text = "a " + std::to_string(l.weight_bits) + "-bit signed integer (" + signed_range_text(l.weight_bits) + ")";
  return w;
}

std::vector<int64_t> get_per_neuron(const JsonCtx& c, const json& n, const std::string& key, int n_out,
                                    int64_t lo, int64_t hi, const std::string& what) {
  const json& a = c.require(n, key, "neuron.");
  if (!a.is_array() || a.size() != static_cast<size_t>(n_out))
    c.fail("neuron." + key, a.is_array() ? std::to_string(a.size()) + " entries" : describe(a),
           std::to_string(n_out) + " entries (one per neuron)");
  std::vector<int64_t> out;
  for (int o = 0; o < n_out; ++o)
    out.push_back(c.as_int(a[o], "neuron." + key + "[" + std::to_string(o) + "]", lo, hi,
                           what + " (" + std::to_string(lo) + ".." + std::to_string(hi) + ")"));
  return out;
}

std::string no_summary_extra(const Layer& /*l*/, const gen::LayerPlan& /*lp*/) { return ""; }

json akida_family_report(const Layer& l, const gen::LayerPlan& lp) {
  const NeuronModelInfo& m = model_info(l);
  return {{"output_payload_bits", lp.out_pay_bits},
          {"output_payload_signed", lp.out_pay_signed},
          {"param_bits", lp.bias_bits},
          {"state", std::string(m.state_summary) + " (no memory)"}};
}

std::string graded_events_summary(const Layer& /*l*/, const gen::LayerPlan& lp) {
  return ", events " + std::to_string(lp.out_pay_bits) + "b" + (lp.out_pay_signed ? " signed" : "");
}

PayloadFormat binary_payload(const NeuronSpec& /*spec*/) { return {1, false}; }

int64_t payload_max_of_model(const Layer& l) { return model_info(l).output_payload(l.neuron).max(); }

int no_weight_shift(const Layer& /*l*/) { return 0; }

int payload_mult_luts(const gen::LayerPlan& lp) {
  return (lp.pay_bits == 1 && !lp.pay_signed) ? lp.w_bits : lp.w_bits * (lp.pay_bits + 1);
}

}  // namespace sf
