// The `akida` model (Akida 1.0, docs/semantics.md), dense layers: stateless,
// each step's output is the quantized activation of that step's potential
// p = sum(w x) - T, with unsigned act_bits events. RTL lane sf_neuron_akida;
// no HLS template.
#include <algorithm>
#include <sstream>

#include "ir/bits.h"
#include "ir/error.h"
#include "models/entries.h"
#include "models/neuron_model.h"

namespace sf {

namespace {

// threshold signed 20 bits (24 on the input layer); act_step = mantissa /
// 2^frac_bits, a positive float32's exact value, below 2^19 (2^23 on the input
// layer) like the threshold.
void parse(const JsonCtx& c, const json& n, int n_out, NeuronSpec& spec) {
  AkidaParams& q = spec.akida;
  c.check_object(n, "neuron", {"model", "act_bits", "act_step", "threshold", "input_layer"});
  q.input_layer = c.get_bool_or(n, "input_layer", false, "neuron.");
  q.act_bits = static_cast<int>(c.get_int(n, "act_bits", 1, 4, "neuron."));
  if (q.act_bits == 3) c.fail("neuron.act_bits", "3", "1, 2 or 4 (Akida 1.0 activation bits)");
  const int tb = q.input_layer ? 24 : 20;
  const std::string tw = "a signed " + std::to_string(tb) + "-bit threshold" +
                         (q.input_layer ? " (input layer)" : " (24 bits only with input_layer)");
  q.threshold = get_per_neuron(c, n, "threshold", n_out, signed_min(tb), signed_max(tb), tw);
  const json& st = c.require(n, "act_step", "neuron.");
  if (!st.is_object()) c.fail("neuron.act_step", describe(st), "an object {\"mantissa\": M, \"frac_bits\": F}");
  c.check_object(st, "neuron.act_step", {"mantissa", "frac_bits"});
  q.act_step_m = static_cast<uint64_t>(c.get_int(st, "mantissa", 1, (int64_t{1} << 24) - 1, "neuron.act_step."));
  q.act_step_f = static_cast<int>(c.get_int(st, "frac_bits", -104, 149, "neuron.act_step."));
  // act_step < 2^(tb-1)  <=>  mantissa < 2^(tb-1+frac_bits)
  const int e = tb - 1 + q.act_step_f;
  if (e <= 0 || (e < 64 && q.act_step_m >= (uint64_t{1} << e)))
    c.fail("neuron.act_step", std::to_string(q.act_step_m) + " / 2^" + std::to_string(q.act_step_f),
           "0 < act_step < 2^" + std::to_string(tb - 1) + " (signed " + std::to_string(tb) +
               "-bit range, as the threshold)");
}

json save(const NeuronSpec& spec) {
  const AkidaParams& q = spec.akida;
  return {{"model", "akida"},
          {"act_bits", q.act_bits},
          {"act_step", {{"mantissa", q.act_step_m}, {"frac_bits", q.act_step_f}}},
          {"threshold", q.threshold},
          {"input_layer", q.input_layer}};
}

void check_weight_bits(const JsonCtx& c, const Layer& l) {
  const int b = l.weight_bits;
  const bool ok = b == 1 || b == 2 || b == 4 || (b == 8 && l.neuron.akida.input_layer);
  if (!ok) c.fail("weight_bits", std::to_string(b), "1, 2 or 4 for model \"akida\" (8 only with neuron.input_layer true)");
}

// symmetric |w| <= 2^(b-1) - 1, and binary {0, 1} for b = 1
WeightLimits weight_limits(const Layer& l) {
  WeightLimits w;
  w.hi = l.weight_bits == 1 ? 1 : signed_max(l.weight_bits);
  w.lo = l.weight_bits == 1 ? 0 : -w.hi;
  w.text = l.weight_bits == 1 ? std::string("a 1-bit akida weight (binary 0..1)")
                              : "a " + std::to_string(l.weight_bits) + "-bit symmetric akida weight (" +
                                    std::to_string(w.lo) + ".." + std::to_string(w.hi) + ")";
  return w;
}

int no_layer_bias(const NeuronSpec& /*spec*/) { return 0; }

// Only the first layer is an input layer (InputConvolutional), and it takes the
// network's unsigned 1, 2 or 4-bit events (8 as an input layer).
void check_in_network(const std::string& path, const Network& net, size_t k) {
  const Layer& l = net.layers[k];
  if (l.neuron.akida.input_layer && k > 0)
    JsonCtx(path, "layer '" + l.name + "'")
        .fail("neuron.input_layer", "true on layer " + std::to_string(k),
              "false: only the first layer is an input layer (InputConvolutional)");
  if (k == 0) {
    const int b = net.input_payload_bits;
    const bool ok = b == 1 || b == 2 || b == 4 || (b == 8 && l.neuron.akida.input_layer);
    if (net.input_payload_signed || !ok)
      JsonCtx(path, "").fail("input.payload_bits", std::to_string(b) + (net.input_payload_signed ? " signed" : " unsigned"),
                             "unsigned 1, 2 or 4 bits for an \"akida\" network (8 when its first layer has "
                             "input_layer true)");
  }
}

PayloadFormat output_payload(const NeuronSpec& spec) { return {spec.akida.act_bits, false}; }

// the step's potential p (acc_bits wide: the lane state word)
std::vector<StateField> state_fields(const Layer& /*l*/, int lane_state_bits) { return {{"p", 0, lane_state_bits}}; }

int weight_bits(const Layer& l, const LaneSizing& /*s*/) { return std::max(2, l.weight_bits); }  // binary: 2 signed bits

void size_lane(const Layer& l, LaneSizing& s) {
  const AkidaParams& q = l.neuron.akida;
  int64_t lo = 0, hi = 0;
  for (int64_t t : q.threshold) lo = std::min(lo, t), hi = std::max(hi, t);
  s.param_mem = true;
  s.param_bits = std::max(2, bits_for_range(lo, hi));  // the lane's T_BITS
  s.v_bits = s.acc_bits;                               // state "p": the step's potential
  // act_step as the lane takes it: normalized (odd mantissa), and a step so
  // small that every rung is 0 (frac_bits > 40) as 1 / 2^40, which has the same rungs
  uint64_t m = q.act_step_m;
  int f = q.act_step_f;
  while (m > 1 && (m & 1u) == 0) m >>= 1, --f;
  if (f > 40) m = 1, f = 40;  // every rung floor((j-1) m / 2^K) is 0 either way (K >= 37)
  if (f < -24 || m >= (uint64_t{1} << 31))
    throw InputError(s.at + "act_step: found " + std::to_string(q.act_step_m) + " / 2^" +
                     std::to_string(q.act_step_f) + ", expected a float32 value below 2^23");
  s.hw_step_m = static_cast<int64_t>(m);
  s.hw_step_f = f;
}

bool no_pending(const Layer& /*l*/) { return false; }

// p - T and a ladder of 2^act_bits - 1 constant compares (modelled, not measured)
int lane_luts(const Layer& l, const gen::LayerPlan& lp) {
  return lp.acc_bits + payload_mult_luts(lp) +
         ((1 << l.neuron.akida.act_bits) - 1) * std::max(lp.acc_bits, lp.bias_bits) / 2 + 8;
}

int lane_dsp(const Layer& /*l*/, const gen::LayerPlan& /*lp*/) { return 0; }

int64_t param_word(const Layer& l, size_t n) { return l.neuron.akida.threshold[n]; }

json integer_thresholds(const Layer& l) { return l.neuron.akida.threshold; }

std::string threshold_text(const Layer& /*l*/, const std::string& /*error*/) {
  return "thresholds per neuron (bias folded in)";
}

std::string rtl_params(const Layer& l, const gen::LayerPlan& lp) {
  std::ostringstream v;
  v << "    .ACT_BITS(" << l.neuron.akida.act_bits << "), .STEP_M(" << lp.hw_step_m << "), .STEP_F(" << lp.hw_step_f
    << "),\n";
  return v.str();
}

NeuronModelInfo make() {
  NeuronModelInfo m{};
  m.id = NeuronModel::Akida;
  m.name = "akida";
  m.family = "akida";
  m.parse = parse;
  m.save = save;
  m.check_weight_bits = check_weight_bits;
  m.weight_limits = weight_limits;
  m.layer_bias_bits = no_layer_bias;
  m.bias_refusal = "no layer bias (akida folds it into neuron.threshold)";
  m.check_in_network = check_in_network;
  m.output_payload = output_payload;
  m.output_max = payload_max_of_model;
  m.stateless = true;
  m.graded_events = true;
  m.synaptic_delay = false;
  m.state_fields = state_fields;
  m.state_summary = "p";
  m.weight_shift = no_weight_shift;
  m.weight_bits = weight_bits;
  m.size_lane = size_lane;
  m.needs_pending = no_pending;
  m.lane_luts = lane_luts;
  m.lane_dsp = lane_dsp;
  m.dsp_has_lut_form = false;
  m.param_word = param_word;
  m.integer_thresholds = integer_thresholds;
  m.threshold_text = threshold_text;
  m.report_key = "akida";
  m.report_section = akida_family_report;
  m.summary_extra = graded_events_summary;
  m.rtl_params = rtl_params;
  m.rtl_lane = "sf_neuron_akida";
  m.hls_template = nullptr;
  m.hls_refusal = "(stateless, multi-bit events) has no HLS template yet";
  return m;
}

}  // namespace

const NeuronModelInfo kAkidaModel = make();

}  // namespace sf
