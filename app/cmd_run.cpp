// spikeforge run NET --input RASTER: the golden model on a raster.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "common.h"
#include "golden.h"
#include "ir/error.h"
#include "util/files.h"

using nlohmann::json;

namespace sf::app {

namespace {

struct RunArgs {
  std::string net, input, trace, traces_dir, summary_json;
  SampleChoice samples;
};

int run(const RunArgs& a) {
  Network net = load_network(a.net);
  std::vector<Raster> samples = a.samples.pick(load_rasters(a.input, &net), a.input);
  if (!a.trace.empty() && samples.size() != 1)
    throw InputError(a.input + ": holds " + std::to_string(samples.size()) +
                     " samples; --trace writes one sample's trace: choose it with --sample N");
  ref::Simulator simulator(net);
  if (!a.traces_dir.empty()) {
    // Every sample's full trace (spikes and state): the golden side of a backend comparison.
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Trace> all;
    for (const Raster& r : samples) all.push_back(simulator.run(r));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    save_trace_dir(a.traces_dir, all);
    std::cout << "golden model: " << all.size() << " sample trace(s) in " << secs << " s, written to "
              << a.traces_dir << "\n";
    save_sim_summary(a.summary_json, "golden", all.size(), all, 0.0, secs, secs, 0);
    return 0;
  }
  if (samples.size() == 1) {
    Trace t = simulator.run(samples[0]);
    if (!a.trace.empty()) save_trace(t, a.trace);
    std::cout << "network '" << net.name << "', " << t.timesteps << " timesteps, "
              << samples[0].events.size() << " input events\n";
    for (const LayerTrace& l : t.layers)
      std::cout << "  " << l.name << ": " << l.spikes.size() << " spikes\n";
    const int cls = ref::decode(net, t);
    std::cout << "decoded output (" << to_string(net.decoding) << "): " << cls;
    if (samples[0].label) std::cout << " (label " << *samples[0].label << ")";
    std::cout << "\n";
    if (!a.summary_json.empty()) {
      json s = {{"samples", 1}, {"predictions", {cls}}};
      if (samples[0].label) {
        s["correct"] = cls == *samples[0].label ? 1 : 0;
        s["accuracy"] = cls == *samples[0].label ? 1.0 : 0.0;
      }
      write_file_atomic(a.summary_json, s.dump() + "\n");
    }
    return 0;
  }
  // Batch: the fast path, counts only.
  std::vector<int> predictions;
  int64_t correct = 0, labelled = 0;
  std::vector<int64_t> counts, totals, layer_sum(net.layers.size(), 0);
  auto t0 = std::chrono::steady_clock::now();
  for (const Raster& r : samples) {
    simulator.run_counts(r, counts, &totals);
    for (size_t k = 0; k < totals.size(); ++k) layer_sum[k] += totals[k];
    // spike_count decoding needs only the counts; first_spike needs the full trace
    const int cls = net.decoding == OutputDecoding::SpikeCount ? ref::decode_counts(counts)
                                                               : ref::decode(net, simulator.run(r, {false, -1}));
    predictions.push_back(cls);
    if (r.label) {
      ++labelled;
      correct += cls == *r.label;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "network '" << net.name << "': " << samples.size() << " samples in " << secs << " s\n";
  for (size_t k = 0; k < net.layers.size(); ++k)
    std::cout << "  " << net.layers[k].name << ": " << layer_sum[k] << " spikes in total\n";
  json s = {{"samples", samples.size()}, {"predictions", predictions}};
  if (labelled > 0) {
    double acc = static_cast<double>(correct) / static_cast<double>(labelled);
    std::printf("golden accuracy: %.2f%% (%lld/%lld)\n", 100.0 * acc, static_cast<long long>(correct),
                static_cast<long long>(labelled));
    s["correct"] = correct;
    s["labelled"] = labelled;
    s["accuracy"] = acc;
  }
  if (!a.summary_json.empty()) write_file_atomic(a.summary_json, s.dump() + "\n");
  return 0;
}

}  // namespace

Command register_run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  auto* c = app.add_subcommand("run", "golden model: run a network on a raster");
  c->add_option("network", a->net, "network JSON (spikeforge-network)")->required();
  c->add_option("--input", a->input, "input raster (spikeforge-raster)")->required();
  c->add_option("--trace", a->trace, "write the trace (spikeforge-trace) here");
  c->add_option("--sample", a->samples.sample, "run only sample N of a batch raster");
  c->add_option("--max-samples", a->samples.max_samples, "at most the first N samples");
  c->add_option("--traces", a->traces_dir, "write every sample's trace as DIR/trace_<n>.json");
  c->add_option("--json-summary", a->summary_json,
                "write predictions / accuracy (or, with --traces, timing) as JSON here");
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
