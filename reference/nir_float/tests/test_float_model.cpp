// Tests of the float reference model of NIR graphs (reference/nir_float):
// every node type on tiny hand-built graphs with hand-computed numbers, the
// discretization options, the NIR corpus files (tests/data/third_party/nir-corpus: the
// published traces of lif_norse.nir, the CNN and the recurrent Braille
// network) and the sf_float_sim tool's exit statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "float_model.h"
#include "from_nir.h"
#include "import/nir_reader.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using namespace sf::ref::nir_float;
using Vec = std::vector<double>;

namespace {

const std::string kCorpus = NIR_CORPUS_DIR;

// A missing corpus must fail, not skip: the corpus tests are the evidence
// that the model runs real files.
#define REQUIRE_CORPUS() \
  ASSERT_TRUE(fs::is_directory(kCorpus)) << "NIR corpus folder missing: " << kCorpus

std::string corpus(const std::string& rel) { return kCorpus + "/" + rel; }

// A CSV of numbers, no header.
std::vector<Vec> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<Vec> rows;
  std::string line;
  while (std::getline(in, line)) {
    Vec row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

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

// ---- Conversion from NIR ------------------------------------------------------------

namespace {
sf::import::NirArray arr(const Shape& shape, const Vec& values) {
  sf::import::NirArray a;
  a.dtype = "float64";
  a.shape = shape;
  a.values = values;
  return a;
}
sf::import::NirNode nir_node(const std::string& name, const std::string& path,
                             const std::string& type) {
  sf::import::NirNode n;
  n.name = name;
  n.path = path;
  n.type = type;
  return n;
}
sf::import::NirEdge nir_edge(const std::vector<std::string>& src,
                             const std::vector<std::string>& dst) {
  sf::import::NirEdge e;
  e.src = src[0];
  e.dst = dst[0];
  e.src_path = src;
  e.dst_path = dst;
  return e;
}
}  // namespace

TEST(FromNir, FlattensNestedGraphs) {
  // in -> g{i -> lin (x3) -> o} -> out, built as the reader returns it.
  sf::import::NirGraph sub;
  auto si = nir_node("i", "g/i", "Input");
  si.params["shape"] = arr({1}, {2});
  auto lin = nir_node("lin", "g/lin", "Linear");
  lin.params["weight"] = arr({2, 2}, {3, 0, 0, 3});
  auto so = nir_node("o", "g/o", "Output");
  so.params["shape"] = arr({1}, {2});
  sub.nodes = {si, lin, so};
  sub.edges = {nir_edge({"i"}, {"lin"}), nir_edge({"lin"}, {"o"})};

  sf::import::NirGraph root;
  root.path = "hand.nir";
  auto in = nir_node("in", "in", "Input");
  in.params["shape"] = arr({1}, {2});
  auto g = nir_node("g", "g", "NIRGraph");
  g.graph = sub;
  auto out = nir_node("out", "out", "Output");
  out.params["shape"] = arr({1}, {2});
  root.nodes = {g, in, out};
  root.edges = {nir_edge({"in"}, {"g", "i"}), nir_edge({"g", "o"}, {"out"})};

  FloatGraph fg = from_nir(root);
  EXPECT_EQ(fg.node(fg.index("g/lin")).kind, NodeKind::Linear);
  EXPECT_EQ(fg.node(fg.index("g/i")).kind, NodeKind::Identity);
  EXPECT_EQ(fg.inputs().size(), 1u);
  EXPECT_EQ(fg.outputs().size(), 1u);
  Trace tr = run(fg, {}, single_input({{1, 2}}), 1);
  EXPECT_EQ(tr.value_of(0, "out"), (Vec{3, 6}));

  // A missing field names the file, the node and the field.
  root.nodes[0].graph.nodes[1].params.erase("weight");
  std::string m = message_of([&] { from_nir(root); });
  EXPECT_NE(m.find("hand.nir: node g/lin: weight: found no such dataset"), std::string::npos) << m;
  EXPECT_THROW(from_nir(root), sf::InputError);
}

TEST(FromNir, ConvPaddingStrings) {
  auto make = [](const std::string& padding, double stride) {
    sf::import::NirGraph root;
    root.path = "conv.nir";
    auto in = nir_node("in", "in", "Input");
    in.params["shape"] = arr({3}, {1, 5, 5});
    auto c = nir_node("c", "c", "Conv2d");
    c.params["weight"] = arr({1, 1, 2, 3}, Vec(6, 1.0));
    c.params["bias"] = arr({1}, {0});
    c.params["stride"] = arr({2}, {stride, stride});
    c.params["dilation"] = arr({2}, {1, 1});
    c.params["groups"] = arr({}, {1});
    sf::import::NirArray p;
    p.dtype = "string";
    p.text = padding;
    c.params["padding"] = p;
    auto out = nir_node("out", "out", "Output");
    out.params["shape"] = arr({3}, {1, 5, 5});
    root.nodes = {c, in, out};
    root.edges = {nir_edge({"in"}, {"c"}), nir_edge({"c"}, {"out"})};
    return root;
  };
  FloatGraph same = from_nir(make("same", 1));
  const Window& w = same.node(same.index("c")).window;
  EXPECT_EQ(w.pad_begin, (std::vector<int64_t>{0, 1}));  // k = 2: 0 + 1; k = 3: 1 + 1
  EXPECT_EQ(w.pad_end, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(same.node(same.index("c")).out_shape, (Shape{1, 5, 5}));
  std::string m = message_of([&] { from_nir(make("same", 2)); });
  EXPECT_NE(m.find("conv.nir: node c: padding: found \"same\" with stride 2"), std::string::npos) << m;
  auto valid = make("valid", 1);
  valid.nodes[2].params["shape"] = arr({3}, {1, 4, 3});
  FloatGraph v = from_nir(valid);
  EXPECT_EQ(v.node(v.index("c")).out_shape, (Shape{1, 4, 3}));
}

// ---- The NIR corpus ------------------------------------------------------------------

// lif_norse.csv: row t = (input x[t], v[t] after step t's update and reset,
// spike z[t]), 0-based rows, no header; written by Norse in float32.
TEST(Corpus, LifNorseReproducesTheTrace) {
  REQUIRE_CORPUS();
  const auto rows = read_csv(corpus("lif/traces/lif_norse.csv"));
  ASSERT_EQ(rows.size(), 1000u);
  std::vector<Vec> in;
  for (const Vec& r : rows) in.push_back({r[0]});
  FloatGraph g = load_nir(corpus("lif/lif_norse.nir"));
  Trace tr = run(g, {}, single_input(in), 1000);  // defaults: Euler, dt 1e-4, reset to 0
  std::vector<size_t> spikes;
  double max_dv = 0;
  for (size_t t = 0; t < rows.size(); ++t) {
    const double z = tr.value_of(t, "output")[0];
    EXPECT_EQ(z, rows[t][2]) << "spike at row " << t;
    if (z != 0) spikes.push_back(t);
    max_dv = std::max(max_dv, std::fabs(tr.v_of(t, "1")[0] - rows[t][1]));
  }
  EXPECT_EQ(spikes, (std::vector<size_t>{460, 510, 710, 760}));
  // The CSV is float32: each step rounds v (<= 0.1) to 2^-27 ~ 7.5e-9, and the
  // decay 1 - dt/tau = 0.96 sums those roundings to at most 7.5e-9/0.04 ~ 1.9e-7.
  // The model runs the same parameters (float32 values read as double) in
  // double; 1e-7 leaves margin over the measured difference (README.md).
  std::cout << "[ lif_norse ] max |v - v_csv| = " << max_dv << "\n";
  EXPECT_LT(max_dv, 1e-7);
}

// lif_exact.csv is the exact event-based solution (input held over each step;
// at a spike v restarts from 0 at the crossing time within the step).
TEST(Corpus, LifExactReproducesTheTrace) {
  REQUIRE_CORPUS();
  const auto rows = read_csv(corpus("lif/traces/lif_exact.csv"));
  ASSERT_EQ(rows.size(), 1000u);
  std::vector<Vec> in;
  for (const Vec& r : rows) in.push_back({r[0]});
  FloatGraph g = load_nir(corpus("lif/lif_norse.nir"));
  SimOptions exact;
  exact.method = Method::Exact;
  SimOptions crossing = exact;
  crossing.exact_crossing = true;
  Trace te = run(g, exact, single_input(in), 1000);
  Trace tc = run(g, crossing, single_input(in), 1000);
  double before_first = 0, max_crossing = 0, max_end_reset = 0;
  for (size_t t = 0; t < rows.size(); ++t) {
    EXPECT_EQ(te.value_of(t, "output")[0], rows[t][2]) << "spike at row " << t;
    EXPECT_EQ(tc.value_of(t, "output")[0], rows[t][2]) << "spike at row " << t;
    const double de = std::fabs(te.v_of(t, "1")[0] - rows[t][1]);
    if (t < 460) before_first = std::max(before_first, de);
    max_end_reset = std::max(max_end_reset, de);
    max_crossing = std::max(max_crossing, std::fabs(tc.v_of(t, "1")[0] - rows[t][1]));
  }
  std::cout << "[ lif_exact ] exact: max |dv| " << before_first << " before the first spike, "
            << max_end_reset << " overall; exact_crossing: max |dv| " << max_crossing << "\n";
  // Up to the first spike the two are the same solution: double rounding only.
  EXPECT_LT(before_first, 1e-12);
  // After a spike, the end-of-step reset drops the part of the step after the
  // crossing: at most r*x*(1 - e^(-dt/tau)) ~ 0.039 (one input event's jump).
  EXPECT_LT(max_end_reset, 0.04);
  // With the reset at the crossing time, the whole trace agrees; the CSV's own
  // crossing times carry ~1e-9 of error (measured 2.8e-9).
  EXPECT_LT(max_crossing, 1e-8);
}

// lif_snntorch.csv: snnTorch's run of the same file (reset_delay = false): the
// same spikes, v in snnTorch's units (divided by r*dt/tau = 0.04, x25).
TEST(Corpus, LifSnnTorchReproducesTheTrace) {
  REQUIRE_CORPUS();
  const auto rows = read_csv(corpus("lif/traces/lif_snntorch.csv"));
  ASSERT_EQ(rows.size(), 1000u);
  std::vector<Vec> in;
  for (const Vec& r : rows) in.push_back({r[0]});
  FloatGraph g = load_nir(corpus("lif/lif_norse.nir"));
  SimOptions o;
  o.method = Method::SnnTorch;
  o.snntorch_reset_delay = false;
  Trace tr = run(g, o, single_input(in), 1000);
  double max_dv = 0;
  for (size_t t = 0; t < rows.size(); ++t) {
    EXPECT_EQ(tr.value_of(t, "output")[0], rows[t][2]) << "spike at row " << t;
    max_dv = std::max(max_dv, std::fabs(tr.v_of(t, "1")[0] - rows[t][1]));
  }
  std::cout << "[ lif_snntorch ] max |mem - mem_csv| = " << max_dv << "\n";
  EXPECT_LT(max_dv, 25 * 1e-7);  // the lif_norse bound, in units 25x larger
}

TEST(Corpus, TwoLifNeurons) {
  REQUIRE_CORPUS();
  FloatGraph g = load_nir(corpus("lif/two_lif_neurons.nir"));
  Trace tr = run(g, {}, {}, 400);  // no input at all
  // lif1: dt/tau = 0.01, v_leak = 1.2 > threshold 1: v[t] = 1.2(1 - 0.99^(t+1))
  // from rest, which first exceeds 1 when 0.99^(t+1) < 1/6: t + 1 = 179. Reset
  // to 0 restarts the same curve: spikes at 178, 357.
  for (size_t t = 0; t < 178; ++t) {
    EXPECT_NEAR(tr.v_of(t, "lif1")[0], 1.2 * (1 - std::pow(0.99, t + 1)), 1e-12) << t;
  }
  std::vector<size_t> s1, s2;
  for (size_t t = 0; t < tr.steps(); ++t) {
    if (tr.value_of(t, "lif1")[0] != 0) s1.push_back(t);
    if (tr.value_of(t, "lif2")[0] != 0) s2.push_back(t);
  }
  EXPECT_EQ(s1, (std::vector<size_t>{178, 357}));
  // lif2 (threshold 20) gets each spike through W = 1 in the same step:
  // v += 0.01*(1 - v), far from 20: it never fires.
  EXPECT_TRUE(s2.empty());
  EXPECT_NEAR(tr.v_of(178, "lif2")[0], 0.01, 1e-15);
  EXPECT_NEAR(tr.v_of(179, "lif2")[0], 0.0099, 1e-15);
}

TEST(Corpus, CnnSinabsShapesAndHandChecks) {
  REQUIRE_CORPUS();
  const std::string path = corpus("cnn/cnn_sinabs.nir");
  FloatGraph g = load_nir(path);
  const std::vector<std::pair<std::string, Shape>> shapes = {
      {"input", {2, 34, 34}}, {"0", {16, 16, 16}}, {"1", {16, 16, 16}}, {"2", {16, 16, 16}},
      {"3", {16, 16, 16}},    {"4", {16, 8, 8}},   {"5", {8, 8, 8}},    {"6", {8, 8, 8}},
      {"7", {8, 4, 4}},       {"8", {128}},        {"9", {256}},        {"10", {256}},
      {"11", {10}},           {"12", {10}},        {"output", {10}}};
  for (const auto& [name, shape] : shapes) EXPECT_EQ(g.node(g.index(name)).out_shape, shape) << name;

  // All-zero input: the convolutions have zero bias, so their IF layers stay
  // at v = 0 and silent.
  const auto nir = sf::import::read_nir(path);
  for (const char* conv : {"0", "2", "5"}) {
    for (double b : nir.find(conv)->param("bias")->values) ASSERT_EQ(b, 0.0) << conv;
  }
  Trace zero = run(g, {}, {}, 3);
  for (size_t t = 0; t < 3; ++t) {
    for (const char* n : {"1", "3", "6"}) {
      for (double x : zero.value_of(t, n)) EXPECT_EQ(x, 0.0);
      for (double x : zero.v_of(t, n)) EXPECT_EQ(x, 0.0);
    }
  }

  // One event at channel 1, row 10, column 7: conv 0 (5x5, stride 2, padding
  // 1) output (co, oy, ox) sees it through tap ky = 10 + 1 - 2oy, kx = 7 + 1 - 2ox
  // when both are in 0..4, so out = W[co][1][ky][kx], and 0 elsewhere.
  Vec event(2 * 34 * 34, 0.0);
  event[(1 * 34 + 10) * 34 + 7] = 1;
  Trace one = run(g, {}, single_input({event}), 1);
  const Vec& w = nir.find("0")->param("weight")->values;  // [16, 2, 5, 5]
  const Vec& c0 = one.value_of(0, "0");
  int touched = 0;
  for (int co = 0; co < 16; ++co) {
    for (int oy = 0; oy < 16; ++oy) {
      for (int ox = 0; ox < 16; ++ox) {
        const int ky = 11 - 2 * oy, kx = 8 - 2 * ox;
        const bool hit = ky >= 0 && ky < 5 && kx >= 0 && kx < 5;
        const double want = hit ? w[((co * 2 + 1) * 5 + ky) * 5 + kx] : 0.0;
        touched += hit;
        ASSERT_EQ(c0[(co * 16 + oy) * 16 + ox], want) << co << "," << oy << "," << ox;
      }
    }
  }
  EXPECT_EQ(touched, 16 * 2 * 3);  // ky in {3, 1} (oy 4, 5), kx in {4, 2, 0} (ox 2..4)

  // Deterministic sparse random events (about 5%) for 8 steps, impulse IF
  // input (Sinabs's IAF adds its input each step): the network runs, its
  // outputs are spikes, and the first IF layer fires.
  uint64_t state = 12345;
  std::vector<Vec> in;
  for (int t = 0; t < 8; ++t) {
    Vec x(2 * 34 * 34);
    for (double& e : x) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      e = (state >> 33) % 20 == 0 ? 1.0 : 0.0;
    }
    in.push_back(x);
  }
  SimOptions impulse;
  impulse.if_input = IfInput::Impulse;
  Trace tr = run(g, impulse, single_input(in), 8);
  double first_layer_spikes = 0;
  for (size_t t = 0; t < 8; ++t) {
    ASSERT_EQ(tr.value_of(t, "output").size(), 10u);
    for (double z : tr.value_of(t, "output")) EXPECT_TRUE(z == 0 || z == 1);
    for (double z : tr.value_of(t, "1")) first_layer_spikes += z;
  }
  EXPECT_GT(first_layer_spikes, 0);
}

TEST(Corpus, BrailleRecurrentEdgeIsDelayedOneStep) {
  REQUIRE_CORPUS();
  const std::string path = corpus("rnn/braille_noDelay_bias_zero.nir");
  FloatGraph g = load_nir(path);
  const auto nir = sf::import::read_nir(path);
  const Vec& w1 = nir.find("fc1")->param("weight")->values;  // [38, 12]
  const Vec& b1 = nir.find("fc1")->param("bias")->values;
  const Vec& wr = nir.find("lif1.w_rec")->param("weight")->values;  // [38, 38]
  const Vec& br = nir.find("lif1.w_rec")->param("bias")->values;
  const auto* lif = nir.find("lif1.lif");
  const double qs = 1e-4 / lif->param("tau_syn")->values[0];
  const double w_in = lif->param("w_in")->values[0];

  // Step 0: inputs of the sign of fc1's row 0, so that lif1 neuron 0 fires
  // (for this file's gains v0 = I0 = fc1(x0)); step 1: arbitrary.
  std::vector<Vec> in(2, Vec(12));
  for (int i = 0; i < 12; ++i) {
    in[0][i] = w1[i] > 0 ? 4.0 : -4.0;
    in[1][i] = 2.0 * ((i * 3) % 4) / 3.0;
  }
  Trace tr = run(g, {}, single_input(in), 2);
  auto fc1 = [&](const Vec& x, int o) {
    double a = b1[o];
    for (int i = 0; i < 12; ++i) a += w1[o * 12 + i] * x[i];
    return a;
  };
  const Vec& s0 = tr.value_of(0, "lif1.lif");
  double fired = 0;
  for (double z : s0) fired += z;
  ASSERT_GT(fired, 0) << "the test needs spikes at step 0";
  for (int o = 0; o < 38; ++o) {
    // Step 0: the back edge delivers zero, so I0 = qs*w_in*fc1(x0) (I starts at 0).
    const double i0 = qs * w_in * fc1(in[0], o);
    EXPECT_NEAR(tr.i_syn_of(0, "lif1.lif")[o], i0, 1e-12) << o;
    // w_rec at step 0 = W_rec s0 + b_rec, delivered at step 1.
    double rec = br[o];
    for (int k = 0; k < 38; ++k) rec += wr[o * 38 + k] * s0[k];
    EXPECT_NEAR(tr.value_of(0, "lif1.w_rec")[o], rec, 1e-12) << o;
    const double i1 = i0 + qs * (-i0 + w_in * (fc1(in[1], o) + rec));
    EXPECT_NEAR(tr.i_syn_of(1, "lif1.lif")[o], i1, 1e-12) << o;
  }
}

TEST(Corpus, BrokenSubgraphIsAnInputError) {
  REQUIRE_CORPUS();
  const std::string m = message_of([] { load_nir(corpus("broken/braille_noDelay_bias_zero_subgraph.nir")); });
  EXPECT_NE(m.find("'lif'"), std::string::npos) << m;
  EXPECT_THROW(load_nir(corpus("broken/braille_noDelay_bias_zero_subgraph.nir")), sf::InputError);
}

// ---- sf_float_sim ----------------------------------------------------------------------

namespace {
int run_tool(const std::string& args, const std::string& out) {
  const std::string cmd = std::string(SF_FLOAT_SIM) + " " + args + " > " + out + " 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST(FloatSimTool, ExitStatuses) {
  REQUIRE_CORPUS();
  const std::string dir = std::string(TEST_TMP_DIR) + "/float_sim_tool";
  fs::create_directories(dir);
  const std::string csv = dir + "/in.csv", json = dir + "/in.json", out = dir + "/out.txt";
  {
    std::ofstream(csv) << "# x\n0\n1\n\n1\n";
    std::ofstream(json) << "{\"in\": [[0], [1], [1]]}";
  }
  const std::string lif = corpus("lif/two_lif_neurons.nir");
  ASSERT_EQ(run_tool(lif + " --input " + csv + " --steps 4", out), 0) << slurp(out);
  EXPECT_EQ(slurp(out), "step,out[0]\n0,0\n1,0\n2,0\n3,0\n");
  ASSERT_EQ(run_tool(lif + " --input " + json + " --steps 2 --method exact --all-nodes", out), 0)
      << slurp(out);
  EXPECT_EQ(slurp(out).rfind("step,in[0],lif1[0],lif2[0],linear1[0],linear2[0],out[0]\n0,0,", 0), 0u)
      << slurp(out);

  // Bad model file, bad input, bad option: 2, with the file or field named.
  EXPECT_EQ(run_tool(corpus("README.md") + " --input " + csv + " --steps 2", out), 2);
  EXPECT_NE(slurp(out).find("README.md"), std::string::npos) << slurp(out);
  EXPECT_EQ(run_tool(dir + "/missing.nir --input " + csv + " --steps 2", out), 2);
  {
    std::ofstream(csv) << "0\n1,2\n";
  }
  EXPECT_EQ(run_tool(lif + " --input " + csv + " --steps 2", out), 2);
  EXPECT_NE(slurp(out).find("in.csv: line 2: found 2 values, expected 1"), std::string::npos)
      << slurp(out);
  {
    std::ofstream(json) << "{\"nope\": []}";
  }
  EXPECT_EQ(run_tool(lif + " --input " + json + " --steps 2", out), 2);
  EXPECT_NE(slurp(out).find("field 'nope'"), std::string::npos) << slurp(out);
  EXPECT_EQ(run_tool(lif + " --input " + csv + " --steps 2 --method rk4", out), 2);
  EXPECT_EQ(run_tool(lif + " --input " + csv + " --steps 2 --dt -1", out), 2);
}
