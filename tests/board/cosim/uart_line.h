// Bit-level models of the two ends of a UART line (8N1, LSB first), stepped
// once per clock cycle of the simulated design. Independent of the RTL under
// test: they are the cable and the FTDI chip.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace sf::board::cosim {

// Drives a line from queued bytes.
class UartDriver {
 public:
  explicit UartDriver(int clocks_per_bit) : cpb_(clocks_per_bit) {}

  // Queues a byte; stop_ok = false sends a 0 stop bit (a framing error).
  void push(uint8_t byte, bool stop_ok = true) { queue_.push_back({byte, stop_ok}); }
  bool idle() const { return queue_.empty() && bit_ < 0; }

  // Line level for the next clock cycle.
  bool step() {
    if (bit_ < 0) {
      if (queue_.empty()) return true;
      cur_ = queue_.front();
      queue_.pop_front();
      bit_ = 0;
      count_ = 0;
    }
    bool level = true;
    if (bit_ == 0) level = false;                                  // start bit
    else if (bit_ <= 8) level = (cur_.byte >> (bit_ - 1)) & 1;     // data, LSB first
    else level = cur_.stop_ok;                                     // stop bit
    if (++count_ == cpb_) {
      count_ = 0;
      if (++bit_ == 10) bit_ = -1;
    }
    return level;
  }

 private:
  struct Frame {
    uint8_t byte;
    bool stop_ok;
  };
  int cpb_;
  std::deque<Frame> queue_;
  Frame cur_{0, true};
  int bit_ = -1;  // -1 idle, 0 start, 1..8 data, 9 stop
  int count_ = 0;
};

// Recovers bytes from a line, sampling each bit in its middle.
class UartMonitor {
 public:
  explicit UartMonitor(int clocks_per_bit) : cpb_(clocks_per_bit) {}

  // Feeds the line level of one clock cycle.
  void step(bool level) {
    if (bit_ < 0) {
      if (!level && last_) {  // falling edge: a start bit begins
        bit_ = 0;
        count_ = 0;
      }
      last_ = level;
      return;
    }
    last_ = level;
    if (++count_ != (bit_ == 0 ? cpb_ / 2 : cpb_)) return;
    count_ = 0;
    if (bit_ == 0) {
      if (level) {  // a glitch, not a start bit
        bit_ = -1;
        return;
      }
    } else if (bit_ <= 8) {
      shift_ = static_cast<uint8_t>((shift_ >> 1) | (level ? 0x80 : 0));
    } else {
      if (level) bytes_.push_back(shift_);
      else ++framing_errors_;
      bit_ = -1;
      return;
    }
    ++bit_;
  }

  // Takes the bytes received so far.
  std::vector<uint8_t> take() {
    std::vector<uint8_t> out;
    out.swap(bytes_);
    return out;
  }
  int framing_errors() const { return framing_errors_; }

 private:
  int cpb_;
  bool last_ = true;
  int bit_ = -1;
  int count_ = 0;
  uint8_t shift_ = 0;
  std::vector<uint8_t> bytes_;
  int framing_errors_ = 0;
};

}  // namespace sf::board::cosim
