// SpikeForge IR: the in-memory form of a `spikeforge-network` v1 file.
//
// This header holds data only. Passes (gen/passes) read it and derive hardware
// facts; the golden model (reference/) reads it and computes semantics. Neither
// puts arithmetic here, so a bug in one cannot hide in the other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sf {

// Neuron models of docs/semantics.md. Each model is a plug-in point: the golden
// model, the generator and the RTL each have one implementation per model.
enum class NeuronModel { If, Lif, Loihi2, Akida, Akida2 };

enum class FireRule { Ge, Gt };  // s = v >= θ  |  s = v > θ

enum class ResetMode {
  Subtract,          // v -= θ on a spike
  Zero,              // v = v_reset on a spike
  None,              // v unchanged
  SubtractDeferred,  // θ subtracted after the next step's leak (lif only)
};

enum class LeakKind {
  None,   // `if`
  Shift,  // L(v) = v - trunc0(v / 2^shift)
  Mult,   // L(v) = trunc0(v * beta / 2^frac), 0 <= beta <= 2^frac
  Sub,    // L(v) = sign(v) * max(|v| - lambda, 0)
};

struct Leak {
  LeakKind kind = LeakKind::None;
  int shift = 0;       // Shift
  int64_t beta = 0;    // Mult: numerator
  int frac = 0;        // Mult: fractional bits
  int64_t lambda = 0;  // Sub
};

// Parameters of the `if` and `lif` models (semantics.md). `if` has leak None.
struct IfLifParams {
  int64_t threshold = 1;  // θ > 0, fits v_bits signed
  int v_bits = 16;        // state width, 2..32, signed, saturating
  FireRule fire = FireRule::Ge;
  ResetMode reset = ResetMode::Subtract;
  int64_t v_reset = 0;  // for ResetMode::Zero, fits v_bits
  Leak leak;
};

// Parameters of the `loihi2` model (semantics.md; Lava's PyLifModelBitAcc
// behind PyDenseModelBitAcc). The layer's weights are the prepared weights
// W_eff in [-256, 255] (Lava's clip and truncation already applied: importers
// do it), its bias holds bias_mant (13-bit signed). u and v are 24-bit.
struct Loihi2Params {
  int du = 0;          // current decay register 0..4095 (the decay applied is du + 1)
  int dv = 0;          // voltage decay register 0..4095
  int64_t vth = 0;     // threshold mantissa 0..2^17-1 (spike: v > vth << 6)
  int bias_exp = 0;    // 0..7: the bias added is bias_mant << bias_exp
  int weight_exp = 0;  // -8..7, applied to the summed input (floor for < 0)
};

// Parameters of the `akida` model (Akida 1.0, semantics.md), dense layers
// (FullyConnected; InputConvolutional-style input layer with input_layer).
// Stateless: each step's output is the activation of that step's potential
// p = Σ w·x. The layer's input bits are those of its inputs: the network's
// input_payload_bits for the first layer, the previous layer's act_bits after.
// Weights: Layer::weight_bits in {1, 2, 4} (8 on the input layer), |w| <= 2^(b-1) - 1
// (b = 1: binary {0, 1}). Outputs: unsigned act_bits events, value 0 not emitted.
struct AkidaParams {
  bool input_layer = false;        // 8-bit inputs/weights allowed, 24-bit thresholds
  int act_bits = 1;                // {1, 2, 4}
  std::vector<int64_t> threshold;  // per neuron (n_out entries), signed 20 bits (24 input layer)
  // act_step = act_step_m / 2^act_step_f exactly (a float32 is such a ratio), one per layer
  uint64_t act_step_m = 1;
  int act_step_f = 0;
};

