// UART co-simulation of sf_board_core: the host client (gen/board/host.h)
// talks to the verilated board core through bit-level UART line models, either
// directly (SimLink) or through a pseudo-terminal like a real serial port.
//
// The verilated model differs per test, so only a small glue file
// (cosim_glue.cpp) is compiled against it; everything else lives here.
#pragma once

#include <cstdint>

namespace sf::board::cosim {

// The pins of sf_board_core, one clock cycle at a time.
class Dut {
 public:
  virtual ~Dut() = default;
  virtual void set_rst(bool rst) = 0;
  virtual void set_rxd(bool level) = 0;
  // One rising edge; inputs set before it are sampled by it.
  virtual void tick() = 0;
  virtual bool txd() const = 0;
  virtual bool status_error() const = 0;
};

// Runs the scenario the command line names; returns the process exit status
// (0 pass, 1 mismatch, 2 usage, 3 simulation/tool failure).
int run_main(int argc, char** argv, Dut& dut);

}  // namespace sf::board::cosim
