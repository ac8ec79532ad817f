// The `dense` layer kind: n_in inputs, n_out neurons, weights[out][in]; its
// engine (sf_dense_engine) scatters each input event over every neuron, P
// lanes at a time, one chunk of P neurons per cycle (docs/cycle-model.md).
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ir/bits.h"
#include "layers/entries.h"

namespace sf {

namespace {

constexpr int64_t kMaxNeurons = 1 << 20;
constexpr int64_t kMaxSynapses = int64_t{1} << 28;

void parse_shape(const JsonCtx& c, const json& lj, const graph::Shape& in, Layer& l) {
  const int64_t n_in_expected = graph::numel(in);
  l.n_in = static_cast<int>(c.get_int(lj, "in", 1, kMaxNeurons));
  l.n_out = static_cast<int>(c.get_int(lj, "out", 1, kMaxNeurons));
  if (l.n_in != n_in_expected)
    c.fail("in", std::to_string(l.n_in),
           std::to_string(n_in_expected) + " (the size of the previous layer or the input)");
  if (int64_t{l.n_in} * l.n_out > kMaxSynapses)
    c.fail("in*out", std::to_string(int64_t{l.n_in} * l.n_out),
           "at most " + std::to_string(kMaxSynapses) + " synapses per layer");
}

// A dense layer reads its input flattened (C order) and emits a vector of `out`.
graph::Shape output_shape(const JsonCtx& c, const json& lj, const graph::Shape& /*in*/) {
  return {c.get_int(lj, "out", 1, kMaxNeurons)};
}

std::vector<int32_t> read_weight_file(const JsonCtx& c, const std::string& net_path, const json& v, const Layer& l) {
  if (!v.is_string()) c.fail("weights_file", describe(v), "a file name relative to the network file");
  auto dir = std::filesystem::path(net_path).parent_path();
  auto file = dir / v.get<std::string>();
  const int bytes = l.weight_bits <= 8 ? 1 : 2;
  const size_t count = static_cast<size_t>(l.n_out) * l.n_in;
  std::ifstream in(file, std::ios::binary);
  if (!in) c.fail("weights_file", "\"" + file.string() + "\" (cannot open)", "a readable file");
  std::vector<char> raw(count * bytes);
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  if (static_cast<size_t>(in.gcount()) != raw.size() || in.peek() != EOF)
    c.fail("weights_file", "a file of a different size",
           std::to_string(raw.size()) + " bytes (" + std::to_string(count) + " little-endian int" +
               std::to_string(8 * bytes) + ", [out][in])");
  std::vector<int32_t> w(count);
  for (size_t k = 0; k < count; ++k) {
    int32_t x = bytes == 1 ? static_cast<int8_t>(raw[k])
                           : static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint8_t>(raw[2 * k])) |
                                                  static_cast<uint16_t>(static_cast<uint8_t>(raw[2 * k + 1])) << 8);
    w[k] = x;
  }
  return w;
}

void parse_weights(const JsonCtx& c, const std::string& path, const json& lj, const WeightLimits& lim, Layer& l) {
  const bool inline_w = lj.contains("weights"), file_w = lj.contains("weights_file");
  if (inline_w == file_w)
    c.fail("weights", inline_w ? "both weights and weights_file" : "neither weights nor weights_file",
           "exactly one of them");
  if (inline_w) {
    const json& w = lj.at("weights");
    if (!w.is_array() || w.size() != static_cast<size_t>(l.n_out))
      c.fail("weights", w.is_array() ? std::to_string(w.size()) + " rows" : describe(w),
             std::to_string(l.n_out) + " rows (weights[out][in])");
    l.weights.resize(static_cast<size_t>(l.n_out) * l.n_in);
    for (int o = 0; o < l.n_out; ++o) {
      const json& row = w[o];
      std::string f = "weights[" + std::to_string(o) + "]";
      if (!row.is_array() || row.size() != static_cast<size_t>(l.n_in))
        c.fail(f, row.is_array() ? std::to_string(row.size()) + " entries" : describe(row),
               std::to_string(l.n_in) + " entries");
      for (int i = 0; i < l.n_in; ++i)
        l.weights[static_cast<size_t>(o) * l.n_in + i] = static_cast<int32_t>(
            c.as_int(row[i], "weight[" + std::to_string(o) + "][" + std::to_string(i) + "]", lim.lo, lim.hi,
                     lim.text));
    }
    return;
  }
  l.weights = read_weight_file(c, path, lj.at("weights_file"), l);
  for (int o = 0; o < l.n_out; ++o)
    for (int i = 0; i < l.n_in; ++i) {
      int64_t x = l.w(o, i);
      if (x < lim.lo || x > lim.hi)
        c.fail("weight[" + std::to_string(o) + "][" + std::to_string(i) + "]", std::to_string(x), lim.text);
    }
}

