// Arithmetic of the `akida` / `akida2` golden model; see akida.h for the
// interface and README.md for the formulas and the choices made where the
// spec and the notes are silent. Everything is integer arithmetic, in int64
// or __int128 where a product or a shift could leave int64.
#include "akida.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace sf::ref::akida {
namespace {

using i128 = __int128;
using u128 = unsigned __int128;

constexpr const char* kV1 = "akida: ";
constexpr const char* kV2 = "akida2: ";

// ---- Messages ------------------------------------------------------------------

[[noreturn]] void fail(const char* model, const std::string& what) { throw std::invalid_argument(model + what); }

void check_range(const char* model, const std::string& field, int64_t value, int64_t lo, int64_t hi, const char* what) {
  if (value < lo || value > hi)
    fail(model, field + " = " + std::to_string(value) + " is outside " + std::to_string(lo) + ".." +
                    std::to_string(hi) + " (" + what + ")");
}

void check_one_of(const char* model, const std::string& field, int value, const std::vector<int>& allowed,
                  const char* what) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string set;
  for (size_t k = 0; k < allowed.size(); ++k) set += (k ? ", " : "") + std::to_string(allowed[k]);
  fail(model, field + " = " + std::to_string(value) + " is not one of {" + set + "} (" + what + ")");
}

std::string indexed(const char* field, size_t k) { return std::string(field) + "[" + std::to_string(k) + "]"; }
std::string indexed(const char* field, size_t r, size_t c) {
  return std::string(field) + "[" + std::to_string(r) + "][" + std::to_string(c) + "]";
}

// A per-neuron vector holds one entry for all, or exactly one per neuron
// (and, where allowed, none).
void check_count(const char* model, const char* field, size_t have, size_t neurons, bool empty_ok,
                 const char* unit = "neuron") {
  if (have == 1 || have == neurons || (empty_ok && have == 0)) return;
  fail(model, std::string(field) + " has " + std::to_string(have) + " entries, expected " + (empty_ok ? "0, " : "") +
                  "1 (one for all) or " + std::to_string(neurons) + " (one per " + unit + ")");
}

template <typename T>
const T& pick(const std::vector<T>& v, size_t n) {
  return v.size() == 1 ? v[0] : v.at(n);
}

// ---- Integer primitives -------------------------------------------------------

// floor(v / 2^s) for 0 <= s <= 127, without relying on >> of negative values.
i128 floor_shift(i128 v, int s) {
  if (s == 0) return v;
  if (v >= 0) return v >> s;
  return -((-(v + 1)) >> s) - 1;
}

i128 pow2(int s) { return i128{1} << s; }  // 0 <= s <= 126

// `what` + `index` name the value in the message, built only when it is needed.
int64_t to_int64_checked(i128 v, const char* model, const char* what, size_t index) {
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min())
    throw std::overflow_error(std::string(model) + what + std::to_string(index) + " leaves int64");
  return static_cast<int64_t>(v);
}

// a * 2^ka > b, for 1 <= a < 2^64, 0 <= b < 2^64 and any ka.
bool scaled_exceeds(u128 a, int ka, u128 b) {
  if (ka >= 0) {
    if (ka >= 64) return true;  // a * 2^ka >= 2^64 > b
    return (a << ka) > b;       // < 2^128
  }
  const int j = -ka;  // a > b * 2^j
  if (b == 0) return true;
  if (j >= 64) return false;  // b * 2^j >= 2^64 > a
  return a > (b << j);
}

// Events grouped by timestep for the raster runners: sizes checked,
// events outside the run ignored.
std::vector<std::vector<Event>> group_by_step(const char* model, const Raster& input, size_t n_in, int timesteps) {
  if (input.size < 0 || static_cast<size_t>(input.size) != n_in)
    fail(model, "input raster has size " + std::to_string(input.size) + ", the weights have " + std::to_string(n_in) +
                    " inputs");
  if (timesteps < 0) fail(model, "timesteps = " + std::to_string(timesteps) + " < 0");
  std::vector<std::vector<Event>> steps(static_cast<size_t>(timesteps));
  for (size_t k = 0; k < input.events.size(); ++k) {
    const InputEvent& e = input.events[k];
    if (e.t < 0) fail(model, "input event " + std::to_string(k) + " has t = " + std::to_string(e.t) + " < 0");
    if (e.t < timesteps) steps[static_cast<size_t>(e.t)].push_back(Event{e.index, e.payload});
  }
  return steps;
}

