#include "build.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common.h"
#include "emit/hls.h"
#include "emit/verilog.h"
#include "ir/error.h"
#include "report.h"
#include "util/files.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace sf::app {

namespace {

json board_report(const BoardSetup& b) {
  json pll = b.pll.bypass ? json{{"bypass", true}}
                          : json{{"bypass", false}, {"divr", b.pll.divr}, {"divf", b.pll.divf},
                                 {"divq", b.pll.divq}, {"filter_range", b.pll.filter_range}};
  return {{"name", b.board.name},       {"device", b.board.device},
          {"package", b.board.package}, {"oscillator_hz", b.board.clock_hz},
          {"clock_hz", b.pll.out_hz},   {"pll", pll},
          {"baud", b.baud},
          {"capacity", {{"lut", b.board.capacity.lut}, {"ebr", b.board.capacity.ebr},
                        {"spram", b.board.capacity.spram}, {"dsp", b.board.capacity.dsp}}}};
}

std::string resource_line(const char* what, const board::Resource& r) {
  char buf[128];
  const double pct = r.capacity ? 100.0 * r.used / r.capacity : 0.0;
  std::snprintf(buf, sizeof buf, "  %-12s %6d / %-6d (%5.1f %%)\n", what, r.used, r.capacity, pct);
  return buf;
}

std::string synth_summary(const board::SynthReport& r) {
  std::string s = "bitstream for " + r.board + " (measured by yosys / nextpnr):\n";
  s += resource_line("logic cells", r.lc);
  s += resource_line("LUT4", r.lut4);
  s += resource_line("flip-flops", r.ff);
  s += resource_line("EBR", r.ebr);
  s += resource_line("SPRAM", r.spram);
  s += resource_line("DSP", r.dsp);
  char buf[256];
  std::snprintf(buf, sizeof buf, "  Fmax         %.2f MHz (%s), clock %.3f MHz: timing %s\n", r.fmax_mhz,
                r.fmax_clock.empty() ? "no clock" : r.fmax_clock.c_str(), r.target_mhz,
                r.timing_met ? "met" : "MISSED");
  s += buf;
  s += "  bitstream: " + r.bin_path + "\n";
  return s;
}

}  // namespace

BoardSetup board_setup(const BoardArgs& args) {
  BoardSetup b;
  b.board = board::load_board(args.board, source_dir() + "/fpga_boards");
  if (args.freq_mhz < 0 || (args.freq_mhz > 0 && args.freq_mhz < 1))
    throw InputError("--freq: found " + std::to_string(args.freq_mhz) + ", expected a clock in MHz >= 1");
  const double want = args.freq_mhz > 0 ? args.freq_mhz * 1e6 : b.board.default_target_hz;
  b.pll = board::ice40_pll(b.board.clock_hz, want);
  if (args.baud < 0) throw InputError("--baud: found " + std::to_string(args.baud) + ", expected a positive rate");
  b.baud = args.baud > 0 ? args.baud : b.board.default_baud;
  return b;
}

gen::PlanOptions board_plan_options(const board::Board& board, const std::string& parallel) {
  gen::PlanOptions po = plan_options(parallel);
  po.have_capacity = true;
  po.capacity = board::plan_capacity(board);
  return po;
}

board::TopInterface top_interface(const gen::Plan& plan, const std::string& net_path) {
  // The UART protocol carries output indices only: an output event's value
  // would be lost unless it is always 1.
  if (plan.out_value_max > 1 || plan.out_pay_signed)
    throw InputError(net_path + ": the network's output events carry " + std::to_string(plan.out_pay_bits) +
                     "-bit values up to " + std::to_string(plan.out_value_max) +
                     ", and the board's UART protocol carries output indices only "
                     "(docs/uart-protocol.md): not supported on a board yet (outputs that are always 1 are: "
                     "1-bit akida, akida2 with the ReLU capped at 1)");
  board::TopInterface t;
  t.in_idx_w = plan.in_idx_w;
  t.in_pay_w = plan.in_pay_bits;
  t.out_idx_w = plan.out_idx_w;
  t.in_pay_signed = plan.in_pay_signed;
  t.ld_addr_w = plan.ld_addr_w;
  t.ld_data_w = plan.ld_addr_w > 0 ? plan.ld_data_w : 0;
  return t;
}

Generated generate(const GenerateArgs& args) {
  Generated g{load_network(args.net), {}, std::nullopt};
  if (!args.board.board.empty()) g.board = board_setup(args.board);
  g.plan = gen::plan_network(g.net, g.board ? board_plan_options(g.board->board, args.parallel)
                                            : plan_options(args.parallel),
                             args.net);
  StagedDir out(args.out);
  if (args.target == "hls")
    gen::emit_hls(g.net, g.plan, out.path(), absolute_path(args.out), source_dir() + "/hls/include/sf_hls");
  else
    gen::emit_verilog(g.net, g.plan, out.path(), absolute_path(args.out), source_dir() + "/rtl_templates");
  json report = plan_report(g.net, g.plan);
  report["target"] = args.target;
  std::string summary = plan_summary(g.net, g.plan);
  if (g.board) {
    board::emit_board_files(g.board->board, top_interface(g.plan, args.net), g.board->pll, g.board->baud,
                            out.path());
    report["board"] = board_report(*g.board);
    char line[160];
    std::snprintf(line, sizeof line, "  board %s: clock %.3f MHz%s, UART %d baud\n",
                  g.board->board.name.c_str(), g.board->pll.out_hz / 1e6,
                  g.board->pll.bypass ? " (oscillator)" : " (PLL)", g.board->baud);
    summary += line;
  }
  write_file_atomic(out.file("report.json"), report.dump(2) + "\n");
  write_file_atomic(out.file("summary.txt"), summary);
  out.commit();
  if (!g.board) {
    // a board wrapper from an earlier `gen --board` into this folder no longer matches
    std::error_code ec;
    for (const char* f : {"sf_board_core.v", "sf_board_top.v"}) fs::remove(fs::path(args.out) / f, ec);
  }
  std::cout << summary;
  return g;
}

void add_board_build_options(CLI::App* c, BoardBuildArgs& args) {
  c->add_option("network", args.gen.net, "network JSON")->required();
  c->add_option("--board", args.gen.board.board, "board (fpga_boards/<B>)")->required();
  c->add_option("-o,--out", args.gen.out, "output directory")->required();
  c->add_option("--parallel", args.gen.parallel, "lanes per layer: auto or P (at most one per neuron)");
  c->add_option("--freq", args.gen.board.freq_mhz, "network clock in MHz (default: the board's)");
  c->add_option("--baud", args.gen.board.baud, "UART baud rate (default: the board's)");
  c->add_option("--seed", args.seed, "nextpnr placement seed");
}

board::SynthReport synthesize_generated(const Generated& g, const std::string& out, int seed) {
  const BoardSetup& b = *g.board;
  std::vector<std::string> files =
      board::board_source_list(b.board, source_dir() + "/rtl_templates", absolute_path(out));
  board::SynthOptions so;
  so.data_dir = absolute_path(out);
  so.seed = seed;
  std::cout << "synthesizing for " << b.board.name << " at " << b.pll.out_hz / 1e6
            << " MHz (yosys, nextpnr-ice40, icepack)...\n" << std::flush;
  board::SynthReport r =
      board::synthesize(b.board, files, "sf_board_top", absolute_path(out) + "/synth", b.pll.out_hz, so);
  std::string text = synth_summary(r);
  write_file_atomic(absolute_path(out) + "/synth/summary.txt", text);
  std::cout << text;
  return r;
}

}  // namespace sf::app
