#include "layers/conv_common.h"

#include <algorithm>
#include <numeric>

#include "ir/bits.h"

namespace sf::conv {

void get_pair(const JsonCtx& c, const json& lj, const char* key, int lo, int hi, int fallback, int& h, int& w) {
  if (!lj.contains(key)) {
    h = w = fallback;
    return;
  }
  const json& v = lj.at(key);
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  if (v.is_array()) {
    if (v.size() != 2) c.fail(key, describe(v), "an integer " + range + " or a pair [h, w]");
    h = static_cast<int>(c.as_int(v[0], std::string(key) + "[0]", lo, hi, range));
    w = static_cast<int>(c.as_int(v[1], std::string(key) + "[1]", lo, hi, range));
    return;
  }
  h = w = static_cast<int>(c.as_int(v, key, lo, hi, range + " (or a pair [h, w])"));
}

void input_chw(const JsonCtx& c, const graph::Shape& in, const char* kind, ConvGeom& g) {
  if (in.size() != 3)
    c.fail("inputs", "an input of shape " + graph::shape_str(in),
           std::string("a [C, H, W] input: a ") + kind + " layer reads images (give the network input a 3-D shape)");
  g.c_in = static_cast<int>(in[0]);
  g.h_in = static_cast<int>(in[1]);
  g.w_in = static_cast<int>(in[2]);
}

int out_size(const JsonCtx& c, const char* axis, int n, int k, int s, int p, int d) {
  const int64_t span = int64_t{d} * (k - 1) + 1;  // the dilated kernel
  const int64_t padded = int64_t{n} + 2 * int64_t{p};
  if (span > padded)
    c.fail("kernel", std::string(axis) + " " + std::to_string(k) + " (dilated " + std::to_string(span) + ")",
           std::string("at most the padded input's ") + axis + " " + std::to_string(padded) + " (" + std::to_string(n) +
               " + 2 * padding " + std::to_string(p) + ")");
  return static_cast<int>((padded - span) / s + 1);
}

void parse_window(const JsonCtx& c, const json& lj, bool has_dilation, bool pool_stride, ConvGeom& g) {
  c.require(lj, "kernel");
  get_pair(c, lj, "kernel", 1, kMaxKernel, 0, g.kh, g.kw);
  get_pair(c, lj, "stride", 1, kMaxStride, 1, g.sh, g.sw);
  if (pool_stride && !lj.contains("stride")) g.sh = g.kh, g.sw = g.kw;
  get_pair(c, lj, "padding", 0, kMaxPadding, 0, g.ph, g.pw);
  if (has_dilation) get_pair(c, lj, "dilation", 1, kMaxDilation, 1, g.dh, g.dw);
  g.h_out = out_size(c, "height", g.h_in, g.kh, g.sh, g.ph, g.dh);
  g.w_out = out_size(c, "width", g.w_in, g.kw, g.sw, g.pw, g.dw);
}

void save_window(const ConvGeom& g, bool has_dilation, json& lj) {
  lj["kernel"] = {g.kh, g.kw};
  lj["stride"] = {g.sh, g.sw};
  lj["padding"] = {g.ph, g.pw};
  if (has_dilation) lj["dilation"] = {g.dh, g.dw};
}

graph::Shape output_shape(const ConvGeom& g) { return {g.c_out, g.h_out, g.w_out}; }

void input_sum_range(const Layer& l, int64_t pmin, int64_t pmax, int64_t& lo_all, int64_t& hi_all) {
  const ConvGeom& g = l.conv;
  const size_t per = static_cast<size_t>(g.cig()) * g.kh * g.kw;  // one output channel's kernel
  lo_all = 0, hi_all = 0;
  for (int co = 0; co < g.c_out; ++co) {
    int64_t lo = 0, hi = 0;
    for (size_t k = 0; k < per; ++k) {
      const int64_t w = l.weights[co * per + k];
      const int64_t a = w * pmin, b = w * pmax;
      lo += std::min<int64_t>({0, a, b});
      hi += std::max<int64_t>({0, a, b});
    }
    lo_all = std::min(lo_all, lo);
    hi_all = std::max(hi_all, hi);
  }
}

int state_words(const Layer& l, int P) {
  const ConvGeom& g = l.conv;
  return g.positions() * g.groups * ((g.cog() + P - 1) / P);
}

namespace {
int cg_of(const gen::LayerPlan& lp) { return lp.CH / lp.conv.groups; }
}  // namespace

int neuron_at(const gen::LayerPlan& lp, int addr, int lane) {
  const ConvGeom& g = lp.conv;
  const int co = param_entry(lp, addr % lp.CH, lane);
  return co < 0 ? -1 : co * g.positions() + addr / lp.CH;
}

void weight_words(const Layer& l, const gen::LayerPlan& lp, const std::function<void(const std::vector<int64_t>&)>& f) {
  const ConvGeom& g = l.conv;
  const int CG = cg_of(lp);
  const int64_t unit = int64_t{1} << lp.w_shift;
  std::vector<int64_t> lanes(static_cast<size_t>(lp.P));
  for (int ci = 0; ci < g.c_in; ++ci) {
    const int grp = ci / g.cig(), cl = ci % g.cig();
    for (int ky = 0; ky < g.kh; ++ky)
      for (int kx = 0; kx < g.kw; ++kx)
        for (int cg = 0; cg < CG; ++cg) {
          for (int j = 0; j < lp.P; ++j) {
            const int c = cg * lp.P + j;  // within the group
            const int co = grp * g.cog() + c;
            lanes[static_cast<size_t>(j)] =
                c < g.cog() ? l.weights[((static_cast<size_t>(co) * g.cig() + cl) * g.kh + ky) * g.kw + kx] / unit : 0;
          }
          f(lanes);
        }
  }
}

int param_words(const gen::LayerPlan& lp) { return lp.CH; }

int param_entry(const gen::LayerPlan& lp, int word, int lane) {
  const int CG = cg_of(lp);
  const int c = (word % CG) * lp.P + lane;
  return c < lp.conv.cog() ? (word / CG) * lp.conv.cog() + c : -1;
}

std::string rtl_shape(const gen::LayerPlan& lp) {
  const ConvGeom& g = lp.conv;
  const auto s = [](int x) { return std::to_string(x); };
  return "    .C_IN(" + s(g.c_in) + "), .H_IN(" + s(g.h_in) + "), .W_IN(" + s(g.w_in) + "), .C_OUT(" + s(g.c_out) +
         "), .H_OUT(" + s(g.h_out) + "), .W_OUT(" + s(g.w_out) + "),\n    .KH(" + s(g.kh) + "), .KW(" + s(g.kw) +
         "), .SH(" + s(g.sh) + "), .SW(" + s(g.sw) + "), .PH(" + s(g.ph) + "), .PW(" + s(g.pw) + "), .DH(" + s(g.dh) +
         "), .DW(" + s(g.dw) + "), .GROUPS(" + s(g.groups) + "), .SPARSE_FIRE(" + (lp.sparse_fire ? "1" : "0") +
         "), .P(" + s(lp.P) + "),\n";
}

// A busy step: every input once, each issuing its window (at most
// ceil(kh / sh) x ceil(kw / sw) cells reach the grid) times the group's chunks.
int64_t step_work(const gen::LayerPlan& lp) {
  const ConvGeom& g = lp.conv;
  const int64_t rows = (g.kh + g.sh - 1) / g.sh, cols = (g.kw + g.sw - 1) / g.sw;
  return int64_t{lp.n_in} * rows * cols * cg_of(lp) + lp.C;
}

// weights (the kernel once: c_in * kh * kw * CG words of P lanes), the sums and
// the state per (position, chunk), the parameter words per chunk.
std::vector<MemRequest> memories(const Layer& l, const NeuronModelInfo& model, const gen::LayerPlan& lp) {
  using gen::MemRole;
  const ConvGeom& g = l.conv;
  std::vector<MemRequest> m;
  m.push_back({".weights", MemRole::Weights, lp.P * lp.w_bits, g.c_in * g.kh * g.kw * cg_of(lp)});
  m.push_back({".acc", MemRole::Acc, lp.P * lp.acc_bits, lp.C});
  if (model.stateless) {
    m.push_back({".param", MemRole::Param, lp.P * lp.bias_bits, lp.CH});
    return m;
  }
  if (model.synaptic_delay) m.push_back({".acc1", MemRole::AccDelayed, lp.P * lp.acc_bits, lp.C});
  m.push_back({".v", MemRole::State, lp.P * lp.v_bits, lp.C});
  if (lp.has_bias) m.push_back({".bias", MemRole::Bias, lp.P * lp.bias_bits, lp.CH});
  if (model.needs_pending(l)) m.push_back({".pend", MemRole::Pending, lp.P, lp.C});
  return m;
}

int engine_dsp(const gen::LayerPlan& /*lp*/) { return 0; }

// ---- cycles (docs/conv-engine.md, "Cycles") ----

namespace {

// Pairs (kernel cell, output coordinate) input coordinate c reaches along one axis.
int window_count(int c, int k, int s, int p, int d, int n_out) {
  int count = 0;
  for (int kk = 0; kk < k; ++kk) {
    const int num = c + p - kk * d;  // o * s
    if (num >= 0 && num % s == 0 && num / s < n_out) ++count;
  }
  return count;
}

struct Window {
  int rows = 0, cols = 0;
};

Window window_of(const ConvGeom& g, int index) {
  const int y = index / g.w_in % g.h_in, x = index % g.w_in;
  return {window_count(y, g.kh, g.sh, g.ph, g.dh, g.h_out), window_count(x, g.kw, g.sw, g.pw, g.dw, g.w_out)};
}

// The output rows an event's window reaches.
void mark_rows(const ConvGeom& g, int index, std::vector<char>& dirty) {
  const int y = index / g.w_in % g.h_in, x = index % g.w_in;
  if (window_count(x, g.kw, g.sw, g.pw, g.dw, g.w_out) == 0) return;  // an empty window issues nothing
  for (int kk = 0; kk < g.kh; ++kk) {
    const int num = y + g.ph - kk * g.dh;
    if (num >= 0 && num % g.sh == 0 && num / g.sh < g.h_out) dirty[static_cast<size_t>(num / g.sh)] = 1;
  }
}

int64_t clear_cycles(const gen::LayerPlan& lp) { return lp.C; }

// The decoder holds three events; each event issues max(nr * nc * CG, 1) slots
// back to back once it reaches the issuer, three cycles after its acceptance at the earliest.
IntegrateResult integrate(const gen::LayerPlan& lp, const StepTraffic& st, int64_t R) {
  const ConvGeom& g = lp.conv;
  const int CG = cg_of(lp);
  IntegrateResult r;
  const size_t n = st.indices.size();
  std::vector<int64_t> a(n), D(n), s(n);
  for (size_t j = 0; j < n; ++j) {
    const Window w = window_of(g, st.indices[j]);
    s[j] = std::max<int64_t>(int64_t{w.rows} * w.cols * CG, 1);
    int64_t aj = std::max(st.arrivals[j], R);
    if (j >= 1) aj = std::max(aj, a[j - 1] + 1);
    if (j >= 3) aj = std::max(aj, D[j - 3]);
    a[j] = aj;
    D[j] = j == 0 ? aj + 3 : std::max(aj + 3, D[j - 1] + s[j - 1]);
    r.accepts.push_back(aj);
    r.issue_cycles += static_cast<uint64_t>(s[j]);
    r.synaptic_ops += static_cast<uint64_t>(w.rows) * static_cast<uint64_t>(w.cols) * static_cast<uint64_t>(g.cog());
  }
  const int64_t arr_m = st.arrivals.back();
  if (n == 0) {
    const int64_t m = std::max(arr_m, R);
    r.accepts.push_back(m);
    r.fire_earliest = m + 1;
    return r;
  }
  const int64_t I = D[n - 1] + s[n - 1];  // the last issue cycle
  const int64_t m = std::max({arr_m, R, I});
  r.accepts.push_back(m);
  r.fire_earliest = std::max(m + 1, I + 2);
  return r;
}

// Rows in order; a visited row's words in address order: update, write back,
// one cycle per event (lanes ascending); a clean row one cycle; then the marker.
int64_t fire(const gen::LayerPlan& lp, int64_t y, const StepTraffic& st, const std::function<void(int64_t, int)>& emit) {
  const ConvGeom& g = lp.conv;
  const int CG = cg_of(lp);
  const int npos = g.positions();
  std::vector<char> dirty(static_cast<size_t>(g.h_out), lp.sparse_fire ? 0 : 1);
  if (lp.sparse_fire) {
    for (int i : st.indices) mark_rows(g, i, dirty);
    for (int n : st.prev_spikes) dirty[static_cast<size_t>(n % npos / g.w_out)] = 1;
  }
  // the step's events by state word, lanes ascending
  std::vector<std::vector<std::pair<int, int>>> words(static_cast<size_t>(lp.C));
  for (int n : st.spikes) {
    const int co = n / npos, pos = n % npos;
    const int grp = co / g.cog(), c = co % g.cog();
    words[static_cast<size_t>(pos * lp.CH + grp * CG + c / lp.P)].emplace_back(c % lp.P, n);
  }
  int64_t t = y + 1;
  const int roww = g.w_out * lp.CH;
  for (int oy = 0; oy < g.h_out; ++oy) {
    if (!dirty[static_cast<size_t>(oy)]) {
      ++t;
      continue;
    }
    for (int w = oy * roww; w < (oy + 1) * roww; ++w) {
      auto& ev = words[static_cast<size_t>(w)];
      std::sort(ev.begin(), ev.end());
      t += 2;  // update, write back
      for (const auto& lane_neuron : ev) emit(t++, lane_neuron.second);
    }
  }
  return t;
}

}  // namespace

void set_engine(LayerKindInfo& k) {
  k.memories = memories;
  k.control_luts = 400;  // decoder, window issuer, row fire: modelled
  k.engine_dsp = engine_dsp;
  k.step_work = step_work;
  k.state_words = state_words;
  k.neuron_at = neuron_at;
  k.weight_words = weight_words;
  k.param_words = param_words;
  k.param_entry = param_entry;
  k.rtl_shape = rtl_shape;
  k.clear_cycles = clear_cycles;
  k.integrate = integrate;
  k.fire = fire;
  k.rtl_engine = "sf_conv_engine";
  k.rtl_submodules = {"sf_conv_decode"};
}

}  // namespace sf::conv
