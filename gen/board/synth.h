// Bitstream flow for a board: yosys (synth_ice40) -> nextpnr-ice40 -> icepack,
// every tool run as an argument list with its log kept in the work folder.
#pragma once

#include <string>
#include <vector>

#include "board/board.h"

namespace sf::board {

struct Resource {
  int used = 0;
  int capacity = 0;
  bool fits() const { return used <= capacity; }
};

struct SynthOptions {
  // Working directory of yosys, where $readmemh finds its relative .hex names.
  // Empty: the folder of the last Verilog file (the generated sf_top.v).
  std::string data_dir;
  bool abc9 = false;   // yosys' newer technology mapper (synth_ice40 -abc9)
  int seed = 1;        // nextpnr placement seed
  int timeout_s = 3600;  // per tool
};

struct SynthReport {
  std::string board;
  std::string top;
  Resource lc;     // logic cells after packing (nextpnr)
  Resource lut4;   // LUT4s after synthesis (yosys); capacity = logic cells
  Resource ff;     // flip-flops after synthesis (yosys)
  Resource ebr;    // block RAMs
  Resource spram;  // single-port RAMs
  Resource dsp;    // SB_MAC16
  double fmax_mhz = 0;    // slowest clock's achieved maximum (nextpnr), 0 before place and route
  std::string fmax_clock;  // the clock net that sets fmax_mhz
  double target_mhz = 0;
  bool fits = false;
  bool timing_met = false;
  std::string bin_path;  // set only when the design fits and meets timing
  std::string report_path;  // work_dir/synth_report.json
  std::string yosys_log, nextpnr_log, icepack_log;
};

// Synthesizes `top` from `verilog_files` (in dependency order) for `board` at
// `target_hz`, in `work_dir` (created; logs, netlist, .asc, .bin and
// synth_report.json go there). The report is written in every case that got as
// far as synthesis. Throws
//  - ToolError: a tool is missing (naming it and the apt-get line) or failed;
//  - CheckFailure: the design does not fit (each resource over capacity, used /
//    capacity) or misses timing (achieved vs wanted MHz). No .bin is left then.
SynthReport synthesize(const Board& board, const std::vector<std::string>& verilog_files,
                       const std::string& top, const std::string& work_dir, double target_hz,
                       const SynthOptions& options = {});

// Parts of the flow, exposed for tests.
// Resource counts from `yosys stat -json` output.
void read_yosys_stat(const std::string& stat_json, SynthReport& report);
// Utilization and per-clock fmax from `nextpnr-ice40 --report` output.
void read_nextpnr_report(const std::string& report_json, SynthReport& report);
// "Device utilisation" lines of a nextpnr log whose use exceeds what is
// available, as "ICESTORM_LC 6998/5280"; empty when none does.
std::vector<std::string> nextpnr_overuse(const std::string& log_path);

}  // namespace sf::board
