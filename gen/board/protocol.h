// The UART byte protocol between a host and rtl_templates/sf_uart_bridge.v
// (docs/uart-protocol.md). Pure functions: no I/O, so every byte is unit-tested.
//
// A record is a header byte (bit 7 set, type in bits 6..0) and then data bytes
// (bit 7 clear) carrying 7 bits each, least significant group first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "ir/events.h"

namespace sf::board {

constexpr int kProtocolVersion = 2;

// Widths of sf_top's event ports; the byte protocol follows from them.
struct TopInterface {
  int in_idx_w = 1;
  int in_pay_w = 1;
  int out_idx_w = 1;
  bool in_pay_signed = false;  // payloads are two's complement in in_pay_w bits
  // weight load port (sf_top's ld_*, gen::Plan::ld_addr_w / ld_data_w); 0 = none
  int ld_addr_w = 0;
  int ld_data_w = 0;
};

// InputError unless every width is 1..62 and index + payload fit 63 bits, and
// the load port widths are both 0 or both 1..64.
void check_interface(const TopInterface& top);

enum class RecordType : uint8_t { Nop = 0, Event = 1, Eot = 2, Reset = 3, Info = 4, Error = 5, Load = 6 };

// Codes of the board's ERROR record.
enum class BridgeError : uint8_t {
  Framing = 1,    // a UART stop bit was missing
  Overrun = 2,    // an input record arrived before the network took the previous one
  Truncated = 3,  // a header arrived inside an EVENT record
  Stray = 4,      // a data byte outside any record
  Unknown = 5,    // an unknown record type
};
std::string describe(BridgeError code);

// Data bytes that follow an EVENT header in each direction.
int input_event_groups(const TopInterface& top);
int output_event_groups(const TopInterface& top);

/* Host -> board */
// InputError when the index or payload does not fit the port widths.
std::vector<uint8_t> encode_event(const TopInterface& top, int index, int64_t payload);
std::vector<uint8_t> encode_command(RecordType type);  // Nop, Eot, Reset or Info
// One weight word for the load port: LOAD, then the groups of data << ld_addr_w | addr.
// InputError when the port has no load port or a value does not fit it.
std::vector<uint8_t> encode_load(const TopInterface& top, uint64_t addr, uint64_t data);
// One byte string per timestep: that step's events (sorted by index), then EOT.
std::vector<std::vector<uint8_t>> encode_raster(const Raster& raster, const TopInterface& top);

/* Board -> host */
struct InfoReply {
  int version = 0;
  int in_idx_w = 0;
  int in_pay_w = 0;
  int out_idx_w = 0;
  int ld_addr_w = 0;
  int ld_data_w = 0;
};

struct BoardRecord {
  RecordType type = RecordType::Nop;
  int index = 0;    // Event
  int step = 0;     // Eot: output timesteps since reset, mod 128
  BridgeError error = BridgeError::Framing;  // Error
  InfoReply info;   // Info
};

// The bytes the bridge sends for `rec`; lets tests stand in for a board.
std::vector<uint8_t> encode_board_record(const TopInterface& top, const BoardRecord& rec);

// Turns the board's bytes into records, whatever chunks they arrive in. A
// malformed stream (a data byte outside a record, a record cut short by the
// next header, an unknown type, an index wider than the port) is recorded in
// errors() and skipped up to the next header, as the bridge does.
class RecordDecoder {
 public:
  explicit RecordDecoder(const TopInterface& top) : top_(top) {}
  void feed(const uint8_t* data, size_t n);
  void feed(const std::vector<uint8_t>& bytes) { feed(bytes.data(), bytes.size()); }
  // Pops the next complete record; false when none is complete yet.
  bool next(BoardRecord& out);
  const std::vector<std::string>& errors() const { return errors_; }
  void clear_errors() { errors_.clear(); }

 private:
  void finish_record();

  TopInterface top_;
  bool in_record_ = false;
  RecordType type_ = RecordType::Nop;
  int expected_ = 0;   // data bytes of the current record
  std::vector<uint8_t> data_;
  std::deque<BoardRecord> ready_;
  std::vector<std::string> errors_;
};

// Decodes a whole answer to an encoded raster: output events per timestep.
// CheckFailure on an ERROR record, a malformed stream, an out-of-order EOT
// step number, or fewer than `timesteps` EOT records.
std::vector<std::vector<int>> decode_output(const std::vector<uint8_t>& bytes,
                                            const TopInterface& top, int timesteps);

// Gathers records into timesteps; shared by decode_output and the serial host.
class StepCollector {
 public:
  // Adds one record; returns true when it completed a timestep. CheckFailure on
  // an ERROR record or an EOT whose step number is not the expected one.
  bool add(const BoardRecord& rec);
  std::vector<std::vector<int>>& steps() { return steps_; }

 private:
  std::vector<int> current_;
  std::vector<std::vector<int>> steps_;
};

}  // namespace sf::board
