// A development board, described as data in fpga_boards/<name>/board.json
// (format `spikeforge-board` v1, see fpga_boards/README.md). Adding a board of
// an existing family is a new folder, not new code.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/hw_plan.h"

namespace sf::board {

// One board pin used by the wrapper, by role (clk, uart_rx, ...).
struct Pin {
  std::string pin;          // package pin, as the constraints file names it
  bool active_low = false;  // buttons and LEDs wired to ground
  // Port name of sf_board_top (and of the constraints file): the role, with
  // "_n" appended when active low.
  std::string port(const std::string& role) const { return active_low ? role + "_n" : role; }
};

// What the device holds. `lut` counts logic cells (one LUT4 + one FF each).
struct Capacity {
  int lut = 0;
  int ff = 0;
  int ebr = 0;    // block RAMs
  int spram = 0;  // single-port RAMs (not initialized by the bitstream)
  int dsp = 0;    // multiply-accumulate blocks
};

struct Board {
  std::string name;
  std::string description;
  std::string family;   // "ice40": selects the PLL calculator and the tool flow
  std::string device;   // nextpnr device option without dashes, "up5k"
  std::string package;  // "sg48"
  double clock_hz = 0;           // board oscillator
  double default_target_hz = 0;  // network clock when the user asks for none
  int default_baud = 0;
  std::map<std::string, Pin> pins;  // role -> pin; roles: see kPinRoles
  Capacity capacity;
  gen::MemoryGeometry memory;  // the family's block RAM shapes and SPRAM (family_memory)
  std::string dir;               // absolute folder of board.json
  std::string constraints_path;  // absolute .pcf path
  std::string pll_module;        // Verilog module wrapping the vendor PLL
  std::string pll_path;          // absolute path of its file
  bool pll_pad = true;           // the oscillator pin feeds the PLL directly

  bool has(const std::string& role) const { return pins.count(role) != 0; }
};

// Roles the wrapper knows: clk, uart_rx and uart_tx are required; reset_btn
// (held = reset), led_error (an error was reported) and led_activity (toggles per
// timestep) are used when the board has them.
extern const std::vector<std::string> kPinRoles;

// Loads fpga_boards/<name>/board.json under `boards_dir` and checks it against
// its constraints file. InputError on an unknown board (listing the known ones),
// a malformed file, or a pin that the constraints file places elsewhere.
Board load_board(const std::string& name, const std::string& boards_dir);

// The memories every device of a family has: the block RAM's aspect ratios, the
// SPRAM's words and width (none where the family has no SPRAM), and how many
// SPRAMs a memory may span (what the load port carries). ice40: 4 kbit EBR as
// 256x16, 512x8, 1024x4 or 2048x2; UltraPlus SPRAM 16K x 16, up to 4 wide.
gen::MemoryGeometry family_memory(const std::string& family);

// The device the planner fits: the board's resources and its family's memories.
gen::Capacity plan_capacity(const Board& board);

// Names of the folders under `boards_dir` that hold a board.json, sorted.
std::vector<std::string> list_boards(const std::string& boards_dir);

}  // namespace sf::board
