// Golden model of the `loihi2` semantics (docs/semantics.md): Loihi 2's
// current-based LIF neuron behind a Dense connection, bit-accurate to Lava's
// PyLifModelBitAcc / PyDenseModelBitAcc (docs/semantics.md, loihi2).
//
// Written from the spec and the notes only, sharing no arithmetic with the
// `if`/`lif` golden model or the RTL: a bug in a common helper would be
// invisible to the comparison this model exists for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/events.h"

namespace sf::ref::loihi2 {

// ---- Register widths and fixed shifts (docs/semantics.md, loihi2) ----------

// u and v are 24-bit signed registers.
inline constexpr int kStateBits = 24;
// u wraps modulo 2^24 into [kUMin, kUMax].
inline constexpr int64_t kUMin = -(int64_t{1} << (kStateBits - 1));
inline constexpr int64_t kUMax = (int64_t{1} << (kStateBits - 1)) - 1;
// v saturates symmetrically at +-kVMax (Lava clips to -(2^23)+1, not -2^23).
inline constexpr int64_t kVMax = (int64_t{1} << (kStateBits - 1)) - 1;

// Decays are multiplications by (4096 - decay) / 2^12.
inline constexpr int kDecayShift = 12;
inline constexpr int64_t kDecayUnity = int64_t{1} << kDecayShift;
// du and dv are 12-bit unsigned registers.
inline constexpr int kDecayMax = (1 << 12) - 1;
// Lava's ds_offset: the current decay actually applied is du + 1, so du = 4095
// clears u every step and du = 0 still leaks 1/4096. dv has no offset.
inline constexpr int kCurrentDecayOffset = 1;

// Lava's act_shift: the dendritic input enters u as a_in << 6.
inline constexpr int kActivationShift = 6;
// Lava's vth_shift: the effective threshold is vth << 6.
inline constexpr int kThresholdShift = 6;
// vth is a 17-bit unsigned mantissa.
inline constexpr int64_t kVthMax = (int64_t{1} << 17) - 1;

// bias_mant is 13-bit signed, bias_exp 3-bit unsigned.
inline constexpr int64_t kBiasMantMin = -(int64_t{1} << 12);
inline constexpr int64_t kBiasMantMax = (int64_t{1} << 12) - 1;
inline constexpr int kBiasExpMax = 7;

// Weights are 8-bit mantissas; mixed-sign matrices get one extra (sign) bit of
// range on the negative side: [-256, 255] after clipping.
inline constexpr int kWeightBits = 8;
inline constexpr int64_t kWeightMin = -(int64_t{1} << kWeightBits);
inline constexpr int64_t kWeightMax = (int64_t{1} << kWeightBits) - 1;
// Accepted weight_exp range. Lava takes any int and the notes give no Loihi 2
// field width; -8..7 is a 4-bit signed exponent (Loihi 1's wgtExp width),
// enough for netx's pre-shifted weights (weight_exp = -scale_bits <= 0) and
// for every example in the spec.
inline constexpr int kWeightExpMin = -8;
inline constexpr int kWeightExpMax = 7;

// A spike emitted at step t enters the next layer's u at step t + 1.
inline constexpr int kSynapticDelay = 1;

// ---- Parameters ------------------------------------------------------------

// One Dense + LIF layer. du, dv, vth, bias_exp, weight_exp and
// num_weight_bits are per layer (Lava: shape (1,) Vars); bias_mant is per
// neuron.
struct Params {
  int du = 0;                      // current decay register, 0..4095 (effective du + 1)
  int dv = 0;                      // voltage decay register, 0..4095
  int64_t vth = 0;                 // threshold mantissa, 0..2^17-1 (effective vth << 6)
  std::vector<int64_t> bias_mant;  // per neuron, 13-bit signed; empty = all 0
  int bias_exp = 0;                // 0..7
  int weight_exp = 0;              // kWeightExpMin..kWeightExpMax, applied to the summed input
  int num_weight_bits = 8;         // 1..8, weight precision after truncation
};

// Throws std::invalid_argument naming the first field out of range and the
// allowed range, e.g. "loihi2: du = 4096 is outside 0..4095 (...)".
void validate(const Params& p);
// Also requires bias_mant to be empty or hold exactly num_neurons entries.
void validate(const Params& p, size_t num_neurons);

// bias_mant[neuron] << bias_exp (0 when bias_mant is empty).
int64_t effective_bias(const Params& p, size_t neuron);

// ---- Integer primitives (spec notation) -------------------------------------

// trunc0(a / 2^k): rounds toward zero, sign(a) * (|a| >> k). 0 <= k <= 62.
int64_t trunc0_shift(int64_t a, int k);
// floor(a / 2^k): an arithmetic right shift, written without relying on the
// implementation-defined >> of negative values. 0 <= k <= 62.
int64_t floor_shift(int64_t a, int k);
// wrap_24(a): the low 24 bits of a as two's complement, for any int64 a.
int64_t wrap24(int64_t a);
// clamp(a, -kVMax, kVMax).
int64_t saturate_v(int64_t a);
// Dense's output: a << weight_exp if weight_exp > 0, else floor(a / 2^-weight_exp).
// Throws std::overflow_error if the left shift leaves int64.
int64_t apply_weight_exp(int64_t a, int weight_exp);

// ---- The neuron --------------------------------------------------------------

struct State {
  int64_t u = 0;  // current, in [kUMin, kUMax]
  int64_t v = 0;  // voltage, in [-kVMax, kVMax]
};

// One timestep of one neuron (Lava run_spk order): decay u and add the input,
// decay v and add the new u and the bias, saturate, compare, reset v.
//   a_in      Dense's output for this neuron at this step, i.e. the summed
//             weighted input of the previous step after apply_weight_exp.
//   bias_mant this neuron's bias mantissa (shifted here by p.bias_exp).
// Returns whether the neuron spikes; v is then 0, u keeps its value.
// Checks the scalar parameters, bias_mant and the incoming state (throws
// std::invalid_argument); p.bias_mant is not read.
bool step(const Params& p, State& s, int64_t a_in, int64_t bias_mant);

// ---- Weight preparation (Lava weightutils; docs/semantics.md) -------

enum class SignMode { kExcitatory, kInhibitory, kMixed };

// Excitatory if every weight >= 0 (an empty or all-zero matrix included),
// inhibitory if every weight <= 0, mixed otherwise. Decided over the whole
// matrix, as Lava does, never per row.
SignMode determine_sign_mode(const std::vector<int64_t>& w);

// Clip to the sign mode's range (mixed [-256, 255], excitatory [0, 255],
// inhibitory [-255, 0]), then drop 8 - num_weight_bits (+1 if mixed) low bits:
// floor for excitatory/mixed, of the magnitude (toward zero) for inhibitory.
// `w` is the whole weight matrix, flattened in any order; the sign mode is
// determined from it unless `forced` is given (Lava's proc_params sign_mode).
// Values outside int32 are rejected: Lava stores weights in an int32 Var.
std::vector<int32_t> prepare_weights(const std::vector<int64_t>& w, int num_weight_bits,
                                     std::optional<SignMode> forced = std::nullopt);
// Same for float weights, which Lava's int32 Var first truncates toward zero
// (0.5 -> 0, -1.9 -> -1); the sign mode is decided after that cast. NaN,
// infinities and values outside int32 are rejected (numpy's cast is undefined there).
std::vector<int32_t> prepare_weights_from_float(const std::vector<double>& w, int num_weight_bits,
                                                std::optional<SignMode> forced = std::nullopt);

// [n_out][n_in] weight matrix.
using WeightMatrix = std::vector<std::vector<int32_t>>;
// prepare_weights on a whole [n_out][n_in] matrix (one sign mode for all of it).
WeightMatrix prepare_weight_matrix(const std::vector<std::vector<int64_t>>& w, int num_weight_bits,
                                   std::optional<SignMode> forced = std::nullopt);

// ---- Dense layer ------------------------------------------------------------

// Simulates Dense(weights, weight_exp) -> LIF(p) for `timesteps` steps from
// u = v = 0. Input events of step t (payload p multiplies the weight; binary
// spikes have p = 1) are summed exactly, scaled by weight_exp and enter u at
// step t + 1; events at t >= timesteps - 1 therefore never show. The weights
// must already be prepared (prepare_weight_matrix); they are only checked to
// lie in [-256, 255]. Records every spike (binary, payload 1) and u and v
// after each step's reset, [timestep][neuron], under the layer name
// `layer_name`. Throws std::invalid_argument on inconsistent sizes or
// parameters, std::overflow_error if a weighted sum leaves int64.
Trace run_dense(const WeightMatrix& weights, const Params& p, const Raster& input, int timesteps,
                const std::string& layer_name = "dense");

}  // namespace sf::ref::loihi2