void check_matrix_shape(const char* model, const WeightMatrix& w) {
  for (size_t r = 0; r < w.size(); ++r)
    if (w[r].size() != w[0].size())
      fail(model, "weights[" + std::to_string(r) + "] has " + std::to_string(w[r].size()) + " inputs, weights[0] has " +
                      std::to_string(w[0].size()));
}

size_t num_inputs_of(const WeightMatrix& w) { return w.empty() ? 0 : w[0].size(); }

// Index range, one event per index, value range (lo..hi).
void check_events(const char* model, const std::vector<Event>& events, size_t num_inputs, int64_t lo, int64_t hi,
                  const char* what) {
  std::vector<bool> seen(num_inputs, false);
  for (size_t k = 0; k < events.size(); ++k) {
    const Event& e = events[k];
    if (e.index < 0 || static_cast<size_t>(e.index) >= num_inputs)
      fail(model, "input event " + std::to_string(k) + ": index " + std::to_string(e.index) + " is outside 0.." +
                      std::to_string(static_cast<int64_t>(num_inputs) - 1));
    if (seen[static_cast<size_t>(e.index)])
      fail(model, "input event " + std::to_string(k) + ": a second event for index " + std::to_string(e.index) +
                      " in the same timestep (at most one per input)");
    seen[static_cast<size_t>(e.index)] = true;
    check_range(model, "input event " + std::to_string(k) + " (index " + std::to_string(e.index) + ") value", e.value,
                lo, hi, what);
  }
}

// Events of the nonzero values y(n), n = 0 .. count-1, in index order: the
// output of every stateless Akida layer (a value of 0 is not an event).
template <typename F>
std::vector<Event> nonzero_events(size_t count, F&& y) {
  std::vector<Event> out;
  for (size_t n = 0; n < count; ++n) {
    const int64_t v = y(n);
    if (v != 0) out.push_back(Event{static_cast<int>(n), v});
  }
  return out;
}

// A stateless dense layer over a raster: every step starts afresh and sees only
// its own events. `values` gives the step's per-neuron value, recorded in the
// trace as state `state_key`; `outputs` turns it into the step's events.
template <typename Values, typename Outputs>
Trace run_stateless_dense(const char* model, const char* semantics, const char* state_key, size_t n_in,
                          const Raster& input, int timesteps, const std::string& layer_name, Values&& values,
                          Outputs&& outputs) {
  const auto steps = group_by_step(model, input, n_in, timesteps);
  Trace trace;
  trace.network = layer_name;
  trace.semantics = semantics;
  trace.timesteps = timesteps;
  LayerTrace layer;
  layer.name = layer_name;
  layer.graded = true;
  auto& rows = layer.state[state_key];
  for (int t = 0; t < timesteps; ++t) {
    const std::vector<int64_t> v = values(steps[static_cast<size_t>(t)]);
    for (const Event& e : outputs(v)) layer.spikes.push_back(Spike{t, e.index, e.value});
    rows.push_back(v);
  }
  trace.layers.push_back(std::move(layer));
  return trace;
}

}  // namespace

// ---- Maps and pooling -----------------------------------------------------------

Map::Map(int h, int w, int c, int64_t fill) : height(h), width(w), channels(c) {
  if (h < 1 || w < 1 || c < 1)
    throw std::invalid_argument("akida: map dimensions " + std::to_string(h) + "x" + std::to_string(w) + "x" +
                                std::to_string(c) + " must all be >= 1");
  data.assign(static_cast<size_t>(h) * static_cast<size_t>(w) * static_cast<size_t>(c), fill);
}

size_t Map::flat_index(int y, int x, int c) const {
  if (y < 0 || y >= height || x < 0 || x >= width || c < 0 || c >= channels)
    throw std::out_of_range("akida: map position (" + std::to_string(y) + ", " + std::to_string(x) + ", " +
                            std::to_string(c) + ") is outside " + std::to_string(height) + "x" + std::to_string(width) +
                            "x" + std::to_string(channels));
  return (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) *
             static_cast<size_t>(channels) +
         static_cast<size_t>(c);
}