// Parameters of the `akida2` model (Akida 2.0, semantics.md), dense layers
// (Dense1D). Weights: Layer::weight_bits 4 or 8, two's complement. Stateless.
// Inputs: the network's input payload (input_bits, signed or not) for the
// first layer, the previous layer's output after. Outputs: output_bits events,
// unsigned after ReLU, signed otherwise; value 0 not emitted.
struct Akida2Params {
  int input_shift = 0;              // x << input_shift, 0..32, one per layer
  std::vector<int64_t> bias;        // int8 per neuron (empty: none)
  int bias_shift = 0;               // 0..32
  int buffer_bits = 28;             // signed accumulator, saturated on the final sum, 2..32
  bool relu = false;
  bool has_max_value = false;       // ReLU clamp at max_value << max_value_shift
  int64_t max_value = 0;            // uint8
  int max_value_shift = 0;          // 0..32
  std::vector<int64_t> output_scale;  // uint8 per neuron (n_out entries)
  int output_shift = 0;             // int8: >= 0 left, < 0 right with round half up; one per layer
  int output_bits = 8;              // 4 or 8
};

struct NeuronSpec {
  NeuronModel model = NeuronModel::If;
  IfLifParams iflif;    // valid for If and Lif
  Loihi2Params loihi2;  // valid for Loihi2
  AkidaParams akida;    // valid for Akida
  Akida2Params akida2;  // valid for Akida2
};

// The kinds of layer (gen/layers: one table entry each). conv2d and sumpool2d
// share the convolution geometry below: a sumpool2d layer is a depthwise
// convolution whose kernel is all ones, which the loader writes into weights.
enum class LayerType { Dense, Conv2d, SumPool2d };

// Geometry of a conv2d / sumpool2d layer, C order as NIR and PyTorch: input
// c_in x h_in x w_in, output c_out x h_out x w_out with
//   h_out = floor((h_in + 2 ph - dh (kh - 1) - 1) / sh) + 1   (w alike);
// input index i = (c * h_in + y) * w_in + x, neuron n = (c * h_out + y) * w_out + x.
// Output channel co belongs to group co / (c_out / groups) and reads input
// channels g * c_in / groups .. (g + 1) * c_in / groups - 1.
struct ConvGeom {
  int c_in = 0, h_in = 0, w_in = 0;
  int c_out = 0, h_out = 0, w_out = 0;
  int kh = 1, kw = 1;  // kernel
  int sh = 1, sw = 1;  // stride
  int ph = 0, pw = 0;  // zero padding on both sides
  int dh = 1, dw = 1;  // dilation
  int groups = 1;
  int positions() const { return h_out * w_out; }
  int cig() const { return c_in / groups; }   // input channels per group
  int cog() const { return c_out / groups; }  // output channels per group
  size_t weight_count() const { return static_cast<size_t>(c_out) * cig() * kh * kw; }
};

struct Layer {
  std::string name;
  LayerType type = LayerType::Dense;
  int n_in = 0;
  int n_out = 0;
  int weight_bits = 8;           // signed two's complement
  // dense: row-major [n_out][n_in]; conv2d / sumpool2d: [c_out][c_in / groups][kh][kw]
  // (the kernel is stored once: weight sharing)
  std::vector<int32_t> weights;
  // Empty (no bias) or one entry per neuron of a dense layer, per output channel
  // of a conv layer (param_count()); fit v_bits. The neuron models' per-neuron
  // parameters (akida thresholds, akida2 scales and biases) are counted alike.
  std::vector<int64_t> bias;
  NeuronSpec neuron;
  ConvGeom conv;  // conv2d / sumpool2d
  // The nodes it reads: the network input's name or other layers' names. A v2
  // file states them; a v1 file's layers each read the one before it (or the input).
  std::vector<std::string> inputs;
  int parallel = 0;  // hardware lanes P; 0 = choose automatically
  int weight_pack = 0;  // chunks per weight word (the planner takes at most the chunk count); 0 = automatic

