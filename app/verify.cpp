#include "verify.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cosim.h"
#include "emit/hls.h"
#include "emit/verilog.h"
#include "hls_csim.h"
#include "ir/error.h"
#include "layers/layer_kind.h"
#include "models/neuron_model.h"
#include "passes/cycle_model.h"
#include "util/files.h"

namespace fs = std::filesystem;

namespace sf::app {

namespace {

// Events per timestep as the cycle model needs them.
gen::StepEvents step_events(const Raster& input, const Trace& golden) {
  gen::StepEvents ev;
  ev.inputs.assign(static_cast<size_t>(golden.timesteps), {});
  for (const InputEvent& e : input.events)  // sorted by (t, index): the order the harness offers them
    if (e.t < golden.timesteps) ev.inputs[static_cast<size_t>(e.t)].push_back(e.index);
  for (const LayerTrace& lt : golden.layers) {
    std::vector<std::vector<int>> per(static_cast<size_t>(golden.timesteps));
    for (const Spike& s : lt.spikes) per[static_cast<size_t>(s.t)].push_back(s.neuron);
    ev.spikes.push_back(std::move(per));
  }
  return ev;
}

// The planned design's layout, as the co-simulation harness checks it.
sim::CosimDesign cosim_design(const Network& net, const gen::Plan& plan, const std::string& rtl_dir,
                              const std::vector<std::string>& rtl_files) {
  sim::CosimDesign d;
  d.rtl_dir = rtl_dir;
  d.rtl_files = rtl_files;
  d.graded = plan.graded;
  for (size_t k = 0; k < plan.layers.size(); ++k) {
    const gen::LayerPlan& l = plan.layers[k];
    sim::CosimLayer cl{l.name, l.n_out, l.P, l.v_bits, l.out_pay_bits, l.out_pay_signed, {}, {}};
    // the lane's state word, as the model's table entry lays it out
    for (const StateField& f : model_info(net.layers[k]).state_fields(net.layers[k], l.v_bits))
      cl.state.push_back({f.name, f.lo, f.bits});
    // an engine whose lanes do not hold neurons addr * P + lane names its slots
    const LayerKindInfo& kind = kind_info(l.kind);
    bool identity = true;
    std::vector<int> slots;
    for (int a = 0; a < l.C; ++a)
      for (int j = 0; j < l.P; ++j) {
        const int n = kind.neuron_at(l, a, j);
        slots.push_back(n);
        identity = identity && (n == a * l.P + j || (n < 0 && a * l.P + j >= l.n_out));
      }
    if (!identity) cl.slots = std::move(slots);
    d.layers.push_back(std::move(cl));
  }
  return d;
}

}  // namespace

WorkDir::WorkDir(const std::string& given, bool keep) : keep_(keep || !given.empty()) {
  if (!given.empty()) {
    path_ = absolute_path(given);
    fs::create_directories(path_);
  } else {
    std::string tmpl = (fs::temp_directory_path() / "spikeforge-sim-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw InputError("cannot create a temporary directory");
    path_ = tmpl;
  }
}

WorkDir::~WorkDir() {
  std::error_code ec;
  if (!keep_) fs::remove_all(path_, ec);
}

std::vector<Raster> load_samples_for(const Network& net, const std::string& input, const SampleChoice& choice,
                                     const std::string& trace) {
  std::vector<Raster> samples = choice.pick(load_rasters(input, &net), input);
  if (!trace.empty() && samples.size() != 1)
    throw InputError(input + ": holds " + std::to_string(samples.size()) +
                     " samples; --trace writes one sample's trace: choose it with --sample N");
  return samples;
}

int cosimulate_and_report(const Network& net, const gen::Plan& plan, const std::vector<Raster>& samples,
                          const std::string& work_dir, const VerifyArgs& args) {
  std::vector<Trace> golden = golden_traces(net, samples);
  sim::CosimOptions co;
  co.work_dir = work_dir;
  co.waves = args.waves;
  co.source_dir = source_dir();
  co.systemc = args.backend == "systemc";
  // The RTL goes to work_dir/rtl, where the harness runs (its memory init files are there).
  const std::string rtl = absolute_path(work_dir) + "/rtl";
  fs::create_directories(rtl);
  const gen::EmitResult emitted = gen::emit_verilog(net, plan, rtl, rtl, source_dir() + "/rtl_templates");
  std::vector<gen::CycleReport> predicted_reports;
  std::vector<std::vector<uint64_t>> predicted_cycles;
  for (size_t n = 0; n < samples.size(); ++n) {
    predicted_reports.push_back(gen::predict_cycles(plan, step_events(samples[n], golden[n])));
    predicted_cycles.push_back(predicted_reports.back().cycles);
  }
  sim::CosimResult res =
      sim::cosimulate(net, cosim_design(net, plan, rtl, emitted.rtl_files), samples, golden, predicted_cycles, co);

  uint64_t predicted = 0, ops = 0, integ = 0, steps = 0;
  for (const gen::CycleReport& c : predicted_reports) {
    predicted += c.total;
    ops += c.synaptic_ops;
    integ += c.integrate_cycles;
    steps += c.cycles.size();
  }
  std::cout << (co.systemc ? "SystemC co-simulation of '" : "co-simulation of '") << net.name << "': " << samples.size() << " sample(s), " << steps
            << " timesteps\n";
  if (!res.ok) {
    std::cout << res.message;
    if (!args.waves.empty()) std::cout << "waveform: " << args.waves << "\n";
    std::cout << "RESULT: MISMATCH (work dir " << work_dir << ")\n";
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
  if (!args.trace.empty()) save_trace(res.observed[0], args.trace);
  save_trace_dir(args.traces_dir, res.observed);
  save_sim_summary(args.summary_json, co.systemc ? "systemc" : "verilator", samples.size(), golden,
                   res.build_seconds, res.run_seconds, res.sim_seconds, res.total_cycles);
  const double lanes_per_cycle = integ ? static_cast<double>(ops) / static_cast<double>(integ) : 0.0;
  std::printf("  events, spikes, states: identical to the golden model at every timestep\n");
  std::printf("  cycles: %llu measured = %llu predicted by the cycle model\n",
              static_cast<unsigned long long>(res.total_cycles), static_cast<unsigned long long>(predicted));
  std::printf("  synaptic ops per integrate cycle: %.2f (lanes: ", lanes_per_cycle);
  for (size_t k = 0; k < plan.layers.size(); ++k) std::printf("%s%d", k ? "/" : "", plan.layers[k].P);
  std::printf(")\n  verilator%s build %.1f s, run %.2f s, of which clocked simulation with checks %.2f s "
              "(%.2f M cycles/s)\n",
              co.systemc ? " --sc" : "", res.build_seconds, res.run_seconds, res.sim_seconds,
              res.sim_seconds > 0 ? static_cast<double>(res.total_cycles) / res.sim_seconds / 1e6 : 0.0);
  std::printf("RESULT: PASS\n");
  return 0;
}

int csim_and_report(const Network& net, const gen::Plan& plan, const std::vector<Raster>& samples,
                    const std::string& work_dir, const VerifyArgs& args) {
  std::vector<Trace> golden = golden_traces(net, samples);
  sim::CsimOptions co;
  co.work_dir = work_dir;
  // The HLS project goes to work_dir/hls, where its test bench is built and runs.
  const std::string proj = absolute_path(work_dir) + "/hls";
  fs::create_directories(proj);
  const gen::HlsEmitResult emitted =
      gen::emit_hls(net, plan, proj, proj, source_dir() + "/hls/include/sf_hls");
  sim::CsimResult res = sim::hls_csim({proj, emitted.include_dir, emitted.sources}, samples, golden, co);
  int steps = 0;
  for (const Trace& t : golden) steps += t.timesteps;
  std::cout << "HLS C-simulation of '" << net.name << "': " << samples.size() << " sample(s), " << steps
            << " timesteps\n";
  if (!res.ok) {
    std::cout << res.message << "RESULT: MISMATCH (work dir " << work_dir << ")\n";
    return 1;
  }
  if (!args.trace.empty()) save_trace(res.observed[0], args.trace);
  save_trace_dir(args.traces_dir, res.observed);
  save_sim_summary(args.summary_json, "hls", samples.size(), golden, res.build_seconds, res.run_seconds,
                   res.run_seconds, 0);
  std::printf("  events, spikes, states: identical to the golden model at every timestep\n");
  std::printf("  g++ build %.1f s, C-simulation run %.2f s\nRESULT: PASS\n", res.build_seconds, res.run_seconds);
  return 0;
}

}  // namespace sf::app
