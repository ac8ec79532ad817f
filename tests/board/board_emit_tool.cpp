// Test helper: writes sf_board_core.v / sf_board_top.v for given port widths,
// as `spikeforge gen --board` does for a real network.
#include <iostream>

#include <CLI/CLI.hpp>

#include "board/board.h"
#include "board/emit.h"
#include "board/pll.h"
#include "ir/error.h"

int main(int argc, char** argv) {
  std::string boards_dir, board_name = "icebreaker", out;
  sf::board::TopInterface top;
  double clock_mhz = 0;
  int baud = 0;
  CLI::App app{"emit board wrapper files"};
  app.add_option("--boards-dir", boards_dir)->required();
  app.add_option("--board", board_name);
  app.add_option("--in-idx-w", top.in_idx_w)->required();
  app.add_option("--in-pay-w", top.in_pay_w)->required();
  app.add_option("--out-idx-w", top.out_idx_w)->required();
  app.add_option("--clock-mhz", clock_mhz, "network clock (default: the board's)");
  app.add_option("--baud", baud, "UART baud rate (default: the board's)");
  app.add_option("-o", out)->required();
  CLI11_PARSE(app, argc, argv);
  try {
    const sf::board::Board board = sf::board::load_board(board_name, boards_dir);
    const double want = clock_mhz > 0 ? clock_mhz * 1e6 : board.default_target_hz;
    const sf::board::PllConfig pll = sf::board::ice40_pll(board.clock_hz, want);
    for (const std::string& f :
         sf::board::emit_board_files(board, top, pll, baud > 0 ? baud : board.default_baud, out))
      std::cout << f << "\n";
  } catch (const sf::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
