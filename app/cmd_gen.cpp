// spikeforge gen NET -o DIR: Verilog (or an HLS project), memory init files
// and report.json; with --board, the board wrapper too.
#include <iostream>
#include <memory>

#include "build.h"
#include "commands.h"
#include "ir/error.h"

namespace sf::app {

namespace {

int run(const GenerateArgs& a) {
  if (a.target == "hls" && !a.board.board.empty())
    throw InputError("--board: a board wrapper is Verilog; use it with --target verilog");
  generate(a);
  if (a.target == "hls")
    std::cout << "wrote " << a.out << ": sf_net.h, sf_net.cpp, sf_net_params.cpp, sf_tb.cpp, run_hls.tcl, "
              << "Makefile, include/sf_hls/, report.json\n";
  else
    std::cout << "wrote " << a.out << ": sf_top.v"
              << (a.board.board.empty() ? "" : ", sf_board_core.v, sf_board_top.v")
              << ", memory init files, report.json\n";
  return 0;
}

}  // namespace

Command register_gen(CLI::App& app) {
  auto a = std::make_shared<GenerateArgs>();
  auto* c = app.add_subcommand("gen", "generate Verilog, memory init files and report.json");
  c->add_option("network", a->net, "network JSON")->required();
  c->add_option("-o,--out", a->out, "output directory")->required();
  c->add_option("--parallel", a->parallel, "lanes per layer: auto or P (at most one per neuron)");
  c->add_option("--target", a->target, "verilog (RTL) or hls (HLS C++ project)")
      ->check(CLI::IsMember({"verilog", "hls"}));
  c->add_option("--board", a->board.board, "also emit the board wrapper (fpga_boards/<B>), fit its capacity");
  c->add_option("--freq", a->board.freq_mhz, "network clock in MHz with --board (default: the board's)");
  c->add_option("--baud", a->board.baud, "UART baud rate with --board (default: the board's)");
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