namespace {

void check_map(const Map& m) {
  if (m.height < 1 || m.width < 1 || m.channels < 1 ||
      m.data.size() != static_cast<size_t>(m.height) * static_cast<size_t>(m.width) * static_cast<size_t>(m.channels))
    throw std::invalid_argument("akida: map " + std::to_string(m.height) + "x" + std::to_string(m.width) + "x" +
                                std::to_string(m.channels) + " holds " + std::to_string(m.data.size()) +
                                " values (dimensions must be >= 1 and data their product)");
}

// Output size and leading pad of one pooled axis.
void pool_axis(const char* axis, int n, int k, int s, Padding padding, int& out, int& pad_before) {
  check_range(kV1, std::string("pool size ") + axis, k, 1, std::numeric_limits<int>::max(), "at least 1");
  check_range(kV1, std::string("pool stride ") + axis, s, 1, std::numeric_limits<int>::max(), "at least 1");
  if (padding == Padding::kValid) {
    if (k > n)
      fail(kV1, std::string("pool size ") + axis + " = " + std::to_string(k) + " is larger than the map (" +
                    std::to_string(n) + ") with VALID padding");
    out = (n - k) / s + 1;
    pad_before = 0;
    return;
  }
  out = (n + s - 1) / s;
  const int pad_total = std::max((out - 1) * s + k - n, 0);
  pad_before = pad_total / 2;
}

}  // namespace

Map max_pool(const Map& in, int pool_h, int pool_w, int stride_h, int stride_w, Padding padding) {
  check_map(in);
  int out_h = 0, out_w = 0, pad_top = 0, pad_left = 0;
  pool_axis("height", in.height, pool_h, stride_h, padding, out_h, pad_top);
  pool_axis("width", in.width, pool_w, stride_w, padding, out_w, pad_left);
  Map out(out_h, out_w, in.channels);
  for (int oy = 0; oy < out_h; ++oy)
    for (int ox = 0; ox < out_w; ++ox) {
      // The window clipped to the map: padded cells are ignored, never 0.
      const int y0 = std::max(oy * stride_h - pad_top, 0), y1 = std::min(oy * stride_h - pad_top + pool_h, in.height);
      const int x0 = std::max(ox * stride_w - pad_left, 0), x1 = std::min(ox * stride_w - pad_left + pool_w, in.width);
      for (int c = 0; c < in.channels; ++c) {
        int64_t best = std::numeric_limits<int64_t>::min();
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x) best = std::max(best, in.at(y, x, c));
        out.at(oy, ox, c) = best;
      }
    }
  return out;
}

std::vector<int64_t> global_sum(const Map& in) {
  check_map(in);
  std::vector<i128> sum(static_cast<size_t>(in.channels), 0);
  for (size_t k = 0; k < in.data.size(); ++k) sum[k % static_cast<size_t>(in.channels)] += in.data[k];
  std::vector<int64_t> out;
  out.reserve(sum.size());
  for (size_t c = 0; c < sum.size(); ++c)
    out.push_back(to_int64_checked(sum[c], kV1, "global sum of channel ", c));
  return out;
}

// ---- ActStep --------------------------------------------------------------------

ActStep ActStep::from_float(float v) {
  if (!std::isfinite(v) || !(v > 0.0f)) {
    std::ostringstream s;
    s << std::setprecision(9) << v;
    fail(kV1, "act_step = " + s.str() + " is not a positive finite float32 (act_step must be > 0)");
  }
  int e = 0;
  const float frac = std::frexp(v, &e);  // v = frac * 2^e, frac in [0.5, 1)
  // frac has at most 24 significant bits, so frac * 2^24 is an exact integer.
  const auto m = static_cast<uint64_t>(std::ldexp(static_cast<double>(frac), 24));
  return from_ratio(m, 24 - e);
}

ActStep ActStep::from_ratio(uint64_t mantissa, int frac_bits) {
  if (mantissa == 0) fail(kV1, "act_step mantissa = 0 (act_step must be > 0)");
  while ((mantissa & 1u) == 0) {
    mantissa >>= 1;
    --frac_bits;
  }
  if (mantissa > kMaxMantissa)
    fail(kV1, "act_step mantissa " + std::to_string(mantissa) + " is above 2^53 - 1 (after normalization)");
  check_range(kV1, "act_step frac_bits", frac_bits, kMinFracBits, kMaxFracBits, "after normalization");
  return ActStep(mantissa, frac_bits);
}

