// Generating a network into an output folder (gen, synth, flow) and the board
// set-up that gen --board, synth, flow and host share.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "board/board.h"
#include "board/emit.h"
#include "board/pll.h"
#include "board/synth.h"
#include "ir/network.h"
#include "passes/plan.h"

namespace sf::app {

// --board, --freq, --baud.
struct BoardArgs {
  std::string board;
  double freq_mhz = 0;  // 0: the board's default network clock
  int baud = 0;         // 0: the board's default
};

struct BoardSetup {
  board::Board board;
  board::PllConfig pll;
  int baud = 0;
};

BoardSetup board_setup(const BoardArgs& args);
// The planner options for a board: --parallel, and the board's capacity.
gen::PlanOptions board_plan_options(const board::Board& board, const std::string& parallel);
// The board's UART interface (board builds and `host` only); `net_path` names
// the network in messages.
board::TopInterface top_interface(const gen::Plan& plan, const std::string& net_path);

// What `gen` writes: a network planned and emitted into `out`.
struct GenerateArgs {
  std::string net, out, parallel = "auto", target = "verilog";
  BoardArgs board;  // board.board empty: no board wrapper
};

struct Generated {
  Network net;
  gen::Plan plan;
  std::optional<BoardSetup> board;
};

// Plans, emits the network (and, with a board, its wrapper) into args.out, and
// prints the summary. Nothing is left in args.out when this throws.
Generated generate(const GenerateArgs& args);

// synth and flow: a network built for a board into an output folder.
struct BoardBuildArgs {
  GenerateArgs gen;
  int seed = 1;  // nextpnr placement seed
};
// Registers network, --board, -o, --parallel, --freq, --baud and --seed.
void add_board_build_options(CLI::App* c, BoardBuildArgs& args);

// Synthesizes what generate() wrote into `out`; the tool logs and the .bin go
// to out/synth.
board::SynthReport synthesize_generated(const Generated& g, const std::string& out, int seed);

}  // namespace sf::app