void save(const Layer& l, json& lj) {
  lj["in"] = l.n_in;
  lj["out"] = l.n_out;
  json w = json::array();
  for (int o = 0; o < l.n_out; ++o) {
    json row = json::array();
    for (int i = 0; i < l.n_in; ++i) row.push_back(l.w(o, i));
    w.push_back(std::move(row));
  }
  lj["weights"] = std::move(w);
}

// Each input contributes at most once per step (duplicates are rejected when a
// raster is loaded), with a payload anywhere in [pmin, pmax]: the extremes of
// each neuron's sum take every weight's worse product or nothing.
void input_sum_range(const Layer& l, int64_t pmin, int64_t pmax, int64_t& lo_all, int64_t& hi_all) {
  lo_all = 0, hi_all = 0;
  for (int o = 0; o < l.n_out; ++o) {
    int64_t lo = 0, hi = 0;
    for (int i = 0; i < l.n_in; ++i) {
      int64_t w = l.w(o, i);
      int64_t a = w * pmin, b = w * pmax;
      lo += std::min<int64_t>({0, a, b});
      hi += std::max<int64_t>({0, a, b});
    }
    lo_all = std::min(lo_all, lo);
    hi_all = std::max(hi_all, hi);
  }
}

// weights (w_pack chunks of P lanes per word, weight_row() words per input),
// the step's sums (a second bank for a synaptic delay), then the state, the
// bias and the pending-reset bits, or for a stateless model its parameters.
std::vector<MemRequest> memories(const Layer& l, const NeuronModelInfo& model, const gen::LayerPlan& lp) {
  using gen::MemRole;
  std::vector<MemRequest> m;
  m.push_back({".weights", MemRole::Weights, lp.P * lp.w_bits * lp.w_pack, l.n_in * lp.weight_row()});
  m.push_back({".acc", MemRole::Acc, lp.P * lp.acc_bits, lp.C});
  if (model.stateless) {
    m.push_back({".param", MemRole::Param, lp.P * lp.bias_bits, lp.C});
    return m;
  }
  if (model.synaptic_delay) m.push_back({".acc1", MemRole::AccDelayed, lp.P * lp.acc_bits, lp.C});
  m.push_back({".v", MemRole::State, lp.P * lp.v_bits, lp.C});
  if (lp.has_bias) m.push_back({".bias", MemRole::Bias, lp.P * lp.bias_bits, lp.C});
  if (model.needs_pending(l)) m.push_back({".pend", MemRole::Pending, lp.P, lp.C});
  return m;
}

// The weight row address index * C is a constant multiply: Yosys (synth_ice40
// -dsp) maps it to an SB_MAC16 unless C is a power of two (a shift) or the
// product is narrower than 11 bits (its DSP_Y_MINWIDTH).
int engine_dsp(const gen::LayerPlan& lp) {
  const int row = lp.weight_row();
  const bool pow2 = (row & (row - 1)) == 0;
  return !pow2 && clog2(int64_t{lp.n_in} * row) >= 11 ? 1 : 0;
}

int64_t chunks(const gen::LayerPlan& lp) { return lp.C; }

