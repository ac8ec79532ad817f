// The Akida compatibility rules (gen/akida/check.h) on hand-built networks:
// each rule fires where it should, names the layer, and a clean network has
// no violation.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "akida/check.h"

namespace {

namespace nf = sf::ref::nir_float;
using sf::akida_check::check;
using sf::akida_check::CheckOptions;
using sf::akida_check::Target;
using sf::akida_check::Violation;

// in[C,H,W] -> conv -> lif -> flatten -> fc -> lif -> out
struct Builder {
  nf::FloatNetwork f;
  std::string last = "in";
  explicit Builder(const nf::Shape& in) {
    f.name = "t";
    f.graph.add(nf::input_node("in", in));
  }
  Builder& then(nf::FloatNode n) {
    const std::string name = n.name;
    f.graph.add(std::move(n));
    f.graph.connect(last, name);
    last = name;
    return *this;
  }
  Builder& stateless(const std::string& name, int64_t n) {  // tau << dt: per-step decay exp(-100) ~ 0
    f.options.method = nf::Method::Exact;
    return then(nf::lif_node(name, {1e-6}, {1.0}, {0.0}, {1.0}, {0.0}));
    (void)n;
  }
  nf::FloatNetwork done() {
    f.graph.add(nf::output_node("out"));
    f.graph.connect(last, "out");
    f.graph.finalize();
    return f;
  }
};

nf::FloatNode conv(const std::string& name, int64_t cout, int64_t cin, int64_t k, int64_t stride, int64_t pad,
                   int64_t dilation = 1, int64_t groups = 1) {
  nf::Window w;
  w.stride = {stride, stride};
  w.pad_begin = {pad, pad};
  w.pad_end = {pad, pad};
  w.dilation = {dilation, dilation};
  w.groups = groups;
  nf::Tensor t{{cout, cin / groups, k, k}, std::vector<double>(static_cast<size_t>(cout * (cin / groups) * k * k), 0.1)};
  return nf::conv_node(name, t, {}, w);
}

nf::FloatNode fc(const std::string& name, int64_t out, int64_t in) {
  return nf::linear_node(name, {{out, in}, std::vector<double>(static_cast<size_t>(out * in), 0.1)});
}

bool has(const std::vector<Violation>& v, const std::string& layer, const std::string& rule) {
  return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return x.layer == layer && x.rule == rule; });
}

std::string all(const std::vector<Violation>& v) {
  std::string s;
  for (const Violation& x : v) s += x.layer + " [" + x.rule + "] " + x.text + "\n";
  return s;
}

TEST(AkidaCheck, CleanConvNetPassesBothGenerations) {
  // 1 x 28 x 28 -> conv 3x3 s1 (input layer) -> conv 3x3 s2 SAME (8 maps) -> flatten -> fc 10
  Builder b({1, 28, 28});
  b.then(conv("c1", 16, 1, 3, 1, 1)).stateless("n1", 0).then(conv("c2", 8, 16, 3, 2, 1)).stateless("n2", 0);
  b.then(nf::flatten_node("flat", 0, -1)).then(fc("fc", 10, 8 * 14 * 14)).stateless("n3", 0);  // 1568 <= 2048
  const nf::FloatNetwork f = b.done();
  CheckOptions o;
  EXPECT_TRUE(check(f, Target::Akida1, o).empty()) << all(check(f, Target::Akida1, o));
  o.weight_bits = 8;
  EXPECT_TRUE(check(f, Target::Akida2, o).empty()) << all(check(f, Target::Akida2, o));
}

TEST(AkidaCheck, StatefulNeuronsRecurrenceAndKinds) {
  Builder b({8});
  b.then(fc("fc1", 8, 8)).then(nf::lif_node("leaky", {1e-3}, {1.0}, {0.0}, {1.0}, {0.0}));
  b.then(fc("fc2", 4, 8)).then(nf::if_node("integr", {1.0}, {1.0}, {0.0}));
  b.then(fc("fc3", 2, 4)).then(nf::cuba_lif_node("cuba", {1e-3}, {1e-3}, {1.0}, {0.0}, {1.0}, {0.0}, {1.0}));
  const auto v = check(b.done(), Target::Akida1, {});
  EXPECT_TRUE(has(v, "leaky", "stateful")) << all(v);   // decay 0.9
  EXPECT_TRUE(has(v, "integr", "stateful")) << all(v);  // IF: decay 1
  EXPECT_TRUE(has(v, "cuba", "layer-kind")) << all(v);
  EXPECT_FALSE(has(v, "fc1", "fc-fan-in"));

  nf::FloatNetwork r;
  r.name = "r";
  r.graph.add(nf::input_node("in", {4}));
  r.graph.add(fc("fc", 4, 4));
  r.graph.add(nf::lif_node("n", {1e-6}, {1.0}, {0.0}, {1.0}, {0.0}));
  r.graph.add(fc("rec", 4, 4));
  r.graph.add(nf::output_node("out"));
  r.graph.connect("in", "fc");
  r.graph.connect("fc", "n");
  r.graph.connect("n", "rec");
  r.graph.connect("rec", "fc", true);
  r.graph.connect("n", "out");
  r.graph.finalize();
  const auto w = check(r, Target::Akida2, {});
  EXPECT_TRUE(has(w, "fc", "recurrent")) << all(w);
  EXPECT_TRUE(has(w, "fc", "multi-input")) << all(w);
  EXPECT_TRUE(has(w, "n", "branch")) << all(w);
}

