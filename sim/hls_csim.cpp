#include "hls_csim.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "ir/error.h"
#include "run_util.h"
#include "util/files.h"
#include "util/process.h"

namespace fs = std::filesystem;

namespace sf::sim {

CsimResult hls_csim(const HlsProject& project, const std::vector<Raster>& inputs, const std::vector<Trace>& golden,
                    const CsimOptions& opt) {
  CsimResult res;
  const std::string work = absolute_path(opt.work_dir);
  const std::string& proj = project.dir;
  const std::string input = work + "/input.raster.json";
  save_rasters(inputs, input);

  const std::string exe = proj + "/sf_tb";
  const std::string build_log = work + "/hls_build.log";
  std::vector<std::string> argv = {opt.compiler, "-std=c++17", "-O1", "-Wall", "-Wextra",
                                   "-I" + proj, "-I" + project.include_dir, "-o", exe};
  // Extra compiler flags, split at spaces (never through a shell): e.g. a
  // vendor type library's include path and -DSF_HLS_VITIS.
  if (const char* extra = std::getenv("SPIKEFORGE_HLS_CXXFLAGS")) {
    std::istringstream words(extra);
    for (std::string w; words >> w;) argv.push_back(w);
  }
  argv.insert(argv.end(), project.sources.begin(), project.sources.end());
  fs::remove(exe);
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult b = run_process(argv, build_log, proj, 1800);
  res.build_seconds = seconds_since(t0);
  if (b.not_found) throw ToolError(opt.compiler + ": not found on PATH (install it: apt-get install g++)");
  if (b.timed_out || b.exit_code != 0)
    throw ToolError(opt.compiler + ": building the HLS C-simulation failed (" + build_log + "):\n" +
                    log_tail(build_log));

  const std::string traces = work + "/csim_traces";
  fs::remove_all(traces);
  fs::create_directories(traces);
  const std::string run_log = work + "/hls_csim.log";
  t0 = std::chrono::steady_clock::now();
  ProcessResult r = run_process({exe, input, traces}, run_log, proj, 3600);
  res.run_seconds = seconds_since(t0);
  if (r.exit_code == 1) {  // the design itself failed a check: a verification failure
    res.message = "MISMATCH in the HLS C-simulation (" + run_log + "): " + log_tail(run_log);
    return res;
  }
  if (r.timed_out || r.exit_code != 0)
    throw ToolError("HLS C-simulation test bench failed (exit " + std::to_string(r.exit_code) + "): " + run_log +
                    "\n" + log_tail(run_log));

  res.ok = true;
  for (size_t n = 0; n < inputs.size(); ++n) {
    res.observed.push_back(load_trace(traces + "/trace_" + std::to_string(n) + ".json"));
    const std::string d = diff_traces(golden[n], res.observed.back());
    if (!d.empty() && res.ok) {
      res.ok = false;
      res.message = "sample " + std::to_string(n) + ": MISMATCH golden vs HLS C-simulation: " + d + "\n";
    }
  }
  return res;
}

}  // namespace sf::sim
