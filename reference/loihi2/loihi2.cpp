// Arithmetic of the `loihi2` golden model; see loihi2.h and README.md for the
// formulas and the choices made where Lava and the spec are silent.
#include "loihi2.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace sf::ref::loihi2 {
namespace {

// Low kStateBits bits of a two's-complement value.
constexpr uint64_t kStateMask = (uint64_t{1} << kStateBits) - 1;
// Shifts beyond this would shift a sign bit out of int64.
constexpr int kMaxShift = 62;

[[noreturn]] void throw_out_of_range(const std::string& field, int64_t value, int64_t lo, int64_t hi,
                               const char* what) {
  throw std::invalid_argument("loihi2: " + field + " = " + std::to_string(value) + " is outside " +
                              std::to_string(lo) + ".." + std::to_string(hi) + " (" + what + ")");
}

// Takes C strings so that the checks step() runs every call build no
// std::string unless they fail.
void check_range(const char* field, int64_t value, int64_t lo, int64_t hi, const char* what) {
  if (value < lo || value > hi) throw_out_of_range(field, value, lo, hi, what);
}

// For fields named with an index ("weights[3][7]"): the name is built only on failure.
template <typename Name>
void check_range_named(Name&& name, int64_t value, int64_t lo, int64_t hi, const char* what) {
  if (value < lo || value > hi) throw_out_of_range(name(), value, lo, hi, what);
}

// The O(1) part of validate(): what step() can afford to check every call.
void validate_scalars(const Params& p) {
  check_range("du", p.du, 0, kDecayMax, "12-bit current decay register; the decay applied is du + 1");
  check_range("dv", p.dv, 0, kDecayMax, "12-bit voltage decay register");
  check_range("vth", p.vth, 0, kVthMax, "17-bit unsigned threshold mantissa");
  check_range("bias_exp", p.bias_exp, 0, kBiasExpMax, "3-bit unsigned bias exponent");
  check_range("weight_exp", p.weight_exp, kWeightExpMin, kWeightExpMax, "signed weight exponent");
  check_range("num_weight_bits", p.num_weight_bits, 1, kWeightBits, "weight precision in bits");
}

constexpr const char* kBiasMantWhat = "13-bit signed bias mantissa";

void check_shift(int k) {
  if (k < 0 || k > kMaxShift)
    throw std::invalid_argument("loihi2: shift " + std::to_string(k) + " is outside 0.." +
                                std::to_string(kMaxShift));
}

// Lava's Var holds weights as int32; anything wider has no Lava meaning.
void check_int32(size_t index, int64_t w) {
  check_range_named([index] { return "weights[" + std::to_string(index) + "]"; }, w,
                    std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                    "Lava stores weights as int32");
}

int64_t clip_weight(int64_t w, SignMode mode) {
  switch (mode) {
    case SignMode::kMixed:
      return std::clamp(w, kWeightMin, kWeightMax);
    case SignMode::kExcitatory:
      return std::clamp(w, int64_t{0}, kWeightMax);
    case SignMode::kInhibitory:
      // Lava negates, clips to the excitatory range and negates back: [-255, 0].
      return -std::clamp(-w, int64_t{0}, kWeightMax);
  }
  throw std::logic_error("loihi2: unknown sign mode");
}

// Zeroes the low `bits` bits: floor for excitatory/mixed weights; Lava
// negates inhibitory weights first, so their magnitude is truncated instead.
int64_t truncate_weight(int64_t w, SignMode mode, int bits) {
  const int64_t unit = int64_t{1} << bits;
  if (mode == SignMode::kInhibitory) return -(floor_shift(-w, bits) * unit);
  return floor_shift(w, bits) * unit;
}

std::vector<int32_t> prepare_checked(const std::vector<int64_t>& w, int num_weight_bits,
                                     std::optional<SignMode> forced) {
  check_range("num_weight_bits", num_weight_bits, 1, kWeightBits, "weight precision in bits");
  const SignMode mode = forced ? *forced : determine_sign_mode(w);
  // A mixed matrix spends one of its bits on the sign.
  const int drop = kWeightBits - num_weight_bits + (mode == SignMode::kMixed ? 1 : 0);
  std::vector<int32_t> out;
  out.reserve(w.size());
  for (int64_t x : w) out.push_back(static_cast<int32_t>(truncate_weight(clip_weight(x, mode), mode, drop)));
  return out;
}

// The exact weighted sum of one step's events through one neuron's weight row.
int64_t weighted_sum(const std::vector<int32_t>& row, const std::vector<const InputEvent*>& events, size_t neuron,
                     int t) {
  int64_t sum = 0;
  for (const InputEvent* e : events) {
    int64_t term = 0;
    if (__builtin_mul_overflow(static_cast<int64_t>(row[static_cast<size_t>(e->index)]), e->payload, &term) ||
        __builtin_add_overflow(sum, term, &sum))
      throw std::overflow_error("loihi2: timestep " + std::to_string(t) + ", neuron " + std::to_string(neuron) +
                                ": weighted input sum leaves int64 (payload " + std::to_string(e->payload) +
                                " at input " + std::to_string(e->index) + ")");
  }
  return sum;
}

}  // namespace

