// Runs external tools (verilator, yosys, nextpnr, icepack) as argument lists,
// never through a shell, so no user-supplied string is ever interpreted.
#pragma once

#include <string>
#include <vector>

namespace sf {

struct ProcessResult {
  int exit_code = -1;     // exit status, or -1 when it could not start / was killed
  bool timed_out = false;
  bool not_found = false;  // the program does not exist on PATH
};

// Runs argv[0] (looked up on PATH) with argv, stdout and stderr appended to
// `log_path` (or inherited when empty), in `cwd` when not empty. A timeout of 0
// waits forever.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& log_path,
                          const std::string& cwd = "", int timeout_s = 0);

// True when `program` can be found on PATH.
bool program_on_path(const std::string& program);

}  // namespace sf
