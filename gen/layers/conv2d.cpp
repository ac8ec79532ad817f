// The `conv2d` layer kind: a 2-D convolution over a [C, H, W] input with
// kernel, stride, padding, dilation and groups (NIR's Conv2d, PyTorch's
// nn.Conv2d), each output neuron a neuron of the layer's model. The kernel
// [c_out][c_in / groups][kh][kw] is stored once; the bias and the models'
// per-neuron parameters are per output channel.
#include <filesystem>
#include <fstream>

#include "layers/conv_common.h"
#include "layers/entries.h"

namespace sf {

namespace {

constexpr int64_t kMaxChannels = 1 << 16;
constexpr int64_t kMaxNeurons = 1 << 20;
constexpr int64_t kMaxWeights = int64_t{1} << 24;

void parse_shape(const JsonCtx& c, const json& lj, const graph::Shape& in, Layer& l) {
  ConvGeom& g = l.conv;
  conv::input_chw(c, in, "conv2d", g);
  g.c_out = static_cast<int>(c.get_int(lj, "out_channels", 1, kMaxChannels));
  g.groups = static_cast<int>(c.get_int_or(lj, "groups", 1, kMaxChannels, 1));
  if (g.c_in % g.groups != 0 || g.c_out % g.groups != 0)
    c.fail("groups", std::to_string(g.groups),
           "a divisor of both the input channels (" + std::to_string(g.c_in) + ") and out_channels (" +
               std::to_string(g.c_out) + ")");
  conv::parse_window(c, lj, true, false, g);
  l.n_in = g.c_in * g.h_in * g.w_in;
  const int64_t n_out = int64_t{g.c_out} * g.h_out * g.w_out;
  if (n_out > kMaxNeurons)
    c.fail("out_channels", std::to_string(g.c_out) + " x " + std::to_string(g.h_out) + " x " + std::to_string(g.w_out),
           "at most " + std::to_string(kMaxNeurons) + " neurons per layer");
  l.n_out = static_cast<int>(n_out);
  if (static_cast<int64_t>(g.weight_count()) > kMaxWeights)
    c.fail("kernel", std::to_string(g.weight_count()) + " weights", "at most " + std::to_string(kMaxWeights));
}

graph::Shape output_shape(const JsonCtx& c, const json& lj, const graph::Shape& in) {
  Layer l;
  parse_shape(c, lj, in, l);
  return conv::output_shape(l.conv);
}

std::string wname(int o, int i, int y, int x) {
  return "weights[" + std::to_string(o) + "][" + std::to_string(i) + "][" + std::to_string(y) + "][" +
         std::to_string(x) + "]";
}

void parse_weights(const JsonCtx& c, const std::string& path, const json& lj, const WeightLimits& lim, Layer& l) {
  const ConvGeom& g = l.conv;
  const bool inline_w = lj.contains("weights"), file_w = lj.contains("weights_file");
  if (inline_w == file_w)
    c.fail("weights", inline_w ? "both weights and weights_file" : "neither weights nor weights_file",
           "exactly one of them");
  l.weights.assign(g.weight_count(), 0);
  const std::string dims = "[" + std::to_string(g.c_out) + "][" + std::to_string(g.cig()) + "][" +
                           std::to_string(g.kh) + "][" + std::to_string(g.kw) + "]";
  if (inline_w) {
    // nested arrays [c_out][c_in / groups][kh][kw]
    const json& w = lj.at("weights");
    const auto need = [&](const json& a, size_t n, const std::string& field, const char* what) {
      if (!a.is_array() || a.size() != n)
        c.fail(field, a.is_array() ? std::to_string(a.size()) + " entries" : describe(a),
               std::to_string(n) + " " + what + " (weights" + dims + ": out channel, in channel of the group, ky, kx)");
    };
    need(w, static_cast<size_t>(g.c_out), "weights", "output channels");
    size_t k = 0;
    for (int o = 0; o < g.c_out; ++o) {
      const std::string fo = "weights[" + std::to_string(o) + "]";
      need(w[o], static_cast<size_t>(g.cig()), fo, "input channels");
      for (int i = 0; i < g.cig(); ++i) {
        const std::string fi = fo + "[" + std::to_string(i) + "]";
        need(w[o][i], static_cast<size_t>(g.kh), fi, "kernel rows");
        for (int y = 0; y < g.kh; ++y) {
          const json& row = w[o][i][y];
          need(row, static_cast<size_t>(g.kw), fi + "[" + std::to_string(y) + "]", "kernel columns");
          for (int x = 0; x < g.kw; ++x)
            l.weights[k++] = static_cast<int32_t>(c.as_int(row[x], wname(o, i, y, x), lim.lo, lim.hi, lim.text));
        }
      }
    }
    return;
  }
  const json& v = lj.at("weights_file");
  if (!v.is_string()) c.fail("weights_file", describe(v), "a file name relative to the network file");
  const auto file = std::filesystem::path(path).parent_path() / v.get<std::string>();
  const int bytes = l.weight_bits <= 8 ? 1 : 2;
  std::ifstream in(file, std::ios::binary);
  if (!in) c.fail("weights_file", "\"" + file.string() + "\" (cannot open)", "a readable file");
  std::vector<char> raw(l.weights.size() * bytes);
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  if (static_cast<size_t>(in.gcount()) != raw.size() || in.peek() != EOF)
    c.fail("weights_file", "a file of a different size",
           std::to_string(raw.size()) + " bytes (" + std::to_string(l.weights.size()) + " little-endian int" +
               std::to_string(8 * bytes) + ", C order " + dims + ")");
  for (size_t k = 0; k < l.weights.size(); ++k) {
    const int32_t x =
        bytes == 1 ? static_cast<int8_t>(raw[k])
                   : static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint8_t>(raw[2 * k])) |
                                          static_cast<uint16_t>(static_cast<uint8_t>(raw[2 * k + 1])) << 8);
    if (x < lim.lo || x > lim.hi) {
      const size_t per = static_cast<size_t>(g.kh) * g.kw;
      c.fail(wname(static_cast<int>(k / (per * g.cig())), static_cast<int>(k / per % g.cig()),
                   static_cast<int>(k % per / g.kw), static_cast<int>(k % g.kw)),
             std::to_string(x), lim.text);
    }
    l.weights[k] = x;
  }
}

