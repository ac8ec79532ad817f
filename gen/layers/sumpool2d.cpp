// The `sumpool2d` layer kind: each output neuron receives the sum of its
// channel's k x k window (NIR's SumPool2d, Sinabs's SumPool2d), then runs the
// layer's neuron model. It is a depthwise convolution (groups = channels)
// with an all-ones kernel, and the loader writes it so: the golden model, the
// planner and the engine see a conv2d whose kernel is ones.
#include "layers/conv_common.h"
#include "layers/entries.h"

namespace sf {

namespace {

void parse_shape(const JsonCtx& c, const json& lj, const graph::Shape& in, Layer& l) {
  ConvGeom& g = l.conv;
  conv::input_chw(c, in, "sumpool2d", g);
  g.c_out = g.c_in;
  g.groups = g.c_in;
  conv::parse_window(c, lj, false, true, g);
  l.n_in = g.c_in * g.h_in * g.w_in;
  l.n_out = g.c_out * g.h_out * g.w_out;
  l.weight_bits = 2;  // the ones of the kernel
}

graph::Shape output_shape(const JsonCtx& c, const json& lj, const graph::Shape& in) {
  Layer l;
  parse_shape(c, lj, in, l);
  return conv::output_shape(l.conv);
}

void parse_weights(const JsonCtx& /*c*/, const std::string& /*path*/, const json& /*lj*/, const WeightLimits& /*lim*/,
                   Layer& l) {
  l.weights.assign(l.conv.weight_count(), 1);
}

void save(const Layer& l, json& lj) { conv::save_window(l.conv, false, lj); }

LayerKindInfo make() {
  LayerKindInfo k{};
  k.id = LayerType::SumPool2d;
  k.name = "sumpool2d";
  k.keys = {"kernel", "stride", "padding", "bias"};
  k.weights_given = false;
  k.parse_shape = parse_shape;
  k.parse_weights = parse_weights;
  k.save = save;
  k.output_shape = output_shape;
  k.input_sum_range = conv::input_sum_range;
  conv::set_engine(k);
  return k;
}

}  // namespace

const LayerKindInfo kSumPool2dKind = make();

}  // namespace sf
