// Hand-computed tests of the integer graph model (reference/int_graph): every
// node kind on a tiny graph, with the numbers worked out in the comments, the
// rounding of every division (negative sums and ties included), saturation of
// v and i, subtract_deferred, back edges, and the error messages.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "int_graph.h"

using namespace sf::ref::int_graph;

namespace {

// in[shape] -> node -> out, finalized.
IntGraph chain(const Shape& in_shape, IntNode node) {
  IntGraph g;
  const std::string name = node.name;
  g.add(input_node("in", in_shape));
  g.add(std::move(node));
  g.add(output_node("out"));
  g.connect("in", name);
  g.connect(name, "out");
  g.finalize();
  return g;
}

// One step of a one-node chain.
Values once(const Shape& in_shape, IntNode node, const Values& x) {
  IntGraph g = chain(in_shape, std::move(node));
  Simulator sim(g);
  sim.step({x});
  return sim.value("out");
}

// Runs a one-input graph over per-step inputs; returns [step] -> node's value
// (or v when `membrane`).
std::vector<Values> series(const IntGraph& g, const std::string& node,
                           const std::vector<Values>& xs, bool membrane = false) {
  Simulator sim(g);
  std::vector<Values> out;
  for (const Values& x : xs) {
    sim.step({x});
    out.push_back(membrane ? sim.v(g.index(node)) : sim.value(node));
  }
  return out;
}

// The single element of a series of one-element values.
Values col(const std::vector<Values>& s) {
  Values out;
  for (const Values& v : s) out.push_back(v.at(0));
  return out;
}

std::vector<Values> scalar_steps(const Values& xs) {
  std::vector<Values> out;
  for (int64_t x : xs) out.push_back({x});
  return out;
}

NeuronParams params(int64_t threshold, FireRule fire, ResetMode reset, int v_bits = 16) {
  NeuronParams p;
  p.threshold = threshold;
  p.fire = fire;
  p.reset = reset;
  p.v_bits = v_bits;
  return p;
}

// Membrane of a one-neuron node of `kind` over scalar inputs.
Values membrane(NodeKind kind, const NeuronParams& p, const Values& xs) {
  IntNode n;
  n.name = "n";
  n.kind = kind;
  n.neuron = p;
  IntGraph g = chain({1}, n);
  return col(series(g, "n", scalar_steps(xs), true));
}

Values spikes(NodeKind kind, const NeuronParams& p, const Values& xs) {
  IntNode n;
  n.name = "n";
  n.kind = kind;
  n.neuron = p;
  IntGraph g = chain({1}, n);
  return col(series(g, "n", scalar_steps(xs)));
}

std::string finalize_error(IntGraph g) {
  try {
    g.finalize();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

std::string chain_error(const Shape& in_shape, IntNode node) {
  IntGraph g;
  const std::string name = node.name;
  g.add(input_node("in", in_shape));
  g.add(std::move(node));
  g.connect("in", name);
  return finalize_error(g);
}

}  // namespace

// ---- Static nodes --------------------------------------------------------------

TEST(IntNodes, DenseMapsTheLastDimensionWithBias) {
  // W = [[1,-2,3],[0,4,-1]], b = [5,-5]; rows x = [1,2,3] and [-1,0,2]:
  // [1-4+9+5, 8-3-5] = [11, 0]; [-1+6+5, -2-5] = [10, -7].
  IntGraph g = chain({2, 3}, dense_node("fc", {{2, 3}, {1, -2, 3, 0, 4, -1}}, {5, -5}));
  EXPECT_EQ(g.node(g.index("fc")).out_shape, (Shape{2, 2}));
  Simulator sim(g);
  sim.step({{1, 2, 3, -1, 0, 2}});
  EXPECT_EQ(sim.value("out"), (Values{11, 0, 10, -7}));
  // Without a bias.
  EXPECT_EQ(once({3}, dense_node("fc", {{1, 3}, {2, 3, -4}}), {1, 1, 1}), (Values{1}));
}

TEST(IntNodes, Conv2dStridePaddingDilationGroups) {
  // Input [2,4,4]: channel 0 = 0..15 row-major, channel 1 = all 1. groups 2,
  // w0 = [[1,2],[3,4]] on channel 0, w1 = [[1,-1],[-1,1]] on channel 1,
  // stride 2, padding 1, dilation 2 -> 2x2 outputs; taps at rows/cols
  // {-1 (pad), 1} for output 0 and {1, 3} for output 1:
  // ch0: (0,0) 4*5 = 20; (0,1) 3*5 + 4*7 = 43; (1,0) 2*5 + 4*13 = 62;
  //      (1,1) 1*5 + 2*7 + 3*13 + 4*15 = 118;  + bias 10
  // ch1: (0,0) 1; others 1-1 or 1-1-1+1 = 0;   + bias -3
  Values x(32, 1);
  for (int i = 0; i < 16; ++i) x[i] = i;
  Window win;
  win.stride = {2, 2};
  win.pad_begin = win.pad_end = {1, 1};
  win.dilation = {2, 2};
  win.groups = 2;
  IntNode conv = conv_node("conv", {{2, 1, 2, 2}, {1, 2, 3, 4, 1, -1, -1, 1}}, {10, -3}, win);
  IntGraph g = chain({2, 4, 4}, conv);
  EXPECT_EQ(g.node(g.index("conv")).out_shape, (Shape{2, 2, 2}));
  Simulator sim(g);
  sim.step({x});
  EXPECT_EQ(sim.value("out"), (Values{30, 53, 72, 128, -2, -3, -3, -3}));
}

TEST(IntNodes, Conv1dAsymmetricPadding) {
  // x = [1,2,3,4], w = [1,0,-1], two zeros before: p = [0,0,1,2,3,4(,0)],
  // y[i] = p[i] - p[i+2].
  Window win;
  win.stride = {1};
  win.pad_begin = {2};
  win.pad_end = {0};
  win.dilation = {1};
  EXPECT_EQ(once({1, 4}, conv_node("c", {{1, 1, 3}, {1, 0, -1}}, {}, win), {1, 2, 3, 4}),
            (Values{-1, -2, -2, -2}));
  win.pad_end = {1};
  EXPECT_EQ(once({1, 4}, conv_node("c", {{1, 1, 3}, {1, 0, -1}}, {}, win), {1, 2, 3, 4}),
            (Values{-1, -2, -2, -2, 3}));
}

TEST(IntNodes, SumPoolAndAvgPoolWithPaddingAndNegativeSums) {
  // [1,3,3] = 1..9, kernel 2, stride 2, padding 1: windows hold {1}, {2,3},
  // {4,7}, {5,6,8,9} -> sums 1, 5, 11, 28; the divisor is 4 (padding counts).
  const Values x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  Values neg;
  for (int64_t v : x) neg.push_back(-v);
  EXPECT_EQ(once({1, 3, 3}, sum_pool2d_node("p", {2, 2}, {2, 2}, {1, 1}), x),
            (Values{1, 5, 11, 28}));
  EXPECT_EQ(once({1, 3, 3}, sum_pool2d_node("p", {2, 2}, {2, 2}, {1, 1}), neg),
            (Values{-1, -5, -11, -28}));
  // Floor: 0.25, 1.25, 2.75, 7 -> 0, 1, 2, 7; negated -> -1, -2, -3, -7.
  EXPECT_EQ(once({1, 3, 3}, avg_pool2d_node("p", {2, 2}, {2, 2}, {1, 1}), x), (Values{0, 1, 2, 7}));
  EXPECT_EQ(once({1, 3, 3}, avg_pool2d_node("p", {2, 2}, {2, 2}, {1, 1}), neg),
            (Values{-1, -2, -3, -7}));
  // HalfUp: 0, 1, 3, 7; negated: floor(-0.25+0.5) = 0, -1, floor(-2.25) = -3, -7.
  EXPECT_EQ(once({1, 3, 3}, avg_pool2d_node("p", {2, 2}, {2, 2}, {1, 1}, Rounding::HalfUp), x),
            (Values{0, 1, 3, 7}));
  EXPECT_EQ(once({1, 3, 3}, avg_pool2d_node("p", {2, 2}, {2, 2}, {1, 1}, Rounding::HalfUp), neg),
            (Values{0, -1, -3, -7}));
  // Ties, window 4 (a shift by 2): sums 2 and -2 -> 0.5, -0.5.
  const Values ties = {1, 1, 0, 0, -1, -1, 0, 0};
  EXPECT_EQ(once({1, 1, 8}, avg_pool2d_node("p", {1, 4}, {1, 4}, {0, 0}), ties), (Values{0, -1}));
  EXPECT_EQ(once({1, 1, 8}, avg_pool2d_node("p", {1, 4}, {1, 4}, {0, 0}, Rounding::HalfUp), ties),
            (Values{1, 0}));
  // A divisor that is not a power of two: -4 / 3 = -1.33 -> floor -2, half-up -1.
  EXPECT_EQ(once({1, 1, 3}, avg_pool2d_node("p", {1, 3}, {1, 3}, {0, 0}), {-1, -1, -2}),
            (Values{-2}));
  EXPECT_EQ(once({1, 1, 3}, avg_pool2d_node("p", {1, 3}, {1, 3}, {0, 0}, Rounding::HalfUp),
                 {-1, -1, -2}),
            (Values{-1}));
}

TEST(IntNodes, FlattenShapesAndValues) {
  IntGraph g = chain({2, 3, 4}, flatten_node("f", 1, 2));
  EXPECT_EQ(g.node(g.index("f")).out_shape, (Shape{2, 12}));
  IntGraph all = chain({2, 3, 4}, flatten_node("f", 0, -1));
  EXPECT_EQ(all.node(all.index("f")).out_shape, (Shape{24}));
  Values x(24);
  for (int i = 0; i < 24; ++i) x[i] = i - 7;
  Simulator sim(all);
  sim.step({x});
  EXPECT_EQ(sim.value("out"), x);
  EXPECT_NE(chain_error({2, 3}, flatten_node("f", 1, 0)).find("start_dim, end_dim"),
            std::string::npos);
}

TEST(IntNodes, DelayInSteps) {
  // Element delays 0, 1, 3; input [t+1, 10(t+1), 100(t+1)].
  IntGraph g = chain({3}, delay_node("d", {0, 1, 3}));
  std::vector<Values> xs;
  for (int64_t t = 0; t < 5; ++t) xs.push_back({t + 1, 10 * (t + 1), 100 * (t + 1)});
  const std::vector<Values> got = series(g, "out", xs);
  const std::vector<Values> want = {{1, 0, 0}, {2, 10, 0}, {3, 20, 0}, {4, 30, 100}, {5, 40, 200}};
  EXPECT_EQ(got, want);
  // A scalar delay is broadcast.
  IntGraph one = chain({2}, delay_node("d", {2}));
  EXPECT_EQ(series(one, "out", {{1, 2}, {3, 4}, {5, 6}}),
            (std::vector<Values>{{0, 0}, {0, 0}, {1, 2}}));
}

TEST(IntNodes, ScaleRounding) {
  // 3x / 4 for x = -3..3, 5: -2.25, -1.5, -0.75, 0, 0.75, 1.5, 2.25, 3.75.
  const Values x = {-3, -2, -1, 0, 1, 2, 3, 5};
  EXPECT_EQ(once({8}, scale_node("s", {3}, 2), x), (Values{-2, -1, -1, 0, 1, 2, 2, 4}));
  EXPECT_EQ(once({8}, scale_node("s", {3}, 2, Rounding::Floor), x),
            (Values{-3, -2, -1, 0, 0, 1, 2, 3}));
  // Shift 0 is exact; a per-channel multiplier on [2, 2].
  EXPECT_EQ(once({2, 2}, scale_node("s", {1, -2}, 0), {5, -6, 7, -8}), (Values{5, -6, -14, 16}));
}

TEST(IntNodes, ThresholdIsStrict) {
  EXPECT_EQ(once({4}, threshold_node("t", {5}), {4, 5, 6, -9}), (Values{0, 0, 1, 0}));
  EXPECT_EQ(once({3}, threshold_node("t", {-2, 0, 7}), {-1, 0, 8}), (Values{1, 0, 1}));
}

// ---- Graph execution -------------------------------------------------------------

TEST(IntGraphs, InputsAreSummedAndBackEdgesDelayOneStep) {
  // in -> a (x1), in -> b (x10), a + b -> out: 11 x.
  IntGraph sum;
  sum.add(input_node("in", {2}));
  sum.add(scale_node("a", {1}, 0));
  sum.add(scale_node("b", {10}, 0));
  sum.add(output_node("out"));
  sum.connect("in", "a");
  sum.connect("in", "b");
  sum.connect("a", "out");
  sum.connect("b", "out");
  sum.finalize();
  Simulator s(sum);
  s.step({{3, -4}});
  EXPECT_EQ(s.value("out"), (Values{33, -44}));

  // acc = in + d[t-1] (back edge), d = 2 acc: in = 1, 0, 0, 0 gives
  // acc = 1, 2, 4, 8 (the back edge delivers 0 at step 0).
  IntGraph g;
  g.add(input_node("in", {1}));
  g.add(identity_node("acc"));
  g.add(dense_node("d", {{1, 1}, {2}}));
  g.add(output_node("out"));
  g.connect("in", "acc");
  g.connect("acc", "d");
  g.connect("d", "acc", true);
  g.connect("d", "out");
  g.finalize();
  EXPECT_EQ(col(series(g, "acc", scalar_steps({1, 0, 0, 0}))), (Values{1, 2, 4, 8}));
}

TEST(IntGraphs, RecurrentSpikesArriveOneStepLater) {
  // IF (θ 2, ge, zero reset) driven by 2 per step and its own spikes through
  // W = -3 on a back edge: t0 v = 2 spike; t1 2 - 3 = -1; t2 1; t3 3 spike;
  // t4 -1 ... : a spike every third step.
  IntGraph g;
  g.add(input_node("in", {1}));
  g.add(if_node("if", params(2, FireRule::Ge, ResetMode::Zero)));
  g.add(dense_node("rec", {{1, 1}, {-3}}));
  g.add(output_node("out"));
  g.connect("in", "if");
  g.connect("if", "rec");
  g.connect("rec", "if", true);
  g.connect("if", "out");
  g.finalize();
  const std::vector<Values> xs = scalar_steps({2, 2, 2, 2, 2, 2, 2});
  EXPECT_EQ(col(series(g, "if", xs)), (Values{1, 0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(col(series(g, "if", xs, true)), (Values{0, -1, 1, 0, -1, 1, 0}));
}

TEST(IntGraphs, RunRecordsEveryNodeAndResetRestarts) {
  IntGraph g = chain({1}, if_node("if", params(3, FireRule::Ge, ResetMode::Subtract)));
  const Trace tr = run(g, {{{2}}, {{2}}}, 4);  // steps 2 and 3 get zeros
  ASSERT_EQ(tr.steps(), 4u);
  EXPECT_EQ(tr.v_of(0, "if"), (Values{2}));
  EXPECT_EQ(tr.value_of(1, "if"), (Values{1}));
  EXPECT_EQ(tr.v_of(1, "if"), (Values{1}));
  EXPECT_EQ(tr.v_of(3, "if"), (Values{1}));
  EXPECT_TRUE(tr.i_syn_of(0, "if").empty());
  EXPECT_THROW(tr.value_of(0, "nope"), std::invalid_argument);
  EXPECT_THROW(tr.value_of(9, "if"), std::out_of_range);
  Simulator sim(g);
  sim.step({{2}});
  sim.reset();
  EXPECT_EQ(sim.v(g.index("if")), (Values{0}));
  EXPECT_EQ(sim.steps_done(), 0);
}

// ---- Neurons ---------------------------------------------------------------------

TEST(IntNeurons, IfFireRulesAndResets) {
  const Values in(6, 3);
  // θ 5, ge, subtract: v 3, 6->1 (spike), 4, 7->2 (spike), 5->0 (spike), 3.
  EXPECT_EQ(membrane(NodeKind::IF, params(5, FireRule::Ge, ResetMode::Subtract), in),
            (Values{3, 1, 4, 2, 0, 3}));
  EXPECT_EQ(spikes(NodeKind::IF, params(5, FireRule::Ge, ResetMode::Subtract), in),
            (Values{0, 1, 0, 1, 1, 0}));
  // gt: 5 does not fire: 3, 1, 4, 2, 5, 3 (8 - 5).
  EXPECT_EQ(membrane(NodeKind::IF, params(5, FireRule::Gt, ResetMode::Subtract), in),
            (Values{3, 1, 4, 2, 5, 3}));
  // zero to v_reset = -1: 3, 6->-1, 2, 5->-1, 2, 5->-1.
  NeuronParams z = params(5, FireRule::Ge, ResetMode::Zero);
  z.v_reset = -1;
  EXPECT_EQ(membrane(NodeKind::IF, z, in), (Values{3, -1, 2, -1, 2, -1}));
  // none: 3, 6, 9, ... every step from the second fires.
  EXPECT_EQ(spikes(NodeKind::IF, params(5, FireRule::Ge, ResetMode::None), in),
            (Values{0, 1, 1, 1, 1, 1}));
  // bias 2 and no input: 2, 4, 6->1 (spike).
  NeuronParams b = params(5, FireRule::Ge, ResetMode::Subtract);
  b.bias = {2};
  EXPECT_EQ(membrane(NodeKind::IF, b, {0, 0, 0}), (Values{2, 4, 1}));
}

TEST(IntNeurons, IfSaturatesAtVBits) {
  // v_bits 4: -8..7. Reset none, θ 7: 5, 10 -> 7 (spike), 7, then -20 -> -8.
  const NeuronParams p = params(7, FireRule::Ge, ResetMode::None, 4);
  EXPECT_EQ(membrane(NodeKind::IF, p, {5, 5, 0, -20, -1}), (Values{5, 7, 7, -8, -8}));
  EXPECT_EQ(spikes(NodeKind::IF, p, {5, 5, 0, -20, -1}), (Values{0, 1, 1, 0, 0}));
  // Subtract after saturation: sat(12) = 7 -> 0.
  EXPECT_EQ(membrane(NodeKind::IF, params(7, FireRule::Ge, ResetMode::Subtract, 4), {12}),
            (Values{0}));
}

TEST(IntNeurons, LifLeaksRoundTowardZero) {
  NeuronParams p = params(1000, FireRule::Ge, ResetMode::None);
  const Values pos = {7, 0, 0, 0, 0, 0}, neg = {-7, 0, 0, 0, 0, 0};
  // shift 1: v - trunc0(v/2): 7, 4, 2, 1, 1, 1 (1 - 0 stays).
  p.leak = {LeakKind::Shift, 1, 0, 0, 0};
  EXPECT_EQ(membrane(NodeKind::LIF, p, pos), (Values{7, 4, 2, 1, 1, 1}));
  EXPECT_EQ(membrane(NodeKind::LIF, p, neg), (Values{-7, -4, -2, -1, -1, -1}));
  // mult 3/4: trunc0(5.25) = 5, 3.75 -> 3, 2.25 -> 2, 1.5 -> 1, 0.75 -> 0.
  p.leak = {LeakKind::Mult, 0, 3, 2, 0};
  EXPECT_EQ(membrane(NodeKind::LIF, p, pos), (Values{7, 5, 3, 2, 1, 0}));
  EXPECT_EQ(membrane(NodeKind::LIF, p, neg), (Values{-7, -5, -3, -2, -1, 0}));
  // sub 2: toward 0, never across it.
  p.leak = {LeakKind::Sub, 0, 0, 0, 2};
  EXPECT_EQ(membrane(NodeKind::LIF, p, pos), (Values{7, 5, 3, 1, 0, 0}));
  EXPECT_EQ(membrane(NodeKind::LIF, p, neg), (Values{-7, -5, -3, -1, 0, 0}));
}

TEST(IntNeurons, LifSubtractDeferred) {
  // θ 5, shift-1 leak. Immediate subtract: t0 6 -> 1, t1 L(1) = 1.
  // Deferred: t0 v = 6 (reported unreset), t1 L(6) - 5 = 3 - 5 = -2.
  NeuronParams p = params(5, FireRule::Ge, ResetMode::Subtract);
  p.leak = {LeakKind::Shift, 1, 0, 0, 0};
  EXPECT_EQ(membrane(NodeKind::LIF, p, {6, 0}), (Values{1, 1}));
  p.reset = ResetMode::SubtractDeferred;
  EXPECT_EQ(membrane(NodeKind::LIF, p, {6, 0}), (Values{6, -2}));
  EXPECT_EQ(spikes(NodeKind::LIF, p, {6, 0}), (Values{1, 0}));
  IntGraph g = chain({1}, lif_node("n", p));
  Simulator sim(g);
  sim.step({{6}});
  EXPECT_EQ(sim.deferred(g.index("n")), (std::vector<uint8_t>{1}));
  sim.step({{0}});
  EXPECT_EQ(sim.deferred(g.index("n")), (std::vector<uint8_t>{0}));
  // One saturation, after the deferred -θ: v_bits 4, no leak, inputs 7, 7:
  // t1 = sat(7 - 5 + 7) = 7 and fires again (not sat(7 + 7) - 5 = 2).
  NeuronParams s = params(5, FireRule::Ge, ResetMode::SubtractDeferred, 4);
  EXPECT_EQ(membrane(NodeKind::LIF, s, {7, 7}), (Values{7, 7}));
  EXPECT_EQ(spikes(NodeKind::LIF, s, {7, 7}), (Values{1, 1}));
}

TEST(IntNeurons, PerChannelThresholdsAndBias) {
  // [2,1,2]: thresholds per channel {3, 5} -> {3,3,5,5}; bias per element.
  NeuronParams p = params(1, FireRule::Ge, ResetMode::Zero);
  p.thresholds = {3, 5};
  p.bias = {0, 1, 0, 1};
  IntGraph g = chain({2, 1, 2}, if_node("n", p));
  EXPECT_EQ(g.node(g.index("n")).neuron.thresholds, (Values{3, 3, 5, 5}));
  Simulator sim(g);
  sim.step({{3, 3, 4, 4}});
  EXPECT_EQ(sim.value("n"), (Values{1, 1, 0, 1}));
  EXPECT_EQ(sim.v(g.index("n")), (Values{0, 0, 4, 0}));
}

TEST(IntNeurons, LeakyIntegratorAndIntegrator) {
  // LI, shift-1 leak, bias 1, input 8 then 0: 9, 5+1, 3+1, 2+1, 2+1 = 9, 6, 4, 3, 3.
  NeuronParams p;
  p.leak = {LeakKind::Shift, 1, 0, 0, 0};
  p.bias = {1};
  IntGraph g = chain({1}, li_node("li", p));
  EXPECT_EQ(col(series(g, "out", scalar_steps({8, 0, 0, 0, 0}))), (Values{9, 6, 4, 3, 3}));
  // v_bits 5 saturates: 20 -> 15, -40 -> -16.
  p.v_bits = 5;
  p.bias = {};
  EXPECT_EQ(membrane(NodeKind::LI, p, {20, -40}), (Values{15, -16}));
  // I: v += x + b, saturating at v_bits 4: 3, 6, 7, 7, then -20 -> -8.
  NeuronParams q;
  q.v_bits = 4;
  IntGraph gi = chain({1}, i_node("i", q));
  EXPECT_EQ(col(series(gi, "out", scalar_steps({3, 3, 3, 3, -20}))), (Values{3, 6, 7, 7, -8}));
}

TEST(IntNeurons, CubaLifUsesTheNewCurrent) {
  // syn shift 1, mem shift 2, g = 3/2, θ 10, gt, zero reset; input 8 then 0:
  // t0 i 8, drive 12, v 12 > 10 spike -> 0 (the previous current, 0, would not fire)
  // t1 i 4, drive 6, v 6;  t2 i 2, drive 3, v 5 + 3 = 8;
  // t3 i 1, drive trunc0(1.5) = 1, v 6 + 1 = 7;  t4 i 1, drive 1, v 6 + 1 = 7.
  NeuronParams p = params(10, FireRule::Gt, ResetMode::Zero);
  p.syn_leak = {LeakKind::Shift, 1, 0, 0, 0};
  p.leak = {LeakKind::Shift, 2, 0, 0, 0};
  p.gain = 3;
  p.gain_frac = 1;
  IntGraph g = chain({1}, cuba_lif_node("c", p));
  Simulator sim(g);
  const size_t c = g.index("c");
  const Values want_i = {8, 4, 2, 1, 1}, want_v = {0, 6, 8, 7, 7}, want_s = {1, 0, 0, 0, 0};
  for (size_t t = 0; t < 5; ++t) {
    sim.step({{t == 0 ? 8 : 0}});
    EXPECT_EQ(sim.i_syn(c)[0], want_i[t]) << "step " << t;
    EXPECT_EQ(sim.v(c)[0], want_v[t]) << "step " << t;
    EXPECT_EQ(sim.value(c)[0], want_s[t]) << "step " << t;
  }
  // The current's contribution rounds toward zero: i = -3 -> trunc0(-4.5) = -4.
  EXPECT_EQ(membrane(NodeKind::CubaLIF, p, {-3}), (Values{-4}));
}

TEST(IntNeurons, CubaSaturatesIAndV) {
  // i_bits 4: 10 -> 7; gain 4 -> drive 28, v_bits 5 -> 15. Then -30: i
  // L(7) - 30 = 4 - 30 -> -8, drive -32, v L(15) - 32 = 8 - 32 -> -16.
  NeuronParams p;
  p.i_bits = 4;
  p.v_bits = 5;
  p.gain = 4;
  p.syn_leak = {LeakKind::Shift, 1, 0, 0, 0};
  p.leak = {LeakKind::Shift, 1, 0, 0, 0};
  IntGraph g = chain({1}, cuba_li_node("c", p));
  Simulator sim(g);
  const size_t c = g.index("c");
  sim.step({{10}});
  EXPECT_EQ(sim.i_syn(c)[0], 7);
  EXPECT_EQ(sim.value(c)[0], 15);  // CubaLI outputs v
  sim.step({{-30}});
  EXPECT_EQ(sim.i_syn(c)[0], -8);
  EXPECT_EQ(sim.v(c)[0], -16);
  // A CubaLIF with subtract_deferred: θ 5, no leaks, gain 1, input 6 then 0:
  // t0 i 6, v 6 spike; t1 i 6, v 6 - 5 + 6 = 7 spike.
  NeuronParams d = params(5, FireRule::Ge, ResetMode::SubtractDeferred);
  EXPECT_EQ(membrane(NodeKind::CubaLIF, d, {6, 0}), (Values{6, 7}));
}

// ---- Errors ----------------------------------------------------------------------

TEST(IntGraphs, ErrorsNameTheNodeAndField) {
  const auto has = [](const std::string& msg, const std::string& part) {
    return msg.find(part) != std::string::npos;
  };
  std::string e = chain_error({3}, dense_node("fc", {{1, 3}, {1, int64_t{1} << 31, 0}}));
  EXPECT_TRUE(has(e, "node 'fc' (Dense): weight[1]: found 2147483648")) << e;
  e = chain_error({4}, dense_node("fc", {{2, 3}, {1, 2, 3, 4, 5, 6}}));
  EXPECT_TRUE(has(e, "node 'fc' (Dense): weight")) << e;
  e = chain_error({1}, if_node("n", params(0, FireRule::Ge, ResetMode::Zero)));
  EXPECT_TRUE(has(e, "node 'n' (IF): thresholds[0]: found 0, expected 1..32767")) << e;
  e = chain_error({1}, if_node("n", params(1, FireRule::Ge, ResetMode::SubtractDeferred)));
  EXPECT_TRUE(has(e, "node 'n' (IF): reset: found subtract_deferred")) << e;
  NeuronParams leaky = params(1, FireRule::Ge, ResetMode::Zero);
  leaky.leak = {LeakKind::Shift, 1, 0, 0, 0};
  e = chain_error({1}, if_node("n", leaky));
  EXPECT_TRUE(has(e, "node 'n' (IF): leak")) << e;
  e = chain_error({1}, lif_node("n", params(1, FireRule::Ge, ResetMode::Zero, 1)));
  EXPECT_TRUE(has(e, "node 'n' (LIF): v_bits: found 1, expected 2..62")) << e;
  NeuronParams three = params(1, FireRule::Ge, ResetMode::Zero);
  three.thresholds = {1, 2, 3};
  e = chain_error({2, 2}, if_node("n", three));
  EXPECT_TRUE(has(e, "node 'n' (IF): thresholds: found 3 values, expected 1, 2 (one per channel) or 4")) << e;
  NeuronParams big_bias = params(1, FireRule::Ge, ResetMode::Zero, 4);
  big_bias.bias = {8};
  e = chain_error({1}, if_node("n", big_bias));
  EXPECT_TRUE(has(e, "bias[0]: found 8, expected -8..7")) << e;
  NeuronParams bad_mult;
  bad_mult.leak = {LeakKind::Mult, 0, 5, 2, 0};
  e = chain_error({1}, li_node("n", bad_mult));
  EXPECT_TRUE(has(e, "node 'n' (LI): leak.beta, .frac: found 5, 2")) << e;
  e = chain_error({4}, scale_node("s", {1}, 63));
  EXPECT_TRUE(has(e, "node 's' (Scale): shift: found 63, expected 0..62")) << e;
  e = chain_error({4}, delay_node("d", {-1}));
  EXPECT_TRUE(has(e, "node 'd' (Delay): delay[0]: found -1")) << e;
  Window win;
  win.stride = {1, 1};
  win.pad_begin = win.pad_end = {0, 0};
  win.dilation = {1, 1};
  win.groups = 2;
  e = chain_error({3, 4, 4}, conv_node("c", {{2, 1, 2, 2}, Values(8, 1)}, {}, win));
  EXPECT_TRUE(has(e, "node 'c' (Conv2d): weight")) << e;

  IntGraph cyc;
  cyc.add(input_node("in", {1}));
  cyc.add(identity_node("a"));
  cyc.add(identity_node("b"));
  cyc.connect("in", "a");
  cyc.connect("a", "b");
  cyc.connect("b", "a");
  EXPECT_TRUE(has(finalize_error(cyc), "cycle")) << finalize_error(cyc);
  IntGraph dup;
  dup.add(input_node("in", {1}));
  EXPECT_THROW(dup.add(input_node("in", {1})), std::invalid_argument);
  EXPECT_THROW(dup.connect("in", "nope"), std::invalid_argument);
  IntGraph not_final = chain({1}, identity_node("x"));
  not_final.add(identity_node("y"));
  EXPECT_THROW(Simulator{not_final}, std::invalid_argument);
}

TEST(IntGraphs, StepChecksInputsAndOverflow) {
  IntGraph g = chain({2}, dense_node("fc", {{1, 2}, {(int64_t{1} << 31) - 1, 1}}));
  Simulator sim(g);
  EXPECT_THROW(sim.step({}), std::invalid_argument);
  EXPECT_THROW(sim.step({{1}}), std::invalid_argument);
  sim.step({{int64_t{1} << 31, 5}});  // 2^62 - 2^31 + 5 fits
  EXPECT_EQ(sim.value("out"), (Values{(int64_t{1} << 62) - (int64_t{1} << 31) + 5}));
  try {
    sim.step({{int64_t{1} << 33, 0}});  // ~2^64: does not fit
    FAIL() << "no overflow_error";
  } catch (const std::overflow_error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'fc' (Dense): step 1, output[0]"), std::string::npos)
        << e.what();
  }
  // A neuron never overflows: its state saturates.
  NeuronParams p;
  p.v_bits = 62;
  IntGraph gi = chain({1}, i_node("i", p));
  Simulator si(gi);
  si.step({{std::numeric_limits<int64_t>::max()}});
  si.step({{std::numeric_limits<int64_t>::max()}});
  EXPECT_EQ(si.value("out"), (Values{(int64_t{1} << 61) - 1}));
}
