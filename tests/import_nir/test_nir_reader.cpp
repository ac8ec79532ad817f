// Tests for the NIR graph reader (gen/import/nir_reader.h) and its test tool
// nir_dump: the corpus of real files (tests/data/third_party/nir-corpus, see its README.md),
// the hand-built files of make_fixtures.py (every node type, every edge form,
// old versions, nested graphs, gzip, dtypes, 0-d parameters, and malformed
// files), and seeded fuzzing of both through nir_dump (exit 0 or 2, in time).
//
// Suites named NirFixture* need the files that the CTest test
// nir.make_fixtures writes (a CTest fixture); the others need only the corpus.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "import/nir_to_float.h"
#include "import/nir_reader.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using sf::import::NirArray;
using sf::import::NirEdge;
using sf::import::NirGraph;
using sf::import::NirNode;
using sf::import::read_nir;
using Shape = std::vector<int64_t>;
using Path = std::vector<std::string>;

namespace {

const std::string kCorpus = NIR_CORPUS_DIR;
const std::string kFixtures = NIR_FIXTURE_DIR;
const std::string kDump = NIR_DUMP;

// A missing corpus must fail (not skip) the tests: they are the evidence that
// the reader handles real files.
#define REQUIRE_CORPUS()                                                                       \
  ASSERT_TRUE(fs::is_directory(kCorpus)) << "NIR corpus folder missing: " << kCorpus          \
                                         << " (expected the vendored tests/data/third_party/nir-corpus)"
#define REQUIRE_FIXTURES()                                                                     \
  ASSERT_TRUE(fs::exists(fixture("valid_type_LIF")))                                           \
      << "fixtures missing in " << kFixtures << ": the CTest test nir.make_fixtures writes them"

std::string corpus(const std::string& rel) { return kCorpus + "/" + rel; }
std::string fixture(const std::string& name) { return kFixtures + "/" + name + ".nir"; }

const char* const kLifNorse = "lif/lif_norse.nir";
const char* const kTwoLif = "lif/two_lif_neurons.nir";
const char* const kCnn = "cnn/cnn_sinabs.nir";
const char* const kBraille = "rnn/braille_noDelay_bias_zero.nir";
const char* const kBroken = "broken/braille_noDelay_bias_zero_subgraph.nir";

using Bytes = std::vector<char>;

Bytes file_bytes(const std::string& p) {
  Bytes b(static_cast<size_t>(fs::file_size(p)));
  std::ifstream(p, std::ios::binary).read(b.data(), static_cast<std::streamsize>(b.size()));
  return b;
}

// Writes the first `n` bytes of `b` (all of them by default) to `p`.
void put_bytes(const std::string& p, const Bytes& b, size_t n = SIZE_MAX) {
  std::ofstream o(p, std::ios::binary | std::ios::trunc);
  if (!o.write(b.data(), static_cast<std::streamsize>(std::min(n, b.size())))) {
    throw std::runtime_error("cannot write " + p);
  }
}

// A scratch folder made with mkdtemp, deleted with everything in it.
class Scratch {
 public:
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "nir_test_XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = tmpl;
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::string operator/(const std::string& name) const { return (root_ / name).string(); }

