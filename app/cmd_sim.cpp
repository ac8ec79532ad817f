// spikeforge sim NET --input RASTER: the generated hardware (RTL through
// Verilator or SystemC, or the HLS C-simulation) against the golden model.
#include <memory>

#include "commands.h"
#include "ir/error.h"
#include "verify.h"

namespace sf::app {

namespace {

struct SimArgs {
  std::string net, input, work, parallel = "auto";
  VerifyArgs verify;
  SampleChoice samples;
  bool keep = false;
};

int run(const SimArgs& a) {
  Network net = load_network(a.net);
  std::vector<Raster> samples = load_samples_for(net, a.input, a.samples, a.verify.trace);
  gen::Plan plan = gen::plan_network(net, plan_options(a.parallel), a.net);
  if (!a.verify.waves.empty() && a.verify.backend == "hls")
    throw InputError("--waves: the hls backend has no waveform; use --backend verilator or systemc");
  WorkDir work(a.work, a.keep);
  const int rc = a.verify.backend == "hls" ? csim_and_report(net, plan, samples, work.path(), a.verify)
                                           : cosimulate_and_report(net, plan, samples, work.path(), a.verify);
  if (rc != 0) work.keep();  // the report names it: the RTL, the model and the logs stay
  return rc;
}

}  // namespace

Command register_sim(CLI::App& app) {
  auto a = std::make_shared<SimArgs>();
  auto* c = app.add_subcommand("sim", "simulate the generated hardware against the golden model");
  c->add_option("--backend", a->verify.backend,
                "verilator (RTL, C++ harness), systemc (RTL, SystemC harness) or hls (HLS C-simulation)")
      ->check(CLI::IsMember({"verilator", "systemc", "hls"}));
  c->add_option("network", a->net, "network JSON")->required();
  c->add_option("--input", a->input, "input raster")->required();
  c->add_option("--trace", a->verify.trace, "write the simulated trace (RTL: with cycles) here");
  c->add_option("--traces", a->verify.traces_dir, "write every sample's simulated trace as DIR/trace_<n>.json");
  c->add_option("--json-summary", a->verify.summary_json,
                "write the backend, the work done and its timing as JSON here");
  c->add_option("--waves", a->verify.waves, "FST waveform written on the first mismatch");
  c->add_option("--work", a->work, "keep the generated RTL and the model in this directory");
  c->add_option("--parallel", a->parallel, "lanes per layer: auto or P (at most one per neuron)");
  a->samples.add_options(c);
  c->add_flag("--keep", a->keep, "keep the temporary work directory");
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
