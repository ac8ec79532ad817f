// Small builders so each test states its network in a few lines.
#pragma once

#include <string>
#include <vector>

#include "golden.h"
#include "ir/events.h"
#include "ir/network.h"

namespace sf::test {

inline IfLifParams if_params(int64_t threshold, ResetMode reset = ResetMode::Subtract,
                             FireRule fire = FireRule::Ge, int v_bits = 16) {
  IfLifParams p;
  p.threshold = threshold;
  p.reset = reset;
  p.fire = fire;
  p.v_bits = v_bits;
  return p;
}

inline IfLifParams lif_params(int64_t threshold, Leak leak, ResetMode reset = ResetMode::Subtract,
                              int v_bits = 16) {
  IfLifParams p = if_params(threshold, reset, FireRule::Ge, v_bits);
  p.leak = leak;
  return p;
}

inline Leak shift_leak(int k) { return {LeakKind::Shift, k, 0, 0, 0}; }
inline Leak mult_leak(int64_t beta, int frac) { return {LeakKind::Mult, 0, beta, frac, 0}; }
inline Leak sub_leak(int64_t lambda) { return {LeakKind::Sub, 0, 0, 0, lambda}; }

// Dense layer, weights row-major [n_out][n_in]; the model follows the leak.
inline Layer dense(const std::string& name, int n_in, int n_out, std::vector<int32_t> w, IfLifParams p,
                   std::vector<int64_t> bias = {}, int weight_bits = 8) {
  Layer l;
  l.name = name;
  l.n_in = n_in;
  l.n_out = n_out;
  l.weight_bits = weight_bits;
  l.weights = std::move(w);
  l.bias = std::move(bias);
  l.neuron.model = p.leak.kind == LeakKind::None && p.reset != ResetMode::SubtractDeferred ? NeuronModel::If
                                                                                         : NeuronModel::Lif;
  l.neuron.iflif = p;
  return l;
}

inline Network network(int input_size, std::vector<Layer> layers, int payload_bits = 1, bool payload_signed = false) {
  Network n;
  n.name = "test";
  n.input_size = input_size;
  n.input_payload_bits = payload_bits;
  n.input_payload_signed = payload_signed;
  n.layers = std::move(layers);
  return n;
}

inline Raster raster(int timesteps, int size, std::vector<InputEvent> events) {
  Raster r;
  r.timesteps = timesteps;
  r.size = size;
  r.events = std::move(events);
  return r;
}

// v of one neuron over the run.
inline std::vector<int64_t> v_of(const Trace& tr, size_t layer, int neuron) {
  std::vector<int64_t> out;
  for (const auto& row : tr.layers.at(layer).state.at("v")) out.push_back(row.at(neuron));
  return out;
}

// Steps at which one neuron spiked.
inline std::vector<int> spike_times(const Trace& tr, size_t layer, int neuron) {
  std::vector<int> out;
  for (const Spike& s : tr.layers.at(layer).spikes)
    if (s.neuron == neuron) out.push_back(s.t);
  return out;
}

}  // namespace sf::test