 private:
  fs::path root_;
};

const NirNode& node(const NirGraph& g, const std::string& key) {
  const NirNode* n = g.find(key);
  if (n == nullptr) throw std::runtime_error("no node " + key);
  return *n;
}

// The node at a '/'-separated path below the root graph.
const NirNode& at(const NirGraph& g, const std::string& path) {
  const NirGraph* cur = &g;
  const NirNode* n = nullptr;
  size_t pos = 0;
  while (true) {
    const size_t slash = path.find('/', pos);
    n = &node(*cur, path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) return *n;
    cur = &n->graph;
    pos = slash + 1;
  }
}

std::vector<std::pair<std::string, std::string>> edge_pairs(const NirGraph& g) {
  std::vector<std::pair<std::string, std::string>> v;
  for (const NirEdge& e : g.edges) v.emplace_back(e.src, e.dst);
  return v;
}

std::vector<std::string> back_edges(const NirGraph& g) {
  std::vector<std::string> v;
  for (const NirEdge& e : g.edges) {
    if (e.back_edge) v.push_back(e.src + "->" + e.dst);
  }
  return v;
}

void expect_types(const NirGraph& g, const std::string& path, const Shape& in, const Shape& out) {
  const NirNode& n = at(g, path);
  EXPECT_EQ(n.input_type, in) << path;
  EXPECT_EQ(n.output_type, out) << path;
}

// The sf::InputError message read_nir gives for `path` ("" and a test failure
// if it gives none, or throws anything else). HDF5 runs in the reader's child
// with its printing off, so nothing may reach this process's stderr.
std::string input_error(const std::string& path) {
  testing::internal::CaptureStderr();
  std::string msg;
  try {
    read_nir(path);
    ADD_FAILURE() << path << ": read without an error";
  } catch (const sf::InputError& e) {
    msg = e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << path << ": not an InputError: " << e.what();
  }
  const std::string stderr_text = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(stderr_text.empty()) << "stderr: " << stderr_text;
  return msg;
}

// The message must start with "PATH: " and hold each of `parts`.
std::string expect_input_error(const std::string& path, const std::vector<std::string>& parts) {
  const std::string msg = input_error(path);
  EXPECT_TRUE(msg.compare(0, path.size() + 2, path + ": ") == 0) << msg;
  for (const std::string& part : parts) EXPECT_TRUE(msg.find(part) != std::string::npos) << part << " | " << msg;
  return msg;
}

// ---------------------------------------------------------------- running nir_dump

struct DumpRun {
  int status = -1;       // exit status; -1 if killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out, err;
  double seconds = 0;
};

// Runs nir_dump with `args` (argv, no shell), collecting stdout and stderr;
// kills it after `limit_s` seconds.
DumpRun run_dump(const std::vector<std::string>& args, double limit_s = 30) {
  DumpRun r;
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  const auto start = std::chrono::steady_clock::now();
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kDump.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kDump.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  char buf[65536];
  const auto deadline = start + std::chrono::milliseconds(static_cast<int>(limit_s * 1000));
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      r.timed_out = true;
      break;
    }
    const int pr = ::poll(fds, 2, static_cast<int>(left));
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        sinks[i]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (const auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  if (r.timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// ---------------------------------------------------------------- corpus

TEST(NirCorpus, LifNorse) {
  REQUIRE_CORPUS();
  const NirGraph g = read_nir(corpus(kLifNorse));
  EXPECT_EQ(g.path, corpus(kLifNorse));
  EXPECT_EQ(g.version, "0.1.1");
  EXPECT_EQ(g.version_major, 0);
  EXPECT_EQ(g.version_minor, 1);
  ASSERT_EQ(g.nodes.size(), 4u);
  EXPECT_EQ(node(g, "0").type, "Affine");
  EXPECT_EQ(node(g, "1").type, "LIF");
  EXPECT_EQ(node(g, "input").type, "Input");
  EXPECT_EQ(node(g, "output").type, "Output");
  const NirNode& lif = node(g, "1");
  EXPECT_EQ(lif.param("tau")->dtype, "float32");
  EXPECT_EQ(lif.param("tau")->shape, Shape{1});
  EXPECT_EQ(lif.param("tau")->values, std::vector<double>{static_cast<double>(0.0025f)});
  EXPECT_EQ(lif.param("r")->values, std::vector<double>{1.0});
  EXPECT_EQ(lif.param("v_leak")->values, std::vector<double>{0.0});
  EXPECT_EQ(lif.param("v_threshold")->values, std::vector<double>{static_cast<double>(0.1f)});
  // No v_reset in this 0.1.1 file: NIR's reader defaults it to zeros_like(v_threshold).
  EXPECT_EQ(lif.defaulted, std::vector<std::string>{"v_reset"});
  ASSERT_NE(lif.param("v_reset"), nullptr);
  EXPECT_EQ(lif.param("v_reset")->values, std::vector<double>{0.0});
  EXPECT_EQ(lif.param("v_reset")->dtype, "float32");
  const NirNode& aff = node(g, "0");
  EXPECT_EQ(aff.param("weight")->shape, (Shape{1, 1}));
  EXPECT_EQ(aff.param("weight")->values, std::vector<double>{1.0});
  EXPECT_EQ(aff.param("bias")->values, std::vector<double>{0.0});
  EXPECT_TRUE(aff.defaulted.empty());
  for (const char* k : {"input", "0", "1", "output"}) expect_types(g, k, {1}, {1});
  using P = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(edge_pairs(g), (P{{"input", "0"}, {"0", "1"}, {"1", "output"}}));
  EXPECT_EQ(g.edges_stored, "string [3, 2]");
  EXPECT_EQ(g.order, (std::vector<std::string>{"input", "0", "1", "output"}));
  EXPECT_TRUE(back_edges(g).empty());
  EXPECT_TRUE(g.warnings.empty());
}

TEST(NirCorpus, TwoLifNeurons) {
  REQUIRE_CORPUS();
  const NirGraph g = read_nir(corpus(kTwoLif));
  EXPECT_EQ(g.version, "0.2.0");
  ASSERT_EQ(g.nodes.size(), 6u);
  EXPECT_EQ(node(g, "in").type, "Input");
  EXPECT_EQ(node(g, "out").type, "Output");
  EXPECT_EQ(node(g, "linear1").type, "Linear");
  EXPECT_EQ(node(g, "linear2").type, "Linear");
  const NirNode& lif1 = node(g, "lif1");
  const NirNode& lif2 = node(g, "lif2");
  EXPECT_EQ(lif1.type, "LIF");
  EXPECT_EQ(lif1.param("v_leak")->dtype, "float64");
  EXPECT_EQ(lif1.param("v_leak")->values, std::vector<double>{1.2});  // fires without input
  EXPECT_EQ(lif1.param("tau")->values, std::vector<double>{0.01});
  EXPECT_EQ(lif2.param("v_threshold")->values, std::vector<double>{20.0});
  EXPECT_EQ(lif2.param("v_leak")->values, std::vector<double>{0.0});
  EXPECT_EQ(node(g, "linear1").param("weight")->shape, (Shape{1, 1}));
  for (const auto& n : g.nodes) expect_types(g, n.name, {1}, {1});
  using P = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(edge_pairs(g),
            (P{{"in", "linear1"}, {"linear1", "lif1"}, {"lif1", "linear2"}, {"linear2", "lif2"}, {"lif2", "out"}}));
  EXPECT_EQ(g.order, (std::vector<std::string>{"in", "linear1", "lif1", "linear2", "lif2", "out"}));
}

TEST(NirCorpus, CnnSinabsShapesThroughConvPoolFlatten) {
  REQUIRE_CORPUS();
  const NirGraph g = read_nir(corpus(kCnn));
  EXPECT_EQ(g.version, "0.2.0");
  ASSERT_EQ(g.nodes.size(), 15u);
  struct Want {
    const char* key;
    const char* type;
    Shape in, out;
  };
  const Want want[] = {
      {"input", "Input", {2, 34, 34}, {2, 34, 34}},
      {"0", "Conv2d", {2, 34, 34}, {16, 16, 16}},  // 5x5, stride 2, padding 1
      {"1", "IF", {16, 16, 16}, {16, 16, 16}},
      {"2", "Conv2d", {16, 16, 16}, {16, 16, 16}},  // 3x3, padding 1
      {"3", "IF", {16, 16, 16}, {16, 16, 16}},
      {"4", "SumPool2d", {16, 16, 16}, {16, 8, 8}},
      {"5", "Conv2d", {16, 8, 8}, {8, 8, 8}},
      {"6", "IF", {8, 8, 8}, {8, 8, 8}},
      {"7", "SumPool2d", {8, 8, 8}, {8, 4, 4}},
      {"8", "Flatten", {8, 4, 4}, {128}},
      {"9", "Affine", {128}, {256}},
      {"10", "IF", {256}, {256}},
      {"11", "Affine", {256}, {10}},
      {"12", "IF", {10}, {10}},
      {"output", "Output", {10}, {10}},
  };
  for (const Want& w : want) {
    SCOPED_TRACE(w.key);
    EXPECT_EQ(node(g, w.key).type, w.type);
    expect_types(g, w.key, w.in, w.out);
  }
  const NirNode& c0 = node(g, "0");
  EXPECT_EQ(c0.param("weight")->shape, (Shape{16, 2, 5, 5}));
  EXPECT_EQ(c0.param("weight")->values.size(), 800u);
  EXPECT_EQ(c0.param("stride")->dtype, "int64");
  EXPECT_EQ(c0.param("stride")->values, (std::vector<double>{2, 2}));
  EXPECT_EQ(c0.param("groups")->shape, Shape{});  // a 0-d dataset
  EXPECT_EQ(c0.param("groups")->values, std::vector<double>{1});
  EXPECT_EQ(c0.param("input_shape")->values, (std::vector<double>{34, 34}));
  EXPECT_EQ(node(g, "8").param("start_dim")->values, std::vector<double>{0});
  EXPECT_EQ(node(g, "8").param("end_dim")->values, std::vector<double>{-1});
  EXPECT_EQ(node(g, "1").param("r")->shape, (Shape{16, 16, 16}));
  EXPECT_EQ(node(g, "1").defaulted, std::vector<std::string>{"v_reset"});
  // The 14 edges are stored shuffled; the order is still the chain.
  ASSERT_EQ(g.edges.size(), 14u);
  EXPECT_EQ(g.edges[0].src, "8");
  EXPECT_EQ(g.edges[0].dst, "9");
  EXPECT_EQ(g.order, (std::vector<std::string>{"input", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                                               "10", "11", "12", "output"}));
  EXPECT_TRUE(back_edges(g).empty());
}

TEST(NirCorpus, BrailleRecurrentDottedKeys) {
  REQUIRE_CORPUS();
  const NirGraph g = read_nir(corpus(kBraille));
  EXPECT_EQ(g.version, "0.2.0");
  ASSERT_EQ(g.nodes.size(), 7u);
  // `lif1.lif` and `lif1.w_rec` are literal keys, not ports of a subgraph `lif1`.
  EXPECT_EQ(node(g, "lif1.lif").type, "CubaLIF");
  EXPECT_EQ(node(g, "lif1.w_rec").type, "Affine");
  EXPECT_EQ(node(g, "lif2").type, "CubaLIF");
  EXPECT_EQ(node(g, "fc1").type, "Affine");
  EXPECT_EQ(node(g, "fc2").type, "Affine");
  expect_types(g, "input", {12}, {12});
  expect_types(g, "fc1", {12}, {38});
  expect_types(g, "lif1.lif", {38}, {38});
  expect_types(g, "lif1.w_rec", {38}, {38});
  expect_types(g, "fc2", {38}, {7});
  expect_types(g, "lif2", {7}, {7});
  expect_types(g, "output", {7}, {7});
  const NirNode& cuba = node(g, "lif1.lif");
  EXPECT_EQ(cuba.param("w_in")->dtype, "float64");
  EXPECT_EQ(cuba.param("tau_mem")->shape, Shape{38});
  EXPECT_EQ(cuba.defaulted, std::vector<std::string>{"v_reset"});  // w_in is stored
  for (const NirEdge& e : g.edges) {
    EXPECT_EQ(e.src_path, Path{e.src});
    EXPECT_EQ(e.dst_path, Path{e.dst});
  }
  // The recurrent cycle lif1.lif <-> lif1.w_rec: exactly one back edge.
  EXPECT_EQ(back_edges(g), std::vector<std::string>{"lif1.w_rec->lif1.lif"});
  EXPECT_EQ(g.order.front(), "input");
  EXPECT_EQ(g.order.size(), 7u);
}

TEST(NirCorpus, BrokenSubgraphEdgeIsRejectedNamingTheEdge) {
  REQUIRE_CORPUS();
  const std::string msg = expect_input_error(
      corpus(kBroken), {"node lif1: edge 'input' -> 'lif': found as its target no node 'lif'",
                        "(this graph has input, lif1, lin, output)", "edges row 0"});
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST(NirCorpus, RestoresHdf5ErrorPrinting) {
  REQUIRE_CORPUS();
  H5E_auto2_t before = nullptr, after = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &before, &data);
  EXPECT_THROW(read_nir(corpus("README.md")), sf::InputError);
  EXPECT_NO_THROW(read_nir(corpus(kLifNorse)));
  H5Eget_auto2(H5E_DEFAULT, &after, &data);
  EXPECT_EQ(before, after);
  EXPECT_NE(after, nullptr);
}

TEST(NirCorpus, MissingFileAndDirectory) {
  Scratch dir;
  expect_input_error(dir / "nope.nir", {"found no such file", "expected a NIR graph file"});
  expect_input_error(dir / "", {"found a directory"});
}

TEST(NirCorpus, TruncatedCopies) {
  REQUIRE_CORPUS();
  Scratch dir;
  const Bytes bytes = file_bytes(corpus(kBraille));
  for (size_t n : {size_t{0}, size_t{8}, size_t{512}, bytes.size() / 2, bytes.size() - 1}) {
    SCOPED_TRACE(n);
    const std::string p = dir / ("cut" + std::to_string(n) + ".nir");
    put_bytes(p, bytes, n);
    expect_input_error(p, {"found a file HDF5 cannot open", "expected a NIR graph file"});
  }
}

// ---------------------------------------------------------------- nir_dump

TEST(NirDump, CorpusFilesAsJson) {
  REQUIRE_CORPUS();
  for (const char* rel : {kLifNorse, kTwoLif, kCnn, kBraille}) {
    SCOPED_TRACE(rel);
    const DumpRun r = run_dump({corpus(rel)});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const auto j = nlohmann::json::parse(r.out);
    const NirGraph g = read_nir(corpus(rel));
    EXPECT_EQ(j.at("version"), g.version);
    const auto& nodes = j.at("graph").at("nodes");
    ASSERT_EQ(nodes.size(), g.nodes.size());
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      EXPECT_EQ(nodes[i].at("name"), g.nodes[i].name);
      EXPECT_EQ(nodes[i].at("type"), g.nodes[i].type);
      EXPECT_EQ(nodes[i].at("input_type").get<Shape>(), g.nodes[i].input_type);
      EXPECT_EQ(nodes[i].at("output_type").get<Shape>(), g.nodes[i].output_type);
      for (const auto& [k, a] : g.nodes[i].params) {
        EXPECT_EQ(nodes[i].at("params").at(k).at("dtype"), a.dtype) << k;
        EXPECT_EQ(nodes[i].at("params").at(k).at("shape").get<Shape>(), a.shape) << k;
      }
    }
    const auto& edges = j.at("graph").at("edges");
    ASSERT_EQ(edges.size(), g.edges.size());
    for (size_t i = 0; i < g.edges.size(); ++i) {
      EXPECT_EQ(edges[i].at("src"), g.edges[i].src);
      EXPECT_EQ(edges[i].at("dst"), g.edges[i].dst);
      EXPECT_EQ(edges[i].at("back_edge"), g.edges[i].back_edge);
    }
  }
  // Small parameters print their values.
  const auto j = nlohmann::json::parse(run_dump({corpus(kLifNorse)}).out);
  for (const auto& n : j.at("graph").at("nodes")) {
    if (n.at("name") == "1") {
      EXPECT_EQ(n.at("params").at("v_threshold").at("values").at(0).get<double>(), static_cast<double>(0.1f));
      EXPECT_EQ(n.at("defaulted"), nlohmann::json::array({"v_reset"}));
    }
  }
}

TEST(NirDump, ErrorsExitTwoWithTheMessageOnStderr) {
  REQUIRE_CORPUS();
  DumpRun r = run_dump({corpus(kBroken)});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(corpus(kBroken) + ": node lif1: edge 'input' -> 'lif'"), std::string::npos) << r.err;
  r = run_dump({corpus("README.md")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("found a file HDF5 cannot open"), std::string::npos) << r.err;
  r = run_dump({corpus("no-such-file.nir")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("found no such file"), std::string::npos) << r.err;
  r = run_dump({kCorpus});
  EXPECT_EQ(r.status, 2);
  for (const std::vector<std::string>& bad_args :
       {std::vector<std::string>{}, {"--bogus", corpus(kLifNorse)}, {corpus(kLifNorse), corpus(kTwoLif)},
        {"--timeout-ms", "x", corpus(kLifNorse)}, {"--timeout-ms"}}) {
    r = run_dump(bad_args);
    EXPECT_EQ(r.status, 2) << "args: " << bad_args.size();
    EXPECT_NE(r.err, "");
  }
  r = run_dump({"--timeout-ms", "20000", corpus(kLifNorse)});
  EXPECT_EQ(r.status, 0) << r.err;
}

// ---------------------------------------------------------------- fixtures: valid files

// Input -> x -> Output per node type (make_fixtures.py valid_type_*).
TEST(NirFixtureValid, EveryNodeType) {
  REQUIRE_FIXTURES();
  struct Want {
    const char* type;
    Shape in, out;
  };
  const Want want[] = {
      {"Affine", {3}, {4}},
      {"Linear", {3}, {2}},
      {"Scale", {3}, {3}},
      {"Conv1d", {2, 10}, {4, 5}},       // k3, stride 2, padding 1
      {"Conv2d", {2, 9, 9}, {6, 4, 7}},  // k3x3, stride (2,1), padding (1,0), dilation (2,1), groups 2
      {"SumPool2d", {3, 8, 8}, {3, 4, 4}},
      {"AvgPool2d", {3, 7, 7}, {3, 4, 4}},  // k3, stride 2, padding 1
      {"Flatten", {2, 3, 4}, {24}},
      {"Delay", {3}, {3}},
      {"Threshold", {3}, {3}},
      {"I", {3}, {3}},
      {"LI", {3}, {3}},
      {"IF", {3}, {3}},
      {"LIF", {2, 2}, {2, 2}},
      {"CubaLI", {3}, {3}},
      {"CubaLIF", {3}, {3}},
      {"NIRGraph", {3}, {3}},
  };
  std::set<std::string> covered = {"Input", "Output"};
  for (const Want& w : want) {
    SCOPED_TRACE(w.type);
    const NirGraph g = read_nir(fixture(std::string("valid_type_") + w.type));
    EXPECT_EQ(g.version, "1.0.7");
    EXPECT_EQ(g.version_major, 1);
    EXPECT_EQ(g.version_minor, 0);
    ASSERT_EQ(g.nodes.size(), 3u);
    EXPECT_EQ(node(g, "input").type, "Input");
    EXPECT_EQ(node(g, "output").type, "Output");
    EXPECT_EQ(node(g, "x").type, w.type);
    expect_types(g, "x", w.in, w.out);
    expect_types(g, "output", w.out, w.out);
    EXPECT_EQ(g.order, (std::vector<std::string>{"input", "x", "output"}));
    EXPECT_TRUE(g.warnings.empty()) << g.warnings.front();
    covered.insert(w.type);
  }
  const auto& all = sf::import::nir_node_types();
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), covered) << "a node type without a fixture";
  // Values and dtypes as stored.
  const NirGraph g = read_nir(fixture("valid_type_IF"));
  EXPECT_EQ(node(g, "x").param("v_reset")->values, (std::vector<double>{-0.5, -0.5, -0.5}));
  EXPECT_TRUE(node(g, "x").defaulted.empty());
  const NirGraph c1 = read_nir(fixture("valid_type_Conv1d"));
  EXPECT_EQ(node(c1, "x").param("stride")->shape, Shape{});
  EXPECT_EQ(node(c1, "x").param("input_shape")->values, std::vector<double>{10});
  const NirGraph lin = read_nir(fixture("valid_type_Linear"));
  EXPECT_EQ(node(lin, "x").param("weight")->dtype, "float64");
  const NirGraph sub = read_nir(fixture("valid_type_NIRGraph"));
  EXPECT_EQ(at(sub, "x/lif").type, "LIF");
  EXPECT_EQ(at(sub, "x/lif").path, "x/lif");
  expect_types(sub, "x/lif", {3}, {3});
  EXPECT_EQ(sub.edges[0].dst_path, (Path{"x", "in"}));   // bare subgraph name: its Input
  EXPECT_EQ(sub.edges[1].src_path, (Path{"x", "out"}));  // and its Output
}

TEST(NirFixtureValid, ConvPaddingStringsAndFlattenDims) {
  REQUIRE_FIXTURES();
  NirGraph g = read_nir(fixture("valid_conv2d_same"));
  EXPECT_EQ(node(g, "c").param("padding")->dtype, "string");
  EXPECT_EQ(node(g, "c").param("padding")->text, "same");
  expect_types(g, "c", {2, 9, 9}, {5, 9, 9});  // "same" keeps the size whatever the stride (NIR)
  g = read_nir(fixture("valid_conv2d_valid"));
  EXPECT_EQ(g.version, "0.2.0");
  EXPECT_EQ(node(g, "c").param("padding")->text, "valid");
  EXPECT_EQ(node(g, "c").param("input_shape"), nullptr);  // inferred from the Input
  expect_types(g, "c", {2, 9, 9}, {5, 7, 7});
  g = read_nir(fixture("valid_conv1d_same"));
  expect_types(g, "c", {2, 11}, {3, 11});
  g = read_nir(fixture("valid_flatten_middle"));
  expect_types(g, "f", {2, 3, 4, 5}, {2, 12, 5});  // start_dim 1, end_dim -2
}

TEST(NirFixtureValid, EdgeForms) {
  REQUIRE_FIXTURES();
  NirGraph g = read_nir(fixture("valid_edges_fixed"));
  EXPECT_EQ(g.edges_stored, "string [2, 2]");
  using P = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(edge_pairs(g), (P{{"input", "fc"}, {"fc", "output"}}));
  expect_types(g, "fc", {3}, {2});
  EXPECT_EQ(node(g, "fc").type, "Affine");  // `type` stored as variable-length ASCII here
  g = read_nir(fixture("valid_edges_empty_float"));
  EXPECT_EQ(g.edges_stored, "float64 [0]");
  EXPECT_TRUE(g.edges.empty());
  expect_types(g, "output", {2}, {2});
  g = read_nir(fixture("valid_edges_empty_strings"));
  EXPECT_EQ(g.edges_stored, "string [0, 2]");
  EXPECT_TRUE(g.edges.empty());
}

TEST(NirFixtureValid, SubgraphPortsAndNesting) {
  REQUIRE_FIXTURES();
  const NirGraph g = read_nir(fixture("valid_subgraph_ports"));
  ASSERT_EQ(g.edges.size(), 6u);
  EXPECT_EQ(g.edges[0].dst_path, (Path{"g", "a"}));  // "g.a"
  EXPECT_EQ(g.edges[1].dst_path, (Path{"g", "b"}));
  EXPECT_EQ(g.edges[2].src_path, (Path{"g", "y"}));  // "g.y"
  EXPECT_EQ(g.edges[3].src_path, (Path{"g", "z"}));
  EXPECT_EQ(g.edges[4].dst_path, (Path{"m", "in"}));  // bare "m": its single Input
  EXPECT_EQ(g.edges[5].src_path, (Path{"m", "out"}));
  EXPECT_EQ(node(g, "g").type, "NIRGraph");
  EXPECT_TRUE(node(g, "g").input_type.empty());  // two Inputs: no single type
  expect_types(g, "m", {4}, {3});
  expect_types(g, "g/s", {3}, {3});
  expect_types(g, "m/deep", {4}, {4});
  expect_types(g, "m/deep/li", {4}, {4});
  EXPECT_EQ(at(g, "m/deep/li").path, "m/deep/li");
  EXPECT_EQ(at(g, "m/deep/li").param("tau")->dtype, "float64");
  const NirNode& m = node(g, "m");
  ASSERT_EQ(m.graph.edges.size(), 3u);
  EXPECT_EQ(m.graph.edges[0].dst_path, (Path{"deep", "in"}));
  EXPECT_EQ(m.graph.edges[1].src_path, (Path{"deep", "out"}));
  EXPECT_TRUE(m.graph.path.empty());  // file-level fields are the root's only
  EXPECT_TRUE(g.warnings.empty());
}

TEST(NirFixtureValid, DottedKeysCycleExactKeyWins) {
  REQUIRE_FIXTURES();
  const NirGraph g = read_nir(fixture("valid_dotted_cycle"));
  ASSERT_EQ(g.edges.size(), 7u);
  EXPECT_EQ(g.edges[1].dst_path, Path{"lif1.lif"});
  EXPECT_EQ(g.edges[4].dst_path, Path{"r.lif"});  // a literal key beats port `lif` of subgraph `r`
  EXPECT_EQ(g.edges[5].dst_path, (Path{"r", "lif"}));
  EXPECT_EQ(g.edges[6].src_path, (Path{"r", "o"}));
  EXPECT_EQ(back_edges(g), std::vector<std::string>{"lif1.w_rec->lif1.lif"});
  expect_types(g, "lif1.lif", {4}, {4});
  expect_types(g, "lif1.w_rec", {4}, {4});
  expect_types(g, "r.lif", {4}, {4});
  expect_types(g, "r/x", {4}, {4});
  expect_types(g, "output", {4}, {4});
  const auto& o = g.order;
  auto pos = [&](const std::string& k) { return std::find(o.begin(), o.end(), k) - o.begin(); };
  EXPECT_LT(pos("input"), pos("fc1"));
  EXPECT_LT(pos("fc1"), pos("lif1.lif"));
  EXPECT_LT(pos("lif1.lif"), pos("lif1.w_rec"));
  EXPECT_LT(pos("r.lif"), pos("r"));
}

TEST(NirFixtureValid, OlderVersionsAndDefaults) {
  REQUIRE_FIXTURES();
  struct V {
    const char* file;
    const char* version;
    int major, minor;
  };
  for (const V& v : {V{"valid_v0_1", "", -1, -1}, V{"valid_v0_1_1", "0.1.1", 0, 1},
                     V{"valid_v1_0_0", "1.0.0", 1, 0}, V{"valid_v_dev", "1.0.7.dev8+gaf2635601", 1, 0}}) {
    SCOPED_TRACE(v.file);
    const NirGraph g = read_nir(fixture(v.file));
    EXPECT_EQ(g.version, v.version);
    EXPECT_EQ(g.version_major, v.major);
    EXPECT_EQ(g.version_minor, v.minor);
    // Conv2d without input_shape, Flatten without input_type: inferred.
    expect_types(g, "conv", {1, 6, 6}, {2, 4, 4});
    expect_types(g, "flat", {2, 4, 4}, {32});
    expect_types(g, "cuba", {5}, {5});
    const NirNode& cuba = node(g, "cuba");
    EXPECT_EQ(cuba.defaulted, (std::vector<std::string>{"v_reset", "w_in"}));
    EXPECT_EQ(cuba.param("w_in")->values, std::vector<double>(5, 1.0));
    EXPECT_EQ(cuba.param("w_in")->dtype, "float32");
    EXPECT_EQ(cuba.param("v_reset")->values, std::vector<double>(5, 0.0));
    EXPECT_EQ(node(g, "lif").defaulted, std::vector<std::string>{"v_reset"});
    EXPECT_EQ(node(g, "lif").param("v_reset")->shape, Shape{5});
  }
  const NirGraph g = read_nir(fixture("valid_defaults"));
  const NirNode& flat = node(g, "flat");
  EXPECT_EQ(flat.defaulted, (std::vector<std::string>{"start_dim", "end_dim"}));
  EXPECT_EQ(flat.param("start_dim")->values, std::vector<double>{1});
  expect_types(g, "flat", {3, 2, 2}, {3, 4});
  EXPECT_EQ(node(g, "cli").defaulted, std::vector<std::string>{"w_in"});
  EXPECT_EQ(node(g, "cli").param("w_in")->shape, (Shape{3, 4}));
}

TEST(NirFixtureValid, GzipDatasets) {
  REQUIRE_FIXTURES();
  for (const char* f : {"valid_gzip", "valid_gzip_shuffle"}) {
    SCOPED_TRACE(f);
    const NirGraph g = read_nir(fixture(f));
    expect_types(g, "conv", {2, 8, 8}, {4, 8, 8});
    expect_types(g, "pool", {4, 8, 8}, {4, 4, 4});
    expect_types(g, "fc", {64}, {10});
    const NirArray& w = *node(g, "conv").param("weight");
    ASSERT_EQ(w.values.size(), 4u * 2 * 3 * 3);
    for (size_t i = 0; i < w.values.size(); ++i) {
      ASSERT_EQ(w.values[i], static_cast<double>(static_cast<float>(i * 0.25 - 1.0))) << i;
    }
    EXPECT_EQ(g.edges.size(), 6u);
  }
  EXPECT_EQ(read_nir(fixture("valid_gzip")).version_major, 1);
}

TEST(NirFixtureValid, DtypesAndScalarParameters) {
  REQUIRE_FIXTURES();
  const NirGraph g = read_nir(fixture("valid_dtypes_scalars"));
  const NirNode& fc = node(g, "fc");
  EXPECT_EQ(fc.param("weight")->dtype, "int64");
  EXPECT_EQ(fc.param("weight")->values[11], 11.0);
  EXPECT_EQ(fc.param("bias")->values, (std::vector<double>{1, -2, 3}));
  expect_types(g, "fc", {4}, {3});
  const NirNode& lif = node(g, "lif");
  EXPECT_EQ(lif.param("tau")->shape, Shape{});  // 0-d, broadcast
  EXPECT_EQ(lif.param("tau")->dtype, "float64");
  EXPECT_EQ(lif.param("r")->dtype, "int64");
  EXPECT_EQ(lif.param("v_leak")->shape, Shape{1});
  EXPECT_EQ(lif.param("v_threshold")->values, (std::vector<double>{2, 3, 4}));
  EXPECT_EQ(lif.param("tau")->at(2), 1e-3);
  EXPECT_EQ(lif.param("v_threshold")->at(2), 4.0);
  expect_types(g, "lif", {3}, {3});
  EXPECT_EQ(node(g, "sc").param("scale")->dtype, "int32");
  expect_types(g, "th", {3}, {3});  // all 0-d: the shape comes from the input
  const NirNode& cuba = node(g, "cuba");
  expect_types(g, "cuba", {3}, {3});
  EXPECT_EQ(cuba.param("v_reset")->shape, Shape{});  // zeros like the 0-d v_threshold
  EXPECT_EQ(cuba.defaulted, (std::vector<std::string>{"v_reset", "w_in"}));
  EXPECT_EQ(node(g, "lin").param("weight")->dtype, "uint8");
  expect_types(g, "output", {3}, {3});
}

TEST(NirFixtureValid, FanInMetadataAndBatchDimWarning) {
  REQUIRE_FIXTURES();
  const NirGraph g = read_nir(fixture("valid_fan_in_metadata"));
  int into_lif = 0;
  for (const NirEdge& e : g.edges) into_lif += e.dst == "lif";
  EXPECT_EQ(into_lif, 2);  // summed by executors
  EXPECT_TRUE(node(g, "lif").has_metadata);
  EXPECT_FALSE(node(g, "a").has_metadata);
  EXPECT_EQ(node(g, "lif").param("input_type"), nullptr);  // stored types are not parameters
  expect_types(g, "lif", {2}, {2});
  ASSERT_EQ(g.warnings.size(), 1u);
  EXPECT_NE(g.warnings[0].find("node output: input_type: [1, 2] (its shape) and [2] from edge 'lif' -> "
                               "'output' differ only in size-1 dimensions"),
            std::string::npos)
      << g.warnings[0];
}

TEST(NirFixtureValid, DumpPrintsEveryFixture) {
  REQUIRE_FIXTURES();
  int n = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("valid_", 0) != 0) continue;
    SCOPED_TRACE(name);
    const DumpRun r = run_dump({entry.path().string()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out.substr(0, 200);
    ++n;
  }
  EXPECT_GE(n, 35);
}

// ---------------------------------------------------------------- fixtures: malformed files

TEST(NirFixtureBad, EachNamesNodeAndField) {
  REQUIRE_FIXTURES();
  struct Case {
    const char* file;
    std::vector<std::string> parts;
  };
  const Case cases[] = {
      {"missing_tau", {"node lif: tau: found nothing, expected a dataset (LIF requires tau)"}},
      {"missing_weight", {"node fc: weight: found nothing, expected a dataset (Affine requires weight)"}},
      {"missing_type", {"node lif: type: found nothing, expected a dataset"}},
      {"missing_shape", {"node input: shape: found nothing"}},
      {"string_weight", {"node fc: weight: found string '0.5 0.5', expected numbers"}},
      {"bool_threshold", {"node lif: v_threshold: found enum [4], expected numbers"}},
      {"int_type", {"node lif: type: found int64 scalar, expected a string"}},
      {"lif_shapes_differ", {"node lif: r: found float32 [5], expected shape [4] (that of tau) or a single value"}},
      {"bias_shape", {"node fc: bias: found float32 [5], expected shape [4]"}},
      {"weight_rank", {"node fc: weight: found float32 [12], expected [..., M, N]"}},
      {"empty_weight", {"node fc: weight: found float32 [4, 0] (no values), expected a non-empty array"}},
      {"nan_tau", {"node lif: tau: found nan at index 1, expected finite numbers"}},
      {"zero_tau", {"node lif: tau: found 0 at index 2, expected time constants > 0"}},
      {"unknown_type", {"node lif: type: found 'Spiral', expected a NIR node type (Affine, AvgPool2d,"}},
      {"unknown_field", {"node lif: theta: found an unknown field, expected only the fields of LIF (tau, r, "
                         "v_leak, v_threshold, v_reset, metadata)"}},
      {"linear_bias", {"node fc: bias: found an unknown field, expected only the fields of Linear"}},
      {"edge_shape_mismatch", {"node lif: input_type: found [5] from edge 'fc' -> 'lif', expected [4]"}},
      {"output_shape", {"node output: input_type: found [4] from edge 'lif' -> 'output', expected [5] (its shape)"}},
      {"input_shape_zero", {"node input: shape: found 0 at index 1, expected integers >= 1"}},
      {"edge_unknown_dst", {"root graph: edge 'lif' -> 'nowhere': found as its target no node 'nowhere'",
                            "edges row 3"}},
      {"edge_unknown_src", {"root graph: edge 'fx' -> 'lif': found as its source no node 'fx'"}},
      {"edges_wrong_shape", {"root graph: edges: found string [1, 3], expected an [E, 2] array"}},
      {"edges_numbers", {"root graph: edges: found int64 [2, 2], expected an [E, 2] array"}},
      {"scalar_lif_unreachable", {"node lone: input_type: found no shape"}},
      {"conv_channels", {"node conv: input_type: found [3, 8, 8] (from edge 'input' -> 'conv'), expected [C, H, W] "
                         "with C = 2"}},
      {"conv_rank", {"node conv: weight: found float32 [4, 2, 3], expected [C_out, C_in/groups, K_h, K_w]"}},
      {"conv_stride_shape", {"node conv: stride: found int64 [3], expected one integer or 2"}},
      {"conv_stride_zero", {"node conv: stride: found 0 at index 0, expected integers >= 1"}},
      {"conv_stride_float", {"node conv: stride: found 1.5 at index 0, expected integers >= 1"}},
      {"conv_padding_string", {"node conv: padding: found 'full', expected 'same', 'valid' or integers >= 0"}},
      {"conv_groups", {"node conv: groups: found 4, expected a divisor of C_out = 6"}},
      {"conv_input_shape", {"node conv: input_type: found [2, 8, 8] from edge 'input' -> 'conv', expected "
                            "[2, 9, 9] (its input_shape and weight)"}},
      {"conv_kernel_too_big", {"node conv: input_type: found [2, 8, 8]", "expected a size that its weight"}},
      {"pool_rank", {"node pool: input_type: found [8] (from edge 'input' -> 'pool'), expected [C, H, W]"}},
      {"flatten_dims", {"node flat: input_type: found [2, 3]", "start_dim 1 .. end_dim 3"}},
      {"flatten_input_type", {"node flat: input_type: found [2, 3] from edge 'input' -> 'flat', expected "
                              "[3, 2, 1] (its input_type)"}},
      {"port_missing", {"root graph: edge 'input' -> 'g.c': found as its target subgraph 'g' without an Input "
                        "node 'c'"}},
      {"port_ambiguous", {"root graph: edge 'input' -> 'g': found as its target subgraph 'g' with 2 Input nodes "
                          "(a, b)"}},
      {"port_not_input", {"edge 'input' -> 'g.s': found as its target subgraph 'g' without an Input node 's'"}},
      {"nested_edge", {"node g: edge 'lif' -> 'oops': found as its target no node 'oops' (this graph has in, "
                       "lif, out)"}},
      {"nested_field", {"node g/lif: r: found float32 [2], expected shape [3]"}},
      {"root_not_graph", {"root graph: type: found 'LIF' (a single node, not a graph), expected 'NIRGraph'"}},
      {"no_node", {"node: found nothing, expected a group (the root NIRGraph"}},
      {"pre_0_1", {"the pre-0.1 NIR layout (NIR 0.0.x", "re-export with NIR >= 0.1"}},
      {"version_int", {"version: found int64 scalar, expected a string"}},
      {"nodes_dataset", {"root graph: nodes/stray: found a dataset, expected a group"}},
      {"hardlink_cycle", {"root graph: nodes/loop: found the group of root graph linked here again"}},
      {"lzf", {"node fc: bias: found data stored with HDF5 filter 32000 'lzf', which this HDF5 library cannot "
               "decode"}},
      {"gzip_edges_index", {"root graph: edges: found a corrupt variable-length string (global heap object "
                            "30583 missing)"}},
      {"gzip_edges_mask", {"root graph: edges: found a corrupt variable-length string (chunk 0 of 41 bytes)"}},
      {"not_hdf5", {"found a file HDF5 cannot open (HDF5: file signature not found), expected a NIR graph file"}},
      {"empty", {"found a file HDF5 cannot open"}},
      {"truncated_100", {"found a file HDF5 cannot open (HDF5: truncated file"}},
      {"truncated_half", {"found a file HDF5 cannot open (HDF5: truncated file"}},
      {"truncated_last", {"found a file HDF5 cannot open (HDF5: truncated file"}},
  };
  std::set<std::string> tested;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    expect_input_error(fixture(std::string("bad_") + c.file), c.parts);
    tested.insert(std::string("bad_") + c.file + ".nir");
  }
  // Every bad_ file make_fixtures.py writes has a case here.
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("bad_", 0) == 0) {
      EXPECT_TRUE(tested.count(name)) << name << " has no expected message";
    }
  }
}

