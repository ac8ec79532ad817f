#include "passes/cycle_model.h"

#include <algorithm>

#include "layers/layer_kind.h"

namespace sf::gen {

namespace {

// A FIFO's traffic as cycle numbers, in order.
struct FifoLog {
  std::vector<int64_t> pushes;
  std::vector<int64_t> pops;
};

// Latency of sf_aer_fifo: a word pushed in cycle y is offered from y + 2.
constexpr int64_t kFifoLatency = 2;

}  // namespace

CycleReport predict_cycles(const Plan& plan, const StepEvents& ev) {
  const size_t L = plan.layers.size();
  const size_t T = ev.inputs.size();
  CycleReport rep;
  // ready[k]: first cycle engine k can accept an input word (after its clear sweep).
  std::vector<int64_t> ready(L);
  for (size_t k = 0; k < L; ++k) ready[k] = kind_info(plan.layers[k].kind).clear_cycles(plan.layers[k]);
  std::vector<FifoLog> fifo(L);  // fifo[k]: after layer k
  int64_t prev_marker = -1;
  for (size_t t = 0; t < T; ++t) {
    // what enters layer 0: the step's input events, offered back to back from cycle 0
    StepTraffic in;
    in.indices = ev.inputs[t];
    in.arrivals.assign(in.indices.size() + 1, 0);
    for (size_t k = 0; k < L; ++k) {
      const LayerPlan& lp = plan.layers[k];
      const LayerKindInfo& kind = kind_info(lp.kind);
      in.spikes = ev.spikes[k][t];
      in.prev_spikes = t > 0 ? ev.spikes[k][t - 1] : std::vector<int>{};
      const IntegrateResult r = kind.integrate(lp, in, ready[k]);
      if (k > 0) fifo[k - 1].pops.insert(fifo[k - 1].pops.end(), r.accepts.begin(), r.accepts.end());
      rep.integrate_cycles += r.issue_cycles;
      rep.synaptic_ops += r.synaptic_ops;
      // Fire starts when the integrate pipeline is done with the step's last
      // event and the FIFO after this layer has room for a whole step.
      int64_t fire_start = r.fire_earliest;
      if (lp.has_fifo) {
        const FifoLog& f = fifo[k];
        int64_t allowed = lp.fifo_depth - (int64_t{lp.n_out} + 1);
        int64_t need = static_cast<int64_t>(f.pushes.size()) - allowed;  // pops required
        if (need > 0) fire_start = std::max(fire_start, f.pops[static_cast<size_t>(need - 1)] + 1);
      }
      StepTraffic next;
      next.arrivals.reserve(in.spikes.size() + 1);
      next.indices.reserve(in.spikes.size());
      const int64_t eot = kind.fire(lp, fire_start, in, [&](int64_t emit, int neuron) {
        if (lp.has_fifo) fifo[k].pushes.push_back(emit);
        next.arrivals.push_back(emit + kFifoLatency);
        next.indices.push_back(neuron);
      });
      if (lp.has_fifo) fifo[k].pushes.push_back(eot);
      next.arrivals.push_back(eot + kFifoLatency);
      ready[k] = eot + 1;
      if (k + 1 == L) {
        rep.cycles.push_back(static_cast<uint64_t>(eot - prev_marker));
        prev_marker = eot;
      }
      in = std::move(next);
    }
  }
  rep.total = static_cast<uint64_t>(prev_marker + 1);
  return rep;
}

}  // namespace sf::gen
