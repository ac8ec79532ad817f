#include "common.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "golden.h"
#include "ir/error.h"
#include "util/files.h"

#ifndef SPIKEFORGE_SOURCE_DIR
#define SPIKEFORGE_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace sf::app {

std::string source_dir() {
  const char* env = std::getenv("SPIKEFORGE_HOME");
  return env && *env ? env : SPIKEFORGE_SOURCE_DIR;
}

// Without --board the design is planned for the default board's device (an
// iCE40UP5K): `auto` lanes stay within it, but nothing fails for not fitting.
constexpr const char* kDefaultBoard = "icebreaker";

gen::PlanOptions plan_options(const std::string& parallel) {
  gen::PlanOptions po;
  po.capacity = board::plan_capacity(board::load_board(kDefaultBoard, source_dir() + "/fpga_boards"));
  if (parallel != "auto") {
    try {
      size_t used = 0;
      po.parallel = std::stoi(parallel, &used);
      if (used != parallel.size() || po.parallel < 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw InputError("--parallel: found \"" + parallel + "\", expected auto or a positive integer");
    }
  }
  return po;
}

void SampleChoice::add_options(CLI::App* c) {
  c->add_option("--sample", sample, "only sample N of a batch raster");
  c->add_option("--max-samples", max_samples, "at most the first N samples");
}

std::vector<Raster> SampleChoice::pick(std::vector<Raster> all, const std::string& input) const {
  if (sample >= 0) {
    if (static_cast<size_t>(sample) >= all.size())
      throw InputError(input + ": --sample " + std::to_string(sample) + ": the file holds " +
                       std::to_string(all.size()) + " samples");
    return {all[static_cast<size_t>(sample)]};
  }
  if (max_samples > 0 && all.size() > static_cast<size_t>(max_samples))
    all.resize(static_cast<size_t>(max_samples));
  return all;
}

void save_trace_dir(const std::string& dir, const std::vector<Trace>& traces) {
  if (dir.empty()) return;
  fs::create_directories(dir);
  for (size_t n = 0; n < traces.size(); ++n) save_trace(traces[n], dir + "/trace_" + std::to_string(n) + ".json");
}

void save_sim_summary(const std::string& path, const std::string& backend, size_t samples,
                      const std::vector<Trace>& golden, double build_s, double run_s, double sim_s,
                      uint64_t cycles) {
  if (path.empty()) return;
  int steps = 0;
  for (const Trace& t : golden) steps += t.timesteps;
  json s = {{"backend", backend},       {"samples", samples},   {"timesteps", steps},
            {"identical", true},        {"build_seconds", build_s}, {"run_seconds", run_s},
            {"sim_seconds", sim_s},     {"cycles", cycles}};
  write_file_atomic(path, s.dump() + "\n");
}

std::vector<Trace> golden_traces(const Network& net, const std::vector<Raster>& samples) {
  std::vector<Trace> out;
  ref::Simulator simulator(net);
  for (const Raster& r : samples) out.push_back(simulator.run(r));
  return out;
}

}  // namespace sf::app