  int32_t w(int out, int in) const { return weights[static_cast<size_t>(out) * n_in + in]; }  // dense only
  bool has_bias() const { return !bias.empty(); }
  bool is_conv() const { return type == LayerType::Conv2d || type == LayerType::SumPool2d; }
  // Entries of the bias and of the per-neuron model parameters: one per neuron
  // (dense) or per output channel (conv2d / sumpool2d).
  int param_count() const { return is_conv() ? conv.c_out : n_out; }
  // The parameter entry of neuron n.
  int param_index(int n) const { return is_conv() ? n / conv.positions() : n; }
  // Hardware lanes a layer can use: one per neuron (dense), one per output
  // channel of a group (conv: the lanes share an output position).
  int max_parallel() const { return is_conv() ? conv.cog() : n_out; }
};

enum class OutputDecoding { SpikeCount, FirstSpike, Membrane };

struct Network {
  int format_version = 1;  // the version of the file it was read from; save_network writes the same
  std::string name;
  int timesteps = 1;  // default length of a run when a raster does not say
  int input_size = 0;                // elements of the input (the product of input_shape)
  std::string input_name = "input";  // the node layers name in their inputs
  std::vector<int64_t> input_shape;  // C order ([C, H, W], [C, L] or [N]); a v1 file: [size]
  int input_payload_bits = 1;  // width of an input event payload
  bool input_payload_signed = false;
  OutputDecoding decoding = OutputDecoding::SpikeCount;
  std::vector<Layer> layers;

  int output_size() const { return layers.empty() ? 0 : layers.back().n_out; }
  // True when the layers use the `loihi2` model (a network never mixes it with
  // `if` / `lif`: the models differ in synaptic delay).
  bool is_loihi2() const { return !layers.empty() && layers.front().neuron.model == NeuronModel::Loihi2; }
  // True when the layers use `akida` or `akida2` (a network never mixes them
  // with each other or with other models): stateless layers, multi-bit events.
  bool is_akida() const {
    return !layers.empty() &&
           (layers.front().neuron.model == NeuronModel::Akida || layers.front().neuron.model == NeuronModel::Akida2);
  }
  // Largest / smallest payload an input event may carry.
  int64_t payload_max() const;
  int64_t payload_min() const;
};

// Payload of the events a layer receives or emits: `bits` wide, two's
// complement when `is_signed`. Binary spikes are {1, false} (payload 1).
struct PayloadFormat {
  int bits = 1;
  bool is_signed = false;
  int64_t min() const { return is_signed ? -(int64_t{1} << (bits - 1)) : 0; }
  int64_t max() const { return (int64_t{1} << (bits - (is_signed ? 1 : 0))) - 1; }
  bool binary() const { return bits == 1 && !is_signed; }
};
// What layer `k` receives: the network's input payload for k = 0, else what
// layer k-1 emits.
PayloadFormat layer_input_payload(const Network& net, size_t k);
// What a layer emits: binary spikes (if, lif, loihi2); akida: unsigned
// act_bits values; akida2: output_bits values, unsigned after ReLU, signed otherwise.
PayloadFormat layer_output_payload(const Layer& layer);
// The largest value a layer can emit (its events are never 0): 1 for binary
// spikes; an akida2 layer whose bounded ReLU and rescale cap it at 1 emits only
// 1s through a wider payload (quantize --target akida2 builds such layers).
int64_t layer_output_max(const Layer& layer);

// Names used in files and messages.
const char* to_string(NeuronModel m);
const char* to_string(FireRule f);
const char* to_string(ResetMode r);
const char* to_string(LeakKind k);
const char* to_string(OutputDecoding d);

// Loads and validates a network file (version 1, a chain of layers, or 2, a
// graph of layers with explicit inputs; a v1 file is converted on read). Throws sf::InputError naming the file,
// layer and field on anything malformed, out of range or unknown.
Network load_network(const std::string& path);
// Serializes a network (inline weights) in the format version it was read
// from (format_version; 1 for a network built in memory).
void save_network(const Network& net, const std::string& path);

}  // namespace sf
