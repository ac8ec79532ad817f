// Board wrapper emitter: the two Verilog files that put a generated `sf_top`
// on a board. Numbers in them come from the Board and the PLL search; the
// logic lives in rtl_templates/ and the board's PLL file.
#pragma once

#include <string>
#include <vector>

#include "board/board.h"
#include "board/pll.h"
#include "board/protocol.h"

namespace sf::board {

// Writes into `out_dir`:
//  - sf_board_core.v, module sf_board_core #(CLK_HZ, BAUD) (clk, rst, uart_rxd,
//    uart_txd, status_error, status_step): UART rx -> bridge -> sf_top -> bridge
//    -> UART tx. Synchronous, no vendor primitives: this is what is co-simulated.
//  - sf_board_top.v, module sf_board_top: the board's pins (port names from
//    Pin::port), PLL, input synchronizers, power-on/button reset, sf_board_core.
// Returns the two paths (core first). InputError when the baud rate cannot be
// made from the PLL clock (fewer than 8 clocks per bit) or widths are invalid.
std::vector<std::string> emit_board_files(const Board& board, const TopInterface& top,
                                          const PllConfig& pll, int baud,
                                          const std::string& out_dir);

// Verilog files sf_board_core/sf_board_top need besides the generated network
// and the two emitted files, in dependency order: the UART receiver,
// transmitter and bridge from `templates_dir`, then the board's PLL wrapper.
std::vector<std::string> board_support_files(const Board& board, const std::string& templates_dir);

// The full source list for synthesizing a board: the generated network's
// files.f (one path per line, sf_top.v last), the support files, the emitted
// core and top. Relative paths in files.f are taken relative to its folder.
std::vector<std::string> board_source_list(const Board& board, const std::string& templates_dir,
                                           const std::string& gen_dir);

}  // namespace sf::board
