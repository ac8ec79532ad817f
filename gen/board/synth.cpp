#include "board/synth.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ir/error.h"
#include "ir/json_reader.h"
#include "util/files.h"
#include "util/process.h"

namespace fs = std::filesystem;

namespace sf::board {

namespace {

const char* const kInstallHint = "install with `apt-get install yosys nextpnr-ice40 fpga-icestorm`";

std::string fixed(double x, int digits = 2) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << x;
  return s.str();
}

// Last lines of a log that say what went wrong, for the exception message.
std::string log_errors(const std::string& log_path) {
  std::ifstream in(log_path);
  std::vector<std::string> hits;
  for (std::string line; std::getline(in, line);)
    if (line.find("ERROR") != std::string::npos || line.find("Error") != std::string::npos)
      hits.push_back(line);
  std::string out;
  for (size_t k = hits.size() > 3 ? hits.size() - 3 : 0; k < hits.size(); ++k) out += "\n  " + hits[k];
  return out;
}

void run_tool(const std::vector<std::string>& argv, const std::string& log, const std::string& cwd,
              int timeout_s) {
  ProcessResult r = run_process(argv, log, cwd, timeout_s);
  if (r.not_found) throw ToolError(argv[0] + " not found on PATH: " + kInstallHint);
  if (r.timed_out)
    throw ToolError(argv[0] + " did not finish within " + std::to_string(timeout_s) + " s; see " + log);
  if (r.exit_code != 0)
    throw ToolError(argv[0] + " failed (exit status " + std::to_string(r.exit_code) + "); see " + log +
                    log_errors(log));
}

json resource_json(const Resource& r) { return json{{"used", r.used}, {"capacity", r.capacity}}; }

void write_report(const SynthReport& r, const Board& board) {
  json j;
  j["format"] = "spikeforge-synth-report";
  j["version"] = 1;
  j["board"] = r.board;
  j["device"] = board.device;
  j["package"] = board.package;
  j["top"] = r.top;
  j["resources"] = {{"lc", resource_json(r.lc)},     {"lut4", resource_json(r.lut4)},
                    {"ff", resource_json(r.ff)},     {"ebr", resource_json(r.ebr)},
                    {"spram", resource_json(r.spram)}, {"dsp", resource_json(r.dsp)}};
  j["fits"] = r.fits;
  j["timing"] = {{"target_mhz", r.target_mhz},
                 {"fmax_mhz", r.fmax_mhz},
                 {"clock", r.fmax_clock},
                 {"met", r.timing_met}};
  j["bitstream"] = r.bin_path.empty() ? json(nullptr) : json(r.bin_path);
  j["logs"] = {{"yosys", r.yosys_log}, {"nextpnr", r.nextpnr_log}, {"icepack", r.icepack_log}};
  write_file_atomic(r.report_path, j.dump(2) + "\n");
}

std::string overuse_text(const SynthReport& r) {
  std::string out;
  auto add = [&](const char* name, const Resource& res) {
    if (!res.fits())
      out += std::string(out.empty() ? "" : ", ") + name + " " + std::to_string(res.used) + "/" +
             std::to_string(res.capacity);
  };
  add("logic cells", r.lc);
  add("LUT4", r.lut4);
  add("FF", r.ff);
  add("EBR", r.ebr);
  add("SPRAM", r.spram);
  add("DSP", r.dsp);
  return out;
}

bool all_fit(const SynthReport& r) {
  return r.lc.fits() && r.lut4.fits() && r.ff.fits() && r.ebr.fits() && r.spram.fits() && r.dsp.fits();
}

void remove_quietly(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

// A tool's own output that cannot be read is the tool's failure, not the user's.
json read_tool_json(const std::string& path) {
  try {
    return read_json_file(path);
  } catch (const InputError& e) {
    throw ToolError(e.what());
  }
}

}  // namespace

void read_yosys_stat(const std::string& stat_json, SynthReport& report) {
  json doc = read_tool_json(stat_json);
  if (!doc.contains("design") || !doc["design"].contains("num_cells_by_type"))
    throw ToolError(stat_json + ": no design.num_cells_by_type in yosys' statistics");
  int lut = 0, ff = 0, ebr = 0, spram = 0, dsp = 0;
  for (auto it = doc["design"]["num_cells_by_type"].begin();
       it != doc["design"]["num_cells_by_type"].end(); ++it) {
    const std::string& type = it.key();
    const int n = it.value().get<int>();
    if (type == "SB_LUT4") lut += n;
    else if (type.rfind("SB_DFF", 0) == 0) ff += n;
    else if (type.rfind("SB_RAM40_4K", 0) == 0) ebr += n;
    else if (type == "SB_SPRAM256KA") spram += n;
    else if (type == "SB_MAC16") dsp += n;
  }
  report.lut4.used = lut;
  report.ff.used = ff;
  report.ebr.used = ebr;
  report.spram.used = spram;
  report.dsp.used = dsp;
}

void read_nextpnr_report(const std::string& report_json, SynthReport& report) {
  json doc = read_tool_json(report_json);
  if (!doc.contains("utilization")) throw ToolError(report_json + ": no utilization in nextpnr's report");
  const json& util = doc.at("utilization");
  auto used = [&](const char* bel) { return util.contains(bel) ? util[bel].at("used").get<int>() : 0; };
  report.lc.used = used("ICESTORM_LC");
  report.ebr.used = used("ICESTORM_RAM");
  report.spram.used = used("ICESTORM_SPRAM");
  report.dsp.used = used("ICESTORM_DSP");
  report.fmax_mhz = 0;
  report.fmax_clock.clear();
  if (doc.contains("fmax")) {
    for (auto it = doc["fmax"].begin(); it != doc["fmax"].end(); ++it) {
      const double achieved = it.value().at("achieved").get<double>();
      if (report.fmax_clock.empty() || achieved < report.fmax_mhz) {
        report.fmax_mhz = achieved;
        report.fmax_clock = it.key();
      }
    }
  }
}

std::vector<std::string> nextpnr_overuse(const std::string& log_path) {
  std::ifstream in(log_path);
  // "Info: 	         ICESTORM_LC:  6998/ 5280   132%"
  static const std::regex line_re(R"(^Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+\d+%)");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, line_re) && std::stoll(m[2]) > std::stoll(m[3]))
      out.push_back(m[1].str() + " " + m[2].str() + "/" + m[3].str());
  }
  return out;
}

