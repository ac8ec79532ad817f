// The `akida2` model (Akida 2.0, docs/semantics.md), Dense1D layers:
// stateless; input shift, int8 bias with its shift, a saturating accumulator,
// optional (bounded) ReLU, per-neuron uint8 output scale and a rounding output
// shift; 4 or 8-bit events. RTL lane sf_neuron_akida2; no HLS template.
#include <algorithm>
#include <sstream>

#include "ir/error.h"
#include "models/entries.h"
#include "models/neuron_model.h"

namespace sf {

namespace {

void parse(const JsonCtx& c, const json& n, int n_out, NeuronSpec& spec) {
  Akida2Params& q = spec.akida2;
  c.check_object(n, "neuron", {"model", "input_shift", "bias", "bias_shift", "buffer_bits", "relu", "max_value",
                               "max_value_shift", "output_scale", "output_shift", "output_bits"});
  q.input_shift = static_cast<int>(c.get_int_or(n, "input_shift", 0, 32, 0, "neuron."));
  if (n.contains("bias")) q.bias = get_per_neuron(c, n, "bias", n_out, -128, 127, "an int8 bias");
  q.bias_shift = static_cast<int>(c.get_int_or(n, "bias_shift", 0, 32, 0, "neuron."));
  q.buffer_bits = static_cast<int>(c.get_int_or(n, "buffer_bits", 2, 32, 28, "neuron."));
  q.relu = c.get_bool_or(n, "relu", false, "neuron.");
  q.has_max_value = n.contains("max_value");
  if (q.has_max_value && !q.relu)
    c.fail("neuron.max_value", "a value with relu false", "max_value only with relu true (it bounds the ReLU)");
  if (q.has_max_value) q.max_value = c.get_int(n, "max_value", 0, 255, "neuron.");
  if (n.contains("max_value_shift") && !q.has_max_value)
    c.fail("neuron.max_value_shift", "a value without max_value", "max_value_shift only with max_value");
  q.max_value_shift = static_cast<int>(c.get_int_or(n, "max_value_shift", 0, 32, 0, "neuron."));
  q.output_scale = get_per_neuron(c, n, "output_scale", n_out, 0, 255, "a uint8 output scale");
  q.output_shift = static_cast<int>(c.get_int_or(n, "output_shift", -128, 127, 0, "neuron."));
  q.output_bits = static_cast<int>(c.get_int(n, "output_bits", 4, 8, "neuron."));
  if (q.output_bits != 4 && q.output_bits != 8)
    c.fail("neuron.output_bits", std::to_string(q.output_bits), "4 or 8 (Akida 2.0 activation bits)");
}

json save(const NeuronSpec& spec) {
  const Akida2Params& q = spec.akida2;
  json n = {{"model", "akida2"},       {"input_shift", q.input_shift}, {"bias_shift", q.bias_shift},
            {"buffer_bits", q.buffer_bits}, {"relu", q.relu},        {"output_scale", q.output_scale},
            {"output_shift", q.output_shift}, {"output_bits", q.output_bits}};
  if (!q.bias.empty()) n["bias"] = q.bias;
  if (q.has_max_value) n["max_value"] = q.max_value, n["max_value_shift"] = q.max_value_shift;
  return n;
}

void check_weight_bits(const JsonCtx& c, const Layer& l) {
  if (l.weight_bits != 4 && l.weight_bits != 8)
    c.fail("weight_bits", std::to_string(l.weight_bits), "4 or 8 for model \"akida2\" (int4 / int8 weights)");
}

int no_layer_bias(const NeuronSpec& /*spec*/) { return 0; }

void check_in_network(const std::string& path, const Network& net, size_t k) {
  if (k == 0 && net.input_payload_bits != 4 && net.input_payload_bits != 8)
    JsonCtx(path, "").fail("input.payload_bits", std::to_string(net.input_payload_bits),
                           "4 or 8 for an \"akida2\" network (Akida 2.0 input bits)");
}

// unsigned after ReLU, signed otherwise
PayloadFormat output_payload(const NeuronSpec& spec) { return {spec.akida2.output_bits, !spec.akida2.relu}; }

// The largest value the layer emits: with ReLU, y is nondecreasing in acc,
// which is at most the ReLU cap and the saturated buffer's maximum. A layer
// whose bounded ReLU and rescale cap it at 1 emits only 1s through a wider
// payload (quantize --target akida2 builds such layers).
int64_t output_max(const Layer& l) {
  const PayloadFormat f = output_payload(l.neuron);
  const Akida2Params& p = l.neuron.akida2;
  if (!p.relu) return f.max();
  int64_t cap = (int64_t{1} << (p.buffer_bits - 1)) - 1;
  if (p.has_max_value && p.max_value_shift < 40) cap = std::min(cap, p.max_value << p.max_value_shift);
  int64_t y_max = 0;
  for (int64_t s : p.output_scale) {
    const int64_t y = cap * s;  // < 2^31 · 2^8
    int64_t r;
    if (p.output_shift >= 0)
      r = p.output_shift >= 24 && y > 0 ? f.max() : y << p.output_shift;
    else if (-p.output_shift >= 62)
      r = 0;
    else
      r = (y + (int64_t{1} << (-p.output_shift - 1))) >> -p.output_shift;
    y_max = std::max(y_max, std::min(r, f.max()));
  }
  return y_max;
}

// the accumulator saturated to buffer_bits (the lane state word)
std::vector<StateField> state_fields(const Layer& /*l*/, int lane_state_bits) { return {{"acc", 0, lane_state_bits}}; }

int weight_bits(const Layer& l, const LaneSizing& /*s*/) { return std::max(2, l.weight_bits); }

void size_lane(const Layer& l, LaneSizing& s) {
  const Akida2Params& q = l.neuron.akida2;
  s.param_mem = true;
  s.param_bits = 16;          // {output_scale uint8, bias int8}
  s.v_bits = q.buffer_bits;   // state "acc": the saturated accumulator
  s.sum_bits = s.acc_bits + q.input_shift;
  if (s.sum_bits > 48)
    throw InputError(s.at + "input sum << input_shift: needs " + std::to_string(s.sum_bits) + " bits (input sum " +
                     std::to_string(s.acc_bits) + " bits, input_shift " + std::to_string(q.input_shift) +
                     "), expected at most 48 (the akida2 lane's SUM_BITS)");
}

bool no_pending(const Layer& /*l*/) { return false; }

// bias add and saturation, ReLU clamp, 8-bit scale multiply, rounding shift (modelled)
int lane_luts(const Layer& l, const gen::LayerPlan& lp) {
  const int b = l.neuron.akida2.buffer_bits;
  return lp.acc_bits + payload_mult_luts(lp) + 2 * lp.sum_bits + 2 * b + 8 * b + 2 * (b + 9);
}

// the rescale acc x output_scale (a 28 x 8-bit product) takes two SB_MAC16s
// (measured: 10 for 4 + 1 lanes, examples/akida_fmnist, of which the planner's
// row address model counts one more)
int lane_dsp(const Layer& /*l*/, const gen::LayerPlan& /*lp*/) { return 2; }

// {output_scale, bias}, the scale in bits 15..8
int64_t param_word(const Layer& l, size_t n) {
  const Akida2Params& q = l.neuron.akida2;
  const int64_t b = q.bias.empty() ? 0 : q.bias[n];
  return q.output_scale[n] * 256 + (b & 0xff);
}

// fires when sum(w x) + (bias << bias_shift) >= 1: the threshold is -bias << bias_shift
json integer_thresholds(const Layer& l) {
  json t = json::array();
  for (int64_t b : l.neuron.akida2.bias) t.push_back(-b * (int64_t{1} << l.neuron.akida2.bias_shift));
  return t;
}

std::string threshold_text(const Layer& l, const std::string& error) {
  return "thresholds per neuron as the bias path (bias_shift " + std::to_string(l.neuron.akida2.bias_shift) +
         ", threshold error " + error + ")";
}

std::string rtl_params(const Layer& l, const gen::LayerPlan& /*lp*/) {
  const Akida2Params& q = l.neuron.akida2;
  std::ostringstream v;
  v << "    .INPUT_SHIFT(" << q.input_shift << "), .BUFFER_BITS(" << q.buffer_bits << "), .BIAS_SHIFT("
    << q.bias_shift << "),\n"
    << "    .RELU(" << (q.relu ? 1 : 0) << "), .MAX_EN(" << (q.has_max_value ? 1 : 0) << "), .MAX_VALUE("
    << (q.has_max_value ? q.max_value : 255) << "), .MAX_VALUE_SHIFT(" << q.max_value_shift
    << "), .OUT_SHIFT(" << q.output_shift << "), .OUTPUT_BITS(" << q.output_bits << "),\n";
  return v.str();
}

NeuronModelInfo make() {
  NeuronModelInfo m{};
  m.id = NeuronModel::Akida2;
  m.name = "akida2";
  m.family = "akida2";
  m.parse = parse;
  m.save = save;
  m.check_weight_bits = check_weight_bits;
  m.weight_limits = signed_weight_limits;
  m.layer_bias_bits = no_layer_bias;
  m.bias_refusal = "no layer bias (akida2 takes its int8 bias in neuron.bias)";
  m.check_in_network = check_in_network;
  m.output_payload = output_payload;
  m.output_max = output_max;
  m.stateless = true;
  m.graded_events = true;
  m.synaptic_delay = false;
  m.state_fields = state_fields;
  m.state_summary = "acc";
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
  m.rtl_lane = "sf_neuron_akida2";
  m.hls_template = nullptr;
  m.hls_refusal = "(stateless, multi-bit events) has no HLS template yet";
  return m;
}

}  // namespace

const NeuronModelInfo kAkida2Model = make();

}  // namespace sf