void validate(const Params& p) {
  validate_scalars(p);
  for (size_t n = 0; n < p.bias_mant.size(); ++n)
    check_range_named([n] { return "bias_mant[" + std::to_string(n) + "]"; }, p.bias_mant[n], kBiasMantMin,
                      kBiasMantMax, kBiasMantWhat);
}

void validate(const Params& p, size_t num_neurons) {
  validate(p);
  if (!p.bias_mant.empty() && p.bias_mant.size() != num_neurons)
    throw std::invalid_argument("loihi2: bias_mant has " + std::to_string(p.bias_mant.size()) +
                                " entries, expected 0 (no bias) or one per neuron (" +
                                std::to_string(num_neurons) + ")");
}

int64_t effective_bias(const Params& p, size_t neuron) {
  if (p.bias_mant.empty()) return 0;
  // bias_exp <= 7 and |bias_mant| <= 2^12 keep this far inside int64; a
  // multiplication avoids left-shifting a negative value (UB before C++20).
  return p.bias_mant.at(neuron) * (int64_t{1} << p.bias_exp);
}

int64_t trunc0_shift(int64_t a, int k) {
  check_shift(k);
  if (k == 0) return a;
  // Shift the magnitude, computed unsigned so that INT64_MIN has one.
  const uint64_t mag = a < 0 ? uint64_t{0} - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
  const int64_t q = static_cast<int64_t>(mag >> k);
  return a < 0 ? -q : q;
}

int64_t floor_shift(int64_t a, int k) {
  check_shift(k);
  if (a >= 0) return a >> k;
  // For a < 0: floor(a / 2^k) = -ceil(-a / 2^k) = -((-a - 1) >> k) - 1.
  return -((-(a + 1)) >> k) - 1;
}

int64_t wrap24(int64_t a) {
  const uint64_t low = static_cast<uint64_t>(a) & kStateMask;
  return low > static_cast<uint64_t>(kUMax) ? static_cast<int64_t>(low) - (int64_t{1} << kStateBits)
                                            : static_cast<int64_t>(low);
}

int64_t saturate_v(int64_t a) { return std::clamp(a, -kVMax, kVMax); }

int64_t apply_weight_exp(int64_t a, int weight_exp) {
  if (weight_exp <= 0) return floor_shift(a, -weight_exp);
  check_shift(weight_exp);
  const int64_t limit = std::numeric_limits<int64_t>::max() >> weight_exp;
  if (a > limit || a < -limit)
    throw std::overflow_error("loihi2: input sum " + std::to_string(a) + " << weight_exp " +
                              std::to_string(weight_exp) + " leaves int64");
  return a * (int64_t{1} << weight_exp);
}

