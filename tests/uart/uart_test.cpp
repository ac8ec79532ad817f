// Checks rtl_templates/sf_uart_tx.v and sf_uart_rx.v through uart_pairs.v: the transmitter's
// exact bit timing, tx -> rx loopback of random bytes, a receiver driven at ±3 % off the
// nominal rate, framing errors, glitches, overruns, reset, and the parameter check.

#include <gtest/gtest.h>
#include <verilated.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "Vuart_bad_div.h"
#include "Vuart_pairs.h"

namespace {

// The ports of one tx/rx pair in uart_pairs.v.
struct Pair {
  int div;
  CData& tx_tdata;
  CData& tx_tvalid;
  CData& tx_tready;
  CData& txd;
  CData& tx_busy;
  CData& rxd;
  CData& rx_tdata;
  CData& rx_tvalid;
  CData& rx_tready;
  CData& frame_error;
  CData& overrun_error;
};

#define UART_PAIR(m, p, div)                                                              \
  Pair {                                                                                  \
    div, m.p##_tx_tdata, m.p##_tx_tvalid, m.p##_tx_tready, m.p##_txd, m.p##_tx_busy,      \
        m.p##_rxd, m.p##_rx_tdata, m.p##_rx_tvalid, m.p##_rx_tready, m.p##_frame_error,   \
        m.p##_overrun_error                                                               \
  }

class Bench {
 public:
  Bench() : ctx_(new VerilatedContext), m_(new Vuart_pairs(ctx_.get())) {
    m_->a_rxd = 1;
    m_->b_rxd = 1;
    m_->a_rx_tready = 1;
    m_->b_rx_tready = 1;
    m_->rst = 1;
    for (int i = 0; i < 3; ++i) tick();
    m_->rst = 0;
  }
  ~Bench() { m_->final(); }

  Pair pair_a() { return UART_PAIR((*m_), a, 16); }
  Pair pair_b() { return UART_PAIR((*m_), b, 5); }

  // Each pair's rxd follows its txd (true) or is left to the test (false).
  void loop(bool a, bool b) {
    loop_a_ = a;
    loop_b_ = b;
  }

  // One clock cycle. Inputs set before the call are seen at this rising edge; outputs read
  // after it are the registers' new values.
  void tick() {
    if (loop_a_) m_->a_rxd = m_->a_txd;
    if (loop_b_) m_->b_rxd = m_->b_txd;
    m_->clk = 0;
    m_->eval();
    m_->clk = 1;
    m_->eval();
    ++cycle_;
  }