double ActStep::to_double() const { return std::ldexp(static_cast<double>(mantissa_), -frac_bits_); }

std::string ActStep::str() const {
  std::ostringstream s;
  s << std::setprecision(17) << to_double() << " (= " << mantissa_ << " / 2^" << frac_bits_ << ")";
  return s.str();
}

ActStep ActStep::times(uint64_t factor) const {
  if (factor == 0) fail(kV1, "act_step multiplier = 0 (must be >= 1)");
  const u128 product = static_cast<u128>(mantissa_) * factor;
  // Strip the factor's powers of two before the range check.
  u128 m = product;
  int f = frac_bits_;
  while ((m & 1u) == 0) {
    m >>= 1;
    --f;
  }
  if (m > kMaxMantissa)
    fail(kV1, "act_step " + str() + " times " + std::to_string(factor) + " needs more than 53 bits");
  return from_ratio(static_cast<uint64_t>(m), f);
}

// ---- Akida 1.0 --------------------------------------------------------------------

namespace {

int v1_threshold_bits(const V1Params& p) { return p.input_layer ? kV1InputThresholdBits : kV1ThresholdBits; }

const char* v1_limit_what(const V1Params& p) {
  return p.input_layer ? "signed 24-bit, input layer" : "signed 20-bit; 24-bit on the input layer";
}

// act_step < 2^(bits-1), i.e. mantissa < 2^(bits-1+frac_bits).
bool act_step_fits(const ActStep& s, int bits) {
  const int e = bits - 1 + s.frac_bits();
  if (e <= 0) return false;  // mantissa >= 1 = 2^0
  if (e >= 64) return true;
  return s.mantissa() < (uint64_t{1} << e);
}

void check_act_bits(int act_bits) { check_one_of(kV1, "act_bits", act_bits, {1, 2, 4}, "activation bits"); }

}  // namespace

void validate(const V1Params& p) {
  const std::vector<int> bits = p.input_layer ? std::vector<int>{1, 2, 4, 8} : std::vector<int>{1, 2, 4};
  const char* bits_what = p.input_layer ? "input layer" : "8 only on the input layer";
  check_one_of(kV1, "in_bits", p.in_bits, bits, bits_what);
  check_one_of(kV1, "weight_bits", p.weight_bits, bits, bits_what);
  check_act_bits(p.act_bits);
  const int tb = v1_threshold_bits(p);
  const int64_t lo = -(int64_t{1} << (tb - 1)), hi = (int64_t{1} << (tb - 1)) - 1;
  if (p.threshold.empty()) fail(kV1, "threshold is empty (one entry for all neurons, or one per neuron)");
  for (size_t n = 0; n < p.threshold.size(); ++n)
    if (p.threshold[n] < lo || p.threshold[n] > hi)
      check_range(kV1, indexed("threshold", n), p.threshold[n], lo, hi, v1_limit_what(p));
  if (p.act_step.empty()) fail(kV1, "act_step is empty (one entry for all neurons, or one per neuron)");
  for (size_t n = 0; n < p.act_step.size(); ++n)
    if (!act_step_fits(p.act_step[n], tb))
      fail(kV1, indexed("act_step", n) + " = " + p.act_step[n].str() + " is outside 0 < act_step < " +
                    std::to_string(int64_t{1} << (tb - 1)) + " (" + v1_limit_what(p) + ")");
}

void validate(const V1Params& p, size_t num_neurons) {
  validate(p);
  check_count(kV1, "threshold", p.threshold.size(), num_neurons, false);
  check_count(kV1, "act_step", p.act_step.size(), num_neurons, false);
}

void validate_weights(const WeightMatrix& w, const V1Params& p) {
  validate(p);
  check_matrix_shape(kV1, w);
  // b >= 2: symmetric mid-tread |w| <= 2^(b-1)-1. b = 1: binary {0, 1}
  // (1-bit integers are unsigned, notes 1.1).
  const int64_t hi = p.weight_bits == 1 ? 1 : (int64_t{1} << (p.weight_bits - 1)) - 1;
  const int64_t lo = p.weight_bits == 1 ? 0 : -hi;
  const std::string what =
      p.weight_bits == 1 ? "1-bit weights are binary" : std::to_string(p.weight_bits) + "-bit symmetric weight";
  for (size_t r = 0; r < w.size(); ++r)
    for (size_t i = 0; i < w[r].size(); ++i)
      if (w[r][i] < lo || w[r][i] > hi) check_range(kV1, indexed("weights", r, i), w[r][i], lo, hi, what.c_str());
}