bool step(const Params& p, State& s, int64_t a_in, int64_t bias_mant) {
  validate_scalars(p);
  check_range("bias_mant", bias_mant, kBiasMantMin, kBiasMantMax, kBiasMantWhat);
  check_range("state u", s.u, kUMin, kUMax, "24-bit signed current");
  check_range("state v", s.v, -kVMax, kVMax, "24-bit voltage, saturated symmetrically");

  // Current: decay the OLD u toward zero, then add the input. |u| < 2^23 and
  // the factor is <= 4095, so the product cannot leave int64.
  const int64_t decayed_u = trunc0_shift(s.u * (kDecayUnity - (p.du + kCurrentDecayOffset)), kDecayShift);
  // Only the low 24 bits of a_in << 6 can reach the wrapped u, so computing
  // them unsigned (well defined for any a_in) gives the same wrap_24 result.
  const int64_t input = static_cast<int64_t>((static_cast<uint64_t>(a_in) << kActivationShift) & kStateMask);
  s.u = wrap24(decayed_u + input);

  // Voltage: decay the old v, add the NEW u and the bias, saturate.
  const int64_t decayed_v = trunc0_shift(s.v * (kDecayUnity - p.dv), kDecayShift);
  const int64_t bias = bias_mant * (int64_t{1} << p.bias_exp);
  s.v = saturate_v(decayed_v + s.u + bias);

  // Strict comparison on the saturated v; only v is reset.
  const bool spike = s.v > p.vth * (int64_t{1} << kThresholdShift);
  if (spike) s.v = 0;
  return spike;
}

SignMode determine_sign_mode(const std::vector<int64_t>& w) {
  if (w.empty()) return SignMode::kExcitatory;
  const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
  if (*lo >= 0) return SignMode::kExcitatory;  // checked first: all zeros are excitatory
  if (*hi <= 0) return SignMode::kInhibitory;
  return SignMode::kMixed;
}

std::vector<int32_t> prepare_weights(const std::vector<int64_t>& w, int num_weight_bits,
                                     std::optional<SignMode> forced) {
  for (size_t i = 0; i < w.size(); ++i) check_int32(i, w[i]);
  return prepare_checked(w, num_weight_bits, forced);
}

std::vector<int32_t> prepare_weights_from_float(const std::vector<double>& w, int num_weight_bits,
                                                std::optional<SignMode> forced) {
  std::vector<int64_t> cast;
  cast.reserve(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    // Bounds chosen so that every double strictly inside truncates into int32.
    constexpr double kBelowInt32 = static_cast<double>(std::numeric_limits<int32_t>::min()) - 1.0;
    constexpr double kAboveInt32 = static_cast<double>(std::numeric_limits<int32_t>::max()) + 1.0;
    if (!std::isfinite(w[i]) || w[i] <= kBelowInt32 || w[i] >= kAboveInt32)
      throw std::invalid_argument("loihi2: weights[" + std::to_string(i) + "] = " + std::to_string(w[i]) +
                                  " does not truncate into int32 (Lava's weight Var type)");
    cast.push_back(static_cast<int64_t>(std::trunc(w[i])));
  }
  return prepare_checked(cast, num_weight_bits, forced);
}

WeightMatrix prepare_weight_matrix(const std::vector<std::vector<int64_t>>& w, int num_weight_bits,
                                   std::optional<SignMode> forced) {
  std::vector<int64_t> flat;
  for (size_t r = 0; r < w.size(); ++r) {
    if (w[r].size() != w[0].size())
      throw std::invalid_argument("loihi2: weights[" + std::to_string(r) + "] has " + std::to_string(w[r].size()) +
                                  " inputs, weights[0] has " + std::to_string(w[0].size()));
    flat.insert(flat.end(), w[r].begin(), w[r].end());
  }
  const std::vector<int32_t> prepared = prepare_weights(flat, num_weight_bits, forced);
  WeightMatrix out(w.size());
  for (size_t r = 0, k = 0; r < w.size(); ++r) {
    out[r].assign(prepared.begin() + static_cast<std::ptrdiff_t>(k),
                  prepared.begin() + static_cast<std::ptrdiff_t>(k + w[r].size()));
    k += w[r].size();
  }
  return out;
}

