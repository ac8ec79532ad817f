#include "network.h"

#include <stdexcept>
#include <string>

#include "synapses.h"

namespace sf::ref::loihi2 {

Params params_of(const Layer& layer) {
  const Loihi2Params& q = layer.neuron.loihi2;
  Params p;
  p.du = q.du;
  p.dv = q.dv;
  p.vth = q.vth;
  p.bias_exp = q.bias_exp;
  p.weight_exp = q.weight_exp;
  p.bias_mant = sf::ref::per_neuron(layer, layer.bias);
  return p;
}

void validate_network(const Network& net) {
  for (const Layer& l : net.layers) {
    if (l.neuron.model != NeuronModel::Loihi2)
      throw std::invalid_argument("layer '" + l.name + "': model '" + to_string(l.neuron.model) +
                                  "', expected 'loihi2' in a loihi2 network");
    try {
      validate(params_of(l), static_cast<size_t>(l.n_out));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("layer '" + l.name + "': " + e.what());
    }
  }
}

Trace run_network(const Network& net, const std::vector<InputEvent>& events, int steps,
                  bool record_state) {
  validate_network(net);
  const size_t L = net.layers.size();
  Trace trace;
  trace.network = net.name;
  trace.semantics = "loihi2";
  trace.timesteps = steps;
  std::vector<Params> params;
  std::vector<std::vector<State>> state(L);
  // sum[k][n]: the weighted input layer k received during the previous step
  // (Dense's a_buff); next[k][n]: what it receives during this step.
  std::vector<std::vector<int64_t>> sum(L), next(L);
  for (size_t k = 0; k < L; ++k) {
    const Layer& l = net.layers[k];
    params.push_back(params_of(l));
    state[k].assign(static_cast<size_t>(l.n_out), State{});
    sum[k].assign(static_cast<size_t>(l.n_out), 0);
    next[k].assign(static_cast<size_t>(l.n_out), 0);
    trace.layers.push_back({l.name, false, {}, {}});
  }
  const auto add = [](const Layer& l, std::vector<int64_t>& acc, int i, int64_t payload) {
    sf::ref::for_each_synapse(l, i, [&](int n, int32_t w) {
      int64_t x = 0;
      if (__builtin_mul_overflow(int64_t{w}, payload, &x) ||
          __builtin_add_overflow(acc[static_cast<size_t>(n)], x, &acc[static_cast<size_t>(n)]))
        throw std::overflow_error("layer '" + l.name + "': a weighted input sum leaves int64");
    });
  };

  size_t ev = 0;
  std::vector<int> spikes;
  for (int t = 0; t < steps; ++t) {
    for (; ev < events.size() && events[ev].t == t; ++ev)
      add(net.layers[0], next[0], events[ev].index, events[ev].payload);
    for (size_t k = 0; k < L; ++k) {
      const Layer& l = net.layers[k];
      spikes.clear();
      for (int n = 0; n < l.n_out; ++n) {
        const int64_t a = apply_weight_exp(sum[k][static_cast<size_t>(n)], params[k].weight_exp);
        const int64_t b = l.has_bias() ? l.bias[static_cast<size_t>(l.param_index(n))] : 0;
        if (step(params[k], state[k][static_cast<size_t>(n)], a, b)) {
          trace.layers[k].spikes.push_back({t, n, 1});
          spikes.push_back(n);
        }
      }
      // this step's spikes reach the next layer's u one step later
      if (k + 1 < L)
        for (int n : spikes) add(net.layers[k + 1], next[k + 1], n, 1);
      if (record_state) {
        std::vector<int64_t> u(static_cast<size_t>(l.n_out)), v(static_cast<size_t>(l.n_out));
        for (size_t n = 0; n < u.size(); ++n) u[n] = state[k][n].u, v[n] = state[k][n].v;
        trace.layers[k].state["u"].push_back(std::move(u));
        trace.layers[k].state["v"].push_back(std::move(v));
      }
    }
    for (size_t k = 0; k < L; ++k) {
      sum[k].swap(next[k]);
      std::fill(next[k].begin(), next[k].end(), 0);
    }
  }
  return trace;
}

}  // namespace sf::ref::loihi2
