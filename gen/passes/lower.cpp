#include "passes/lower.h"

#include "ir/error.h"
#include "layers/layer_kind.h"

namespace sf::gen {

namespace {

constexpr int64_t kMaxDenseSynapses = int64_t{1} << 28;

std::vector<int64_t> repeat(const std::vector<int64_t>& per_channel, int positions) {
  std::vector<int64_t> out;
  for (int64_t x : per_channel) out.insert(out.end(), static_cast<size_t>(positions), x);
  return out;
}

// Row (co, oy, ox) of the matrix reads input (ci, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw)
// for every cell of its channel's kernel that lands inside the image.
Layer dense_of(const Layer& c) {
  const ConvGeom& g = c.conv;
  Layer d = c;
  d.type = LayerType::Dense;
  d.conv = ConvGeom{};
  d.weights.assign(static_cast<size_t>(c.n_out) * c.n_in, 0);
  const int cig = g.c_in / g.groups, cog = g.c_out / g.groups;
  for (int co = 0; co < g.c_out; ++co)
    for (int oy = 0; oy < g.h_out; ++oy)
      for (int ox = 0; ox < g.w_out; ++ox) {
        const size_t row = (static_cast<size_t>(co) * g.h_out + oy) * g.w_out + ox;
        for (int cl = 0; cl < cig; ++cl)
          for (int ky = 0; ky < g.kh; ++ky) {
            const int iy = oy * g.sh - g.ph + ky * g.dh;
            if (iy < 0 || iy >= g.h_in) continue;
            for (int kx = 0; kx < g.kw; ++kx) {
              const int ix = ox * g.sw - g.pw + kx * g.dw;
              if (ix < 0 || ix >= g.w_in) continue;
              const int ci = co / cog * cig + cl;
              d.weights[row * c.n_in + (static_cast<size_t>(ci) * g.h_in + iy) * g.w_in + ix] =
                  c.weights[((static_cast<size_t>(co) * cig + cl) * g.kh + ky) * g.kw + kx];
            }
          }
      }
  // the per-channel entries, one per neuron now
  const int pos = g.h_out * g.w_out;
  d.bias = repeat(c.bias, pos);
  d.neuron.akida.threshold = repeat(c.neuron.akida.threshold, pos);
  d.neuron.akida2.bias = repeat(c.neuron.akida2.bias, pos);
  d.neuron.akida2.output_scale = repeat(c.neuron.akida2.output_scale, pos);
  if (d.parallel > 0) d.parallel = std::min(d.n_out, d.parallel);
  return d;
}

}  // namespace

Network lower_for_engines(const Network& net, const std::string& net_file, std::vector<std::string>* notes) {
  Network out = net;
  for (Layer& l : out.layers) {
    if (kind_info(l).rtl_engine || !l.is_conv()) continue;
    const int64_t synapses = int64_t{l.n_in} * l.n_out;
    if (synapses > kMaxDenseSynapses)
      throw InputError(net_file + ": layer '" + l.name + "': type: a " + kind_info(l).name +
                       " layer has no engine yet and is built as its dense matrix, which would hold " +
                       std::to_string(synapses) + " weights (" + std::to_string(l.n_out) + " x " +
                       std::to_string(l.n_in) + "), expected at most 2^28");
    if (notes)
      notes->push_back("layer '" + l.name + "': " + kind_info(l).name + " built as its dense matrix (" +
                       std::to_string(l.n_out) + " x " + std::to_string(l.n_in) +
                       " weights; no conv engine yet: weight sharing is lost in hardware)");
    l = dense_of(l);
  }
  return out;
}

}  // namespace sf::gen