void validate_inputs(const std::vector<Event>& events, size_t num_inputs, const V1Params& p) {
  validate(p);
  const std::string what = "unsigned " + std::to_string(p.in_bits) + "-bit input (in_bits)";
  check_events(kV1, events, num_inputs, 0, (int64_t{1} << p.in_bits) - 1, what.c_str());
}

int64_t v1_threshold(const V1Params& p, size_t neuron) { return pick(p.threshold, neuron); }
const ActStep& v1_act_step(const V1Params& p, size_t neuron) { return pick(p.act_step, neuron); }

int64_t v1_activation(int64_t p, int64_t threshold, const ActStep& act_step, int act_bits) {
  check_act_bits(act_bits);
  const i128 d = static_cast<i128>(p) - threshold;  // |d| < 2^64
  if (d <= 0) return 0;
  const int64_t cap = (int64_t{1} << act_bits) - 1;
  // (p - T) / s_eff with s_eff = (m / 2^f) * 2^(4 - act_bits) is d * 2^k / m.
  const int k = act_step.frac_bits() + act_bits - 4;
  const u128 ud = static_cast<u128>(d);
  const uint64_t m = act_step.mantissa();  // < 2^53
  // ceil(d * 2^k / m) >= cap  <=>  d * 2^k > (cap - 1) * m.
  if (scaled_exceeds(ud, k, static_cast<u128>(cap - 1) * m)) return cap;
  // Now d * 2^k <= (cap - 1) * m < 2^57: the quotient is below cap and the
  // numerator below is small; only the denominator can still be large.
  u128 num = ud, den = m;
  if (k >= 0) {
    num = ud << k;
  } else {
    if (-k > 70) return 1;  // den >= 2^71 > d > 0: the quotient is in (0, 1]
    den = static_cast<u128>(m) << (-k);
  }
  return static_cast<int64_t>((num + den - 1) / den);
}

std::vector<int64_t> v1_dense_potentials(const WeightMatrix& w, const V1Params& p, const std::vector<Event>& in) {
  validate(p, w.size());
  validate_weights(w, p);
  const size_t n_in = num_inputs_of(w);
  validate_inputs(in, n_in, p);
  std::vector<int64_t> out(w.size());
  for (size_t n = 0; n < w.size(); ++n) {
    i128 sum = 0;  // |w * x| < 2^16, so even 2^40 events stay far inside
    for (const Event& e : in) sum += static_cast<i128>(w[n][static_cast<size_t>(e.index)]) * e.value;
    out[n] = to_int64_checked(sum, kV1, "potential of neuron ", n);
  }
  return out;
}

std::vector<Event> v1_activate(const std::vector<int64_t>& potentials, const V1Params& p) {
  validate(p, potentials.size());
  return nonzero_events(potentials.size(), [&](size_t n) {
    return v1_activation(potentials[n], v1_threshold(p, n), v1_act_step(p, n), p.act_bits);
  });
}

std::vector<Event> v1_dense_step(const WeightMatrix& w, const V1Params& p, const std::vector<Event>& in) {
  return v1_activate(v1_dense_potentials(w, p, in), p);
}

std::vector<Event> v1_activate_map(const Map& potentials, const V1Params& p) {
  check_map(potentials);
  validate(p, static_cast<size_t>(potentials.channels));
  const size_t channels = static_cast<size_t>(potentials.channels);
  return nonzero_events(potentials.data.size(), [&](size_t k) {
    const size_t c = k % channels;
    return v1_activation(potentials.data[k], v1_threshold(p, c), v1_act_step(p, c), p.act_bits);
  });
}

V1Params v1_gap_params(const V1Params& mean_domain, int height, int width) {
  validate(mean_domain);
  check_range(kV1, "GAP height", height, 1, std::numeric_limits<int>::max(), "at least 1");
  check_range(kV1, "GAP width", width, 1, std::numeric_limits<int>::max(), "at least 1");
  const int64_t area = static_cast<int64_t>(height) * width;
  V1Params stored = mean_domain;
  for (int64_t& t : stored.threshold) {
    const i128 product = static_cast<i128>(t) * area;
    // Out-of-range products are reported by validate() below; clamp only to
    // keep the value representable until then.
    t = static_cast<int64_t>(
        std::clamp<i128>(product, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()));
  }
  for (ActStep& s : stored.act_step) s = s.times(static_cast<uint64_t>(area));
  validate(stored);
  return stored;
}

