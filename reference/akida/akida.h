// Golden model of the `akida` (Akida 1.0) and `akida2` (Akida 2.0) semantics
// of docs/semantics.md: BrainChip Akida's integer layer math, as the open
// converter and quantizer (cnn2snn, quantizeml) and the runtime's docstrings
// describe it (docs/semantics.md, sources). It is NOT a description of the silicon: the
// Akida engine is closed, and README.md lists every choice made here where
// the spec and the notes are silent.
//
// Written from the spec and the notes only, sharing no arithmetic with the
// other golden models or the RTL: a bug in a common helper would be invisible
// to the comparison this model exists for.
//
// Both generations are stateless: every timestep (an input frame or packet)
// is computed from that step's input events alone. Outputs are multi-bit
// events; an output of value 0 is not emitted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/events.h"

namespace sf::ref::akida {

// ---- Shared data -------------------------------------------------------------

// One event of one timestep: input or neuron `index` carries `value`.
struct Event {
  int index = 0;
  int64_t value = 0;
  bool operator==(const Event& o) const { return index == o.index && value == o.value; }
  bool operator!=(const Event& o) const { return !(*this == o); }
};

// [n_out][n_in] integer weights of a dense (fully connected) layer.
using WeightMatrix = std::vector<std::vector<int64_t>>;

// A feature map of integers (potentials or accumulators) in HWC order, as
// Keras and Akida lay out tensors: data[(y * width + x) * channels + c].
// Events from a map use that flat position as their index.
struct Map {
  int height = 0;
  int width = 0;
  int channels = 0;
  std::vector<int64_t> data;

  Map() = default;
  // Throws std::invalid_argument unless every dimension is >= 1.
  Map(int height, int width, int channels, int64_t fill = 0);
  size_t flat_index(int y, int x, int c) const;
  int64_t& at(int y, int x, int c) { return data.at(flat_index(y, x, c)); }
  int64_t at(int y, int x, int c) const { return data.at(flat_index(y, x, c)); }
};

// TF padding: kValid keeps only full windows; kSame gives ceil(n / stride)
// outputs, pads pad_total = max((out - 1) * stride + k - n, 0) cells split
// with the smaller half first, and padded cells take no part in the max.
enum class Padding { kValid, kSame };

// Max over each pool_h x pool_w window, per channel. Sizes and strides >= 1;
// a VALID window larger than the map is rejected. Akida's hardware limits on
// pool sizes (notes section 1.4 / 2.2) are checked before generation, not here.
Map max_pool(const Map& in, int pool_h, int pool_w, int stride_h, int stride_w, Padding padding);

// Global pooling as Akida does it: the exact integer SUM over height x width,
// one value per channel (never divided). Throws std::overflow_error if a sum
// leaves int64.
std::vector<int64_t> global_sum(const Map& in);

// ---- Akida 1.0 (`akida`) -----------------------------------------------------

// threshold and act_step are range-checked as signed 20-bit values (24-bit on
// the input layer, InputConvolutional): -2^(b-1) <= v < 2^(b-1), as the
// runtime's hardware-compatibility checker does.
inline constexpr int kV1ThresholdBits = 20;
inline constexpr int kV1InputThresholdBits = 24;

// act_step: a positive float32 held exactly as mantissa / 2^frac_bits.
// Normalized (the mantissa is odd), so equal values compare equal. frac_bits
// may be negative (act_step >= 2). Every float32 fits: mantissa < 2^24,
// frac_bits in -104..149.
class ActStep {
 public:
  // Largest mantissa accepted (from_ratio, times): 2^53 - 1, so that the value
  // is also exactly a double (used only in messages).
  static constexpr uint64_t kMaxMantissa = (uint64_t{1} << 53) - 1;
  // Accepted frac_bits after normalization.
  static constexpr int kMinFracBits = -256;
  static constexpr int kMaxFracBits = 256;

  ActStep() = default;  // 1.0
  // The exact value of `v`. Throws std::invalid_argument naming act_step for
  // zero, negative, NaN or infinite values.
  static ActStep from_float(float v);
  // mantissa / 2^frac_bits, normalized. Throws std::invalid_argument if
  // mantissa is 0 or, after normalization, above kMaxMantissa, or if
  // frac_bits leaves kMinFracBits..kMaxFracBits.
  static ActStep from_ratio(uint64_t mantissa, int frac_bits);

  uint64_t mantissa() const { return mantissa_; }
  int frac_bits() const { return frac_bits_; }
  double to_double() const;
  // "0.75 (= 3 / 2^2)": the decimal value and its exact form.
  std::string str() const;
  // The exact product act_step * factor (factor >= 1), as global average
  // pooling needs it. Throws std::invalid_argument if it does not fit.
  ActStep times(uint64_t factor) const;

  bool operator==(const ActStep& o) const { return mantissa_ == o.mantissa_ && frac_bits_ == o.frac_bits_; }
  bool operator!=(const ActStep& o) const { return !(*this == o); }

