// conv2d, sumpool2d and flatten in the network format (v2): shapes inferred
// through the graph, weights as nested arrays or a file, per-channel bias and
// model parameters, a save/load round trip, and the errors that name the
// file, the layer and the field (kernel larger than the padded input, groups
// not dividing the channels, a conv on a flat input, a conv in a v1 file).
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
  fs::path d = fs::temp_directory_path() / ("sf-conv-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::string write(const std::string& name, const json& j) {
  const fs::path p = tmp_dir() / name;
  std::ofstream(p) << j.dump(1);
  return p.string();
}

json neuron() { return {{"model", "if"}, {"threshold", 3}, {"v_bits", 8}}; }

// [c_out][c_in/g][k][k] of value v
json kernel(int c_out, int cig, int k, int v) {
  json row = json::array(), plane = json::array(), chans = json::array(), all = json::array();
  for (int x = 0; x < k; ++x) row.push_back(v);
  for (int y = 0; y < k; ++y) plane.push_back(row);
  for (int c = 0; c < cig; ++c) chans.push_back(plane);
  for (int o = 0; o < c_out; ++o) all.push_back(chans);
  return all;
}

// input [2, 8, 8] -> conv 4ch k3 p1 s2 (4x4x4) -> sumpool 2 (4x2x2) -> flatten -> dense 3
json doc() {
  json dw = json::array();
  for (int o = 0; o < 3; ++o) {
    json row = json::array();
    for (int i = 0; i < 16; ++i) row.push_back((o + i) % 3 - 1);
    dw.push_back(row);
  }
  return {{"format", "spikeforge-network"},
          {"version", 2},
          {"name", "cnn"},
          {"input", {{"name", "img"}, {"shape", {2, 8, 8}}}},
          {"layers",
           {{{"name", "c1"}, {"type", "conv2d"}, {"inputs", {"img"}}, {"out_channels", 4}, {"kernel", 3},
             {"stride", 2}, {"padding", 1}, {"weight_bits", 4}, {"weights", kernel(4, 2, 3, 1)},
             {"bias", {1, 0, -1, 2}}, {"neuron", neuron()}},
            {{"name", "p1"}, {"type", "sumpool2d"}, {"inputs", {"c1"}}, {"kernel", 2}, {"neuron", neuron()}},
            {{"name", "f"}, {"type", "flatten"}, {"inputs", {"p1"}}},
            {{"name", "fc"}, {"type", "dense"}, {"inputs", {"f"}}, {"out", 3}, {"weight_bits", 4}, {"weights", dw},
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

TEST(ConvFormat, ShapesFlowThroughTheGraph) {
  const Network n = load_network(write("cnn.json", doc()));
  ASSERT_EQ(n.layers.size(), 3u);  // the flatten is addressing, not a layer
  const Layer& c = n.layers[0];
  EXPECT_EQ(c.type, LayerType::Conv2d);
  EXPECT_EQ(c.conv.h_out, 4);
  EXPECT_EQ(c.conv.w_out, 4);
  EXPECT_EQ(c.n_in, 128);
  EXPECT_EQ(c.n_out, 64);
  EXPECT_EQ(c.weights.size(), 4u * 2 * 3 * 3);  // stored once
  EXPECT_EQ(c.bias, (std::vector<int64_t>{1, 0, -1, 2}));
  const Layer& p = n.layers[1];
  EXPECT_EQ(p.type, LayerType::SumPool2d);
  EXPECT_EQ(p.conv.sh, 2);  // the stride defaults to the kernel
  EXPECT_EQ(p.conv.groups, 4);
  EXPECT_EQ(p.n_out, 16);
  EXPECT_EQ(p.weights, std::vector<int32_t>(16, 1));
  EXPECT_EQ(n.layers[2].n_in, 16);
  EXPECT_EQ(n.layers[2].inputs, (std::vector<std::string>{"p1"}));  // the flatten passes p1's events on
}

TEST(ConvFormat, SaveAndLoadAgain) {
  const Network a = load_network(write("cnn.json", doc()));
  const std::string p = (tmp_dir() / "cnn-saved.json").string();
  save_network(a, p);
  const Network b = load_network(p);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t k = 0; k < a.layers.size(); ++k) {
    EXPECT_EQ(a.layers[k].type, b.layers[k].type);
    EXPECT_EQ(a.layers[k].weights, b.layers[k].weights);
    EXPECT_EQ(a.layers[k].bias, b.layers[k].bias);
    EXPECT_EQ(a.layers[k].n_out, b.layers[k].n_out);
    EXPECT_EQ(a.layers[k].conv.sh, b.layers[k].conv.sh);
  }
}

TEST(ConvFormat, WeightsFromAFile) {
  json d = doc();
  std::vector<char> raw(4 * 2 * 9);
  for (size_t k = 0; k < raw.size(); ++k) raw[k] = static_cast<char>(static_cast<int>(k % 5) - 2);
  std::ofstream(tmp_dir() / "c1.bin", std::ios::binary).write(raw.data(), static_cast<std::streamsize>(raw.size()));
  d["layers"][0].erase("weights");
  d["layers"][0]["weights_file"] = "c1.bin";
  const Network n = load_network(write("cnn-file.json", d));
  EXPECT_EQ(n.layers[0].weights[7], 0);
  EXPECT_EQ(n.layers[0].weights[8], 1);
  raw.pop_back();
  std::ofstream(tmp_dir() / "c1.bin", std::ios::binary).write(raw.data(), static_cast<std::streamsize>(raw.size()));
  EXPECT_NE(load_error(d).find("72 bytes"), std::string::npos) << load_error(d);
}

TEST(ConvFormat, ErrorsNameLayerAndField) {
  json d = doc();
  d["layers"][0]["kernel"] = 11;
  std::string e = load_error(d);
  EXPECT_NE(e.find("layer 'c1': kernel"), std::string::npos) << e;
  EXPECT_NE(e.find("padded input's height 10"), std::string::npos) << e;

  d = doc();
  d["layers"][0]["groups"] = 3;
  e = load_error(d);
  EXPECT_NE(e.find("layer 'c1': groups"), std::string::npos) << e;

  d = doc();
  d["input"]["shape"] = {128};
  e = load_error(d);
  EXPECT_NE(e.find("layer 'c1'"), std::string::npos) << e;
  EXPECT_NE(e.find("[C, H, W]"), std::string::npos) << e;

  d = doc();
  d["layers"][0]["bias"] = {1, 2};
  e = load_error(d);
  EXPECT_NE(e.find("one per output channel"), std::string::npos) << e;

  d = doc();
  d["layers"][0]["weights"][3][1][2] = {1, 1};
  e = load_error(d);
  EXPECT_NE(e.find("weights[3][1][2]"), std::string::npos) << e;

  d = doc();
  d["layers"][0]["weights"][0][0][0][0] = 9;
  e = load_error(d);
  EXPECT_NE(e.find("weights[0][0][0][0]"), std::string::npos) << e;

  d = doc();
  d["layers"][0]["stride"] = {2, 0};
  e = load_error(d);
  EXPECT_NE(e.find("stride[1]"), std::string::npos) << e;

  d = doc();
  d["layers"][1]["weights"] = kernel(4, 1, 2, 1);  // a sumpool has no weights
  e = load_error(d);
  EXPECT_NE(e.find("layer 'p1'"), std::string::npos) << e;

  d = doc();
  d["layers"][2]["out"] = 3;  // a flatten has no fields of its own
  e = load_error(d);
  EXPECT_NE(e.find("layer 'f'"), std::string::npos) << e;

  d = doc();
  d["layers"][0]["hardware"] = {{"parallel", 5}};
  e = load_error(d);
  EXPECT_NE(e.find("1..4"), std::string::npos) << e;

  d = doc();
  d["version"] = 1;
  d["input"] = {{"size", 128}};
  for (json& l : d["layers"]) l.erase("inputs");
  e = load_error(d);
  EXPECT_NE(e.find("version 1"), std::string::npos) << e;
}
