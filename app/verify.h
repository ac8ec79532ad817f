// Simulating the generated hardware against the golden model (sim, flow):
// spikeforge runs the emitter and the cycle model, sim/ builds and runs the
// design and compares.
#pragma once

#include <string>
#include <vector>

#include "common.h"
#include "ir/events.h"
#include "ir/network.h"
#include "passes/plan.h"

namespace sf::app {

// A scratch directory removed on exit unless kept (asked for, or after a mismatch).
class WorkDir {
 public:
  WorkDir(const std::string& given, bool keep);
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  bool keep_;
  std::string path_;
};

// What a verified simulation writes, and how it runs.
struct VerifyArgs {
  std::string backend = "verilator";  // verilator | systemc (cosimulate); hls (csim)
  std::string trace;                  // --trace: the one sample's simulated trace
  std::string traces_dir;             // --traces DIR
  std::string summary_json;           // --json-summary
  std::string waves;                  // --waves: FST on the first mismatch
};

// The raster's samples as `choice` selects them; with `trace` set, exactly one.
std::vector<Raster> load_samples_for(const Network& net, const std::string& input, const SampleChoice& choice,
                                     const std::string& trace);

// Emits the RTL into work_dir/rtl, co-simulates `samples` and prints the
// verdict; 0 when nothing differs, 1 otherwise.
int cosimulate_and_report(const Network& net, const gen::Plan& plan, const std::vector<Raster>& samples,
                          const std::string& work_dir, const VerifyArgs& args);

// Emits the HLS project into work_dir/hls, C-simulates `samples` against the
// golden model and prints the verdict; 0 when nothing differs.
int csim_and_report(const Network& net, const gen::Plan& plan, const std::vector<Raster>& samples,
                    const std::string& work_dir, const VerifyArgs& args);

}  // namespace sf::app