  Vuart_pairs& m() { return *m_; }
  uint64_t cycle() const { return cycle_; }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vuart_pairs> m_;
  bool loop_a_ = true;
  bool loop_b_ = true;
  uint64_t cycle_ = 0;
};

// The line levels of one 8N1 frame, one entry per bit: start, data LSB first, stop.
std::vector<int> frame_bits(uint8_t byte, int stop = 1) {
  std::vector<int> bits = {0};
  for (int i = 0; i < 8; ++i) bits.push_back((byte >> i) & 1);
  bits.push_back(stop);
  return bits;
}

// Sends bytes (held valid back to back) and records txd after every cycle from the first
// handshake on, and tready alongside it.
void record_tx(Bench& tb, Pair p, const std::vector<uint8_t>& bytes, int cycles,
               std::vector<int>& txd, std::vector<int>& ready) {
  size_t next = 0;
  p.tx_tdata = bytes[0];
  p.tx_tvalid = 1;
  bool started = false;
  for (int c = 0; c < cycles + 1; ++c) {
    const bool handshake = p.tx_tvalid && p.tx_tready;
    tb.tick();
    if (handshake) {
      started = true;
      ++next;
      if (next < bytes.size()) {
        p.tx_tdata = bytes[next];
      } else {
        p.tx_tvalid = 0;
      }
    }
    if (started) {
      txd.push_back(p.txd);
      ready.push_back(p.tx_tready);
    }
  }
}

void check_tx_timing(Pair p, Bench& tb) {
  tb.loop(false, false);
  for (int i = 0; i < 5; ++i) {
    tb.tick();
    EXPECT_EQ(p.txd, 1) << "idle line is high";
    EXPECT_EQ(p.tx_tready, 1);
    EXPECT_EQ(p.tx_busy, 0);
  }
  // 0xA5 = 1010'0101: on the line 0 (start), 1 0 1 0 0 1 0 1 (LSB first), 1 (stop).
  std::vector<int> txd, ready;
  record_tx(tb, p, {0xA5}, 12 * p.div, txd, ready);
  const std::vector<int> bits = {0, 1, 0, 1, 0, 0, 1, 0, 1, 1};
  EXPECT_EQ(bits, frame_bits(0xA5));
  ASSERT_GE(txd.size(), size_t(12 * p.div));
  for (int c = 0; c < 12 * p.div; ++c) {
    const int bit = c / p.div;
    const int want = bit < 10 ? bits[bit] : 1;
    EXPECT_EQ(txd[c], want) << "cycle " << c << " (bit " << bit << ")";
    // ready again only in the stop bit's last cycle and when idle
    EXPECT_EQ(ready[c], c >= 10 * p.div - 1 ? 1 : 0) << "cycle " << c;
  }

  // Back to back: the second start bit follows the first stop bit with no gap.
  txd.clear();
  ready.clear();
  record_tx(tb, p, {0x00, 0xFF, 0x5A}, 31 * p.div, txd, ready);
  std::vector<int> want;
  for (uint8_t b : {0x00, 0xFF, 0x5A}) {
    for (int bit : frame_bits(b)) want.insert(want.end(), p.div, bit);
  }
  want.insert(want.end(), p.div, 1);
  ASSERT_GE(txd.size(), want.size());
  for (size_t c = 0; c < want.size(); ++c) {
    EXPECT_EQ(txd[c], want[c]) << "cycle " << c;
  }
}

TEST(Uart, TxBitTimingDiv16) {
  Bench tb;
  check_tx_timing(tb.pair_a(), tb);
}

TEST(Uart, TxBitTimingDiv5) {
  Bench tb;
  check_tx_timing(tb.pair_b(), tb);
}

// Random bytes through tx -> rx with random gaps on the transmit side and short stalls on the
// receive side (shorter than a frame, so nothing overruns).
void check_loopback(Bench& tb, Pair p, uint64_t seed, int n) {
  tb.loop(true, true);
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> sent, got;
  int gap = 0;
  int stall = 0;
  int frame_errors = 0, overruns = 0;
  const uint64_t limit = tb.cycle() + uint64_t(n) * 20 * p.div + 1000;
  while (got.size() < size_t(n) && tb.cycle() < limit) {
    // transmit side
    if (!p.tx_tvalid && sent.size() < size_t(n)) {
      if (gap > 0) {
        --gap;
      } else {
        p.tx_tdata = static_cast<uint8_t>(rng());
        p.tx_tvalid = 1;
      }
    }
    const bool tx_hs = p.tx_tvalid && p.tx_tready;
    // receive side
    if (stall > 0) {
      --stall;
      p.rx_tready = 0;
    } else {
      p.rx_tready = 1;
      if (rng() % 16 == 0) stall = static_cast<int>(rng() % (5 * p.div));
    }
    const bool rx_hs = p.rx_tvalid && p.rx_tready;
    const uint8_t rx_byte = p.rx_tdata;
    tb.tick();
    if (tx_hs) {
      sent.push_back(p.tx_tdata);
      p.tx_tvalid = 0;
      gap = (rng() % 2) ? 0 : static_cast<int>(rng() % (3 * p.div));
    }
    if (rx_hs) got.push_back(rx_byte);
    frame_errors += p.frame_error;
    overruns += p.overrun_error;
  }
  p.rx_tready = 1;
  EXPECT_EQ(got.size(), size_t(n));
  EXPECT_EQ(got, sent);
  EXPECT_EQ(frame_errors, 0);
  EXPECT_EQ(overruns, 0);
}

TEST(Uart, LoopbackDiv16) {
  Bench tb;
  check_loopback(tb, tb.pair_a(), 11, 1000);
}

TEST(Uart, LoopbackDiv5) {
  Bench tb;
  check_loopback(tb, tb.pair_b(), 12, 3000);
}

// Drives one pair's rxd directly: a sequence of (level, cycles).
class LineDriver {
 public:
  LineDriver(Bench& tb, Pair p) : tb_(tb), p_(p) {}

  // Holds the line at a level for some cycles, collecting what the receiver emits.
  void hold(int level, int cycles) {
    for (int i = 0; i < cycles; ++i) {
      p_.rxd = level;
      const bool hs = p_.rx_tvalid && p_.rx_tready;
      const uint8_t byte = p_.rx_tdata;
      tb_.tick();
      if (hs) bytes.push_back(byte);
      frame_errors += p_.frame_error;
      overruns += p_.overrun_error;
    }
  }

  // One frame whose bits last bit_cycles each (fractional: edges at rounded multiples).
  void frame(uint8_t byte, double bit_cycles, int stop = 1) {
    const std::vector<int> bits = frame_bits(byte, stop);
    int done = 0;
    for (size_t i = 0; i < bits.size(); ++i) {
      const int end = static_cast<int>(std::lround(bit_cycles * double(i + 1)));
      hold(bits[i], end - done);
      done = end;
    }
  }

  std::vector<uint8_t> bytes;
  int frame_errors = 0;
  int overruns = 0;

