// Tests of the NIR -> float model conversion (gen/import/nir_to_float.h):
// hand-built NIR graphs, the NIR corpus files (tests/data/third_party/nir-corpus: the
// published traces of lif_norse.nir, the CNN and the recurrent Braille
// network; a missing corpus fails, it is not skipped) and the sf_float_sim
// tool's exit statuses. Split from reference/nir_float/tests (the golden model
// includes no importer); the test names keep their "nir_float." prefix.
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
#include "import/nir_reader.h"
#include "import/nir_to_float.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using namespace sf::ref::nir_float;
using sf::import::load_nir_float;
using sf::import::nir_to_float;
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

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

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

  FloatGraph fg = nir_to_float(root);
  EXPECT_EQ(fg.node(fg.index("g/lin")).kind, NodeKind::Linear);
  EXPECT_EQ(fg.node(fg.index("g/i")).kind, NodeKind::Identity);
  EXPECT_EQ(fg.inputs().size(), 1u);
  EXPECT_EQ(fg.outputs().size(), 1u);
  Trace tr = run(fg, {}, single_input({{1, 2}}), 1);
  EXPECT_EQ(tr.value_of(0, "out"), (Vec{3, 6}));

  // A missing field names the file, the node and the field.
  root.nodes[0].graph.nodes[1].params.erase("weight");
  std::string m = message_of([&] { nir_to_float(root); });
  EXPECT_NE(m.find("hand.nir: node g/lin: weight: found no such dataset"), std::string::npos) << m;
  EXPECT_THROW(nir_to_float(root), sf::InputError);
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
  FloatGraph same = nir_to_float(make("same", 1));
  const Window& w = same.node(same.index("c")).window;
  EXPECT_EQ(w.pad_begin, (std::vector<int64_t>{0, 1}));  // k = 2: 0 + 1; k = 3: 1 + 1
  EXPECT_EQ(w.pad_end, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(same.node(same.index("c")).out_shape, (Shape{1, 5, 5}));
  std::string m = message_of([&] { nir_to_float(make("same", 2)); });
  EXPECT_NE(m.find("conv.nir: node c: padding: found \"same\" with stride 2"), std::string::npos) << m;
  auto valid = make("valid", 1);
  valid.nodes[2].params["shape"] = arr({3}, {1, 4, 3});
  FloatGraph v = nir_to_float(valid);
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
  FloatGraph g = load_nir_float(corpus("lif/lif_norse.nir"));
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
  FloatGraph g = load_nir_float(corpus("lif/lif_norse.nir"));
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
  FloatGraph g = load_nir_float(corpus("lif/lif_norse.nir"));
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
  FloatGraph g = load_nir_float(corpus("lif/two_lif_neurons.nir"));
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
  FloatGraph g = load_nir_float(path);
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
  FloatGraph g = load_nir_float(path);
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
  const std::string m = message_of([] { load_nir_float(corpus("broken/braille_noDelay_bias_zero_subgraph.nir")); });
  EXPECT_NE(m.find("'lif'"), std::string::npos) << m;
  EXPECT_THROW(load_nir_float(corpus("broken/braille_noDelay_bias_zero_subgraph.nir")), sf::InputError);
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
