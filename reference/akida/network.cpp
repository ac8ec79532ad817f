#include "network.h"

#include <stdexcept>
#include <string>

#include "synapses.h"

namespace sf::ref::akida {

namespace {

std::string where(const Layer& l) { return "layer '" + l.name + "': "; }

}  // namespace

WeightMatrix weights_of(const Layer& layer) {
  WeightMatrix w(static_cast<size_t>(layer.n_out), std::vector<int64_t>(static_cast<size_t>(layer.n_in)));
  for (int i = 0; i < layer.n_in; ++i)
    sf::ref::for_each_synapse(layer, i, [&](int n, int32_t x) { w[static_cast<size_t>(n)][static_cast<size_t>(i)] = x; });
  return w;
}

V1Params v1_params_of(const Network& net, size_t k) {
  const Layer& l = net.layers.at(k);
  const AkidaParams& q = l.neuron.akida;
  V1Params p;
  p.input_layer = q.input_layer;
  p.in_bits = layer_input_payload(net, k).bits;
  p.weight_bits = l.weight_bits;
  p.act_bits = q.act_bits;
  p.threshold = sf::ref::per_neuron(l, q.threshold);
  p.act_step = {ActStep::from_ratio(q.act_step_m, q.act_step_f)};
  return p;
}

V2Params v2_params_of(const Network& net, size_t k) {
  const Layer& l = net.layers.at(k);
  const Akida2Params& q = l.neuron.akida2;
  const PayloadFormat in = layer_input_payload(net, k);
  V2Params p;
  p.input_bits = in.bits;
  p.input_signed = in.is_signed;
  p.weight_bits = l.weight_bits;
  p.input_shift = {q.input_shift};
  p.bias = sf::ref::per_neuron(l, q.bias);
  p.bias_shift = {q.bias_shift};
  p.buffer_bits = q.buffer_bits;
  p.relu = q.relu;
  if (q.has_max_value) p.max_value = q.max_value;
  p.max_value_shift = q.max_value_shift;
  p.output_scale = sf::ref::per_neuron(l, q.output_scale);
  p.output_shift = {q.output_shift};
  p.output_bits = q.output_bits;
  return p;
}

void validate_network(const Network& net) {
  if (!net.is_akida()) throw std::invalid_argument("not an akida / akida2 network");
  const NeuronModel model = net.layers.front().neuron.model;
  for (size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    try {
      if (l.neuron.model != model)
        throw std::invalid_argument(std::string("model '") + to_string(l.neuron.model) + "' in an '" +
                                    to_string(model) + "' network (one model for the whole network)");
      if (model == NeuronModel::Akida) {
        const V1Params p = v1_params_of(net, k);
        if (p.input_layer && k > 0)
          throw std::invalid_argument("input_layer on layer " + std::to_string(k) + " (only the first layer)");
        validate(p, static_cast<size_t>(l.n_out));
        if (p.threshold.size() != static_cast<size_t>(l.n_out))
          throw std::invalid_argument("threshold has " + std::to_string(p.threshold.size()) +
                                      " entries, expected one per neuron (" + std::to_string(l.n_out) + ")");
        validate_weights(weights_of(l), p);
      } else {
        const V2Params p = v2_params_of(net, k);
        validate(p, static_cast<size_t>(l.n_out), static_cast<size_t>(l.n_in));
        if (p.output_scale.size() != static_cast<size_t>(l.n_out))
          throw std::invalid_argument("output_scale has " + std::to_string(p.output_scale.size()) +
                                      " entries, expected one per neuron (" + std::to_string(l.n_out) + ")");
        validate_weights(weights_of(l), p);
      }
      if (!l.bias.empty())
        throw std::invalid_argument("a layer bias (akida: none, folded into threshold; akida2: neuron.bias)");
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where(l) + e.what());
    }
  }
}

Trace run_network(const Network& net, const std::vector<InputEvent>& events, int steps, bool record_state) {
  validate_network(net);
  const bool v1 = net.layers.front().neuron.model == NeuronModel::Akida;
  const size_t L = net.layers.size();
  std::vector<WeightMatrix> w;
  std::vector<V1Params> p1;
  std::vector<V2Params> p2;
  for (size_t k = 0; k < L; ++k) {
    w.push_back(weights_of(net.layers[k]));
    if (v1) p1.push_back(v1_params_of(net, k));
    else p2.push_back(v2_params_of(net, k));
  }
  Trace trace;
  trace.network = net.name;
  trace.semantics = v1 ? "akida" : "akida2";
  trace.timesteps = steps;
  const char* state = v1 ? "p" : "acc";
  for (const Layer& l : net.layers) {
    trace.layers.push_back({l.name, true, {}, {}});
    if (record_state) trace.layers.back().state[state].reserve(static_cast<size_t>(steps));
  }
  size_t next = 0;
  for (int t = 0; t < steps; ++t) {
    std::vector<Event> in;
    for (; next < events.size() && events[next].t == t; ++next)
      in.push_back({events[next].index, events[next].payload});
    for (size_t k = 0; k < L; ++k) {
      std::vector<int64_t> sums;
      std::vector<Event> out;
      try {
        if (v1) {
          sums = v1_dense_potentials(w[k], p1[k], in);
          out = v1_activate(sums, p1[k]);
        } else {
          sums = v2_dense_accumulate(w[k], p2[k], in);
          out = v2_outputs(sums, p2[k]);
        }
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where(net.layers[k]) + "timestep " + std::to_string(t) + ": " + e.what());
      }
      for (const Event& e : out) trace.layers[k].spikes.push_back({t, e.index, e.value});
      if (record_state) trace.layers[k].state[state].push_back(std::move(sums));
      in = std::move(out);  // synaptic delay 0: the next layer sees them at t
    }
  }
  return trace;
}

}  // namespace sf::ref::akida