TEST(NirFixtureBad, DumpExitsTwo) {
  REQUIRE_FIXTURES();
  int n = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("bad_", 0) != 0) continue;
    SCOPED_TRACE(name);
    const DumpRun r = run_dump({entry.path().string()});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind(entry.path().string() + ": ", 0), 0u) << r.err;
    ++n;
  }
  EXPECT_GE(n, 50);
}

// ---------------------------------------------------------------- fuzz

// Edits a copy of a file with the HDF5 C API (to swap datasets).
class H5File {
 public:
  explicit H5File(const std::string& path, unsigned flags = H5F_ACC_RDWR)
      : f_(H5Fopen(path.c_str(), flags, H5P_DEFAULT)) {
    if (f_ < 0) throw std::runtime_error("fuzz: cannot open " + path);
  }
  ~H5File() { H5Fclose(f_); }
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;
  hid_t id() const { return f_; }

  // Every dataset below `group`, by path, in name order.
  std::vector<std::string> datasets(const std::string& group = "/") const {
    std::vector<std::string> out;
    hid_t g = H5Gopen2(f_, group.c_str(), H5P_DEFAULT);
    if (g < 0) return out;
    H5G_info_t info;
    if (H5Gget_info(g, &info) >= 0) {
      for (hsize_t i = 0; i < info.nlinks; ++i) {
        char name[1024] = {0};
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) continue;
        const std::string path = (group == "/" ? "" : group) + "/" + name;
        hid_t o = H5Oopen(f_, path.c_str(), H5P_DEFAULT);
        if (o < 0) continue;
        const H5I_type_t t = H5Iget_type(o);
        H5Oclose(o);
        if (t == H5I_DATASET) out.push_back(path);
        if (t == H5I_GROUP) {
          for (auto& p : datasets(path)) out.push_back(std::move(p));
        }
      }
    }
    H5Gclose(g);
    return out;
  }

  // Swaps what two dataset names refer to: each takes the other's type, shape and data.
  void swap(const std::string& a, const std::string& b) {
    const char* tmp = "/__fuzz_swap";
    if (H5Lmove(f_, a.c_str(), f_, tmp, H5P_DEFAULT, H5P_DEFAULT) < 0 ||
        H5Lmove(f_, b.c_str(), f_, a.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0 ||
        H5Lmove(f_, tmp, f_, b.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0) {
      throw std::runtime_error("fuzz: cannot swap " + a + " and " + b);
    }
  }

  // Byte ranges of the datasets' raw data (contiguous storage only).
  std::vector<std::pair<haddr_t, hsize_t>> data_blocks() const {
    std::vector<std::pair<haddr_t, hsize_t>> out;
    for (const auto& p : datasets()) {
      hid_t ds = H5Dopen2(f_, p.c_str(), H5P_DEFAULT);
      if (ds < 0) continue;
      const haddr_t off = H5Dget_offset(ds);
      if (off != HADDR_UNDEF) out.emplace_back(off, H5Dget_storage_size(ds));
      H5Dclose(ds);
    }
    return out;
  }

 private:
  hid_t f_;
};

enum class Mutation { kFlips, kTruncate, kSwap };

// NIR_FUZZ_SCALE=N runs N times as many mutants (for a deeper run by hand; the
// suite's default keeps it within its time budget).
int fuzz_scale() {
  const char* s = std::getenv("NIR_FUZZ_SCALE");
  const int n = s != nullptr ? std::atoi(s) : 1;
  return n >= 1 && n <= 10000 ? n : 1;
}

// Mutates `src` `count` times (seeded: the same mutants on every run) and
// checks every mutant both ways: nir_dump must exit 0 or 2 in time, with a
// message naming the file on stderr for 2 and JSON on stdout for 0; read_nir
// and nir_to_float (spikeforge import's path) in this process
// must return or throw sf::InputError (nothing else).
void fuzz(const std::string& src, Mutation kind, int count, unsigned seed0) {
  const Bytes original = file_bytes(src);
  std::vector<size_t> meta;  // byte positions outside the datasets' raw data
  std::vector<std::string> names;
  {
    H5File f(src, H5F_ACC_RDONLY);
    const auto blocks = f.data_blocks();
    names = f.datasets();
    for (size_t i = 0; i < original.size(); ++i) {
      bool in_data = false;
      for (const auto& [off, len] : blocks) in_data |= i >= off && i < off + len;
      if (!in_data) meta.push_back(i);
    }
  }
  ASSERT_FALSE(meta.empty());
  ASSERT_GE(names.size(), 2u);
  Scratch dir;
  count *= fuzz_scale();
  int ok = 0, errors = 0, crashes = 0, hangs = 0;
  double slowest = 0;
  std::string slowest_label;
  std::vector<std::string> failures;
  for (int k = 0; k < count; ++k) {
    const unsigned seed = seed0 + static_cast<unsigned>(k);
    std::mt19937 rng(seed);
    const std::string p = dir / ("m" + std::to_string(seed) + ".nir");
    std::string what;
    if (kind == Mutation::kTruncate) {
      const size_t keep = std::uniform_int_distribution<size_t>(0, original.size() - 1)(rng);
      put_bytes(p, original, keep);
      what = "cut at " + std::to_string(keep);
    } else if (kind == Mutation::kFlips) {
      Bytes bytes = original;
      const int flips = std::uniform_int_distribution<int>(1, 8)(rng);
      for (int i = 0; i < flips; ++i) {
        // Half the mutants flip bits anywhere, half only in HDF5 metadata.
        const size_t pos = k % 2 ? meta[std::uniform_int_distribution<size_t>(0, meta.size() - 1)(rng)]
                                 : std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng);
        bytes[pos] = static_cast<char>(bytes[pos] ^ (1 << std::uniform_int_distribution<int>(0, 7)(rng)));
        what += " " + std::to_string(pos);
      }
      put_bytes(p, bytes);
      what = "bits flipped at" + what;
    } else {
      put_bytes(p, original);
      size_t a = std::uniform_int_distribution<size_t>(0, names.size() - 1)(rng), b = a;
      while (b == a) b = std::uniform_int_distribution<size_t>(0, names.size() - 1)(rng);
      H5File(p).swap(names[a], names[b]);
      what = "swapped " + names[a] + " and " + names[b];
    }
    const std::string label = "seed " + std::to_string(seed) + " (" + what + ")";
    const DumpRun r = run_dump({"--timeout-ms", "20000", p}, 40);
    if (r.seconds > slowest) {
      slowest = r.seconds;
      slowest_label = label;
    }
    if (r.timed_out) {
      failures.push_back(label + ": nir_dump did not finish in 40 s");
    } else if (r.signal != 0) {
      failures.push_back(label + ": nir_dump died of signal " + std::to_string(r.signal));
    } else if (r.status == 0) {
      ++ok;
      if (!nlohmann::json::accept(r.out)) failures.push_back(label + ": exit 0 without JSON on stdout");
    } else if (r.status == 2) {
      ++errors;
      if (r.err.rfind(p + ": ", 0) != 0) failures.push_back(label + ": exit 2, message without path: " + r.err);
      if (r.err.find("crashed on") != std::string::npos) {
        ++crashes;
        failures.push_back(label + ": the reader's child crashed (contained, but a check should catch it "
                           "first): " + r.err);
      }
      hangs += r.err.find("did not finish") != std::string::npos;
    } else {
      failures.push_back(label + ": exit status " + std::to_string(r.status) + ": " + r.err);
    }
    try {
      // and what import does next: the float model's graph (it must only ever reject
      // with an InputError too)
      (void)sf::import::nir_to_float(read_nir(p));
    } catch (const sf::InputError& e) {
      if (std::string(e.what()).rfind(p + ": ", 0) != 0) failures.push_back(label + ": message without path");
    } catch (const std::exception& e) {
      failures.push_back(label + ": read_nir threw a non-InputError: " + e.what());
    }
    fs::remove(p);
  }
  for (const auto& f : failures) ADD_FAILURE() << src << ": " << f;
  EXPECT_EQ(ok + errors, count);
  EXPECT_GT(errors, 0) << "no mutant was rejected: the mutations test nothing";
  std::cout << "fuzz " << src << ": " << ok << " read, " << errors << " rejected (" << crashes << " crashes, "
            << hangs << " hangs contained in the reader's child), slowest " << slowest << " s: "
            << slowest_label << "\n";
}