// An event accepted in cycle a issues its C chunks in a+1..a+C; the next word is
// accepted from a+C. The marker accepted in m lets fire start at max(m+1, last issue + 2).
IntegrateResult integrate(const gen::LayerPlan& lp, const StepTraffic& s, int64_t ready) {
  IntegrateResult r;
  int64_t last_issue = -2;
  const size_t n = s.arrivals.size() - 1;
  for (size_t j = 0; j < n; ++j) {
    const int64_t a = std::max(s.arrivals[j], ready);
    r.accepts.push_back(a);
    ready = a + lp.C;
    last_issue = a + lp.C;
    r.issue_cycles += static_cast<uint64_t>(lp.C);
    r.synaptic_ops += static_cast<uint64_t>(lp.n_out);
  }
  const int64_t m = std::max(s.arrivals.back(), ready);
  r.accepts.push_back(m);
  r.fire_earliest = std::max(m + 1, last_issue + 2);  // the integrate pipeline has read its last acc word
  return r;
}

int64_t step_work(const gen::LayerPlan& lp) { return int64_t{lp.n_in} * lp.C; }

int state_words(const Layer& l, int P) { return (l.n_out + P - 1) / P; }
int neuron_at(const gen::LayerPlan& lp, int addr, int lane) {
  const int n = addr * lp.P + lane;
  return n < lp.n_out ? n : -1;
}

// Word i * R + r (R = weight_row()) holds chunk c = r * w_pack + s in lanes
// s * P + j: W[c * P + j][i] (w_pack 1: word i * C + c, lane j).
void weight_words(const Layer& l, const gen::LayerPlan& lp, const std::function<void(const std::vector<int64_t>&)>& f) {
  std::vector<int64_t> lanes(static_cast<size_t>(lp.P * lp.w_pack));
  const int64_t unit = int64_t{1} << lp.w_shift;  // the plan proved every weight a multiple
  for (int i = 0; i < l.n_in; ++i)
    for (int r = 0; r < lp.weight_row(); ++r) {
      for (int s = 0; s < lp.w_pack; ++s)
        for (int j = 0; j < lp.P; ++j) {
          const int n = (r * lp.w_pack + s) * lp.P + j;
          lanes[static_cast<size_t>(s * lp.P + j)] = n < l.n_out ? l.w(n, i) / unit : 0;
        }
      f(lanes);
    }
}

int param_words(const gen::LayerPlan& lp) { return lp.C; }
int param_entry(const gen::LayerPlan& lp, int word, int lane) { return neuron_at(lp, word, lane); }

std::string rtl_shape(const gen::LayerPlan& lp) {
  return "    .N_IN(" + std::to_string(lp.n_in) + "), .N_OUT(" + std::to_string(lp.n_out) + "), .P(" +
         std::to_string(lp.P) + "), .W_PACK(" + std::to_string(lp.w_pack) + "),\n";
}
// Per chunk: one cycle to update (the lanes' pipeline register), one to write
// back; each spike takes one extra cycle to emit. The marker follows the last chunk.
int64_t fire(const gen::LayerPlan& lp, int64_t start, const StepTraffic& st,
             const std::function<void(int64_t, int)>& emit) {
  const std::vector<int>& spikes = st.spikes;
  int64_t w = start + 2;
  size_t s = 0;
  for (int c = 0; c < lp.C; ++c) {
    int64_t e = w;
    while (s < spikes.size() && spikes[s] / lp.P == c) {
      ++e;
      emit(e, spikes[s]);
      ++s;
    }
    w = e + 2;
  }
  return w - 1;
}

LayerKindInfo make() {
  LayerKindInfo k{};
  k.id = LayerType::Dense;
  k.name = "dense";
  k.keys = {"in", "out", "weight_bits", "weights", "weights_file", "bias"};
  k.parse_shape = parse_shape;
  k.parse_weights = parse_weights;
  k.save = save;
  k.output_shape = output_shape;
  k.input_sum_range = input_sum_range;
  k.memories = memories;
  k.control_luts = 150;
  k.engine_dsp = engine_dsp;
  k.step_work = step_work;
  k.state_words = state_words;
  k.neuron_at = neuron_at;
  k.weight_words = weight_words;
  k.param_words = param_words;
  k.param_entry = param_entry;
  k.rtl_shape = rtl_shape;
  k.clear_cycles = chunks;
  k.integrate = integrate;
  k.fire = fire;
  k.rtl_engine = "sf_dense_engine";
  return k;
}

}  // namespace

const LayerKindInfo kDenseKind = make();

}  // namespace sf