std::vector<Event> v1_gap_step(const Map& potentials, const V1Params& stored) {
  return v1_activate(global_sum(potentials), stored);
}

Trace v1_run_dense(const WeightMatrix& w, const V1Params& p, const Raster& input, int timesteps,
                   const std::string& layer_name) {
  validate(p, w.size());
  validate_weights(w, p);
  // Stateless: every step starts from p = 0 and sees only its own events.
  return run_stateless_dense(
      kV1, "akida", "p", num_inputs_of(w), input, timesteps, layer_name,
      [&](const std::vector<Event>& in) { return v1_dense_potentials(w, p, in); },
      [&](const std::vector<int64_t>& pot) { return v1_activate(pot, p); });
}

// ---- Akida 2.0 --------------------------------------------------------------------

namespace {

int64_t v2_input_shift(const V2Params& p, size_t i) { return p.input_shift.empty() ? 0 : pick(p.input_shift, i); }
int64_t v2_bias(const V2Params& p, size_t n) { return p.bias.empty() ? 0 : pick(p.bias, n); }
int v2_bias_shift(const V2Params& p, size_t n) { return p.bias_shift.empty() ? 0 : pick(p.bias_shift, n); }

void check_uint8(const std::string& field, int64_t v, const char* what) { check_range(kV2, field, v, 0, 255, what); }

void check_output_scale(const std::string& field, int64_t v) { check_uint8(field, v, "uint8 output scale"); }
void check_output_shift(const std::string& field, int64_t v) {
  check_range(kV2, field, v, -128, 127, "int8; negative = rounded right shift");
}
void check_output_bits(int bits) { check_one_of(kV2, "output_bits", bits, {4, 8}, "output activation bits"); }
void check_max_value(std::optional<int64_t> max_value, int shift) {
  if (max_value) check_uint8("max_value", *max_value, "uint8 ReLU bound");
  check_range(kV2, "max_value_shift", shift, 0, kV2MaxShift, "shift of the ReLU bound");
}

int64_t input_lo(const V2Params& p) { return p.input_signed ? -(int64_t{1} << (p.input_bits - 1)) : 0; }
int64_t input_hi(const V2Params& p) {
  return p.input_signed ? (int64_t{1} << (p.input_bits - 1)) - 1 : (int64_t{1} << p.input_bits) - 1;
}

void check_acc_map(const Map& acc, const V2Params& p) {
  const int64_t lo = -(int64_t{1} << (p.buffer_bits - 1)), hi = (int64_t{1} << (p.buffer_bits - 1)) - 1;
  for (size_t k = 0; k < acc.data.size(); ++k)
    if (acc.data[k] < lo || acc.data[k] > hi)
      check_range(kV2, indexed("accumulator map", k), acc.data[k], lo, hi,
                  "a saturated accumulator lies in the buffer_bits range");
}

}  // namespace

void validate(const V2Params& p) {
  check_one_of(kV2, "input_bits", p.input_bits, {4, 8}, "input bits");
  check_one_of(kV2, "weight_bits", p.weight_bits, {4, 8}, "int4 or int8 weights");
  check_range(kV2, "buffer_bits", p.buffer_bits, 2, kV2MaxBufferBits, "signed accumulator width; default 28");
  for (size_t i = 0; i < p.input_shift.size(); ++i)
    check_range(kV2, indexed("input_shift", i), p.input_shift[i], 0, kV2MaxShift, "per-channel input alignment");
  for (size_t n = 0; n < p.bias.size(); ++n) check_range(kV2, indexed("bias", n), p.bias[n], -128, 127, "int8 bias");
  for (size_t n = 0; n < p.bias_shift.size(); ++n)
    check_range(kV2, indexed("bias_shift", n), p.bias_shift[n], 0, kV2MaxShift, "bias alignment shift");
  if (!p.relu && p.max_value) fail(kV2, "max_value is set but relu is off (a ReLU bound needs relu = true)");
  check_max_value(p.max_value, p.max_value_shift);
  if (p.output_scale.empty()) fail(kV2, "output_scale is empty (one entry for all, or one per neuron)");
  for (size_t n = 0; n < p.output_scale.size(); ++n) check_output_scale(indexed("output_scale", n), p.output_scale[n]);
  if (p.output_shift.empty()) fail(kV2, "output_shift is empty (one entry for all, or one per neuron)");
  for (size_t n = 0; n < p.output_shift.size(); ++n) check_output_shift(indexed("output_shift", n), p.output_shift[n]);
  check_output_bits(p.output_bits);
}