struct FuzzPlan {
  const char* file;
  unsigned seed;
};
const FuzzPlan kFuzzFiles[] = {
    {kLifNorse, 1000}, {kTwoLif, 2000}, {kCnn, 3000}, {kBraille, 4000}, {kBroken, 5000}};

TEST(NirFuzz, BitFlips) {
  REQUIRE_CORPUS();
  for (const FuzzPlan& f : kFuzzFiles) fuzz(corpus(f.file), Mutation::kFlips, 16, f.seed);
}

TEST(NirFuzz, Truncations) {
  REQUIRE_CORPUS();
  for (const FuzzPlan& f : kFuzzFiles) fuzz(corpus(f.file), Mutation::kTruncate, 6, f.seed + 100);
}

TEST(NirFuzz, DatasetSwaps) {
  REQUIRE_CORPUS();
  for (const FuzzPlan& f : kFuzzFiles) fuzz(corpus(f.file), Mutation::kSwap, 8, f.seed + 200);
}

// The gzip fixture: chunked, compressed datasets and variable-length edge
// strings in chunked storage (which the reader cannot pre-check byte by byte).
TEST(NirFixtureFuzz, GzipBitFlipsAndSwaps) {
  REQUIRE_FIXTURES();
  fuzz(fixture("valid_gzip"), Mutation::kFlips, 16, 6000);
  fuzz(fixture("valid_gzip"), Mutation::kSwap, 6, 6100);
}

}  // namespace
