#include "layers/conv_common.h"

#include <algorithm>

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

}  // namespace sf::conv