 private:
  ActStep(uint64_t m, int f) : mantissa_(m), frac_bits_(f) {}
  uint64_t mantissa_ = 1;
  int frac_bits_ = 0;
};

// One Akida 1.0 layer (FullyConnected, Convolutional, ... or, with
// input_layer, InputConvolutional).
struct V1Params {
  // InputConvolutional: allows 8-bit inputs and weights, 24-bit threshold/act_step.
  bool input_layer = false;
  int in_bits = 1;      // unsigned inputs 0..2^in_bits-1; {1,2,4} (+8 on the input layer)
  int weight_bits = 2;  // {1,2,4} (+8 on the input layer); see validate_weights
  int act_bits = 1;     // {1,2,4}
  // Per neuron (dense) or per channel (maps); a single entry applies to all.
  std::vector<int64_t> threshold{0};
  std::vector<ActStep> act_step{ActStep{}};
};

// Throws std::invalid_argument naming the first field out of range and the
// allowed range, e.g. "akida: act_bits = 3 is not one of {1, 2, 4} (...)".
void validate(const V1Params& p);
// Also requires threshold and act_step to hold 1 or num_neurons entries.
void validate(const V1Params& p, size_t num_neurons);
// A rectangular matrix whose every weight fits weight_bits: |w| <= 2^(b-1)-1
// for b >= 2 (symmetric, mid-tread); b = 1 weights are binary {0, 1}.
void validate_weights(const WeightMatrix& w, const V1Params& p);
// Every event's index in 0..num_inputs-1, at most one event per index, and
// its value an unsigned in_bits integer (0 is allowed and adds nothing).
void validate_inputs(const std::vector<Event>& events, size_t num_inputs, const V1Params& p);

// threshold[n] and act_step[n] (the single entry when there is one).
int64_t v1_threshold(const V1Params& p, size_t neuron);
const ActStep& v1_act_step(const V1Params& p, size_t neuron);

// The activation of potential p:
//   0                                              if p <= threshold
//   min(ceil((p - threshold) / s_eff), 2^act_bits - 1)   otherwise,
//   s_eff = act_step * 2^(4 - act_bits)
// computed exactly in integers (no floating point). Checks act_bits only; the
// threshold's 20/24-bit range is a layer property (validate).
int64_t v1_activation(int64_t p, int64_t threshold, const ActStep& act_step, int act_bits);

// p[n] = sum over events of w[n][i] * value, exact. Validates everything.
// Throws std::overflow_error if a sum leaves int64.
std::vector<int64_t> v1_dense_potentials(const WeightMatrix& w, const V1Params& p, const std::vector<Event>& in);
// Activation of each potential with neuron n's threshold and act_step;
// returns the non-zero outputs in neuron order.
std::vector<Event> v1_activate(const std::vector<int64_t>& potentials, const V1Params& p);
// One timestep of a FullyConnected layer: v1_activate(v1_dense_potentials(...)).
std::vector<Event> v1_dense_step(const WeightMatrix& w, const V1Params& p, const std::vector<Event>& in);
// Activation of a potential map with per-channel threshold/act_step (after
// max pooling, when the layer pools); non-zero outputs, index = flat HWC position.
std::vector<Event> v1_activate_map(const Map& potentials, const V1Params& p);
// The parameters a layer stores when it ends in global average pooling:
// threshold and act_step of the mean-domain layer multiplied by height*width,
// exactly, and validated again (the products must still fit 20/24 bits).
V1Params v1_gap_params(const V1Params& mean_domain, int height, int width);
// One timestep of a global-average-pooled layer: the activation of
// global_sum(potentials) with the STORED (already multiplied) parameters.
// Output index = channel.
std::vector<Event> v1_gap_step(const Map& potentials, const V1Params& stored);

// Runs a FullyConnected layer for `timesteps` steps. Each step uses that
// step's raster events only (payload = input value); events at t >= timesteps
// are ignored. Records every output event (payload = activation) and the
// potential p of every neuron at every step (state "p"), semantics "akida".
Trace v1_run_dense(const WeightMatrix& w, const V1Params& p, const Raster& input, int timesteps,
                   const std::string& layer_name = "dense");

// ---- Akida 2.0 (`akida2`) ----------------------------------------------------

// Upper bound of the uint8 shift fields (input_shift, bias_shift,
// max_value_shift): 32 = post_op_buffer_bits, the widest register documented.
inline constexpr int kV2MaxShift = 32;
inline constexpr int kV2DefaultBufferBits = 28;
inline constexpr int kV2MaxBufferBits = 32;

struct V2Params {
  int input_bits = 8;         // 4 or 8
  bool input_signed = false;  // signed: -2^(b-1)..2^(b-1)-1; unsigned: 0..2^b-1
  int weight_bits = 8;        // 4 or 8, two's complement
  // Per input (dense: every input is its own channel); empty = all 0, a single entry applies to all.
  std::vector<int> input_shift;
  // Per neuron; empty = all 0, a single entry applies to all.
  std::vector<int64_t> bias;               // int8
  std::vector<int> bias_shift;             // 0..kV2MaxShift
  int buffer_bits = kV2DefaultBufferBits;  // signed accumulator width, 2..32
  bool relu = false;
  std::optional<int64_t> max_value;  // uint8; nullopt = unbounded ReLU
  int max_value_shift = 0;           // 0..kV2MaxShift
  // Per neuron (or per channel for maps); a single entry applies to all.
  std::vector<int64_t> output_scale{1};  // uint8
  std::vector<int> output_shift{0};      // int8: >= 0 left shift, < 0 rounded right shift
  int output_bits = 8;                   // 4 or 8; unsigned after ReLU, signed otherwise
};

// Throws std::invalid_argument naming the first field out of range and the
// allowed range ("akida2: ...").
void validate(const V2Params& p);
// Also checks the sizes of the per-neuron vectors (0/1/num_neurons entries;
// output_scale and output_shift need 1 or num_neurons).
void validate(const V2Params& p, size_t num_neurons);
// And input_shift's size (0, 1 or num_inputs).
void validate(const V2Params& p, size_t num_neurons, size_t num_inputs);
// A rectangular matrix of weight_bits two's-complement integers.
void validate_weights(const WeightMatrix& w, const V2Params& p);
// Indexes in range, at most one event per index, values in the input range.
void validate_inputs(const std::vector<Event>& events, size_t num_inputs, const V2Params& p);

// sat_b: clamp to -2^(b-1)..2^(b-1)-1 (signed) or 0..2^b-1 (unsigned); 1 <= b <= 62.
int64_t saturate_signed(int64_t v, int bits);
int64_t saturate_unsigned(int64_t v, int bits);

// ReLU: clamp(acc, 0, max_value << max_value_shift), or max(acc, 0) when
// max_value is nullopt. Checks max_value (uint8) and the shift.
int64_t v2_relu(int64_t acc, std::optional<int64_t> max_value, int max_value_shift);
// The output stage: y = acc * output_scale; y << output_shift if
// output_shift >= 0, else floor((y + 2^(s-1)) / 2^s) with s = -output_shift
// (round half up); then saturated to output_bits, unsigned or signed.
// Exact for any int64 acc. Checks scale (uint8), shift (int8), output_bits.
int64_t v2_scale_out(int64_t acc, int64_t output_scale, int output_shift, int output_bits, bool output_unsigned);
// ReLU (when enabled) and the output stage with neuron/channel n's scale and shift.
int64_t v2_output(int64_t acc, const V2Params& p, size_t neuron);

// acc[n] = sat_buffer_bits( sum w[n][i] * (x_i << input_shift[i]) + (bias[n] << bias_shift[n]) ),
// exact before the single saturation of the final sum. Validates everything.
std::vector<int64_t> v2_dense_accumulate(const WeightMatrix& w, const V2Params& p, const std::vector<Event>& in);
// v2_output of each value (any int64: a global sum may exceed the buffer);
// the non-zero outputs in neuron order.
std::vector<Event> v2_outputs(const std::vector<int64_t>& acc, const V2Params& p);
// One timestep of a Dense1D layer: v2_outputs(v2_dense_accumulate(...)).
std::vector<Event> v2_dense_step(const WeightMatrix& w, const V2Params& p, const std::vector<Event>& in);
// Outputs of an accumulator map (after max pooling, when the layer pools)
// with per-channel parameters; every value must lie in the buffer_bits range.
// Non-zero outputs, index = flat HWC position.
std::vector<Event> v2_outputs_map(const Map& acc, const V2Params& p);
// One timestep of a layer ending in global average pooling: the per-channel
// sum of the (buffer-range) accumulator map, NOT saturated again, then ReLU
// and the output stage (1/(H*W) lives in output_scale/output_shift).
// Output index = channel.
std::vector<Event> v2_gap_step(const Map& acc, const V2Params& p);

// Runs a Dense1D layer for `timesteps` steps, as v1_run_dense; state "acc"
// is the saturated accumulator before ReLU, semantics "akida2".
Trace v2_run_dense(const WeightMatrix& w, const V2Params& p, const Raster& input, int timesteps,
                   const std::string& layer_name = "dense");

// quantizeml's offline float -> FixedPoint quantization: round x * 2^frac_bits
// half to EVEN (tf.math.round), then saturate to -2^value_bits..2^value_bits-1
// (value_bits excludes the sign). Converter-side only: run-time rescaling
// rounds half up (v2_scale_out). value_bits 1..62, frac_bits -62..62; NaN and
// infinities are rejected.
int64_t fixed_point_quantize(double x, int frac_bits, int value_bits);

}  // namespace sf::ref::akida