Trace run_dense(const WeightMatrix& weights, const Params& p, const Raster& input, int timesteps,
                const std::string& layer_name) {
  const size_t n_out = weights.size();
  const size_t n_in = n_out > 0 ? weights[0].size() : static_cast<size_t>(input.size);
  for (size_t r = 0; r < n_out; ++r) {
    if (weights[r].size() != n_in)
      throw std::invalid_argument("loihi2: weights[" + std::to_string(r) + "] has " +
                                  std::to_string(weights[r].size()) + " inputs, weights[0] has " +
                                  std::to_string(n_in));
    for (size_t i = 0; i < n_in; ++i)
      check_range_named([r, i] { return "weights[" + std::to_string(r) + "][" + std::to_string(i) + "]"; },
                        weights[r][i], kWeightMin, kWeightMax, "prepared 8-bit weight");
  }
  validate(p, n_out);
  if (input.size < 0 || static_cast<size_t>(input.size) != n_in)
    throw std::invalid_argument("loihi2: input raster has size " + std::to_string(input.size) +
                                ", the weights have " + std::to_string(n_in) + " inputs");
  if (timesteps < 0) throw std::invalid_argument("loihi2: timesteps = " + std::to_string(timesteps) + " < 0");

  // Events grouped by the step they are emitted in; the raster need not be sorted.
  std::vector<std::vector<const InputEvent*>> emitted(static_cast<size_t>(timesteps));
  for (size_t k = 0; k < input.events.size(); ++k) {
    const InputEvent& e = input.events[k];
    if (e.t < 0 || e.index < 0 || static_cast<size_t>(e.index) >= n_in)
      throw std::invalid_argument("loihi2: input event " + std::to_string(k) + " (t " + std::to_string(e.t) +
                                  ", index " + std::to_string(e.index) + ") is outside the raster (" +
                                  std::to_string(n_in) + " inputs)");
    if (e.t < timesteps) emitted[static_cast<size_t>(e.t)].push_back(&e);
  }

  Trace trace;
  trace.network = layer_name;
  trace.semantics = "loihi2";
  trace.timesteps = timesteps;
  LayerTrace layer;
  layer.name = layer_name;
  auto& u_rows = layer.state["u"];
  auto& v_rows = layer.state["v"];
  u_rows.reserve(static_cast<size_t>(timesteps));
  v_rows.reserve(static_cast<size_t>(timesteps));

  static_assert(kSynapticDelay == 1, "the single a_buff below implements exactly one step of delay");
  std::vector<State> state(n_out);
  // Dense's a_buff: computed from step t's events, delivered at t + kSynapticDelay.
  std::vector<int64_t> a_buff(n_out, 0);
  for (int t = 0; t < timesteps; ++t) {
    std::vector<int64_t> u_row(n_out), v_row(n_out);
    for (size_t n = 0; n < n_out; ++n) {
      const int64_t bias_mant = p.bias_mant.empty() ? 0 : p.bias_mant[n];
      if (step(p, state[n], a_buff[n], bias_mant)) layer.spikes.push_back(Spike{t, static_cast<int>(n), 1});
      u_row[n] = state[n].u;
      v_row[n] = state[n].v;
    }
    u_rows.push_back(std::move(u_row));
    v_rows.push_back(std::move(v_row));
    // Lava's Dense sends last step's buffer before it receives this step's
    // spikes, which is what makes the delay exactly one step.
    const auto& events = emitted[static_cast<size_t>(t)];
    for (size_t n = 0; n < n_out; ++n) a_buff[n] = apply_weight_exp(weighted_sum(weights[n], events, n, t), p.weight_exp);
  }
  trace.layers.push_back(std::move(layer));
  return trace;
}

}  // namespace sf::ref::loihi2
