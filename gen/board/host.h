// Host side of the UART bridge: runs a raster on a board and reads back the
// output events of every timestep (docs/uart-protocol.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "board/protocol.h"
#include "ir/events.h"

namespace sf::board {

using Deadline = std::chrono::steady_clock::time_point;

// A byte link to a board; the serial port in practice, anything in tests.
class ByteLink {
 public:
  virtual ~ByteLink() = default;
  // Writes every byte or throws ToolError (also when `deadline` passes).
  virtual void write(const std::vector<uint8_t>& bytes, Deadline deadline) = 0;
  // Reads up to `n` bytes, waiting until `deadline` for the first; 0 on timeout.
  virtual size_t read(uint8_t* buf, size_t n, Deadline deadline) = 0;
  virtual std::string name() const = 0;
};

// A serial port (or pseudo-terminal) in raw 8N1 mode without flow control.
class SerialPort : public ByteLink {
 public:
  // InputError when the port cannot be opened or the baud rate is not one
  // termios knows (9600 .. 4000000).
  SerialPort(const std::string& path, int baud);
  ~SerialPort() override;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;

  void write(const std::vector<uint8_t>& bytes, Deadline deadline) override;
  size_t read(uint8_t* buf, size_t n, Deadline deadline) override;
  std::string name() const override { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Resets the network (discarding whatever the board sent before), checks that
// the board's port widths are `top`'s, then runs the raster one timestep at a
// time: sends the step's events and its end-of-timestep marker, and waits for
// the board's end-of-timestep before sending the next step. Returns the output
// neuron indices of every timestep, in the order the board sent them.
//  - ToolError: no answer within `timeout_s` (per reply), or the link failed;
//  - CheckFailure: the board reported an error, sent malformed bytes, lost a
//    timestep, or runs a network with other port widths.
// One word for the weight load port (sf_top's ld_addr / ld_data).
struct LoadWord {
  uint64_t addr = 0;
  uint64_t data = 0;
};

// With `load` non-empty, the words are sent as LOAD records first (the board
// holds the network in reset meanwhile) and the RESET that follows ends the
// load; SPRAM keeps them across later RESETs, so later runs pass none.
std::vector<std::vector<int>> run_on_link(ByteLink& link, const Raster& raster,
                                          const TopInterface& top, double timeout_s,
                                          const std::vector<LoadWord>& load = {});

// run_on_link over the serial port `port` at `baud`.
std::vector<std::vector<int>> run_on_board(const std::string& port, int baud, const Raster& raster,
                                           const TopInterface& top, double timeout_s,
                                           const std::vector<LoadWord>& load = {});

}  // namespace sf::board
