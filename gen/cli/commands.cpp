#include "commands.h"

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cosim.h"
#include "emit/verilog.h"
#include "golden.h"
#include "ir/error.h"
#include "ir/events.h"
#include "ir/network.h"
#include "passes/cycle_model.h"
#include "passes/plan.h"
#include "report.h"
#include "util/files.h"

#ifndef SPIKEFORGE_SOURCE_DIR
#define SPIKEFORGE_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace sf::cli {

namespace {

struct Options {
  std::string net, input, trace, summary_json, out, parallel = "auto", waves, work, board;
  std::string a, b;
  int sample = -1;
  int max_samples = 0;
  bool keep = false;
};
Options opt;

std::string source_dir() {
  const char* env = std::getenv("SPIKEFORGE_HOME");
  return env && *env ? env : SPIKEFORGE_SOURCE_DIR;
}

gen::PlanOptions plan_options() {
  gen::PlanOptions po;
  if (opt.parallel != "auto") {
    try {
      size_t used = 0;
      po.parallel = std::stoi(opt.parallel, &used);
      if (used != opt.parallel.size() || po.parallel < 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw InputError("--parallel: found \"" + opt.parallel + "\", expected auto or a positive integer");
    }
  }
  return po;
}

// Selects the samples a command works on (--sample N, --max-samples N).
std::vector<Raster> pick_samples(std::vector<Raster> all) {
  if (opt.sample >= 0) {
    if (static_cast<size_t>(opt.sample) >= all.size())
      throw InputError(opt.input + ": --sample " + std::to_string(opt.sample) + ": the file holds " +
                       std::to_string(all.size()) + " samples");
    return {all[static_cast<size_t>(opt.sample)]};
  }
  if (opt.max_samples > 0 && all.size() > static_cast<size_t>(opt.max_samples))
    all.resize(static_cast<size_t>(opt.max_samples));
  return all;
}

std::vector<Trace> golden_traces(const Network& net, const std::vector<Raster>& samples) {
  std::vector<Trace> out;
  ref::Simulator simulator(net);
  for (const Raster& r : samples) out.push_back(simulator.run(r));
  return out;
}

int cmd_run() {
  Network net = load_network(opt.net);
  std::vector<Raster> samples = pick_samples(load_rasters(opt.input, &net));
  if (!opt.trace.empty() && samples.size() != 1)
    throw InputError(opt.input + ": holds " + std::to_string(samples.size()) +
                     " samples; --trace writes one sample's trace: choose it with --sample N");
  ref::Simulator simulator(net);
  if (samples.size() == 1) {
    Trace t = simulator.run(samples[0]);
    if (!opt.trace.empty()) save_trace(t, opt.trace);
    std::cout << "network '" << net.name << "', " << t.timesteps << " timesteps, "
              << samples[0].events.size() << " input events\n";
    for (const LayerTrace& l : t.layers)
      std::cout << "  " << l.name << ": " << l.spikes.size() << " spikes\n";
    const int cls = ref::decode(net, t);
    std::cout << "decoded output (" << to_string(net.decoding) << "): " << cls;
    if (samples[0].label) std::cout << " (label " << *samples[0].label << ")";
    std::cout << "\n";
    if (!opt.summary_json.empty()) {
      json s = {{"samples", 1}, {"predictions", {cls}}};
      if (samples[0].label) {
        s["correct"] = cls == *samples[0].label ? 1 : 0;
        s["accuracy"] = cls == *samples[0].label ? 1.0 : 0.0;
      }
      write_file_atomic(opt.summary_json, s.dump() + "\n");
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
    int cls;
    if (net.decoding == OutputDecoding::SpikeCount) {
      cls = -1;
      int64_t best = -1;
      for (size_t n = 0; n < counts.size(); ++n)
        if (counts[n] > best) best = counts[n], cls = static_cast<int>(n);
    } else {
      cls = ref::decode(net, simulator.run(r, {false, -1}));
    }
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
  if (!opt.summary_json.empty()) write_file_atomic(opt.summary_json, s.dump() + "\n");
  return 0;
}

int cmd_gen() {
  Network net = load_network(opt.net);
  gen::Plan plan = gen::plan_network(net, plan_options(), opt.net);
  StagedDir out(opt.out);
  gen::emit_verilog(net, plan, out.path(), absolute_path(opt.out), source_dir() + "/rtl_templates");
  write_file_atomic(out.file("report.json"), plan_report(net, plan).dump(2) + "\n");
  std::string summary = plan_summary(net, plan);
  write_file_atomic(out.file("summary.txt"), summary);
  out.commit();
  std::cout << summary << "wrote " << opt.out << "/sf_top.v, memory init files, report.json\n";
  return 0;
}

// A scratch directory removed on exit unless kept.
class WorkDir {
 public:
  WorkDir(const std::string& given, bool keep) : keep_(keep || !given.empty()) {
    if (!given.empty()) {
      path_ = absolute_path(given);
      fs::create_directories(path_);
    } else {
      std::string tmpl = (fs::temp_directory_path() / "spikeforge-sim-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) throw InputError("cannot create a temporary directory");
      path_ = tmpl;
    }
  }
  ~WorkDir() {
    std::error_code ec;
    if (!keep_) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  bool keep_;
  std::string path_;
};

int cmd_sim() {
  Network net = load_network(opt.net);
  std::vector<Raster> samples = pick_samples(load_rasters(opt.input, &net));
  if (!opt.trace.empty() && samples.size() != 1)
    throw InputError(opt.input + ": holds " + std::to_string(samples.size()) +
                     " samples; --trace writes one sample's trace: choose it with --sample N");
  gen::Plan plan = gen::plan_network(net, plan_options(), opt.net);
  std::vector<Trace> golden = golden_traces(net, samples);
  WorkDir work(opt.work, opt.keep);
  sim::CosimOptions co;
  co.work_dir = work.path();
  co.waves = opt.waves;
  co.source_dir = source_dir();
  sim::CosimResult res = sim::cosimulate(net, plan, samples, golden, co);

  uint64_t predicted = 0, ops = 0, integ = 0, steps = 0;
  for (const gen::CycleReport& c : res.predicted) {
    predicted += c.total;
    ops += c.synaptic_ops;
    integ += c.integrate_cycles;
    steps += c.cycles.size();
  }
  std::cout << "co-simulation of '" << net.name << "': " << samples.size() << " sample(s), " << steps
            << " timesteps\n";
  if (!res.ok) {
    std::cout << res.message;
    if (!opt.waves.empty()) std::cout << "waveform: " << opt.waves << "\n";
    std::cout << "RESULT: MISMATCH (work dir " << work.path() << ")\n";
    return 1;
  }
  // The harness checked everything online; compare the recorded traces once more.
  for (size_t n = 0; n < samples.size(); ++n) {
    std::string d = diff_traces(golden[n], res.observed[n]);
    if (!d.empty()) {
      std::cout << "sample " << n << ": golden vs RTL: " << d << "\nRESULT: MISMATCH\n";
      return 1;
    }
  }
  if (!opt.trace.empty()) save_trace(res.observed[0], opt.trace);
  const double lanes_per_cycle = integ ? static_cast<double>(ops) / static_cast<double>(integ) : 0.0;
  std::printf("  events, spikes, states: identical to the golden model at every timestep\n");
  std::printf("  cycles: %llu measured = %llu predicted by the cycle model\n",
              static_cast<unsigned long long>(res.total_cycles), static_cast<unsigned long long>(predicted));
  std::printf("  synaptic ops per integrate cycle: %.2f (lanes: ", lanes_per_cycle);
  for (size_t k = 0; k < plan.layers.size(); ++k) std::printf("%s%d", k ? "/" : "", plan.layers[k].P);
  std::printf(")\n  verilator build %.1f s, run %.2f s (%.2f M cycles/s)\n", res.build_seconds,
              res.run_seconds,
              res.run_seconds > 0 ? static_cast<double>(res.total_cycles) / res.run_seconds / 1e6 : 0.0);
  std::printf("RESULT: PASS\n");
  return 0;
}

int cmd_diff() {
  Trace a = load_trace(opt.a), b = load_trace(opt.b);
  std::string d = diff_traces(a, b);
  if (d.empty()) {
    std::cout << "traces agree\n";
    return 0;
  }
  std::cout << "first difference: " << d << "\n";
  return 1;
}

}  // namespace

void register_commands(CLI::App& app) {
  auto* run = app.add_subcommand("run", "golden model: run a network on a raster");
  run->add_option("network", opt.net, "network JSON (spikeforge-network)")->required();
  run->add_option("--input", opt.input, "input raster (spikeforge-raster)")->required();
  run->add_option("--trace", opt.trace, "write the trace (spikeforge-trace) here");
  run->add_option("--sample", opt.sample, "run only sample N of a batch raster");
  run->add_option("--json-summary", opt.summary_json, "write predictions / accuracy as JSON here");

  auto* g = app.add_subcommand("gen", "generate Verilog, memory init files and report.json");
  g->add_option("network", opt.net, "network JSON")->required();
  g->add_option("-o,--out", opt.out, "output directory")->required();
  g->add_option("--parallel", opt.parallel, "lanes per layer: auto or P");
  g->add_option("--target", opt.board, "verilog (HLS comes later)")->check(CLI::IsMember({"verilog"}));

  auto* s = app.add_subcommand("sim", "co-simulate the generated RTL against the golden model");
  s->add_option("network", opt.net, "network JSON")->required();
  s->add_option("--input", opt.input, "input raster")->required();
  s->add_option("--trace", opt.trace, "write the RTL trace (with cycles) here");
  s->add_option("--waves", opt.waves, "FST waveform written on the first mismatch");
  s->add_option("--work", opt.work, "keep the generated RTL and the model in this directory");
  s->add_option("--parallel", opt.parallel, "lanes per layer: auto or P");
  s->add_option("--sample", opt.sample, "simulate only sample N of a batch raster");
  s->add_option("--max-samples", opt.max_samples, "simulate at most N samples");
  s->add_flag("--keep", opt.keep, "keep the temporary work directory");

  auto* d = app.add_subcommand("diff", "first difference between two traces");
  d->add_option("a", opt.a, "trace A")->required();
  d->add_option("b", opt.b, "trace B")->required();
}

int run_selected(CLI::App& app) {
  if (app.got_subcommand("run")) return cmd_run();
  if (app.got_subcommand("gen")) return cmd_gen();
  if (app.got_subcommand("sim")) return cmd_sim();
  if (app.got_subcommand("diff")) return cmd_diff();
  throw InputError("unknown command");
}

}  // namespace sf::cli
