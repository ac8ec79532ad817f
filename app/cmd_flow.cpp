// spikeforge flow: gen --board, sim, synth: the whole path from a network to a
// verified bitstream.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "build.h"
#include "commands.h"
#include "util/files.h"
#include "verify.h"

namespace sf::app {

namespace {

struct FlowArgs {
  BoardBuildArgs build;
  std::string input, waves;
  SampleChoice samples;
};

int run(const FlowArgs& a) {
  {
    // Reject a bad raster before anything is written.
    Network net = load_network(a.build.gen.net);
    load_samples_for(net, a.input, a.samples, "");
  }
  auto t0 = std::chrono::steady_clock::now();
  std::cout << "== generate\n";
  Generated g = generate(a.build.gen);
  std::vector<Raster> samples = load_samples_for(g.net, a.input, a.samples, "");
  std::cout << "== co-simulate (Verilator vs golden model)\n";
  VerifyArgs v;
  v.waves = a.waves;
  const int rc = cosimulate_and_report(g.net, g.plan, samples, absolute_path(a.build.gen.out) + "/sim", v);
  if (rc != 0) return rc;
  std::cout << "== synthesize\n";
  board::SynthReport r = synthesize_generated(g, a.build.gen.out, a.build.seed);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("== flow done in %.1f s: RTL co-simulated exactly (%zu sample(s)), bitstream %s\n", secs,
              samples.size(), r.bin_path.c_str());
  return 0;
}

}  // namespace

Command register_flow(CLI::App& app) {
  auto a = std::make_shared<FlowArgs>();
  auto* c = app.add_subcommand("flow", "generate, co-simulate and synthesize in one go");
  add_board_build_options(c, a->build);
  c->add_option("--input", a->input, "input raster to co-simulate")->required();
  c->add_option("--waves", a->waves, "FST waveform written on the first mismatch");
  a->samples.add_options(c);
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
