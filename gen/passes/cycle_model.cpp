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
    // word arrival cycles into layer k for this step; the marker is last
    std::vector<int64_t> arrivals(static_cast<size_t>(ev.inputs[t]) + 1, 0);
    for (size_t k = 0; k < L; ++k) {
      const LayerPlan& lp = plan.layers[k];
      const LayerKindInfo& kind = kind_info(lp.kind);
      const auto& spk = ev.spikes[k][t];
      const size_t n_words = arrivals.size() - 1;
      const int64_t issue = kind.event_cycles(lp);
      int64_t last_issue = -kind.fire_after_issue;  // the last chunk of the step's last event is issued here
      for (size_t j = 0; j < n_words; ++j) {
        int64_t a = std::max(arrivals[j], ready[k]);
        if (k > 0) fifo[k - 1].pops.push_back(a);
        ready[k] = a + issue;
        last_issue = a + issue;
        rep.integrate_cycles += static_cast<uint64_t>(issue);
        rep.synaptic_ops += static_cast<uint64_t>(kind.event_synaptic_ops(lp));
      }
      int64_t m = std::max(arrivals.back(), ready[k]);
      if (k > 0) fifo[k - 1].pops.push_back(m);
      // Fire starts when the integrate pipeline is done with the step's last
      // event and the FIFO after this layer has room for a whole step.
      int64_t fire_start = std::max(m + 1, last_issue + kind.fire_after_issue);
      if (lp.has_fifo) {
        const FifoLog& f = fifo[k];
        int64_t allowed = lp.fifo_depth - (int64_t{lp.n_out} + 1);
        int64_t need = static_cast<int64_t>(f.pushes.size()) - allowed;  // pops required
        if (need > 0) fire_start = std::max(fire_start, f.pops[static_cast<size_t>(need - 1)] + 1);
      }
      std::vector<int64_t> next_arrivals;
      next_arrivals.reserve(spk.size() + 1);
      const int64_t eot = kind.fire(lp, fire_start, spk, [&](int64_t emit) {
        if (lp.has_fifo) fifo[k].pushes.push_back(emit);
        next_arrivals.push_back(emit + kFifoLatency);
      });
      if (lp.has_fifo) fifo[k].pushes.push_back(eot);
      next_arrivals.push_back(eot + kFifoLatency);
      ready[k] = eot + 1;
      if (k + 1 == L) {
        rep.cycles.push_back(static_cast<uint64_t>(eot - prev_marker));
        prev_marker = eot;
      }
      arrivals = std::move(next_arrivals);
    }
  }
  rep.total = static_cast<uint64_t>(prev_marker + 1);
  return rep;
}

}  // namespace sf::gen
