// What several spikeforge commands share: where the sources are, the planner
// options from --parallel, sample selection, and writing traces and summaries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ir/events.h"
#include "ir/network.h"
#include "passes/plan.h"

namespace sf::app {

// SpikeForge's sources (templates, harness, board descriptions): $SPIKEFORGE_HOME, else the
// source tree the binary was built from.
std::string source_dir();

// --parallel auto|P.
gen::PlanOptions plan_options(const std::string& parallel);

// Which samples of a batch raster a command works on (--sample N, --max-samples N).
struct SampleChoice {
  int sample = -1;
  int max_samples = 0;
  // Registers --sample and --max-samples with their common help texts.
  void add_options(CLI::App* c);
  // `input` names the raster file in messages.
  std::vector<Raster> pick(std::vector<Raster> all, const std::string& input) const;
};

// --traces DIR: every sample's trace as DIR/trace_<n>.json (nothing when dir is "").
void save_trace_dir(const std::string& dir, const std::vector<Trace>& traces);

// --json-summary for a simulator run: what ran and how long it took (nothing when path is "").
void save_sim_summary(const std::string& path, const std::string& backend, size_t samples,
                      const std::vector<Trace>& golden, double build_s, double run_s, double sim_s,
                      uint64_t cycles);

// The golden model's full trace of every sample.
std::vector<Trace> golden_traces(const Network& net, const std::vector<Raster>& samples);

}  // namespace sf::app
