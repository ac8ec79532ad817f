// Readers of the loihi2-dense conformance files (tests/data/third_party/lava-dl-conformance), shared
// by the golden-model test and the RTL co-simulation test.
#pragma once

#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ir/events.h"
#include "ir/network.h"
#include "loihi2.h"

namespace sf::ref::loihi2 {

using nlohmann::json;

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

// Fails (with the key) on any field this test does not interpret, so that a
// new field in the data cannot be ignored silently.
void expect_only_keys(const json& obj, const std::set<std::string>& known, const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    EXPECT_TRUE(known.count(it.key())) << where << ": unknown field '" << it.key() << "'";
}

struct Layer {
  std::vector<std::vector<int64_t>> weights;
  Params params;
};

Layer load_layer(const std::string& path) {
  const json doc = read_json(path);
  expect_only_keys(doc, {"weights_out_by_in", "neuron", "num_weight_bits", "weight_exp", "synaptic_delay"}, path);
  Layer l;
  l.weights = doc.at("weights_out_by_in").get<std::vector<std::vector<int64_t>>>();
  const json& n = doc.at("neuron");
  expect_only_keys(n, {"model", "du", "dv", "vth", "bias_mant", "bias_exp"}, path + ": neuron");
  EXPECT_EQ(n.at("model").get<std::string>(), "loihi2") << path;
  EXPECT_EQ(doc.at("synaptic_delay").get<int>(), kSynapticDelay) << path;
  l.params.du = n.at("du").get<int>();
  l.params.dv = n.at("dv").get<int>();
  l.params.vth = n.at("vth").get<int64_t>();
  l.params.bias_exp = n.at("bias_exp").get<int>();
  // A scalar bias applies to every neuron; an array gives one per neuron.
  const json& bias = n.at("bias_mant");
  l.params.bias_mant = bias.is_array() ? bias.get<std::vector<int64_t>>()
                                       : std::vector<int64_t>(l.weights.size(), bias.get<int64_t>());
  l.params.weight_exp = doc.at("weight_exp").get<int>();
  l.params.num_weight_bits = doc.at("num_weight_bits").get<int>();
  return l;
}

// sf::load_trace rejects the file's "note" field (it checks for unknown keys),
// so the expected trace is read here, field by field.
Trace load_expected(const std::string& path) {
  const json doc = read_json(path);
  EXPECT_EQ(doc.at("format").get<std::string>(), "spikeforge-trace");
  EXPECT_EQ(doc.at("semantics").get<std::string>(), "loihi2");
  Trace t;
  t.network = doc.at("network").get<std::string>();
  t.semantics = doc.at("semantics").get<std::string>();
  t.timesteps = doc.at("timesteps").get<int>();
  for (const json& lj : doc.at("layers")) {
    LayerTrace l;
    l.name = lj.at("name").get<std::string>();
    for (const json& s : lj.at("spikes")) {
      EXPECT_EQ(s.size(), 2u) << "expected binary spikes [t, neuron]";
      l.spikes.push_back(Spike{s.at(0).get<int>(), s.at(1).get<int>(), 1});
    }
    if (lj.contains("state"))
      for (auto it = lj.at("state").begin(); it != lj.at("state").end(); ++it)
        l.state[it.key()] = it.value().get<std::vector<std::vector<int64_t>>>();
    t.layers.push_back(std::move(l));
  }
  return t;
}

// The conformance layer as a one-layer `loihi2` network of the IR, with the
// prepared weights (what `spikeforge import` writes for it).
inline Network as_network(const Layer& l) {
  Network net;
  net.name = "loihi2_dense_conformance";
  net.input_size = static_cast<int>(l.weights.at(0).size());
  sf::Layer d;
  d.name = "dense";
  d.n_in = net.input_size;
  d.n_out = static_cast<int>(l.weights.size());
  d.weight_bits = 9;
  for (const auto& row : prepare_weight_matrix(l.weights, l.params.num_weight_bits))
    d.weights.insert(d.weights.end(), row.begin(), row.end());
  d.neuron.model = NeuronModel::Loihi2;
  d.neuron.loihi2 = {l.params.du, l.params.dv, l.params.vth, l.params.bias_exp, l.params.weight_exp};
  bool any_bias = false;
  for (int64_t b : l.params.bias_mant) any_bias = any_bias || b != 0;
  if (any_bias) d.bias = l.params.bias_mant;
  net.layers.push_back(std::move(d));
  return net;
}

// Every spike of `got` equals `expected`'s, and every u / v row the expectation
// records (its first timesteps) equals got's; returns the number of values compared.
inline size_t expect_conformance(const Trace& got, const Trace& expected) {
  const LayerTrace& g = got.layers.at(0);
  const LayerTrace& e = expected.layers.at(0);
  size_t compared = 0;
  EXPECT_FALSE(e.spikes.empty());
  EXPECT_EQ(g.spikes.size(), e.spikes.size());
  for (size_t k = 0; k < e.spikes.size() && k < g.spikes.size(); ++k, ++compared)
    if (!(g.spikes[k] == e.spikes[k])) {
      ADD_FAILURE() << "spike " << k << ": got [" << g.spikes[k].t << ", " << g.spikes[k].neuron
                    << "], expected [" << e.spikes[k].t << ", " << e.spikes[k].neuron << "]";
      return compared;
    }
  for (const char* var : {"u", "v"}) {
    if (!e.state.count(var) || !g.state.count(var)) {
      ADD_FAILURE() << "state '" << var << "' missing (expected has it: " << e.state.count(var) << ")";
      return compared;
    }
    const auto& rows = e.state.at(var);
    const auto& mine = g.state.at(var);
    EXPECT_FALSE(rows.empty());
    if (rows.size() > mine.size()) {
      ADD_FAILURE() << var << ": " << mine.size() << " rows, expected at least " << rows.size();
      return compared;
    }
    for (size_t t = 0; t < rows.size(); ++t) {
      if (rows[t].size() != mine[t].size()) {
        ADD_FAILURE() << var << " at t " << t << ": " << mine[t].size() << " neurons, expected " << rows[t].size();
        return compared;
      }
      for (size_t n = 0; n < rows[t].size(); ++n, ++compared)
        if (mine[t][n] != rows[t][n]) {
          ADD_FAILURE() << "state " << var << ", t " << t << ", neuron " << n << ": got " << mine[t][n]
                        << ", expected " << rows[t][n];
          return compared;
        }
    }
  }
  return compared;
}

}  // namespace sf::ref::loihi2
