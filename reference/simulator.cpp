// The fast golden path. Same arithmetic as run() (neuron.h), different
// accumulation: transposed narrow weights, event-driven row adds.
#include <limits>

#include "conv_engine.h"
#include "dense_engine.h"
#include "golden.h"
#include "validate.h"

namespace sf::ref {
namespace {

template <class W, class A>
std::unique_ptr<LayerEngine> of_kind(const Layer& l) {
  if (l.is_conv()) return std::make_unique<ConvEngine<W, A>>(l);
  return std::make_unique<DenseEngine<W, A>>(l);
}

template <class W>
std::unique_ptr<LayerEngine> with_accumulator(const Layer& l, int64_t bound) {
  if constexpr (sizeof(W) <= sizeof(int16_t))
    if (bound <= std::numeric_limits<int16_t>::max()) return of_kind<W, int16_t>(l);
  if constexpr (sizeof(W) <= sizeof(int32_t))
    if (bound <= std::numeric_limits<int32_t>::max()) return of_kind<W, int32_t>(l);
  return of_kind<W, int64_t>(l);
}

std::unique_ptr<LayerEngine> make_engine(const Layer& l, int64_t bound) {
  int32_t lo = 0, hi = 0;
  for (int32_t w : l.weights) lo = std::min(lo, w), hi = std::max(hi, w);
  const auto fits = [&](auto type) {
    using T = decltype(type);
    return lo >= std::numeric_limits<T>::min() && hi <= std::numeric_limits<T>::max();
  };
  if (fits(int8_t{})) return with_accumulator<int8_t>(l, bound);
  if (fits(int16_t{})) return with_accumulator<int16_t>(l, bound);
  return with_accumulator<int32_t>(l, bound);
}

}  // namespace

struct Simulator::Impl {
  Network shell;  // the network without weights: names, sizes, payload range
  // loihi2 and akida networks run on their own golden models (reference/loihi2,
  // reference/akida), kept whole.
  std::unique_ptr<Network> loihi2;
  std::unique_ptr<Network> akida;
  std::vector<std::unique_ptr<LayerEngine>> engines;
  std::vector<std::vector<int64_t>> v;
  std::vector<std::vector<uint8_t>> pending;
  std::vector<int32_t> spikes_in, spikes_out, graded_idx;
  std::vector<int64_t> graded_payload;

  // Runs the raster; on_layer(k, t, spikes, v) sees every layer's step.
  template <class OnLayer>
  void simulate(const Raster& input, int requested, OnLayer&& on_layer) {
    const int steps = run_length(input, requested);
    const std::vector<InputEvent> events = checked_events(shell, input, steps);
    for (size_t k = 0; k < engines.size(); ++k) {
      std::fill(v[k].begin(), v[k].end(), 0);
      std::fill(pending[k].begin(), pending[k].end(), 0);
    }
    size_t next = 0;
    for (int t = 0; t < steps; ++t) {
      spikes_in.clear();
      graded_idx.clear();
      graded_payload.clear();
      for (; next < events.size() && events[next].t == t; ++next) {
        const InputEvent& ev = events[next];
        if (ev.payload == 1) {
          spikes_in.push_back(ev.index);
        } else if (ev.payload != 0) {
          graded_idx.push_back(ev.index);
          graded_payload.push_back(ev.payload);
        }
      }
      engines[0]->add_graded(graded_idx.data(), graded_payload.data(), graded_idx.size());
      for (size_t k = 0; k < engines.size(); ++k) {
        engines[k]->add_spikes(spikes_in.data(), spikes_in.size());
        spikes_out.clear();
        engines[k]->fire(v[k].data(), pending[k].data(), spikes_out);
        on_layer(k, t, spikes_out, v[k]);
        spikes_in.swap(spikes_out);  // synaptic_delay 0: next layer, same step
      }
    }
  }
};

Simulator::Simulator(const Network& net) : impl_(std::make_unique<Impl>()) {
  validate_network(net);
  if (net.is_akida()) {
    impl_->akida = std::make_unique<Network>(net);
    impl_->shell = net;
    for (Layer& l : impl_->shell.layers) l.weights.clear(), l.bias.clear();
    return;
  }
  if (net.is_loihi2()) {
    impl_->loihi2 = std::make_unique<Network>(net);
    impl_->shell = net;
    for (Layer& l : impl_->shell.layers) l.weights.clear(), l.bias.clear();
    return;
  }
  impl_->shell = net;
  for (size_t k = 0; k < net.layers.size(); ++k) {
    impl_->shell.layers[k].weights.clear();
    impl_->shell.layers[k].bias.clear();
    impl_->engines.push_back(make_engine(net.layers[k], input_bound(net, k)));
    impl_->v.emplace_back(net.layers[k].n_out, 0);
    impl_->pending.emplace_back(net.layers[k].n_out, 0);
  }
}

Simulator::~Simulator() = default;
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;

void Simulator::run_counts(const Raster& input, std::vector<int64_t>& counts,
                           std::vector<int64_t>* layer_totals, int timesteps) {
  if (impl_->loihi2 || impl_->akida) {
    // akida: counts are the summed event values (output_counts of graded traces)
    const Network& net = impl_->loihi2 ? *impl_->loihi2 : *impl_->akida;
    const int steps = run_length(input, timesteps);
    const std::vector<InputEvent> events = checked_events(net, input, steps);
    const Trace t = impl_->loihi2 ? run_loihi2(net, events, steps, false) : run_akida(net, events, steps, false);
    counts = output_counts(net, t);
    if (layer_totals) {
      layer_totals->clear();
      for (const LayerTrace& lt : t.layers) layer_totals->push_back(static_cast<int64_t>(lt.spikes.size()));
    }
    return;
  }
  const size_t last = impl_->engines.size() - 1;
  counts.assign(impl_->shell.layers[last].n_out, 0);
  if (layer_totals) layer_totals->assign(impl_->engines.size(), 0);
  impl_->simulate(input, timesteps,
                  [&](size_t k, int, const std::vector<int32_t>& spikes, const std::vector<int64_t>&) {
                    if (layer_totals) (*layer_totals)[k] += static_cast<int64_t>(spikes.size());
                    if (k == last)
                      for (int32_t n : spikes) ++counts[n];
                  });
}

Trace Simulator::run(const Raster& input, const RunOptions& opt) {
  if (impl_->loihi2) return sf::ref::run(*impl_->loihi2, input, opt);
  if (impl_->akida) return sf::ref::run(*impl_->akida, input, opt);
  const Network& net = impl_->shell;
  Trace trace;
  trace.network = net.name;
  trace.semantics = semantics_name(net);
  trace.timesteps = run_length(input, opt.timesteps);
  for (const Layer& l : net.layers) trace.layers.push_back({l.name, false, {}, {}});
  impl_->simulate(input, opt.timesteps,
                  [&](size_t k, int t, const std::vector<int32_t>& spikes, const std::vector<int64_t>& v) {
                    for (int32_t n : spikes) trace.layers[k].spikes.push_back({t, n, 1});
                    if (opt.record_state) trace.layers[k].state["v"].push_back(v);
                  });
  return trace;
}

// (loihi2 and akida networks run on int64 throughout)
int Simulator::weight_bytes(size_t k) const {
  return impl_->loihi2 || impl_->akida ? 4 : impl_->engines.at(k)->weight_bytes();
}
int Simulator::accumulator_bytes(size_t k) const {
  return impl_->loihi2 || impl_->akida ? 8 : impl_->engines.at(k)->accumulator_bytes();
}

}  // namespace sf::ref
