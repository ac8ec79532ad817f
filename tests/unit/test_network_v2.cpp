// The network format v2 (a graph of layers with explicit inputs) against v1:
// a v2 file loads into the same layers as its v1 twin, with the input's shape
// kept and every `in` inferred; saving keeps the version it was read with;
// the graph's and the chain's errors name the file, layer and field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ir/error.h"
#include "ir/network.h"

using namespace sf;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path tmp_dir() {
  fs::path d = fs::temp_directory_path() / ("sf-v2-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::string write(const std::string& name, const json& j) {
  const fs::path p = tmp_dir() / name;
  std::ofstream(p) << j.dump(1);
  return p.string();
}

json neuron() { return {{"model", "if"}, {"threshold", 3}, {"v_bits", 8}}; }

// input [2, 3, 2] (12 elements) -> h (3) -> out (2), as v1 and as v2
json v1_doc() {
  json w1 = json::array(), w2 = json::array();
  for (int o = 0; o < 3; ++o) {
    json row = json::array();
    for (int i = 0; i < 12; ++i) row.push_back((o * 12 + i) % 7 - 3);
    w1.push_back(row);
  }
  for (int o = 0; o < 2; ++o) w2.push_back(json::array({o + 1, -1, 2}));
  return {{"format", "spikeforge-network"},
          {"version", 1},
          {"name", "t"},
          {"input", {{"size", 12}}},
          {"layers",
           {{{"name", "h"}, {"type", "dense"}, {"in", 12}, {"out", 3}, {"weight_bits", 4}, {"weights", w1},
             {"neuron", neuron()}},
            {{"name", "out"}, {"type", "dense"}, {"in", 3}, {"out", 2}, {"weight_bits", 4}, {"weights", w2},
             {"bias", {1, -1}}, {"neuron", neuron()}}}}};
}

json v2_doc() {
  json d = v1_doc();
  d["version"] = 2;
  d["input"] = {{"name", "pixels"}, {"shape", {2, 3, 2}}};
  // listed out of order: the graph orders them
  json h = d["layers"][0], out = d["layers"][1];
  h.erase("in");
  out.erase("in");
  h["inputs"] = {"pixels"};
  out["inputs"] = {"h"};
  d["layers"] = {out, h};
  return d;
}

// input [3] -> a (3) -> b (3): every node has the same shape
json square_doc() {
  const json w = {{1, 0, 2}, {0, 1, -1}, {2, 2, 0}};
  return {{"format", "spikeforge-network"},
          {"version", 2},
          {"name", "sq"},
          {"input", {{"shape", {3}}}},
          {"layers",
           {{{"name", "a"}, {"type", "dense"}, {"inputs", {"input"}}, {"out", 3}, {"weight_bits", 4}, {"weights", w},
             {"neuron", neuron()}},
            {{"name", "b"}, {"type", "dense"}, {"inputs", {"a"}}, {"out", 3}, {"weight_bits", 4}, {"weights", w},
             {"neuron", neuron()}}}}};
}

std::string load_error(const json& j) {
  try {
    load_network(write("bad.json", j));
  } catch (const InputError& e) {
    return e.what();
  }
  return "(loaded)";
}

}  // namespace

TEST(NetworkV2, LoadsLikeItsV1Twin) {
  const Network a = load_network(write("v1.json", v1_doc()));
  const Network b = load_network(write("v2.json", v2_doc()));
  EXPECT_EQ(a.format_version, 1);
  EXPECT_EQ(b.format_version, 2);
  EXPECT_EQ(a.input_shape, (std::vector<int64_t>{12}));
  EXPECT_EQ(b.input_shape, (std::vector<int64_t>{2, 3, 2}));
  EXPECT_EQ(b.input_name, "pixels");
  EXPECT_EQ(b.input_size, 12);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t k = 0; k < a.layers.size(); ++k) {
    EXPECT_EQ(a.layers[k].name, b.layers[k].name);
    EXPECT_EQ(a.layers[k].n_in, b.layers[k].n_in);
    EXPECT_EQ(a.layers[k].n_out, b.layers[k].n_out);
    EXPECT_EQ(a.layers[k].weights, b.layers[k].weights);
    EXPECT_EQ(a.layers[k].bias, b.layers[k].bias);
  }
  // v1 is converted on read: each layer reads the one before it
  EXPECT_EQ(a.layers[0].inputs, (std::vector<std::string>{"input"}));
  EXPECT_EQ(a.layers[1].inputs, (std::vector<std::string>{"h"}));
  EXPECT_EQ(b.layers[0].inputs, (std::vector<std::string>{"pixels"}));
  EXPECT_EQ(b.layers[1].inputs, (std::vector<std::string>{"h"}));
}