void validate(const V2Params& p, size_t num_neurons) {
  validate(p);
  check_count(kV2, "bias", p.bias.size(), num_neurons, true);
  check_count(kV2, "bias_shift", p.bias_shift.size(), num_neurons, true);
  check_count(kV2, "output_scale", p.output_scale.size(), num_neurons, false);
  check_count(kV2, "output_shift", p.output_shift.size(), num_neurons, false);
}

void validate(const V2Params& p, size_t num_neurons, size_t num_inputs) {
  validate(p, num_neurons);
  check_count(kV2, "input_shift", p.input_shift.size(), num_inputs, true, "input");
}

void validate_weights(const WeightMatrix& w, const V2Params& p) {
  validate(p);
  check_matrix_shape(kV2, w);
  const int64_t lo = -(int64_t{1} << (p.weight_bits - 1)), hi = (int64_t{1} << (p.weight_bits - 1)) - 1;
  const std::string what = "int" + std::to_string(p.weight_bits) + " weight";
  for (size_t r = 0; r < w.size(); ++r)
    for (size_t i = 0; i < w[r].size(); ++i)
      if (w[r][i] < lo || w[r][i] > hi) check_range(kV2, indexed("weights", r, i), w[r][i], lo, hi, what.c_str());
}

void validate_inputs(const std::vector<Event>& events, size_t num_inputs, const V2Params& p) {
  validate(p);
  const std::string what =
      std::string(p.input_signed ? "signed " : "unsigned ") + std::to_string(p.input_bits) + "-bit input";
  check_events(kV2, events, num_inputs, input_lo(p), input_hi(p), what.c_str());
}

int64_t saturate_signed(int64_t v, int bits) {
  check_range(kV2, "saturation bits", bits, 1, 62, "signed width");
  return std::clamp(v, -(int64_t{1} << (bits - 1)), (int64_t{1} << (bits - 1)) - 1);
}

int64_t saturate_unsigned(int64_t v, int bits) {
  check_range(kV2, "saturation bits", bits, 1, 62, "unsigned width");
  return std::clamp(v, int64_t{0}, (int64_t{1} << bits) - 1);
}

int64_t v2_relu(int64_t acc, std::optional<int64_t> max_value, int max_value_shift) {
  check_max_value(max_value, max_value_shift);
  if (acc <= 0) return 0;
  if (!max_value) return acc;
  return std::min(acc, *max_value * (int64_t{1} << max_value_shift));  // <= 255 * 2^32
}

int64_t v2_scale_out(int64_t acc, int64_t output_scale, int output_shift, int output_bits, bool output_unsigned) {
  check_output_scale("output_scale", output_scale);
  check_output_shift("output_shift", output_shift);
  check_output_bits(output_bits);
  const int64_t lo = output_unsigned ? 0 : -(int64_t{1} << (output_bits - 1));
  const int64_t hi = output_unsigned ? (int64_t{1} << output_bits) - 1 : (int64_t{1} << (output_bits - 1)) - 1;
  const i128 y = static_cast<i128>(acc) * output_scale;  // |y| < 2^71
  i128 r = 0;
  if (output_shift >= 0) {
    // Any non-zero y shifted by >= 48 is far beyond 8 bits: only its sign matters.
    if (output_shift >= 48)
      r = y > 0 ? hi : (y < 0 ? lo : 0);
    else
      r = y * pow2(output_shift);  // < 2^118
  } else {
    const int s = -output_shift;  // 1..128
    // |y| < 2^71 <= 2^(s-1) leaves y + 2^(s-1) inside (0, 2^s): the result is 0.
    if (s >= 72)
      r = 0;
    else
      r = floor_shift(y + pow2(s - 1), s);  // round half up (toward +inf)
  }
  return static_cast<int64_t>(std::clamp<i128>(r, lo, hi));
}