 private:
  Bench& tb_;
  Pair p_;
};

// Mid-bit sampling tolerates a sender a few percent off the nominal rate, both ways.
TEST(Uart, RxToleratesRateError) {
  for (double ratio : {0.97, 1.0, 1.03}) {
    Bench tb;
    tb.loop(false, false);
    Pair p = tb.pair_a();
    LineDriver line(tb, p);
    std::mt19937_64 rng(7);
    std::vector<uint8_t> sent;
    line.hold(1, 40);
    for (int i = 0; i < 300; ++i) {
      const uint8_t b = static_cast<uint8_t>(rng());
      sent.push_back(b);
      // frames back to back, the stop bit exactly one (scaled) bit long
      line.frame(b, p.div * ratio);
    }
    line.hold(1, 4 * p.div);
    EXPECT_EQ(line.bytes, sent) << "ratio " << ratio;
    EXPECT_EQ(line.frame_errors, 0) << "ratio " << ratio;
  }
}

// A stop bit read as 0 drops the byte and pulses frame_error once, even if the line then
// stays low (a break); the next good frame after the line is high again gets through.
TEST(Uart, FramingError) {
  for (bool use_a : {true, false}) {
    Bench tb;
    tb.loop(false, false);
    Pair p = use_a ? tb.pair_a() : tb.pair_b();
    LineDriver line(tb, p);
    line.hold(1, 3 * p.div);
    line.frame(0x81, p.div, /*stop=*/0);
    line.hold(0, 30 * p.div);  // break: three frames' worth of low line
    line.hold(1, 2 * p.div);
    EXPECT_EQ(line.frame_errors, 1);
    EXPECT_TRUE(line.bytes.empty());
    line.frame(0x3C, p.div);
    line.hold(1, 2 * p.div);
    EXPECT_EQ(line.bytes, std::vector<uint8_t>{0x3C});
    EXPECT_EQ(line.frame_errors, 1);
  }
}

// A low pulse that is over before the middle of a would-be start bit is not a frame.
TEST(Uart, RxIgnoresGlitch) {
  Bench tb;
  tb.loop(false, false);
  Pair p = tb.pair_a();
  LineDriver line(tb, p);
  line.hold(1, 2 * p.div);
  for (int len = 1; len <= p.div / 2 - 1; ++len) {
    line.hold(0, len);
    line.hold(1, 2 * p.div);
  }
  EXPECT_TRUE(line.bytes.empty());
  EXPECT_EQ(line.frame_errors, 0);
  line.frame(0xE7, p.div);
  line.hold(1, 2 * p.div);
  EXPECT_EQ(line.bytes, std::vector<uint8_t>{0xE7});
}

// With the stream stalled, the first byte is kept and the next is dropped with a pulse.
TEST(Uart, Overrun) {
  Bench tb;
  tb.loop(false, false);
  Pair p = tb.pair_b();
  LineDriver line(tb, p);
  p.rx_tready = 0;
  line.hold(1, 2 * p.div);
  line.frame(0x11, p.div);
  line.frame(0x22, p.div);
  line.hold(1, 2 * p.div);
  EXPECT_EQ(line.overruns, 1);
  EXPECT_EQ(p.rx_tvalid, 1);
  EXPECT_EQ(p.rx_tdata, 0x11);
  p.rx_tready = 1;
  line.hold(1, 2);
  EXPECT_EQ(line.bytes, std::vector<uint8_t>{0x11});
  EXPECT_EQ(p.rx_tvalid, 0);
}

// A reset in the middle of a frame returns both sides to idle; traffic then resumes.
TEST(Uart, ResetMidFrame) {
  Bench tb;
  tb.loop(true, true);
  Pair p = tb.pair_a();
  p.tx_tdata = 0x00;
  p.tx_tvalid = 1;
  tb.tick();
  p.tx_tvalid = 0;
  for (int i = 0; i < 3 * p.div; ++i) tb.tick();
  EXPECT_EQ(p.tx_busy, 1);
  tb.m().rst = 1;
  tb.tick();
  tb.m().rst = 0;
  EXPECT_EQ(p.txd, 1);
  EXPECT_EQ(p.tx_busy, 0);
  EXPECT_EQ(p.tx_tready, 1);
  check_loopback(tb, p, 5, 20);
}

// CLK_HZ / BAUD = 3 is below the minimum divisor: the model must report it and stop.
TEST(Uart, IllegalDivisorIsRejected) {
  auto ctx = std::make_unique<VerilatedContext>();
  // count the $error instead of stopping, so that the $finish after it ends the run
  ctx->fatalOnError(false);
  ctx->errorLimit(2);
  auto m = std::make_unique<Vuart_bad_div>(ctx.get());
  m->eval();
  EXPECT_EQ(ctx->errorCount(), 1);
  EXPECT_TRUE(ctx->gotFinish());
  m->final();
}

TEST(Uart, LegalDivisorsPassTheCheck) {
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->fatalOnError(false);
  ctx->errorLimit(2);
  auto m = std::make_unique<Vuart_pairs>(ctx.get());
  m->eval();
  EXPECT_EQ(ctx->errorCount(), 0);
  EXPECT_FALSE(ctx->gotFinish());
  m->final();
}

}  // namespace