TEST(AkidaCheck, ConvolutionGeometry) {
  Builder b({2, 34, 34});  // 2 input channels: InputConvolutional takes 1 or 3 on 1.0
  b.then(conv("in_conv", 16, 2, 5, 2, 1)).stateless("n0", 0);          // kernel 5, stride 2, pad 1: neither SAME nor VALID
  b.then(conv("dil", 16, 16, 3, 1, 2, 2)).stateless("n1", 0);          // dilation 2
  b.then(conv("grp", 16, 16, 3, 1, 1, 1, 4)).stateless("n2", 0);       // groups 4
  b.then(conv("k2", 16, 16, 2, 1, 0)).stateless("n3", 0);              // kernel 2, VALID
  b.then(conv("s2k5", 16, 16, 5, 2, 2)).stateless("n4", 0);            // stride 2 with 5x5
  b.then(nf::sum_pool2d_node("pool", {2, 2}, {2, 2}, {0, 0}));          // local sum pooling
  const nf::FloatNetwork f = b.done();
  const auto v1 = check(f, Target::Akida1, {});
  EXPECT_TRUE(has(v1, "in_conv", "input-channels")) << all(v1);
  EXPECT_TRUE(has(v1, "in_conv", "padding")) << all(v1);
  EXPECT_TRUE(has(v1, "dil", "dilation")) << all(v1);
  EXPECT_TRUE(has(v1, "grp", "groups")) << all(v1);
  EXPECT_TRUE(has(v1, "k2", "conv-kernel")) << all(v1);
  EXPECT_TRUE(has(v1, "k2", "padding")) << all(v1);
  EXPECT_TRUE(has(v1, "s2k5", "conv-stride")) << all(v1);
  EXPECT_TRUE(has(v1, "pool", "pooling")) << all(v1);
  EXPECT_FALSE(has(v1, "in_conv", "conv-kernel"));  // 5 is an InputConvolutional kernel
  // 2.0: input conv 5x5 stride 2 is legal (stride <= k-1); still SAME-only after it
  const auto v2 = check(f, Target::Akida2, {});
  EXPECT_FALSE(has(v2, "in_conv", "conv-stride")) << all(v2);
  EXPECT_TRUE(has(v2, "k2", "conv-kernel")) << all(v2);
}

TEST(AkidaCheck, DepthwiseOnlyOnAkida2AndFilterCaps) {
  Builder b({3, 32, 32});
  b.then(conv("in_conv", 200, 3, 3, 1, 1)).stateless("n0", 0);  // 3 channels, 3x3: at most 192 filters on 1.0
  b.then(conv("dw", 200, 200, 3, 1, 1, 1, 200)).stateless("n1", 0);
  const nf::FloatNetwork f = b.done();
  const auto v1 = check(f, Target::Akida1, {});
  EXPECT_TRUE(has(v1, "in_conv", "filters")) << all(v1);
  EXPECT_TRUE(has(v1, "dw", "groups")) << all(v1);
  CheckOptions o;
  o.weight_bits = 8;
  const auto v2 = check(f, Target::Akida2, o);
  EXPECT_FALSE(has(v2, "in_conv", "filters")) << all(v2);  // 512 on 2.0
  EXPECT_FALSE(has(v2, "dw", "groups")) << all(v2);        // depthwise
}

TEST(AkidaCheck, FanInAndBitWidths) {
  Builder b({3000});
  b.then(fc("big", 10, 3000)).stateless("n", 0);
  const nf::FloatNetwork f = b.done();
  EXPECT_FALSE(has(check(f, Target::Akida1, {}), "big", "fc-fan-in"));  // <= 57334
  CheckOptions o;
  o.weight_bits = 8;
  const auto v2 = check(f, Target::Akida2, o);
  EXPECT_TRUE(has(v2, "big", "fc-fan-in")) << all(v2);  // Dense1D <= 2048
  o.weight_bits = 3;
  o.act_bits = 2;
  const auto v1 = check(f, Target::Akida1, o);
  EXPECT_TRUE(has(v1, "big", "weight-bits")) << all(v1);
  EXPECT_FALSE(has(v1, "big", "act-bits")) << all(v1);
  EXPECT_TRUE(has(check(f, Target::Akida2, o), "big", "act-bits"));
}

TEST(AkidaCheck, IrNetworks) {
  sf::Network net;
  net.name = "n";
  net.input_size = 4;
  sf::Layer l;
  l.name = "fc";
  l.n_in = 4;
  l.n_out = 2;
  l.weight_bits = 4;
  l.weights.assign(8, 1);
  l.neuron.model = sf::NeuronModel::Lif;
  net.layers.push_back(l);
  EXPECT_TRUE(has(check(net, Target::Akida1), "fc", "stateful"));
  net.layers[0].neuron.model = sf::NeuronModel::Akida;
  net.layers[0].neuron.akida.act_bits = 4;
  net.layers[0].neuron.akida.threshold = {5, 1 << 20};  // 2^20 does not fit 20 bits signed
  auto v = check(net, Target::Akida1);
  EXPECT_TRUE(has(v, "fc", "threshold")) << all(v);
  EXPECT_FALSE(has(v, "fc", "weight-bits")) << all(v);
  net.layers[0].neuron.akida.threshold = {5, 6};
  EXPECT_TRUE(check(net, Target::Akida1).empty()) << all(check(net, Target::Akida1));
  EXPECT_TRUE(has(check(net, Target::Akida2), "fc", "generation"));
}

}  // namespace