TEST(NetworkV2, SaveKeepsTheVersion) {
  const Network b = load_network(write("v2.json", v2_doc()));
  const std::string p = (tmp_dir() / "v2-saved.json").string();
  save_network(b, p);
  std::ifstream in(p);
  const json saved = json::parse(in);
  EXPECT_EQ(saved.at("version"), 2);
  EXPECT_EQ(saved.at("input").at("shape"), json({2, 3, 2}));
  EXPECT_EQ(saved.at("layers").at(1).at("inputs"), json({"h"}));
  const Network c = load_network(p);
  EXPECT_EQ(c.layers[0].weights, b.layers[0].weights);
  EXPECT_EQ(c.input_shape, b.input_shape);

  const Network a = load_network(write("v1.json", v1_doc()));
  const std::string q = (tmp_dir() / "v1-saved.json").string();
  save_network(a, q);
  std::ifstream in1(q);
  const json saved1 = json::parse(in1);
  EXPECT_EQ(saved1.at("version"), 1);
  EXPECT_FALSE(saved1.at("layers").at(0).contains("inputs"));
}

TEST(NetworkV2, Errors) {
  EXPECT_EQ(load_error(square_doc()), "(loaded)");
  json d = v2_doc();
  d["layers"][1]["inputs"] = {"nowhere"};
  EXPECT_NE(load_error(d).find("nowhere"), std::string::npos) << load_error(d);

  d = v2_doc();
  d["layers"][1].erase("inputs");
  EXPECT_NE(load_error(d).find("layer 'h': inputs: found nothing (missing)"), std::string::npos) << load_error(d);

  // shapes that agree, so only the chain rule refuses: b sums the input and a
  d = square_doc();
  d["layers"][1]["inputs"] = {"a", "input"};
  EXPECT_NE(load_error(d).find("layer 'b': inputs: found [\"a\", \"input\"], expected [\"a\"]"), std::string::npos)
      << load_error(d);

  d = v2_doc();  // a cycle without a back edge
  d["layers"][1]["inputs"] = {"out"};
  EXPECT_NE(load_error(d).find("cycle"), std::string::npos) << load_error(d);

  d = square_doc();  // a recurrent edge: not built yet
  d["layers"][1]["inputs"] = {"a", {{"from", "b"}, {"back_edge", true}}};
  EXPECT_NE(load_error(d).find("layer 'b': inputs: found [\"a\", back edge from \"b\"]"), std::string::npos)
      << load_error(d);

  d = square_doc();  // a branch: b and a both read the input
  d["layers"][1]["inputs"] = {"input"};
  EXPECT_NE(load_error(d).find("layer 'b': inputs: found [\"input\"], expected [\"a\"]"), std::string::npos)
      << load_error(d);

  d = v2_doc();  // the graph's shape check: out sums [12] and [3]
  d["layers"][0]["inputs"] = {"h", "pixels"};
  EXPECT_NE(load_error(d).find("layer 'out': inputs: found 'pixels' with shape [2, 3, 2]"), std::string::npos)
      << load_error(d);

  d = v2_doc();  // a stated `in` must match the inferred one
  d["layers"][1]["in"] = 11;
  EXPECT_NE(load_error(d).find("layer 'h': in: found 11, expected 12"), std::string::npos) << load_error(d);

  d = v2_doc();
  d["input"]["size"] = 12;
  EXPECT_NE(load_error(d).find("input: found both shape and size"), std::string::npos) << load_error(d);

  d = v2_doc();
  d["input"]["shape"] = {2, 0, 2};
  EXPECT_NE(load_error(d).find("input.shape[1]: found 0"), std::string::npos) << load_error(d);

  d = v1_doc();  // inputs are v2's
  d["layers"][0]["inputs"] = {"input"};
  EXPECT_NE(load_error(d).find("inputs: found an unknown field"), std::string::npos) << load_error(d);

  d = v1_doc();
  d["version"] = 3;
  EXPECT_NE(load_error(d).find("version: found 3, expected 1 or 2"), std::string::npos) << load_error(d);
}
