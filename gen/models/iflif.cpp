// The `if` and `lif` models (docs/semantics.md): one parameter struct, one RTL
// lane (sf_neuron_iflif), one HLS template; `if` is `lif` without a leak.
#include <algorithm>
#include <sstream>

#include "models/entries.h"
#include "models/neuron_model.h"

namespace sf {

namespace {

Leak parse_leak(const JsonCtx& c, const json& n, int v_bits) {
  Leak leak;
  if (!n.contains("leak")) return leak;
  const json& l = n.at("leak");
  const std::string p = "neuron.leak.";
  std::string kind = c.get_enum(l.is_object() ? l : json::object(), "kind",
                                {"none", "shift", "mult", "sub"}, nullptr, p);
  if (kind == "none") {
    c.check_object(l, "neuron.leak", {"kind"});
  } else if (kind == "shift") {
    c.check_object(l, "neuron.leak", {"kind", "shift"});
    leak.kind = LeakKind::Shift;
    leak.shift = static_cast<int>(c.get_int(l, "shift", 0, v_bits, p));
  } else if (kind == "mult") {
    c.check_object(l, "neuron.leak", {"kind", "beta", "frac"});
    leak.kind = LeakKind::Mult;
    leak.frac = static_cast<int>(c.get_int(l, "frac", 0, 24, p));
    leak.beta = c.get_int(l, "beta", 0, int64_t{1} << leak.frac, p);
  } else {
    c.check_object(l, "neuron.leak", {"kind", "lambda"});
    leak.kind = LeakKind::Sub;
    leak.lambda = c.get_int(l, "lambda", 0, signed_max(v_bits), p);
  }
  return leak;
}

void parse(const JsonCtx& c, const json& n, int /*n_out*/, NeuronSpec& spec) {
  c.check_object(n, "neuron", {"model", "threshold", "v_bits", "fire", "reset", "v_reset", "leak"});
  IfLifParams& p = spec.iflif;
  p.v_bits = static_cast<int>(c.get_int(n, "v_bits", 2, 32, "neuron."));
  p.threshold = c.get_int(n, "threshold", 1, signed_max(p.v_bits), "neuron.");
  p.fire = c.get_enum(n, "fire", {"ge", "gt"}, "ge", "neuron.") == std::string("ge") ? FireRule::Ge
                                                                                     : FireRule::Gt;
  std::string reset =
      c.get_enum(n, "reset", {"subtract", "zero", "none", "subtract_deferred"}, "subtract", "neuron.");
  if (reset == "subtract") p.reset = ResetMode::Subtract;
  if (reset == "zero") p.reset = ResetMode::Zero;
  if (reset == "none") p.reset = ResetMode::None;
  if (reset == "subtract_deferred") {
    if (spec.model != NeuronModel::Lif)
      c.fail("neuron.reset", "\"subtract_deferred\" with model \"if\"",
             "subtract_deferred only with model \"lif\" (semantics.md)");
    p.reset = ResetMode::SubtractDeferred;
  }
  if (n.contains("v_reset") && p.reset != ResetMode::Zero)
    c.fail("neuron.v_reset", "a value with reset \"" + reset + "\"", "v_reset only with reset \"zero\"");
  p.v_reset = c.get_int_or(n, "v_reset", signed_min(p.v_bits), signed_max(p.v_bits), 0, "neuron.");
  p.leak = parse_leak(c, n, p.v_bits);
  if (spec.model == NeuronModel::If && p.leak.kind != LeakKind::None)
    c.fail("neuron.leak", "a leak with model \"if\"", "no leak (use model \"lif\")");
  if (spec.model == NeuronModel::Lif && !n.contains("leak"))
    c.fail("neuron.leak", "nothing (missing)", "a leak for model \"lif\"");
}

json save(const NeuronSpec& spec) {
  const IfLifParams& p = spec.iflif;
  json n = {{"model", to_string(spec.model)},
            {"threshold", p.threshold},
            {"v_bits", p.v_bits},
            {"fire", to_string(p.fire)},
            {"reset", to_string(p.reset)}};
  if (p.reset == ResetMode::Zero) n["v_reset"] = p.v_reset;
  switch (p.leak.kind) {
    case LeakKind::None: break;
    case LeakKind::Shift: n["leak"] = {{"kind", "shift"}, {"shift", p.leak.shift}}; break;
    case LeakKind::Mult: n["leak"] = {{"kind", "mult"}, {"beta", p.leak.beta}, {"frac", p.leak.frac}}; break;
    case LeakKind::Sub: n["leak"] = {{"kind", "sub"}, {"lambda", p.leak.lambda}}; break;
  }
  return n;
}

int layer_bias_bits(const NeuronSpec& spec) { return spec.iflif.v_bits; }

std::vector<StateField> state_fields(const Layer& l, int /*lane_state_bits*/) {
  return {{"v", 0, l.neuron.iflif.v_bits}};
}

int weight_bits(const Layer& l, const LaneSizing& /*s*/) { return l.weight_bits; }

void size_lane(const Layer& l, LaneSizing& s) { s.v_bits = l.neuron.iflif.v_bits; }

bool needs_pending(const Layer& l) { return l.neuron.iflif.reset == ResetMode::SubtractDeferred; }

// Without leak and bias, v moves only with input; a neuron that did not fire
// holds v below the threshold (a deferred reset is pending only after a spike).
bool quiet_without_input(const Layer& l) { return l.neuron.iflif.leak.kind == LeakKind::None && !l.has_bias(); }

// Modelled cost of one lane: the accumulate adder, the payload multiplier, the
// neuron update (leak, sum, saturate, compare, reset) and the state muxes.
int lane_luts(const Layer& l, const gen::LayerPlan& lp) {
  const int leak = l.neuron.iflif.leak.kind == LeakKind::Mult ? lp.v_bits * 4 : lp.v_bits;
  return lp.acc_bits + payload_mult_luts(lp) + 4 * (std::max(lp.v_bits, lp.acc_bits) + 2) + leak;
}

// A `lif` lane with a `mult` leak: its |v| x beta multiply goes to one SB_MAC16
// under synth_ice40 -dsp (measured: 13 for 13 lanes of 16/17-bit states and
// 17-bit beta, examples/nir_fmnist). No other leak multiplies.
int lane_dsp(const Layer& l, const gen::LayerPlan& /*lp*/) {
  return l.neuron.model == NeuronModel::Lif && l.neuron.iflif.leak.kind == LeakKind::Mult ? 1 : 0;
}

json integer_thresholds(const Layer& l) { return l.neuron.iflif.threshold; }

std::string threshold_text(const Layer& l, const std::string& error) {
  return "threshold " + std::to_string(l.neuron.iflif.threshold) + " (error " + error + ")";
}

// sf_neuron_iflif's encodings of the leak and reset kinds
int leak_mode(LeakKind k) {
  switch (k) {
    case LeakKind::None: return 0;
    case LeakKind::Shift: return 1;
    case LeakKind::Mult: return 2;
    case LeakKind::Sub: return 3;
  }
  return 0;
}

int reset_mode(ResetMode r) {
  switch (r) {
    case ResetMode::Subtract: return 0;
    case ResetMode::Zero: return 1;
    case ResetMode::None: return 2;
    case ResetMode::SubtractDeferred: return 3;
  }
  return 0;
}

std::string rtl_params(const Layer& l, const gen::LayerPlan& /*lp*/) {
  const IfLifParams& np = l.neuron.iflif;
  std::ostringstream v;
  v << "    .THRESHOLD(" << np.threshold << "), .FIRE_GT(" << (np.fire == FireRule::Gt ? 1 : 0)
    << "), .RESET_MODE(" << reset_mode(np.reset) << "), .V_RESET(" << np.v_reset << "),\n"
    << "    .LEAK_MODE(" << leak_mode(np.leak.kind) << "), .LEAK_SHIFT(" << np.leak.shift
    << "), .LEAK_BETA(" << np.leak.beta << "), .LEAK_FRAC(" << np.leak.frac << "), .LEAK_SUB("
    << np.leak.lambda << "),\n";
  return v.str();
}

NeuronModelInfo make(NeuronModel id, const char* name) {
  NeuronModelInfo m{};
  m.id = id;
  m.name = name;
  m.family = "if/lif";
  m.parse = parse;
  m.save = save;
  m.check_weight_bits = check_weight_bits_2_to_16;
  m.weight_limits = signed_weight_limits;
  m.layer_bias_bits = layer_bias_bits;
  m.bias_text = "a v_bits signed integer (";
  m.check_in_network = nullptr;
  m.output_payload = binary_payload;
  m.output_max = payload_max_of_model;
  m.stateless = false;
  m.graded_events = false;
  m.synaptic_delay = false;
  m.state_fields = state_fields;
  m.state_summary = "v";
  m.weight_shift = no_weight_shift;
  m.weight_bits = weight_bits;
  m.size_lane = size_lane;
  m.needs_pending = needs_pending;
  m.quiet_without_input = quiet_without_input;
  m.lane_luts = lane_luts;
  m.lane_dsp = lane_dsp;
  m.dsp_has_lut_form = false;
  m.param_word = nullptr;
  m.integer_thresholds = integer_thresholds;
  m.threshold_text = threshold_text;
  m.report_key = nullptr;
  m.report_section = nullptr;
  m.summary_extra = no_summary_extra;
  m.rtl_params = rtl_params;
  m.rtl_lane = "sf_neuron_iflif";
  m.hls_template = "neuron_iflif.h";
  m.hls_refusal = nullptr;
  return m;
}

}  // namespace

const NeuronModelInfo kIfModel = make(NeuronModel::If, "if");
const NeuronModelInfo kLifModel = make(NeuronModel::Lif, "lif");

}  // namespace sf