int64_t v2_output(int64_t acc, const V2Params& p, size_t neuron) {
  const int64_t a = p.relu ? v2_relu(acc, p.max_value, p.max_value_shift) : acc;
  return v2_scale_out(a, pick(p.output_scale, neuron), pick(p.output_shift, neuron), p.output_bits, p.relu);
}

std::vector<int64_t> v2_dense_accumulate(const WeightMatrix& w, const V2Params& p, const std::vector<Event>& in) {
  const size_t n_in = num_inputs_of(w);
  validate(p, w.size(), n_in);
  validate_weights(w, p);
  validate_inputs(in, n_in, p);
  const int64_t lo = -(int64_t{1} << (p.buffer_bits - 1)), hi = (int64_t{1} << (p.buffer_bits - 1)) - 1;
  std::vector<int64_t> out(w.size());
  for (size_t n = 0; n < w.size(); ++n) {
    // Each term is below 2^7 * 2^8 * 2^32 = 2^47: exact in __int128 for any
    // realistic fan-in; saturation applies once, to the final sum.
    i128 sum = static_cast<i128>(v2_bias(p, n)) * pow2(v2_bias_shift(p, n));
    for (const Event& e : in) {
      const size_t i = static_cast<size_t>(e.index);
      sum += static_cast<i128>(w[n][i]) * (static_cast<i128>(e.value) * pow2(static_cast<int>(v2_input_shift(p, i))));
    }
    out[n] = static_cast<int64_t>(std::clamp<i128>(sum, lo, hi));
  }
  return out;
}

std::vector<Event> v2_outputs(const std::vector<int64_t>& acc, const V2Params& p) {
  validate(p, acc.size());
  return nonzero_events(acc.size(), [&](size_t n) { return v2_output(acc[n], p, n); });
}

std::vector<Event> v2_dense_step(const WeightMatrix& w, const V2Params& p, const std::vector<Event>& in) {
  return v2_outputs(v2_dense_accumulate(w, p, in), p);
}

std::vector<Event> v2_outputs_map(const Map& acc, const V2Params& p) {
  check_map(acc);
  const size_t channels = static_cast<size_t>(acc.channels);
  validate(p, channels);
  check_acc_map(acc, p);
  return nonzero_events(acc.data.size(), [&](size_t k) { return v2_output(acc.data[k], p, k % channels); });
}

std::vector<Event> v2_gap_step(const Map& acc, const V2Params& p) {
  check_map(acc);
  validate(p, static_cast<size_t>(acc.channels));
  check_acc_map(acc, p);
  return v2_outputs(global_sum(acc), p);
}

Trace v2_run_dense(const WeightMatrix& w, const V2Params& p, const Raster& input, int timesteps,
                   const std::string& layer_name) {
  validate(p, w.size(), num_inputs_of(w));
  validate_weights(w, p);
  return run_stateless_dense(
      kV2, "akida2", "acc", num_inputs_of(w), input, timesteps, layer_name,
      [&](const std::vector<Event>& in) { return v2_dense_accumulate(w, p, in); },
      [&](const std::vector<int64_t>& acc) { return v2_outputs(acc, p); });
}

int64_t fixed_point_quantize(double x, int frac_bits, int value_bits) {
  if (!std::isfinite(x)) fail(kV2, "fixed_point_quantize: x is not finite");
  check_range(kV2, "frac_bits", frac_bits, -62, 62, "FixedPoint fractional bits");
  check_range(kV2, "value_bits", value_bits, 1, 62, "FixedPoint value bits, sign excluded");
  const int64_t lo = -(int64_t{1} << value_bits), hi = (int64_t{1} << value_bits) - 1;
  const double v = std::ldexp(x, frac_bits);  // exact unless it over/underflows
  if (v >= 0x1p62) return hi;
  if (v <= -0x1p62) return lo;
  // Round half to even, explicitly (no dependence on the FP rounding mode).
  // For |v| < 2^62, v - floor(v) is exact.
  const double fl = std::floor(v);
  const double diff = v - fl;
  auto r = static_cast<int64_t>(fl);
  if (diff > 0.5 || (diff == 0.5 && (r & 1) != 0)) ++r;
  return std::clamp(r, lo, hi);
}

}  // namespace sf::ref::akida
