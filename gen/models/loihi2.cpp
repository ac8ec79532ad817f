// The `loihi2` model (docs/semantics.md; Lava's bit-accurate CUBA LIF behind a
// Dense process): 24-bit u and v, one step of synaptic delay, prepared weights
// in -256..255. RTL lane sf_neuron_loihi2; no HLS template.
#include <algorithm>
#include <sstream>

#include "ir/bits.h"
#include "models/entries.h"
#include "models/neuron_model.h"

namespace sf {

namespace {

// Ranges of Lava's registers (docs/semantics.md); the golden model checks them
// again, this names the file and field.
void parse(const JsonCtx& c, const json& n, int /*n_out*/, NeuronSpec& spec) {
  c.check_object(n, "neuron", {"model", "du", "dv", "vth", "bias_exp", "weight_exp"});
  Loihi2Params& q = spec.loihi2;
  q.du = static_cast<int>(c.get_int(n, "du", 0, 4095, "neuron."));
  q.dv = static_cast<int>(c.get_int(n, "dv", 0, 4095, "neuron."));
  q.vth = c.get_int(n, "vth", 0, (int64_t{1} << 17) - 1, "neuron.");
  q.bias_exp = static_cast<int>(c.get_int_or(n, "bias_exp", 0, 7, 0, "neuron."));
  q.weight_exp = static_cast<int>(c.get_int_or(n, "weight_exp", -8, 7, 0, "neuron."));
}

json save(const NeuronSpec& spec) {
  const Loihi2Params& q = spec.loihi2;
  return {{"model", "loihi2"}, {"du", q.du},         {"dv", q.dv},
          {"vth", q.vth},      {"bias_exp", q.bias_exp}, {"weight_exp", q.weight_exp}};
}

void check_weight_bits(const JsonCtx& c, const Layer& l) {
  if (l.weight_bits > 9)
    c.fail("weight_bits", std::to_string(l.weight_bits),
           "2..9 for model \"loihi2\" (prepared Loihi weights lie in -256..255)");
  check_weight_bits_2_to_16(c, l);
}

int layer_bias_bits(const NeuronSpec& /*spec*/) { return 13; }  // bias_mant

// {u, v}, 24 bits each, v in the low half
std::vector<StateField> state_fields(const Layer& /*l*/, int /*lane_state_bits*/) {
  return {{"v", 0, 24}, {"u", 24, 24}};
}

// Trailing zero bits common to all nonzero weights (0 when all are zero), at
// most 8: dropped from the weight memory (w >> w_shift) and folded into the
// exponent the lane applies to the summed input. Exact: sum(w) is
// 2^w_shift * sum(w >> w_shift). Mixed 8-bit Loihi weights are all even
// (Lava's truncation), so this saves a bit.
int weight_shift(const Layer& l) {
  uint32_t any = 0;
  for (int32_t w : l.weights) any |= static_cast<uint32_t>(w);
  if (any == 0) return 0;
  int z = 0;
  while (z < 8 && ((any >> z) & 1u) == 0) ++z;
  return z;
}

int weight_bits(const Layer& /*l*/, const LaneSizing& s) {
  return std::max(2, bits_for_range(s.shifted_w_lo, s.shifted_w_hi));
}

void size_lane(const Layer& l, LaneSizing& s) {
  s.v_bits = 48;
  s.hw_weight_exp = l.neuron.loihi2.weight_exp + s.w_shift;
}

bool no_pending(const Layer& /*l*/) { return false; }

// Two 24 x 13-bit constant decay multiplies, the u/v adders, clamp and compare;
// Yosys synth_ice40 measured 644 LUT4 for the lane alone at du = dv = 1000
// (tests/rtl_lane_loihi2); the weight_exp shift is wiring.
int lane_luts(const Layer& /*l*/, const gen::LayerPlan& lp) {
  return lp.acc_bits + payload_mult_luts(lp) + (lp.decay_impl == 0 ? 200 : 520);
}

// SB_MAC16 blocks of the decay multiplies (decay_impl 0): Yosys (synth_ice40
// -dsp) used 3 per 24 x 13-bit constant multiply (6 per lane at du = dv = 1000,
// tests/rtl_lane_loihi2); a constant of 0 or a power of two is a shift and needs none.
int lane_dsp(const Layer& l, const gen::LayerPlan& lp) {
  if (lp.decay_impl != 0) return 0;
  const auto needs = [](int k) { return k != 0 && (k & (k - 1)) != 0 ? 3 : 0; };
  return needs(4095 - l.neuron.loihi2.du) + needs(4096 - l.neuron.loihi2.dv);
}

// spike: v > vth << 6
json integer_thresholds(const Layer& l) { return l.neuron.loihi2.vth << 6; }

std::string threshold_text(const Layer& l, const std::string& /*error*/) {
  return "threshold vth << 6 = " + std::to_string(l.neuron.loihi2.vth << 6);
}

json report_section(const Layer& /*l*/, const gen::LayerPlan& lp) {
  return {{"weight_shift", lp.w_shift},
          {"hardware_weight_exp", lp.hw_weight_exp},
          {"decay", lp.decay_impl == 0 ? "multiply" : "shift_add"},
          {"dsp_modelled", lp.dsp}};
}

std::string summary_extra(const Layer& /*l*/, const gen::LayerPlan& lp) {
  return ", decays " + (lp.decay_impl == 0 ? "multiply (" + std::to_string(lp.dsp) + " DSP, modelled)" : std::string("shift-add"));
}

std::string rtl_params(const Layer& l, const gen::LayerPlan& lp) {
  const Loihi2Params& q = l.neuron.loihi2;
  std::ostringstream v;
  v << "    .DU(" << q.du << "), .DV(" << q.dv << "), .VTH(" << q.vth << "), .BIAS_EXP(" << q.bias_exp
    << "), .WEIGHT_EXP(" << lp.hw_weight_exp << "), .DECAY_IMPL(" << lp.decay_impl << "),\n";
  return v.str();
}

NeuronModelInfo make() {
  NeuronModelInfo m{};
  m.id = NeuronModel::Loihi2;
  m.name = "loihi2";
  m.family = "loihi2";
  m.parse = parse;
  m.save = save;
  m.check_weight_bits = check_weight_bits;
  m.weight_limits = signed_weight_limits;
  m.layer_bias_bits = layer_bias_bits;
  m.bias_text = "a 13-bit signed bias_mant (";
  m.check_in_network = nullptr;
  m.output_payload = binary_payload;
  m.output_max = payload_max_of_model;
  m.stateless = false;
  m.graded_events = false;
  m.synaptic_delay = true;
  m.state_fields = state_fields;
  m.state_summary = "u+v";
  m.weight_shift = weight_shift;
  m.weight_bits = weight_bits;
  m.size_lane = size_lane;
  m.needs_pending = no_pending;
  m.lane_luts = lane_luts;
  m.lane_dsp = lane_dsp;
  m.dsp_has_lut_form = true;
  m.param_word = nullptr;
  m.integer_thresholds = integer_thresholds;
  m.threshold_text = threshold_text;
  m.report_key = "loihi2";
  m.report_section = report_section;
  m.summary_extra = summary_extra;
  m.rtl_params = rtl_params;
  m.rtl_lane = "sf_neuron_loihi2";
  m.hls_template = nullptr;
  m.hls_refusal = "has no HLS template yet";
  return m;
}

}  // namespace

const NeuronModelInfo kLoihi2Model = make();

}  // namespace sf
