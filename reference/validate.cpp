#include "validate.h"

#include <algorithm>
#include <string>

#include "ir/error.h"
#include "synapses.h"

namespace sf::ref {
namespace {

// Headroom left above the accumulated input so that L(v) + I + b and the
// deferred -θ (all below 2^33 in magnitude) cannot overflow int64.
constexpr __int128 kInputLimit = __int128{1} << 62;

std::string where(const Network& net, const Layer& layer) {
  return "network '" + net.name + "': layer '" + layer.name + "': ";
}

[[noreturn]] void fail(const std::string& msg) { throw InputError(msg); }

bool fits_signed(int64_t x, int bits) {
  return x >= -(int64_t{1} << (bits - 1)) && x <= (int64_t{1} << (bits - 1)) - 1;
}

std::string range(int bits) {
  return std::to_string(-(int64_t{1} << (bits - 1))) + ".." +
         std::to_string((int64_t{1} << (bits - 1)) - 1);
}

__int128 bound128(const Network& net, size_t k) {
  const Layer& l = net.layers[k];
  // what layer k receives: the network's input payload, binary spikes after,
  // or (akida / akida2) the previous layer's multi-bit values
  const PayloadFormat in = layer_input_payload(net, k);
  __int128 pmax = std::max(-static_cast<__int128>(in.min()), static_cast<__int128>(in.max()));
  if (l.neuron.model == NeuronModel::Akida2) pmax <<= l.neuron.akida2.input_shift;
  return static_cast<__int128>(max_abs_fan_in(l)) * pmax;
}

void validate_params(const Network& net, const Layer& l) {
  const IfLifParams& p = l.neuron.iflif;
  const std::string at = where(net, l);
  if (p.v_bits < 2 || p.v_bits > 32)
    fail(at + "v_bits = " + std::to_string(p.v_bits) + ", expected 2..32");
  if (p.threshold <= 0 || !fits_signed(p.threshold, p.v_bits))
    fail(at + "threshold = " + std::to_string(p.threshold) + ", expected 1.." +
         std::to_string((int64_t{1} << (p.v_bits - 1)) - 1) + " (positive, fits v_bits)");
  if (!fits_signed(p.v_reset, p.v_bits))
    fail(at + "v_reset = " + std::to_string(p.v_reset) + " does not fit v_bits (" + range(p.v_bits) + ")");
  if (l.neuron.model == NeuronModel::If) {
    if (p.leak.kind != LeakKind::None) fail(at + "model 'if' has no leak; expected leak none");
    if (p.reset == ResetMode::SubtractDeferred)
      fail(at + "reset subtract_deferred is defined for 'lif' only; expected subtract, zero or none");
  }
  const Leak& lk = p.leak;
  if (lk.kind == LeakKind::Shift && lk.shift < 0)
    fail(at + "leak shift = " + std::to_string(lk.shift) + ", expected >= 0");
  if (lk.kind == LeakKind::Mult &&
      (lk.frac < 0 || lk.frac > 62 || lk.beta < 0 || lk.beta > (int64_t{1} << lk.frac)))
    fail(at + "leak mult beta = " + std::to_string(lk.beta) + ", frac = " + std::to_string(lk.frac) +
         ", expected 0 <= frac <= 62 and 0 <= beta <= 2^frac");
  if (lk.kind == LeakKind::Sub && lk.lambda < 0)
    fail(at + "leak sub lambda = " + std::to_string(lk.lambda) + ", expected >= 0");
}

// The geometry of a conv2d / sumpool2d layer, checked on its own terms.
void validate_conv(const std::string& at, const Layer& l) {
  const ConvGeom& g = l.conv;
  const auto positive = [&](int v, const char* what) {
    if (v < 1) fail(at + what + " = " + std::to_string(v) + ", expected >= 1");
  };
  positive(g.c_in, "c_in"), positive(g.h_in, "h_in"), positive(g.w_in, "w_in"), positive(g.c_out, "c_out");
  positive(g.kh, "kh"), positive(g.kw, "kw"), positive(g.sh, "sh"), positive(g.sw, "sw");
  positive(g.dh, "dh"), positive(g.dw, "dw"), positive(g.groups, "groups");
  if (g.ph < 0 || g.pw < 0) fail(at + "negative padding, expected >= 0");
  if (g.c_in % g.groups != 0 || g.c_out % g.groups != 0)
    fail(at + "groups = " + std::to_string(g.groups) + " does not divide c_in " + std::to_string(g.c_in) +
         " and c_out " + std::to_string(g.c_out));
  // the output size: the stride's steps of the dilated kernel over the padded input
  const auto out = [](int n, int k, int s, int p, int d) {
    const int64_t room = int64_t{n} + 2 * p - (int64_t{d} * (k - 1) + 1);
    return room < 0 ? int64_t{0} : room / s + 1;
  };
  if (g.h_out != out(g.h_in, g.kh, g.sh, g.ph, g.dh) || g.w_out != out(g.w_in, g.kw, g.sw, g.pw, g.dw) || g.h_out < 1 ||
      g.w_out < 1)
    fail(at + "output " + std::to_string(g.h_out) + " x " + std::to_string(g.w_out) + ", expected " +
         std::to_string(out(g.h_in, g.kh, g.sh, g.ph, g.dh)) + " x " + std::to_string(out(g.w_in, g.kw, g.sw, g.pw, g.dw)) +
         " (>= 1) for its input, kernel, stride, padding and dilation");
  if (int64_t{l.n_in} != int64_t{g.c_in} * g.h_in * g.w_in || int64_t{l.n_out} != int64_t{g.c_out} * g.h_out * g.w_out)
    fail(at + "n_in / n_out do not match the convolution's shapes");
}

void validate_layer(const Network& net, const Layer& l, int expected_in) {
  const std::string at = where(net, l);
  if (l.n_in != expected_in)
    fail(at + "n_in = " + std::to_string(l.n_in) + ", expected " + std::to_string(expected_in) +
         " (the previous layer's n_out or the input size)");
  if (l.n_out < 1) fail(at + "n_out = " + std::to_string(l.n_out) + ", expected >= 1");
  if (l.is_conv()) validate_conv(at, l);
  if (l.weights.size() != expected_weights(l))
    fail(at + std::to_string(l.weights.size()) + " weights, expected " +
         (l.is_conv() ? "c_out * c_in / groups * kh * kw = " : "n_out * n_in = ") + std::to_string(expected_weights(l)));
  if (l.weight_bits < 1 || l.weight_bits > 32)
    fail(at + "weight_bits = " + std::to_string(l.weight_bits) + ", expected 1..32");
  const bool akida = l.neuron.model == NeuronModel::Akida || l.neuron.model == NeuronModel::Akida2;
  if (akida != net.is_akida())
    fail(at + "model '" + to_string(l.neuron.model) +
         "' mixed with another family; expected 'akida' or 'akida2' everywhere, or neither");
  // akida: its own weight ranges (binary 1-bit weights), checked by its golden model
  if (akida) return;
  for (size_t k = 0; k < l.weights.size(); ++k)
    if (!fits_signed(l.weights[k], l.weight_bits))
      fail(at + (l.is_conv() ? "kernel weight " + std::to_string(k)
                             : "weight[" + std::to_string(k / l.n_in) + "][" + std::to_string(k % l.n_in) + "]") +
           " = " + std::to_string(l.weights[k]) + " does not fit in " + std::to_string(l.weight_bits) +
           "-bit signed (" + range(l.weight_bits) + ")");
  if (l.has_bias() && l.bias.size() != static_cast<size_t>(l.param_count()))
    fail(at + std::to_string(l.bias.size()) + " biases, expected " +
         (l.is_conv() ? "one per output channel = " : "n_out = ") + std::to_string(l.param_count()));
  if ((l.neuron.model == NeuronModel::Loihi2) != net.is_loihi2())
    fail(at + "model '" + to_string(l.neuron.model) +
         "' mixed with another family; expected 'loihi2' everywhere or 'if'/'lif' everywhere");
  if (net.is_loihi2()) {
    // Parameter ranges: the loihi2 golden model checks its own (validate_loihi2
    // there); here only what belongs to the IR: prepared weights.
    for (int32_t w : l.weights)
      if (w < -256 || w > 255)
        fail(at + "weight " + std::to_string(w) + " outside -256..255 (prepared Loihi weights)");
    return;
  }
  validate_params(net, l);
  for (size_t n = 0; n < l.bias.size(); ++n)
    if (!fits_signed(l.bias[n], l.neuron.iflif.v_bits))
      fail(at + "bias[" + std::to_string(n) + "] = " + std::to_string(l.bias[n]) +
           " does not fit v_bits (" + range(l.neuron.iflif.v_bits) + ")");
}

}  // namespace

int64_t payload_lo(const Network& net) {
  return net.input_payload_signed ? -(int64_t{1} << (net.input_payload_bits - 1)) : 0;
}

int64_t payload_hi(const Network& net) {
  const int magnitude_bits = net.input_payload_bits - (net.input_payload_signed ? 1 : 0);
  return (int64_t{1} << magnitude_bits) - 1;
}

void validate_network(const Network& net) {
  const std::string at = "network '" + net.name + "': ";
  if (net.layers.empty()) fail(at + "no layers, expected at least one");
  if (net.input_size < 1) fail(at + "input_size = " + std::to_string(net.input_size) + ", expected >= 1");
  if (net.input_payload_bits < 1 || net.input_payload_bits > 32)
    fail(at + "input_payload_bits = " + std::to_string(net.input_payload_bits) + ", expected 1..32");
  int expected_in = net.input_size;
  for (size_t k = 0; k < net.layers.size(); ++k) {
    validate_layer(net, net.layers[k], expected_in);
    expected_in = net.layers[k].n_out;
    if (bound128(net, k) >= kInputLimit)
      fail(where(net, net.layers[k]) +
           "the input sum of one step can reach 2^62 or more (fan-in x weights x payload); "
           "expected it to fit the golden model's int64 arithmetic");
  }
}

int64_t input_bound(const Network& net, size_t k) { return static_cast<int64_t>(bound128(net, k)); }

int run_length(const Raster& raster, int requested) {
  return requested >= 0 ? requested : raster.timesteps;
}

std::vector<InputEvent> checked_events(const Network& net, const Raster& raster, int steps) {
  if (raster.size != net.input_size)
    fail("raster: size = " + std::to_string(raster.size) + ", expected the network's input_size " +
         std::to_string(net.input_size));
  const int64_t lo = payload_lo(net), hi = payload_hi(net);
  std::vector<InputEvent> kept;
  kept.reserve(raster.events.size());
  for (size_t e = 0; e < raster.events.size(); ++e) {
    const InputEvent& ev = raster.events[e];
    const std::string at = "raster: event " + std::to_string(e) + " (t=" + std::to_string(ev.t) +
                           ", index=" + std::to_string(ev.index) + "): ";
    if (ev.t < 0 || ev.t >= raster.timesteps)
      fail(at + "t out of range, expected 0.." + std::to_string(raster.timesteps - 1));
    if (ev.index < 0 || ev.index >= net.input_size)
      fail(at + "index out of range, expected 0.." + std::to_string(net.input_size - 1));
    if (ev.payload < lo || ev.payload > hi)
      fail(at + "payload = " + std::to_string(ev.payload) + ", expected " + std::to_string(lo) + ".." +
           std::to_string(hi) + " (input_payload_bits)");
    kept.push_back(ev);
  }
  const auto before = [](const InputEvent& a, const InputEvent& b) {
    return a.t != b.t ? a.t < b.t : a.index < b.index;
  };
  if (!std::is_sorted(kept.begin(), kept.end(), before)) std::stable_sort(kept.begin(), kept.end(), before);
  for (size_t e = 1; e < kept.size(); ++e)
    if (kept[e].t == kept[e - 1].t && kept[e].index == kept[e - 1].index)
      fail("raster: two events at t=" + std::to_string(kept[e].t) + ", index=" +
           std::to_string(kept[e].index) + ", expected at most one per input and step");
  kept.erase(std::find_if(kept.begin(), kept.end(), [&](const InputEvent& ev) { return ev.t >= steps; }),
             kept.end());
  return kept;
}

}  // namespace sf::ref