SynthReport synthesize(const Board& board, const std::vector<std::string>& verilog_files,
                       const std::string& top, const std::string& work_dir, double target_hz,
                       const SynthOptions& options) {
  if (board.family != "ice40")
    throw InputError("board '" + board.name + "': no bitstream flow for family '" + board.family + "'");
  if (verilog_files.empty()) throw InputError("synthesize: no Verilog files");
  if (!(target_hz > 0)) throw InputError("synthesize: target clock must be positive");
  for (const std::string& f : verilog_files)
    if (!fs::exists(f)) throw InputError(f + ": Verilog file not found");

  const fs::path work = fs::absolute(work_dir).lexically_normal();
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) throw InputError(work.string() + ": cannot create the synthesis folder");

  SynthReport r;
  r.board = board.name;
  r.top = top;
  r.target_mhz = target_hz / 1e6;
  r.lc.capacity = board.capacity.lut;
  r.lut4.capacity = board.capacity.lut;
  r.ff.capacity = board.capacity.ff;
  r.ebr.capacity = board.capacity.ebr;
  r.spram.capacity = board.capacity.spram;
  r.dsp.capacity = board.capacity.dsp;
  r.report_path = (work / "synth_report.json").string();
  r.yosys_log = (work / "yosys.log").string();
  r.nextpnr_log = (work / "nextpnr.log").string();
  r.icepack_log = (work / "icepack.log").string();
  const std::string netlist = (work / (top + ".json")).string();
  const std::string stat = (work / "yosys_stat.json").string();
  const std::string asc = (work / (top + ".asc")).string();
  const std::string pnr_report = (work / "nextpnr_report.json").string();
  const std::string bin = (work / (top + ".bin")).string();
  // Nothing from an earlier run may pass for this one's result.
  for (const std::string& p : {netlist, stat, asc, pnr_report, bin, r.report_path, r.yosys_log,
                               r.nextpnr_log, r.icepack_log})
    remove_quietly(p);

  // Yosys splits its -p script at blanks and ';' and does not honour quotes in
  // every command (tee -o keeps them): the two paths it sees there must be plain.
  auto plain = [](const std::string& p) {
    if (p.find_first_of(" \t\n;\"'#") != std::string::npos)
      throw InputError(p + ": the synthesis folder's path must not contain blanks, quotes, ';' or '#'");
    return p;
  };
  std::string script = "synth_ice40 -top " + top + " -json " + plain(netlist);
  if (board.capacity.dsp > 0) script += " -dsp";
  if (options.abc9) script += " -abc9";
  script += "; tee -q -o " + plain(stat) + " stat -json";
  std::vector<std::string> yosys = {"yosys", "-p", script};
  for (const std::string& f : verilog_files) yosys.push_back(fs::absolute(f).string());
  const std::string data_dir = options.data_dir.empty()
                                   ? fs::absolute(verilog_files.back()).parent_path().string()
                                   : options.data_dir;
  run_tool(yosys, r.yosys_log, data_dir, options.timeout_s);
  read_yosys_stat(stat, r);

  if (!(r.lut4.fits() && r.ff.fits() && r.ebr.fits() && r.spram.fits() && r.dsp.fits())) {
    write_report(r, board);
    throw CheckFailure("design does not fit " + board.name + " (" + board.device + "): " +
                       overuse_text(r) + " (used/capacity, after synthesis); see " + r.report_path);
  }

  std::vector<std::string> nextpnr = {"nextpnr-ice40", "--" + board.device, "--package", board.package,
                                      "--pcf", board.constraints_path, "--json", netlist,
                                      "--asc", asc, "--report", pnr_report,
                                      "--freq", fixed(r.target_mhz, 3), "--seed",
                                      std::to_string(options.seed),
                                      // timing is judged below, from the report
                                      "--timing-allow-fail"};
  ProcessResult pr = run_process(nextpnr, r.nextpnr_log, work.string(), options.timeout_s);
  if (pr.not_found) throw ToolError("nextpnr-ice40 not found on PATH: " + std::string(kInstallHint));
  if (pr.timed_out)
    throw ToolError("nextpnr-ice40 did not finish within " + std::to_string(options.timeout_s) +
                    " s; see " + r.nextpnr_log);
  if (pr.exit_code != 0) {
    remove_quietly(asc);
    std::vector<std::string> over = nextpnr_overuse(r.nextpnr_log);
    if (!over.empty()) {
      std::string list;
      for (const auto& o : over) list += (list.empty() ? "" : ", ") + o;
      write_report(r, board);
      throw CheckFailure("design does not fit " + board.name + " (" + board.device + "): " + list +
                         " (used/available, nextpnr); see " + r.nextpnr_log);
    }
    throw ToolError("nextpnr-ice40 failed (exit status " + std::to_string(pr.exit_code) + "); see " +
                    r.nextpnr_log + log_errors(r.nextpnr_log));
  }
  read_nextpnr_report(pnr_report, r);
  r.fits = all_fit(r);
  // A clock's fmax must reach the frequency it will run at; 1e-6 absorbs printing.
  r.timing_met = r.fmax_clock.empty() || r.fmax_mhz + 1e-6 >= r.target_mhz;
  if (!r.fits) {
    write_report(r, board);
    throw CheckFailure("design does not fit " + board.name + " (" + board.device + "): " +
                       overuse_text(r) + " (used/capacity); see " + r.report_path);
  }
  if (!r.timing_met) {
    write_report(r, board);
    throw CheckFailure("timing not met on " + board.name + ": clock '" + r.fmax_clock + "' reaches " +
                       fixed(r.fmax_mhz) + " MHz, " + fixed(r.target_mhz) +
                       " MHz wanted (ask for a lower clock); see " + r.nextpnr_log);
  }

  const std::string bin_tmp = bin + ".partial";
  remove_quietly(bin_tmp);
  try {
    run_tool({"icepack", asc, bin_tmp}, r.icepack_log, work.string(), options.timeout_s);
  } catch (...) {
    remove_quietly(bin_tmp);
    throw;
  }
  fs::rename(bin_tmp, bin, ec);
  if (ec) throw ToolError(bin + ": cannot move the bitstream into place");
  r.bin_path = bin;
  write_report(r, board);
  return r;
}

}  // namespace sf::board