void save(const Layer& l, json& lj) {
  const ConvGeom& g = l.conv;
  lj["out_channels"] = g.c_out;
  conv::save_window(g, true, lj);
  lj["groups"] = g.groups;
  json w = json::array();
  size_t k = 0;
  for (int o = 0; o < g.c_out; ++o) {
    json oc = json::array();
    for (int i = 0; i < g.cig(); ++i) {
      json ic = json::array();
      for (int y = 0; y < g.kh; ++y) {
        json row = json::array();
        for (int x = 0; x < g.kw; ++x) row.push_back(l.weights[k++]);
        ic.push_back(std::move(row));
      }
      oc.push_back(std::move(ic));
    }
    w.push_back(std::move(oc));
  }
  lj["weights"] = std::move(w);
}

LayerKindInfo make() {
  LayerKindInfo k{};
  k.id = LayerType::Conv2d;
  k.name = "conv2d";
  k.keys = {"out_channels", "kernel", "stride", "padding", "dilation", "groups",
            "weight_bits", "weights", "weights_file", "bias"};
  k.weights_given = true;
  k.parse_shape = parse_shape;
  k.parse_weights = parse_weights;
  k.save = save;
  k.output_shape = output_shape;
  k.input_sum_range = conv::input_sum_range;
  conv::set_engine(k);
  return k;
}

}  // namespace

const LayerKindInfo kConv2dKind = make();

}  // namespace sf
