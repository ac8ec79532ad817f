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
}

}  // namespace sf::conv
