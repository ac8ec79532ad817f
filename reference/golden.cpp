// The readable golden path: int64 everywhere, W read as [out][in] exactly as
// the IR stores it, one loop per phase of semantics.md.
#include "golden.h"

#include <algorithm>
#include <stdexcept>

#include "ir/error.h"
#include "akida/network.h"
#include "loihi2/network.h"
#include "neuron.h"
#include "synapses.h"
#include "validate.h"

namespace sf::ref {

Trace run_loihi2(const Network& net, const std::vector<InputEvent>& events, int steps, bool record_state) {
  // The loihi2 model is a separate golden model (reference/loihi2): its own
  // arithmetic, its own checks. Its complaints become input errors here.
  try {
    return loihi2::run_network(net, events, steps, record_state);
  } catch (const std::invalid_argument& e) {
    throw InputError("network '" + net.name + "': " + e.what());
  } catch (const std::overflow_error& e) {
    throw InputError("network '" + net.name + "': " + e.what());
  }
}

Trace run_akida(const Network& net, const std::vector<InputEvent>& events, int steps, bool record_state) {
  try {
    return akida::run_network(net, events, steps, record_state);
  } catch (const std::invalid_argument& e) {
    throw InputError("network '" + net.name + "': " + e.what());
  } catch (const std::overflow_error& e) {
    throw InputError("network '" + net.name + "': " + e.what());
  }
}

const char* semantics_name(const Network& net) {
  const char* name = nullptr;
  for (const Layer& l : net.layers) {
    const char* m = to_string(l.neuron.model);
    if (name && name != m) return "mixed";
    name = m;
  }
  return name ? name : "";
}

Trace run(const Network& net, const Raster& input, const RunOptions& opt) {
  validate_network(net);
  const int steps = run_length(input, opt.timesteps);
  const std::vector<InputEvent> events = checked_events(net, input, steps);
  if (net.is_loihi2()) return run_loihi2(net, events, steps, opt.record_state);
  if (net.is_akida()) return run_akida(net, events, steps, opt.record_state);

  Trace trace;
  trace.network = net.name;
  trace.semantics = semantics_name(net);
  trace.timesteps = steps;
  std::vector<std::vector<int64_t>> v(net.layers.size());
  std::vector<std::vector<bool>> pending(net.layers.size());
  for (size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    trace.layers.push_back({l.name, false, {}, {}});
    if (opt.record_state) trace.layers[k].state["v"].reserve(steps);
    v[k].assign(l.n_out, 0);
    pending[k].assign(l.n_out, false);
  }

  size_t next = 0;
  for (int t = 0; t < steps; ++t) {
    // (index, payload) events entering the current layer at step t.
    std::vector<std::pair<int, int64_t>> in;
    for (; next < events.size() && events[next].t == t; ++next)
      in.emplace_back(events[next].index, events[next].payload);
    for (size_t k = 0; k < net.layers.size(); ++k) {
      const Layer& l = net.layers[k];
      std::vector<int64_t> current(l.n_out, 0);  // I[n]
      for (const auto& [i, p] : in)
        for_each_synapse(l, i, [&](int n, int32_t w) { current[n] += int64_t{w} * p; });
      std::vector<std::pair<int, int64_t>> out;
      for (int n = 0; n < l.n_out; ++n) {
        const int64_t b = l.has_bias() ? l.bias[l.param_index(n)] : 0;  // conv: one bias per channel
        bool p = pending[k][n];
        if (fire_step(l.neuron.iflif, v[k][n], p, current[n] + b)) {
          trace.layers[k].spikes.push_back({t, n, 1});
          out.emplace_back(n, 1);  // synaptic_delay 0: the next layer sees it at t
        }
        pending[k][n] = p;
      }
      if (opt.record_state) trace.layers[k].state["v"].push_back(v[k]);
      in = std::move(out);
    }
  }
  return trace;
}

std::vector<int64_t> output_counts(const Trace& trace) {
  if (trace.layers.empty()) return {};
  const LayerTrace& last = trace.layers.back();
  size_t width = 0;
  const auto state = last.state.find("v");
  if (state != last.state.end() && !state->second.empty()) width = state->second.front().size();
  for (const Spike& s : last.spikes) width = std::max(width, static_cast<size_t>(s.neuron) + 1);
  std::vector<int64_t> counts(width, 0);
  for (const Spike& s : last.spikes) counts[s.neuron] += last.graded ? s.payload : 1;
  return counts;
}

std::vector<int64_t> output_counts(const Network& net, const Trace& trace) {
  std::vector<int64_t> counts(net.output_size(), 0);
  if (trace.layers.empty()) return counts;
  for (const Spike& s : trace.layers.back().spikes) {
    if (s.neuron < 0 || s.neuron >= net.output_size())
      throw InputError("trace: output spike of neuron " + std::to_string(s.neuron) +
                       ", expected 0.." + std::to_string(net.output_size() - 1));
    counts[s.neuron] += trace.layers.back().graded ? s.payload : 1;
  }
  return counts;
}

int decode_counts(const std::vector<int64_t>& counts) {
  if (counts.empty()) return -1;
  // max_element returns the first of equal maxima: ties go to the lowest index.
  return static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
}

int decode(const Network& net, const Trace& trace) {
  switch (net.decoding) {
    case OutputDecoding::SpikeCount:
      return decode_counts(output_counts(net, trace));
    case OutputDecoding::FirstSpike: {
      if (trace.layers.empty()) return -1;
      int best = -1, best_t = 0;
      for (const Spike& s : trace.layers.back().spikes)
        if (best < 0 || s.t < best_t || (s.t == best_t && s.neuron < best)) best = s.neuron, best_t = s.t;
      return best;
    }
    case OutputDecoding::Membrane: {
      const std::vector<std::vector<int64_t>>* v = nullptr;
      if (!trace.layers.empty()) {
        const auto& state = trace.layers.back().state;
        const auto it = state.find("v");
        if (it != state.end() && !it->second.empty()) v = &it->second;
      }
      if (!v)
        throw InputError("decode: membrane decoding needs the recorded state of the last layer "
                         "(run with record_state)");
      return decode_counts(v->back());
    }
  }
  return -1;
}

}  // namespace sf::ref
