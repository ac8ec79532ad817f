// Tests of the float reference model of NIR graphs (reference/nir_float):
// every node type on tiny hand-built graphs with hand-computed numbers and the
// discretization options. The NIR conversion, the NIR corpus files and the
// sf_float_sim tool are tested with the importer, in
// gen/import/tests/test_nir_to_float.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "float_model.h"

using namespace sf::ref::nir_float;
using Vec = std::vector<double>;

namespace {

// One Input node: inputs[t] = {values of step t}.
std::vector<std::vector<Vec>> single_input(const std::vector<Vec>& per_step) {
  std::vector<std::vector<Vec>> out;
  for (const Vec& v : per_step) out.push_back({v});
  return out;
}

Tensor tensor(const Shape& shape, const Vec& data) { return Tensor{shape, data}; }

// in[shape] -> node -> out, finalized.
FloatGraph chain(const Shape& in_shape, FloatNode node) {
  FloatGraph g;
  const std::string name = node.name;
  g.add(input_node("in", in_shape));
  g.add(std::move(node));
  g.add(output_node("out"));
  g.connect("in", name);
  g.connect(name, "out");
  g.finalize();
  return g;
}

void expect_near_all(const Vec& got, const Vec& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

// Runs a single-input graph and returns node `name`'s value or membrane at
// every step.
std::vector<Vec> values(const FloatGraph& g, const std::vector<Vec>& in, const std::string& name,
                        const SimOptions& opt = {}, bool membrane = false) {
  Trace tr = run(g, opt, single_input(in), static_cast<int64_t>(in.size()));
  std::vector<Vec> out;
  for (size_t t = 0; t < tr.steps(); ++t) out.push_back(membrane ? tr.v_of(t, name) : tr.value_of(t, name));
  return out;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

// ---- Static nodes ----------------------------------------------------------------

TEST(FloatNodes, AffineMapsTheLastDimension) {
  // W = [[1, 2, 3], [0, -1, 0.5]], b = [10, 20], input [2, 3] (two rows).
  FloatGraph g = chain({2, 3}, affine_node("fc", tensor({2, 3}, {1, 2, 3, 0, -1, 0.5}), {10, 20}));
  EXPECT_EQ(g.node(g.index("fc")).out_shape, (Shape{2, 2}));
  auto v = values(g, {{1, 1, 1, 2, 0, 4}}, "fc");
  // row 0: 1+2+3+10 = 16, -1+0.5+20 = 19.5; row 1: 2+12+10 = 24, 0+2+20 = 22
  expect_near_all(v[0], {16, 19.5, 24, 22}, 0);
}

TEST(FloatNodes, LinearAndScale) {
  FloatGraph g;
  g.add(input_node("in", {2}));
  g.add(linear_node("lin", tensor({3, 2}, {1, 0, 0, 1, 1, 1})));
  g.add(scale_node("s", {2, -1, 0.5}));
  g.add(output_node("out", {3}));
  g.connect("in", "lin");
  g.connect("lin", "s");
  g.connect("s", "out");
  g.finalize();
  auto v = values(g, {{3, 4}}, "out");
  expect_near_all(v[0], {6, -4, 3.5}, 0);
}

TEST(FloatNodes, Conv2dStridePaddingDilationGroups) {
  // Input [2, 4, 4]: channel 0 holds y*4+x, channel 1 holds 100+y*4+x.
  Vec x(32);
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 16; ++i) x[c * 16 + i] = c * 100 + i;
  // groups 2: output channel c sees input channel c only. Kernel 2x2 with
  // dilation 2 (taps 2 cells apart), stride 2, padding 1: output 2x2
  // (floor((4 + 2 - 2 - 1) / 2) + 1). Channel 0 picks tap (0,0), channel 1 tap (1,1).
  Window w;
  w.stride = {2, 2};
  w.pad_begin = w.pad_end = {1, 1};
  w.dilation = {2, 2};
  w.groups = 2;
  FloatGraph g = chain({2, 4, 4}, conv_node("c", tensor({2, 1, 2, 2}, {1, 0, 0, 0, 0, 0, 0, 1}),
                                             {0.5, -1}, w));
  EXPECT_EQ(g.node(g.index("c")).out_shape, (Shape{2, 2, 2}));
  auto v = values(g, {x}, "c");
  // Channel 0, tap (0,0): input cell (2oy-1, 2ox-1): padding except (1,1) = 5.
  // Channel 1, tap (1,1): input cell (2oy+1, 2ox+1): 105, 107, 113, 115.
  expect_near_all(v[0], {0.5, 0.5, 0.5, 5.5, 104, 106, 112, 114}, 0);
}

TEST(FloatNodes, Conv1dAsymmetricPadding) {
  // Kernel [1, 10] with PyTorch-"same" padding for k = 2: 0 before, 1 after.
  Window w;
  w.stride = {1};
  w.pad_begin = {0};
  w.pad_end = {1};
  w.dilation = {1};
  FloatGraph g = chain({1, 3}, conv_node("c", tensor({1, 1, 2}, {1, 10}), {}, w));
  EXPECT_EQ(g.node(g.index("c")).kind, NodeKind::Conv1d);
  EXPECT_EQ(g.node(g.index("c")).out_shape, (Shape{1, 3}));
  auto v = values(g, {{1, 2, 3}}, "c");
  expect_near_all(v[0], {21, 32, 3}, 0);
}

TEST(FloatNodes, SumPoolAndAvgPoolWithPadding) {
  Vec x = {1, 2, 3, 4, 5, 6, 7, 8, 9};  // [1, 3, 3]
  FloatGraph sum = chain({1, 3, 3}, sum_pool2d_node("p", {2, 2}, {1, 1}, {0, 0}));
  EXPECT_EQ(sum.node(sum.index("p")).out_shape, (Shape{1, 2, 2}));
  expect_near_all(values(sum, {x}, "p")[0], {12, 16, 24, 28}, 0);
  // Kernel 2, stride 2, padding 1: windows {1}, {2,3}, {4,7}, {5,6,8,9}; padded
  // cells count as zeros in the average (NIR: SumPool then 1/(kh*kw)).
  FloatGraph avg = chain({1, 3, 3}, avg_pool2d_node("p", {2, 2}, {2, 2}, {1, 1}));
  EXPECT_EQ(avg.node(avg.index("p")).out_shape, (Shape{1, 2, 2}));
  expect_near_all(values(avg, {x}, "p")[0], {0.25, 1.25, 2.75, 7}, 1e-15);
}

TEST(FloatNodes, FlattenShapesAndValues) {
  Vec x(24);
  for (int i = 0; i < 24; ++i) x[i] = i;
  FloatGraph middle = chain({2, 3, 4}, flatten_node("f", 1, 2));
  EXPECT_EQ(middle.node(middle.index("f")).out_shape, (Shape{2, 12}));
  EXPECT_EQ(values(middle, {x}, "f")[0], x);  // C order is unchanged
  FloatGraph all = chain({2, 3, 4}, flatten_node("f", 0, -1));
  EXPECT_EQ(all.node(all.index("f")).out_shape, (Shape{24}));
  FloatGraph neg = chain({2, 3, 4}, flatten_node("f", -2, -1));
  EXPECT_EQ(neg.node(neg.index("f")).out_shape, (Shape{2, 12}));
  EXPECT_THROW(chain({2, 3, 4}, flatten_node("f", 2, 1)), std::invalid_argument);
  EXPECT_THROW(chain({2, 3, 4}, flatten_node("f", 0, 3)), std::invalid_argument);
}

TEST(FloatNodes, DelayInSteps) {
  // 2.4e-4 s at dt 1e-4 rounds to 2 steps; 0 s passes through in the same step.
  FloatGraph g = chain({2}, delay_node("d", {2.4e-4, 0}));
  Simulator sim(g, {});
  EXPECT_EQ(sim.delay_steps(g.index("d")), (std::vector<int64_t>{2, 0}));
  auto v = values(g, {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {0, 0}}, "d");
  std::vector<Vec> want = {{0, 1}, {0, 2}, {1, 3}, {2, 4}, {3, 0}};
  EXPECT_EQ(v, want);
  EXPECT_THROW(chain({2}, delay_node("d", {-1e-4})), std::invalid_argument);
}

TEST(FloatNodes, ThresholdIsStrict) {
  FloatGraph g = chain({3}, threshold_node("th", {0.5}));
  EXPECT_EQ(values(g, {{0.5, 0.50001, -1}}, "th")[0], (Vec{0, 1, 0}));
}

TEST(FloatGraphs, InputsAreSummedAndBackEdgesDelayOneStep) {
  // a = x + b(previous step), b = 2a; plus c = a + b (two forward inputs).
  FloatGraph g;
  g.add(input_node("in", {1}));
  g.add(identity_node("a"));
  g.add(scale_node("b", {2}));
  g.add(identity_node("c"));
  g.add(output_node("out", {1}));
  g.connect("b", "a", true);
  g.connect("in", "a");
  g.connect("a", "b");
  g.connect("a", "c");
  g.connect("b", "c");
  g.connect("c", "out");
  g.finalize();
  Trace tr = run(g, {}, single_input({{1}, {0}, {0}}), 3);
  // step 0: a = 1 (the back edge gives 0), b = 2; step 1: a = 2, b = 4; step 2: a = 4.
  EXPECT_EQ(tr.value_of(0, "a"), Vec{1});
  EXPECT_EQ(tr.value_of(1, "a"), Vec{2});
  EXPECT_EQ(tr.value_of(2, "a"), Vec{4});
  EXPECT_EQ(tr.value_of(2, "out"), Vec{12});
}

TEST(FloatGraphs, Errors) {
  FloatGraph cycle;
  cycle.add(input_node("in", {1}));
  cycle.add(identity_node("a"));
  cycle.add(identity_node("b"));
  cycle.connect("in", "a");
  cycle.connect("a", "b");
  cycle.connect("b", "a");
  EXPECT_NE(message_of([&] { cycle.finalize(); }).find("cycle"), std::string::npos);

  std::string m = message_of([] {
    chain({3}, affine_node("fc", tensor({2, 4}, Vec(8, 1.0)), {0, 0}));
  });
  EXPECT_NE(m.find("node 'fc' (Affine): weight"), std::string::npos) << m;
  m = message_of([] { chain({3}, affine_node("fc", tensor({2, 3}, Vec(6, 1.0)), {0})); });
  EXPECT_NE(m.find("node 'fc' (Affine): bias: found 1 values, expected 2"), std::string::npos) << m;
  m = message_of([] { chain({4}, lif_node("n", {1e-3, 1e-3}, {1}, {0}, {1}, {0})); });
  EXPECT_NE(m.find("node 'n' (LIF): tau: found 2 values, expected 1 or 4"), std::string::npos) << m;
  m = message_of([] { chain({1}, li_node("n", {0}, {1}, {0})); });
  EXPECT_NE(m.find("tau[0]: found 0, expected > 0"), std::string::npos) << m;
  m = message_of([] {
    Window w;
    w.stride = w.dilation = {1, 1};
    w.pad_begin = w.pad_end = {0, 0};
    w.groups = 2;
    chain({3, 4, 4}, conv_node("c", tensor({2, 1, 1, 1}, {1, 1}), {}, w));
  });
  EXPECT_NE(m.find("node 'c' (Conv2d): weight"), std::string::npos) << m;

  FloatGraph ok = chain({1}, identity_node("a"));
  SimOptions bad;
  bad.dt = 0;
  EXPECT_THROW((Simulator{ok, bad}), std::invalid_argument);
  Simulator sim(ok, {});
  EXPECT_THROW(sim.step(std::vector<Vec>{Vec{1, 2}}), std::invalid_argument);
  EXPECT_THROW(sim.step({}), std::invalid_argument);
  EXPECT_EQ(sim.steps_done(), 0);
}

// ---- Neurons -----------------------------------------------------------------------

TEST(FloatNeurons, IntegratorAndIfInputModes) {
  FloatGraph i = chain({1}, i_node("n", {3}));
  auto v = values(i, {{1}, {2}}, "n");
  EXPECT_DOUBLE_EQ(v[0][0], 1e-4 * 3);  // v += dt*r*x
  EXPECT_DOUBLE_EQ(v[1][0], 1e-4 * 3 * 3);

  // IF, r = 1, threshold 1: Euler needs 1/dt units of input; impulse adds x.
  FloatGraph f = chain({1}, if_node("n", {1}, {1}, {0}));
  SimOptions impulse;
  impulse.if_input = IfInput::Impulse;
  auto s = values(f, {{0.6}, {0.6}, {0.6}}, "n", impulse);
  EXPECT_EQ(s, (std::vector<Vec>{{0}, {1}, {0}}));
  auto m = values(f, {{0.6}, {0.6}, {0.6}}, "n", impulse, true);
  EXPECT_DOUBLE_EQ(m[2][0], 0.6);  // reset to 0 at step 1, then +0.6
  auto e = values(f, {{6000}, {6000}}, "n", {}, true);
  EXPECT_DOUBLE_EQ(e[0][0], 0.6);  // 1e-4 * 6000
}

TEST(FloatNeurons, LeakyIntegratorEulerAndExact) {
  // tau = 1 ms, dt = 0.1 ms: dt/tau = 0.1; r = 2, v_leak = 0.5, x = 1.
  FloatGraph g = chain({1}, li_node("n", {1e-3}, {2}, {0.5}));
  auto v = values(g, {{1}, {1}}, "n");
  EXPECT_NEAR(v[0][0], 0.1 * (0.5 + 2), 1e-15);               // 0.25
  EXPECT_NEAR(v[1][0], 0.25 + 0.1 * (0.5 - 0.25 + 2), 1e-15);  // 0.475
  SimOptions exact;
  exact.method = Method::Exact;
  auto w = values(g, {{1}, {1}}, "n", exact);
  const double e = std::exp(-0.1);
  // v = v_leak + (v - v_leak)e + (1 - e) r x: the ODE's solution with x held.
  EXPECT_NEAR(w[0][0], 0.5 + (0 - 0.5) * e + (1 - e) * 2, 1e-15);
  EXPECT_NEAR(w[1][0], 0.5 + (w[0][0] - 0.5) * e + (1 - e) * 2, 1e-15);
}

TEST(FloatNeurons, LifZeroAndSubtractReset) {
  // IF with impulse input: v += x per step, threshold 1, v_reset 0.25.
  FloatGraph g = chain({1}, if_node("n", {1}, {1}, {0.25}));
  SimOptions zero;
  zero.if_input = IfInput::Impulse;
  SimOptions sub = zero;
  sub.reset = ResetMode::Subtract;
  std::vector<Vec> in(5, Vec{0.7});
  auto vz = values(g, in, "n", zero, true);
  auto sz = values(g, in, "n", zero);
  // zero (to v_reset 0.25): 0.7, 1.4 -> 0.25, 0.95, 1.65 -> 0.25, 0.95
  expect_near_all({vz[0][0], vz[1][0], vz[2][0], vz[3][0], vz[4][0]}, {0.7, 0.25, 0.95, 0.25, 0.95},
                  1e-15);
  EXPECT_EQ(sz, (std::vector<Vec>{{0}, {1}, {0}, {1}, {0}}));
  auto vs = values(g, in, "n", sub, true);
  auto ss = values(g, in, "n", sub);
  // subtract (v_reset unused): 0.7, 1.4 -> 0.4, 1.1 -> 0.1, 0.8, 1.5 -> 0.5
  expect_near_all({vs[0][0], vs[1][0], vs[2][0], vs[3][0], vs[4][0]}, {0.7, 0.4, 0.1, 0.8, 0.5},
                  1e-15);
  EXPECT_EQ(ss, (std::vector<Vec>{{0}, {1}, {1}, {0}, {1}}));
}

TEST(FloatNeurons, LifStrictThresholdOnUpdatedV) {
  // dt/tau = 0.5, r = 2: v = 0.5 v + x. Threshold 1: v = 1 exactly does not spike.
  FloatGraph g = chain({1}, lif_node("n", {2e-4}, {2}, {0}, {1}, {0}));
  auto s = values(g, {{1}, {0.5}, {1}}, "n");
  auto v = values(g, {{1}, {0.5}, {1}}, "n", {}, true);
  EXPECT_EQ(s, (std::vector<Vec>{{0}, {0}, {1}}));  // v: 1, 1, 1.5 -> 0
  EXPECT_EQ(v[1][0], 1.0);
  EXPECT_EQ(v[2][0], 0.0);
}

TEST(FloatNeurons, CubaLifCurrentOrder) {
  // dt/tau_syn = 0.5, dt/tau_mem = 0.1, r = w_in = 1, threshold out of reach.
  FloatGraph g = chain({1}, cuba_lif_node("n", {2e-4}, {1e-3}, {1}, {0}, {100}, {0}, {1}));
  std::vector<Vec> in = {{1}, {0}};
  Trace nw = run(g, {}, single_input(in), 2);
  // I0 = 0.5; I1 = 0.25. New current: v0 = 0.1*0.5 = 0.05, v1 = 0.05 + 0.1*(0.25 - 0.05) = 0.07.
  EXPECT_NEAR(nw.i_syn_of(0, "n")[0], 0.5, 1e-15);
  EXPECT_NEAR(nw.i_syn_of(1, "n")[0], 0.25, 1e-15);
  EXPECT_NEAR(nw.v_of(0, "n")[0], 0.05, 1e-15);
  EXPECT_NEAR(nw.v_of(1, "n")[0], 0.07, 1e-15);
  SimOptions prev;
  prev.cuba_current = CubaCurrent::Previous;
  Trace pv = run(g, prev, single_input(in), 2);
  // Previous current: v0 = 0.1*I(-1) = 0, v1 = 0.1*0.5 = 0.05.
  EXPECT_NEAR(pv.v_of(0, "n")[0], 0.0, 1e-15);
  EXPECT_NEAR(pv.v_of(1, "n")[0], 0.05, 1e-15);
  // w_in and r scale the current and the membrane drive.
  FloatGraph g2 = chain({1}, cuba_lif_node("n", {2e-4}, {1e-3}, {3}, {0}, {100}, {0}, {2}));
  Trace t2 = run(g2, {}, single_input(in), 1);
  EXPECT_NEAR(t2.i_syn_of(0, "n")[0], 1.0, 1e-15);     // 0.5 * 2
  EXPECT_NEAR(t2.v_of(0, "n")[0], 0.1 * 3 * 1.0, 1e-15);
}

TEST(FloatNeurons, CubaLiExactClosedForm) {
  // One step from rest with x = 1: I = w(1 - e_s), and
  // v = r w (1 - e_m) - r w tau_s/(tau_s - tau_m) (e_s - e_m).
  const double ts = 3e-4, tm = 1e-3, r = 2, w = 1.5, dt = 1e-4;
  FloatGraph g = chain({1}, cuba_li_node("n", {ts}, {tm}, {r}, {0}, {w}));
  SimOptions exact;
  exact.method = Method::Exact;
  Trace tr = run(g, exact, single_input({{1}}), 1);
  const double es = std::exp(-dt / ts), em = std::exp(-dt / tm);
  EXPECT_NEAR(tr.i_syn_of(0, "n")[0], w * (1 - es), 1e-15);
  EXPECT_NEAR(tr.value_of(0, "n")[0], r * w * (1 - em) - r * w * ts / (ts - tm) * (es - em), 1e-15);
  // tau_s = tau_m (the removable singularity): v = r w (1 - e - (dt/tau) e).
  FloatGraph eq = chain({1}, cuba_li_node("n", {tm}, {tm}, {r}, {0}, {w}));
  Trace te = run(eq, exact, single_input({{1}}), 1);
  EXPECT_NEAR(te.value_of(0, "n")[0], r * w * (1 - em - dt / tm * em), 1e-15);
  // A hair off it (tau_s = tau_m (1 + 1e-9)) the true value moves by ~1.4e-11;
  // the textbook formula loses it to cancellation (3e-7 off in double), the
  // model's expm1 form does not.
  FloatGraph near = chain({1}, cuba_li_node("n", {tm * (1 + 1e-9)}, {tm}, {r}, {0}, {w}));
  Trace tn = run(near, exact, single_input({{1}}), 1);
  EXPECT_NEAR(tn.value_of(0, "n")[0], te.value_of(0, "n")[0], 1e-10);
}

TEST(FloatNeurons, SnnTorchDeferredAndImmediateReset) {
  // tau = 2e-4 (beta = 0.5), r = 2: gain r*dt/tau = 1, so mem = v; threshold 1.
  FloatGraph g = chain({1}, lif_node("n", {2e-4}, {2}, {0}, {1}, {0}));
  std::vector<Vec> in = {{1.5}, {0}, {0}};
  SimOptions o;
  o.method = Method::SnnTorch;  // reset_delay = true, zero
  // step 0: mem = 1.5, spike, mem stays 1.5 (reset deferred);
  // step 1: reset from mem_prev = 1.5 > 1: mem = 0.5*0 + 0 = 0.
  EXPECT_EQ(values(g, in, "n", o, true), (std::vector<Vec>{{1.5}, {0}, {0}}));
  EXPECT_EQ(values(g, in, "n", o), (std::vector<Vec>{{1}, {0}, {0}}));
  o.reset = ResetMode::Subtract;  // step 1: 0.5*1.5 + 0 - 1 = -0.25
  EXPECT_EQ(values(g, in, "n", o, true), (std::vector<Vec>{{1.5}, {-0.25}, {-0.125}}));
  o.reset = ResetMode::Zero;
  o.snntorch_reset_delay = false;  // same-step reset: Euler's hard reset
  EXPECT_EQ(values(g, in, "n", o, true), (std::vector<Vec>{{0}, {0}, {0}}));

  // Threshold scaling: dt/tau = 0.1, r = 1: gain 0.1, so mem = v/0.1 and the
  // threshold 1 becomes 10; the spikes are Euler's.
  FloatGraph h = chain({1}, lif_node("n", {1e-3}, {1}, {0}, {1}, {0}));
  std::vector<Vec> ones(30, Vec{2});
  SimOptions s;
  s.method = Method::SnnTorch;
  s.snntorch_reset_delay = false;
  auto mem = values(h, ones, "n", s, true);
  auto v = values(h, ones, "n", {}, true);
  EXPECT_EQ(values(h, ones, "n", s), values(h, ones, "n"));
  for (size_t t = 0; t < ones.size(); ++t) EXPECT_NEAR(mem[t][0] * 0.1, v[t][0], 1e-12) << t;
}

TEST(FloatNeurons, SnnTorchSynapticZeroResetDiscardsInput) {
  // alpha = 0.5, beta = 0.5 (taus 2e-4), w_in = 2 and r = 2 so both gains are 1.
  FloatGraph g = chain({1}, cuba_lif_node("n", {2e-4}, {2e-4}, {2}, {0}, {1}, {0}, {2}));
  SimOptions o;
  o.method = Method::SnnTorch;  // reset_delay = true, zero
  Trace tr = run(g, o, single_input({{1.5}, {1}, {0}}), 3);
  // step 0: syn 1.5, mem 1.5, spike; step 1: syn 1.75, reset from mem_prev:
  // mem = (0.5*1.5 + 1.75)*(1 - 1) = 0; step 2: syn 0.875, mem 0.875.
  EXPECT_EQ(tr.value_of(0, "n"), Vec{1});
  EXPECT_EQ(tr.v_of(1, "n"), Vec{0});
  EXPECT_EQ(tr.i_syn_of(1, "n"), Vec{1.75});
  EXPECT_EQ(tr.v_of(2, "n"), Vec{0.875});
}

TEST(FloatNeurons, ExactCrossingReset) {
  // LIF dt/tau = 0.1, r = 1, x = 1, threshold 0.1. Without crossing, the spike
  // at the end of step 1 resets v to 0; with it, v restarts from 0 at the
  // crossing time s and integrates dt - s.
  FloatGraph g = chain({1}, lif_node("n", {1e-3}, {1}, {0}, {0.1}, {0}));
  SimOptions o;
  o.method = Method::Exact;
  o.exact_crossing = true;
  auto v = values(g, {{1}, {1}}, "n", o, true);
  const double e = std::exp(-0.1);
  const double v0 = 1 - e;  // 0.0952 < 0.1
  EXPECT_NEAR(v[0][0], v0, 1e-15);
  const double s = 1e-3 * std::log((1 - v0) / (1 - 0.1));
  EXPECT_NEAR(v[1][0], 1 - std::exp(-(1e-4 - s) / 1e-3), 1e-14);
  // CubaLIF has no closed-form crossing: rejected.
  FloatGraph c = chain({1}, cuba_lif_node("n", {2e-4}, {1e-3}, {1}, {0}, {1}, {0}, {1}));
  EXPECT_THROW((Simulator{c, o}), std::invalid_argument);
}
