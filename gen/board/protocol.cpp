#include "board/protocol.h"

#include <algorithm>

#include "ir/error.h"

namespace sf::board {

namespace {

constexpr uint8_t kHeader = 0x80;
constexpr int kGroupBits = 7;
constexpr int kInfoGroups = 6;

int groups_for(int bits) { return (bits + kGroupBits - 1) / kGroupBits; }

}  // namespace

void check_interface(const TopInterface& top) {
  auto ok = [](int w) { return w >= 1 && w <= 62; };
  if (!ok(top.in_idx_w) || !ok(top.in_pay_w) || !ok(top.out_idx_w) ||
      top.in_idx_w + top.in_pay_w > 63)
    throw InputError("event port widths " + std::to_string(top.in_idx_w) + "/" +
                     std::to_string(top.in_pay_w) + "/" + std::to_string(top.out_idx_w) +
                     " outside what the host supports (1..62 bits each, index + payload <= 63)");
  auto ld_ok = [](int w) { return w >= 1 && w <= 64; };
  if (!((top.ld_addr_w == 0 && top.ld_data_w == 0) || (ld_ok(top.ld_addr_w) && ld_ok(top.ld_data_w))))
    throw InputError("load port widths " + std::to_string(top.ld_addr_w) + "/" + std::to_string(top.ld_data_w) +
                     " outside what the host supports (both 0, or 1..64 each)");
}

std::string describe(BridgeError code) {
  switch (code) {
    case BridgeError::Framing: return "UART framing error (missing stop bit: wrong baud rate?)";
    case BridgeError::Overrun:
      return "input overrun (an event arrived before the network took the previous one)";
    case BridgeError::Truncated: return "record cut short by the next header (bytes lost)";
    case BridgeError::Stray: return "data byte outside a record (bytes lost)";
    case BridgeError::Unknown: return "unknown record type";
  }
  return "error code " + std::to_string(static_cast<int>(code));
}

int input_event_groups(const TopInterface& top) { return groups_for(top.in_idx_w + top.in_pay_w); }
int output_event_groups(const TopInterface& top) { return groups_for(top.out_idx_w); }

std::vector<uint8_t> encode_event(const TopInterface& top, int index, int64_t payload) {
  check_interface(top);
  if (index < 0 || (static_cast<uint64_t>(index) >> top.in_idx_w) != 0)
    throw InputError("input event index " + std::to_string(index) + " does not fit " +
                     std::to_string(top.in_idx_w) + " bits");
  const int64_t lo = top.in_pay_signed ? -(int64_t{1} << (top.in_pay_w - 1)) : 0;
  const int64_t hi = top.in_pay_signed ? (int64_t{1} << (top.in_pay_w - 1)) - 1
                                       : (int64_t{1} << top.in_pay_w) - 1;
  if (payload < lo || payload > hi)
    throw InputError("input event " + std::to_string(index) + ": payload " +
                     std::to_string(payload) + " outside " + std::to_string(lo) + ".." +
                     std::to_string(hi) + " (" + std::to_string(top.in_pay_w) + "-bit " +
                     (top.in_pay_signed ? "signed" : "unsigned") + " port)");
  const uint64_t pay_bits = static_cast<uint64_t>(payload) & ((uint64_t{1} << top.in_pay_w) - 1);
  uint64_t word = (pay_bits << top.in_idx_w) | static_cast<uint64_t>(index);
  std::vector<uint8_t> out{static_cast<uint8_t>(kHeader | static_cast<uint8_t>(RecordType::Event))};
  for (int g = 0; g < input_event_groups(top); ++g) {
    out.push_back(static_cast<uint8_t>(word & 0x7f));
    word >>= kGroupBits;
  }
  return out;
}

std::vector<uint8_t> encode_command(RecordType type) {
  if (type == RecordType::Event || type == RecordType::Error || type == RecordType::Load)
    throw InputError("encode_command: record type " + std::to_string(static_cast<int>(type)) +
                     " carries data");
  return {static_cast<uint8_t>(kHeader | static_cast<uint8_t>(type))};
}

std::vector<uint8_t> encode_load(const TopInterface& top, uint64_t addr, uint64_t data) {
  check_interface(top);
  if (top.ld_addr_w == 0) throw InputError("encode_load: this design has no weight load port");
  auto fits = [](uint64_t v, int w) { return w >= 64 || (v >> w) == 0; };
  if (!fits(addr, top.ld_addr_w) || !fits(data, top.ld_data_w))
    throw InputError("weight load word: address " + std::to_string(addr) + " or data does not fit " +
                     std::to_string(top.ld_addr_w) + "/" + std::to_string(top.ld_data_w) + " bits");
  // word = data << ld_addr_w | addr, up to 128 bits, sent 7 bits at a time
  const int bits = top.ld_addr_w + top.ld_data_w;
  auto bit = [&](int i) -> unsigned {
    if (i < top.ld_addr_w) return static_cast<unsigned>((addr >> i) & 1u);
    return static_cast<unsigned>((data >> (i - top.ld_addr_w)) & 1u);
  };
  std::vector<uint8_t> out{static_cast<uint8_t>(kHeader | static_cast<uint8_t>(RecordType::Load))};
  for (int g = 0; g < groups_for(bits); ++g) {
    unsigned v = 0;
    for (int b = 0; b < kGroupBits && g * kGroupBits + b < bits; ++b) v |= bit(g * kGroupBits + b) << b;
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

std::vector<std::vector<uint8_t>> encode_raster(const Raster& raster, const TopInterface& top) {
  std::vector<InputEvent> events = raster.events;
  std::sort(events.begin(), events.end(), [](const InputEvent& a, const InputEvent& b) {
    return a.t != b.t ? a.t < b.t : a.index < b.index;
  });
  std::vector<std::vector<uint8_t>> steps(static_cast<size_t>(std::max(raster.timesteps, 0)));
  for (const InputEvent& e : events) {
    if (e.t < 0 || e.t >= raster.timesteps)
      throw InputError("input event (t=" + std::to_string(e.t) + ", i=" + std::to_string(e.index) +
                       ") outside timesteps 0.." + std::to_string(raster.timesteps - 1));
    std::vector<uint8_t> rec = encode_event(top, e.index, e.payload);
    steps[static_cast<size_t>(e.t)].insert(steps[static_cast<size_t>(e.t)].end(), rec.begin(),
                                           rec.end());
  }
  for (auto& s : steps) s.push_back(kHeader | static_cast<uint8_t>(RecordType::Eot));
  return steps;
}

std::vector<uint8_t> encode_board_record(const TopInterface& top, const BoardRecord& rec) {
  uint64_t value = 0;
  int groups = 0;
  switch (rec.type) {
    case RecordType::Event:
      value = static_cast<uint64_t>(rec.index);
      groups = output_event_groups(top);
      break;
    case RecordType::Eot:
      value = static_cast<uint64_t>(rec.step) & 0x7f;
      groups = 1;
      break;
    case RecordType::Error:
      value = static_cast<uint64_t>(rec.error);
      groups = 1;
      break;
    case RecordType::Info:
      value = static_cast<uint64_t>(rec.info.version) |
              (static_cast<uint64_t>(rec.info.in_idx_w) << 7) |
              (static_cast<uint64_t>(rec.info.in_pay_w) << 14) |
              (static_cast<uint64_t>(rec.info.out_idx_w) << 21) |
              (static_cast<uint64_t>(rec.info.ld_addr_w) << 28) | (static_cast<uint64_t>(rec.info.ld_data_w) << 35);
      groups = kInfoGroups;
      break;
    default: break;
  }
  std::vector<uint8_t> out{static_cast<uint8_t>(kHeader | static_cast<uint8_t>(rec.type))};
  for (int g = 0; g < groups; ++g, value >>= kGroupBits) out.push_back(static_cast<uint8_t>(value & 0x7f));
  return out;
}

void RecordDecoder::feed(const uint8_t* data, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    const uint8_t b = data[k];
    if (b & kHeader) {
      if (in_record_)
        errors_.push_back("record type " + std::to_string(static_cast<int>(type_)) +
                          " cut short after " + std::to_string(data_.size()) + " of " +
                          std::to_string(expected_) + " data bytes");
      in_record_ = false;
      const int type = b & 0x7f;
      int expected = -1;
      switch (type) {
        case static_cast<int>(RecordType::Nop): break;  // nothing to deliver
        case static_cast<int>(RecordType::Event): expected = output_event_groups(top_); break;
        case static_cast<int>(RecordType::Eot): expected = 1; break;
        case static_cast<int>(RecordType::Reset): expected = 0; break;
        case static_cast<int>(RecordType::Info): expected = kInfoGroups; break;
        case static_cast<int>(RecordType::Error): expected = 1; break;
        default: errors_.push_back("unknown record type " + std::to_string(type)); break;
      }
      if (expected < 0) continue;
      in_record_ = true;
      type_ = static_cast<RecordType>(type);
      expected_ = expected;
      data_.clear();
    } else if (!in_record_) {
      errors_.push_back("data byte " + std::to_string(b) + " outside a record");
      continue;
    } else {
      data_.push_back(b);
    }
    if (in_record_ && static_cast<int>(data_.size()) == expected_) finish_record();
  }
}

void RecordDecoder::finish_record() {
  in_record_ = false;
  uint64_t value = 0;
  for (size_t g = data_.size(); g-- > 0;) value = (value << kGroupBits) | data_[g];
  BoardRecord r;
  r.type = type_;
  switch (type_) {
    case RecordType::Event:
      if ((value >> top_.out_idx_w) != 0) {
        errors_.push_back("output event index " + std::to_string(value) + " wider than " +
                          std::to_string(top_.out_idx_w) + " bits");
        return;
      }
      r.index = static_cast<int>(value);
      break;
    case RecordType::Eot: r.step = static_cast<int>(value); break;
    case RecordType::Error: r.error = static_cast<BridgeError>(value); break;
    case RecordType::Info:
      r.info.version = data_[0];
      r.info.in_idx_w = data_[1];
      r.info.in_pay_w = data_[2];
      r.info.out_idx_w = data_[3];
      r.info.ld_addr_w = data_[4];
      r.info.ld_data_w = data_[5];
      break;
    default: break;
  }
  ready_.push_back(r);
}

bool RecordDecoder::next(BoardRecord& out) {
  if (ready_.empty()) return false;
  out = ready_.front();
  ready_.pop_front();
  return true;
}

bool StepCollector::add(const BoardRecord& rec) {
  switch (rec.type) {
    case RecordType::Event: current_.push_back(rec.index); return false;
    case RecordType::Eot: {
      const int want = static_cast<int>(steps_.size() % 128);
      if (rec.step != want)
        throw CheckFailure("board ended timestep " + std::to_string(rec.step) +
                           " (mod 128) where timestep " + std::to_string(steps_.size()) +
                           " was expected: a timestep was lost or repeated");
      steps_.push_back(std::move(current_));
      current_.clear();
      return true;
    }
    case RecordType::Error:
      throw CheckFailure("board reported an error during timestep " +
                         std::to_string(steps_.size()) + ": " + describe(rec.error));
    default: return false;  // RESET and INFO answers carry no events
  }
}

std::vector<std::vector<int>> decode_output(const std::vector<uint8_t>& bytes,
                                            const TopInterface& top, int timesteps) {
  RecordDecoder dec(top);
  dec.feed(bytes);
  if (!dec.errors().empty())
    throw CheckFailure("malformed bytes from the board: " + dec.errors().front());
  StepCollector steps;
  for (BoardRecord r; dec.next(r);) steps.add(r);
  if (static_cast<int>(steps.steps().size()) != timesteps)
    throw CheckFailure("board answered " + std::to_string(steps.steps().size()) +
                       " timesteps, expected " + std::to_string(timesteps));
  return std::move(steps.steps());
}

}  // namespace sf::board
