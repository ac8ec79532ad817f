// Unit tests of gen/board: PLL search, byte protocol, board descriptions,
// wrapper emission, report parsing and the host's run loop over a fake link.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "board/board.h"
#include "board/compare.h"
#include "board/emit.h"
#include "board/host.h"
#include "board/pll.h"
#include "board/protocol.h"
#include "board/synth.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using namespace sf::board;

namespace {

const std::string kBoards = std::string(SF_SOURCE_DIR) + "/fpga_boards";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// A fresh folder under the test's temporary directory.
std::string temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("sf_board_unit_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

/* PLL */

struct IcepllCase {
  double in_mhz, want_mhz, out_mhz;
  int divr, divf, divq, filter;
};

// Truth values printed by `icepll -i IN -o WANT` (icestorm, Debian bookworm).
const IcepllCase kIcepll[] = {
    {12, 24, 24.000, 0, 63, 5, 1},     {12, 25, 25.125, 0, 66, 5, 1},
    {12, 30, 30.000, 0, 79, 5, 1},     {12, 48, 48.000, 0, 63, 4, 1},
    {12, 16, 15.938, 0, 84, 6, 1},     {12, 275, 276.000, 0, 45, 1, 1},
    {12, 100, 100.500, 0, 66, 3, 1},   {25, 48, 47.656, 1, 60, 4, 1},
    {48, 60, 60.000, 0, 19, 4, 4},     {100, 50, 50.000, 0, 7, 4, 5},
    {133, 120, 120.069, 8, 64, 3, 1},  {30.5, 66.6, 66.719, 1, 34, 3, 1},
    {10, 36, 36.250, 0, 57, 4, 1},
};

TEST(Pll, NearestMatchesIcepll) {
  for (const IcepllCase& c : kIcepll) {
    SCOPED_TRACE("icepll -i " + std::to_string(c.in_mhz) + " -o " + std::to_string(c.want_mhz));
    PllConfig p = ice40_pll(c.in_mhz * 1e6, c.want_mhz * 1e6, PllPolicy::Nearest);
    EXPECT_FALSE(p.bypass);
    EXPECT_EQ(p.divr, c.divr);
    EXPECT_EQ(p.divf, c.divf);
    EXPECT_EQ(p.divq, c.divq);
    EXPECT_EQ(p.filter_range, c.filter);
    EXPECT_NEAR(p.out_hz / 1e6, c.out_mhz, 0.00051);  // icepll prints 3 decimals
  }
}

TEST(Pll, AtMostNeverOvershoots) {
  // 24.75 and 99 MHz: `icepll -i 12 -o 24.75` / `-o 99` give these dividers.
  PllConfig a = ice40_pll(12e6, 25e6);
  EXPECT_EQ(a.divf, 65);
  EXPECT_EQ(a.divq, 5);
  EXPECT_DOUBLE_EQ(a.out_hz, 24.75e6);
  PllConfig b = ice40_pll(12e6, 100e6);
  EXPECT_EQ(b.divf, 65);
  EXPECT_EQ(b.divq, 3);
  EXPECT_DOUBLE_EQ(b.out_hz, 99e6);
  PllConfig exact = ice40_pll(12e6, 24e6);
  EXPECT_EQ(exact.divf, 63);
  EXPECT_EQ(exact.divq, 5);
  EXPECT_DOUBLE_EQ(exact.out_hz, 24e6);
  // Above the PLL's 275 MHz ceiling: the best legal output, not icepll's 276.
  EXPECT_DOUBLE_EQ(ice40_pll(12e6, 280e6).out_hz, 270e6);
  for (double want = 16e6; want <= 280e6; want += 0.37e6) {
    PllConfig p = ice40_pll(12e6, want);
    EXPECT_LE(p.out_hz, want);
    if (!p.bypass) {
      EXPECT_GE(p.out_hz, 16e6);
      EXPECT_LE(p.out_hz, 275e6);
      EXPECT_DOUBLE_EQ(p.out_hz, 12e6 * (p.divf + 1) / (p.divr + 1) / (1 << p.divq));
    }
  }
}

TEST(Pll, OscillatorItselfBelowThePllRange) {
  for (double want : {12e6, 13e6, 15.9e6, 16e6}) {
    PllConfig p = ice40_pll(12e6, want);
    EXPECT_TRUE(p.bypass) << want;
    EXPECT_DOUBLE_EQ(p.out_hz, 12e6);
  }
  EXPECT_THROW(ice40_pll(12e6, 10e6), sf::InputError);
  EXPECT_THROW(ice40_pll(5e6, 24e6), sf::InputError);
}

/* Protocol */

const TopInterface kTop{9, 4, 8, false};

TEST(Protocol, EventBytes) {
  // index 300 = 0b1_0010_1100, payload 5: word = 5 << 9 | 300 = 0b1010_1001_0110_0 ...
  const uint64_t word = (5u << 9) | 300u;
  std::vector<uint8_t> want{0x81, static_cast<uint8_t>(word & 0x7f), static_cast<uint8_t>(word >> 7)};
  EXPECT_EQ(encode_event(kTop, 300, 5), want);
  EXPECT_EQ(encode_command(RecordType::Eot), std::vector<uint8_t>{0x82});
  EXPECT_EQ(encode_command(RecordType::Reset), std::vector<uint8_t>{0x83});
  EXPECT_EQ(encode_command(RecordType::Info), std::vector<uint8_t>{0x84});
  // One group: 3 + 1 bits.
  EXPECT_EQ(encode_event(TopInterface{3, 1, 3, false}, 6, 1), (std::vector<uint8_t>{0x81, 0x0e}));
  // Signed payloads travel as two's complement in the payload bits.
  EXPECT_EQ(encode_event(TopInterface{4, 3, 4, true}, 2, -1), (std::vector<uint8_t>{0x81, 0x72}));
}

TEST(Protocol, EventRangeChecks) {
  EXPECT_THROW(encode_event(kTop, 512, 1), sf::InputError);
  EXPECT_THROW(encode_event(kTop, -1, 1), sf::InputError);
  EXPECT_THROW(encode_event(kTop, 3, 16), sf::InputError);
  EXPECT_THROW(encode_event(kTop, 3, -1), sf::InputError);
  EXPECT_THROW(encode_event(TopInterface{4, 3, 4, true}, 3, 4), sf::InputError);
  EXPECT_NO_THROW(encode_event(TopInterface{4, 3, 4, true}, 3, -4));
  EXPECT_THROW(encode_command(RecordType::Event), sf::InputError);
  EXPECT_THROW(check_interface(TopInterface{0, 1, 1, false}), sf::InputError);
}

TEST(Protocol, RasterIsOneByteStringPerStep) {
  sf::Raster r;
  r.timesteps = 3;
  r.size = 512;
  r.events = {{2, 7, 1}, {0, 9, 3}, {0, 4, 1}};
  auto steps = encode_raster(r, kTop);
  ASSERT_EQ(steps.size(), 3u);
  std::vector<uint8_t> s0 = encode_event(kTop, 4, 1);
  for (uint8_t b : encode_event(kTop, 9, 3)) s0.push_back(b);
  s0.push_back(0x82);
  EXPECT_EQ(steps[0], s0);
  EXPECT_EQ(steps[1], std::vector<uint8_t>{0x82});
  r.events.push_back({3, 1, 1});
  EXPECT_THROW(encode_raster(r, kTop), sf::InputError);
}

std::vector<uint8_t> board_bytes(const std::vector<BoardRecord>& records, const TopInterface& top) {
  std::vector<uint8_t> out;
  for (const BoardRecord& r : records)
    for (uint8_t b : encode_board_record(top, r)) out.push_back(b);
  return out;
}

BoardRecord event(int index) {
  BoardRecord r;
  r.type = RecordType::Event;
  r.index = index;
  return r;
}

BoardRecord eot(int step) {
  BoardRecord r;
  r.type = RecordType::Eot;
  r.step = step;
  return r;
}

TEST(Protocol, DecodeRoundTripInAnyChunks) {
  std::vector<BoardRecord> recs;
  std::vector<std::vector<int>> want(130);
  for (int t = 0; t < 130; ++t) {
    for (int k = 0; k < t % 4; ++k) {
      const int idx = (t * 37 + k * 101) % 256;
      recs.push_back(event(idx));
      want[static_cast<size_t>(t)].push_back(idx);
    }
    recs.push_back(eot(t % 128));  // step numbers wrap at 128
  }
  const std::vector<uint8_t> bytes = board_bytes(recs, kTop);
  EXPECT_EQ(decode_output(bytes, kTop, 130), want);

  for (size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    RecordDecoder dec(kTop);
    StepCollector steps;
    for (size_t k = 0; k < bytes.size(); k += chunk) {
      dec.feed(bytes.data() + k, std::min(chunk, bytes.size() - k));
      for (BoardRecord r; dec.next(r);) steps.add(r);
    }
    EXPECT_TRUE(dec.errors().empty());
    EXPECT_EQ(steps.steps(), want) << "chunk " << chunk;
  }
}

TEST(Protocol, InfoRoundTrip) {
  BoardRecord info;
  info.type = RecordType::Info;
  info.info = {2, 9, 4, 8, 17, 16};
  RecordDecoder dec(kTop);
  dec.feed(board_bytes({info}, kTop));
  BoardRecord got;
  ASSERT_TRUE(dec.next(got));
  EXPECT_EQ(got.type, RecordType::Info);
  EXPECT_EQ(got.info.version, 2);
  EXPECT_EQ(got.info.in_idx_w, 9);
  EXPECT_EQ(got.info.in_pay_w, 4);
  EXPECT_EQ(got.info.out_idx_w, 8);
  EXPECT_EQ(got.info.ld_addr_w, 17);
  EXPECT_EQ(got.info.ld_data_w, 16);
}

TEST(Protocol, LoadRecords) {
  TopInterface t = kTop;
  t.ld_addr_w = 3;
  t.ld_data_w = 5;
  // word = 0b10011 << 3 | 0b101 = 0b1001'1101: groups 0x1d, 0x01
  EXPECT_EQ(encode_load(t, 5, 0x13), (std::vector<uint8_t>{0x86, 0x1d, 0x01}));
  EXPECT_THROW(encode_load(t, 8, 0), sf::InputError);     // address wider than 3 bits
  EXPECT_THROW(encode_load(t, 0, 0x20), sf::InputError);  // data wider than 5 bits
  EXPECT_THROW(encode_load(kTop, 0, 0), sf::InputError);  // no load port
  EXPECT_THROW(encode_command(RecordType::Load), sf::InputError);
  // 20 + 64 bits: 12 groups, reassembled bit by bit
  t.ld_addr_w = 20;
  t.ld_data_w = 64;
  const uint64_t addr = 0xabcde, data = 0xfedcba9876543210ull;
  const std::vector<uint8_t> b = encode_load(t, addr, data);
  ASSERT_EQ(b.size(), 13u);
  uint64_t got_addr = 0, got_data = 0;
  for (int i = 0; i < 84; ++i) {
    const uint64_t bit = (b[static_cast<size_t>(1 + i / 7)] >> (i % 7)) & 1u;
    EXPECT_EQ(b[static_cast<size_t>(1 + i / 7)] & 0x80, 0);
    if (i < 20) got_addr |= bit << i;
    else got_data |= bit << (i - 20);
  }
  EXPECT_EQ(got_addr, addr);
  EXPECT_EQ(got_data, data);
  t.ld_data_w = 0;
  EXPECT_THROW(check_interface(t), sf::InputError);  // both or neither
}

TEST(Protocol, DecoderResynchronizesAtTheNextHeader) {
  RecordDecoder dec(kTop);
  // stray data byte, an EVENT cut short, an unknown type, then a good event
  std::vector<uint8_t> bytes{0x05, 0x81, 0x01, 0x82, 0x00, 0xff, 0x81, 0x02, 0x01};
  dec.feed(bytes);
  EXPECT_EQ(dec.errors().size(), 3u);
  BoardRecord r;
  ASSERT_TRUE(dec.next(r));
  EXPECT_EQ(r.type, RecordType::Eot);
  ASSERT_TRUE(dec.next(r));
  EXPECT_EQ(r.type, RecordType::Event);
  EXPECT_EQ(r.index, 2 + (1 << 7));
  EXPECT_FALSE(dec.next(r));
  EXPECT_THROW(decode_output(bytes, kTop, 1), sf::CheckFailure);
}

TEST(Protocol, DecodeFailures) {
  // index wider than the port (8 bits): 0x7f | 0x7f << 7
  EXPECT_THROW(decode_output({0x81, 0x7f, 0x7f, 0x82, 0x00}, kTop, 1), sf::CheckFailure);
  // a lost timestep: step 1 where 0 was expected
  EXPECT_THROW(decode_output(board_bytes({eot(1)}, kTop), kTop, 1), sf::CheckFailure);
  // fewer timesteps than asked for
  EXPECT_THROW(decode_output(board_bytes({eot(0)}, kTop), kTop, 2), sf::CheckFailure);
  // the board's ERROR record
  BoardRecord err;
  err.type = RecordType::Error;
  err.error = BridgeError::Overrun;
  try {
    decode_output(board_bytes({err, eot(0)}, kTop), kTop, 1);
    FAIL() << "no exception";
  } catch (const sf::CheckFailure& e) {
    EXPECT_NE(std::string(e.what()).find("overrun"), std::string::npos) << e.what();
  }
}

/* Boards */

TEST(Boards, IcebreakerLoads) {
  Board b = load_board("icebreaker", kBoards);
  EXPECT_EQ(b.device, "up5k");
  EXPECT_EQ(b.package, "sg48");
  EXPECT_EQ(b.family, "ice40");
  EXPECT_DOUBLE_EQ(b.clock_hz, 12e6);
  EXPECT_EQ(b.default_baud, 115200);
  EXPECT_EQ(b.pins.at("clk").pin, "35");
  EXPECT_EQ(b.pins.at("uart_rx").pin, "6");
  EXPECT_EQ(b.pins.at("uart_tx").pin, "9");
  EXPECT_TRUE(b.pins.at("led_error").active_low);
  EXPECT_EQ(b.pins.at("led_error").port("led_error"), "led_error_n");
  EXPECT_EQ(b.capacity.lut, 5280);
  EXPECT_EQ(b.capacity.ebr, 30);
  EXPECT_EQ(b.capacity.spram, 4);
  EXPECT_EQ(b.capacity.dsp, 8);
  EXPECT_TRUE(fs::exists(b.constraints_path));
  EXPECT_TRUE(fs::exists(b.pll_path));
}

// A copy of the icebreaker folder under a temporary boards dir, edited by `edit`.
std::string board_copy(const std::string& tag, const std::function<void(std::string&, std::string&)>& edit) {
  const std::string dir = temp_dir(tag);
  fs::copy(kBoards + "/icebreaker", dir + "/icebreaker");
  std::string json = read(dir + "/icebreaker/board.json");
  std::string pcf = read(dir + "/icebreaker/icebreaker.pcf");
  edit(json, pcf);
  write(dir + "/icebreaker/board.json", json);
  write(dir + "/icebreaker/icebreaker.pcf", pcf);
  return dir;
}

std::string load_error(const std::string& boards_dir, const std::string& name = "icebreaker") {
  try {
    load_board(name, boards_dir);
  } catch (const sf::InputError& e) {
    return e.what();
  }
  return "";
}

void replace(std::string& s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
}

TEST(Boards, UnknownBoardListsKnownOnes) {
  const std::string msg = load_error(kBoards, "ulx3s");
  EXPECT_NE(msg.find("unknown board 'ulx3s'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("icebreaker"), std::string::npos) << msg;
  EXPECT_NE(load_error(kBoards, "../fpga_boards/icebreaker"), "");
}

TEST(Boards, MalformedFilesAreInputErrors) {
  struct Case {
    const char* tag;
    std::function<void(std::string&, std::string&)> edit;
    const char* expect;
  };
  const Case cases[] = {
      {"syntax", [](std::string& j, std::string&) { j += "}"; }, "not valid JSON"},
      {"unknown_key", [](std::string& j, std::string&) { replace(j, "\"device\"", "\"devize\": 1, \"device\""); },
       "devize"},
      {"family", [](std::string& j, std::string&) { replace(j, "\"ice40\"", "\"ecp5\""); }, "family"},
      {"no_uart_tx", [](std::string& j, std::string&) {
         replace(j, "\"uart_tx\":      {\"pin\": \"9\",  \"note\": \"FPGA -> FTDI RXD\"},", "");
       }, "pins.uart_tx"},
      {"role", [](std::string& j, std::string&) { replace(j, "\"led_activity\"", "\"led_busy\""); }, "led_busy"},
      {"capacity", [](std::string& j, std::string&) { replace(j, "\"ebr\": 30", "\"ebr\": \"30\""); },
       "capacity.ebr"},
      {"version", [](std::string& j, std::string&) { replace(j, "\"version\": 1", "\"version\": 2"); }, "version"},
      {"pcf_pin", [](std::string&, std::string& p) { replace(p, "uart_tx 9", "uart_tx 8"); }, "pin 8"},
      {"pcf_port", [](std::string&, std::string& p) { replace(p, "led_error_n 11", "led_err_n 11"); },
       "led_error_n"},
  };
  for (const Case& c : cases) {
    const std::string msg = load_error(board_copy(c.tag, c.edit));
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.tag << ": " << msg;
  }
}

/* Emission */

TEST(Emit, WrapperCarriesTheNumbers) {
  Board b = load_board("icebreaker", kBoards);
  const std::string dir = temp_dir("emit");
  PllConfig pll = ice40_pll(b.clock_hz, 30e6);
  auto files = emit_board_files(b, kTop, pll, 115200, dir);
  ASSERT_EQ(files.size(), 2u);
  const std::string core = read(files[0]);
  const std::string top = read(files[1]);
  EXPECT_NE(core.find("module sf_board_core"), std::string::npos);
  EXPECT_NE(core.find("parameter integer CLK_HZ = 30000000"), std::string::npos);
  EXPECT_NE(core.find("parameter integer BAUD = 115200"), std::string::npos);
  EXPECT_NE(core.find("localparam integer IN_IDX_W = 9;"), std::string::npos);
  EXPECT_NE(core.find("localparam integer IN_PAY_W = 4;"), std::string::npos);
  EXPECT_NE(core.find("localparam integer OUT_IDX_W = 8;"), std::string::npos);
  EXPECT_EQ(core.find("SB_"), std::string::npos) << "vendor primitive in the generic core";
  EXPECT_NE(top.find(".DIVF(79)"), std::string::npos);
  EXPECT_NE(top.find(".DIVQ(5)"), std::string::npos);
  EXPECT_NE(top.find(".BYPASS(0)"), std::string::npos);
  for (const char* port : {"clk", "uart_rx", "uart_tx", "reset_btn_n", "led_error_n", "led_activity_n"})
    EXPECT_NE(top.find(std::string("wire  ") + port), std::string::npos) << port;

  PllConfig direct = ice40_pll(b.clock_hz, 12e6);
  files = emit_board_files(b, kTop, direct, 115200, dir);
  EXPECT_NE(read(files[1]).find(".BYPASS(1)"), std::string::npos);
  EXPECT_NE(read(files[0]).find("CLK_HZ = 12000000"), std::string::npos);
}

TEST(Emit, RefusesBaudRatesTheClockCannotMake) {
  Board b = load_board("icebreaker", kBoards);
  PllConfig pll = ice40_pll(b.clock_hz, 24e6);
  const std::string dir = temp_dir("emit_baud");
  EXPECT_THROW(emit_board_files(b, kTop, pll, 4000000, dir), sf::InputError);  // 6 clocks per bit
  EXPECT_NO_THROW(emit_board_files(b, kTop, pll, 3000000, dir));                // 8 clocks per bit
  EXPECT_THROW(emit_board_files(b, kTop, pll, 0, dir), sf::InputError);
  // 24 MHz / 921600 = 26.04 clocks per bit: fine.
  EXPECT_NO_THROW(emit_board_files(b, kTop, pll, 921600, dir));
  PllConfig odd = pll;
  odd.out_hz = 16.5e6;  // 16.5 clocks per bit at 1 Mbaud: 17 clocks make 970588 baud, 2.9% off
  EXPECT_THROW(emit_board_files(b, kTop, odd, 1000000, dir), sf::InputError);
}

/* Report parsing */

TEST(Synth, ReadsNextpnrReport) {
  const std::string dir = temp_dir("report");
  write(dir + "/r.json",
        R"({"fmax": {"clk_net": {"achieved": 41.5, "constraint": 24},
                     "other": {"achieved": 80.0, "constraint": 24}},
            "utilization": {"ICESTORM_LC": {"available": 5280, "used": 812},
                            "ICESTORM_RAM": {"available": 30, "used": 3},
                            "ICESTORM_SPRAM": {"available": 4, "used": 1},
                            "ICESTORM_DSP": {"available": 8, "used": 0}}})");
  SynthReport r;
  read_nextpnr_report(dir + "/r.json", r);
  EXPECT_EQ(r.lc.used, 812);
  EXPECT_EQ(r.ebr.used, 3);
  EXPECT_EQ(r.spram.used, 1);
  EXPECT_DOUBLE_EQ(r.fmax_mhz, 41.5);
  EXPECT_EQ(r.fmax_clock, "clk_net");
  write(dir + "/bad.json", "{}");
  EXPECT_THROW(read_nextpnr_report(dir + "/bad.json", r), sf::ToolError);
}

TEST(Synth, ReadsYosysStat) {
  const std::string dir = temp_dir("stat");
  write(dir + "/s.json", R"({"design": {"num_cells_by_type": {"SB_LUT4": 100, "SB_DFF": 20,
      "SB_DFFESR": 5, "SB_CARRY": 9, "SB_RAM40_4K": 2, "SB_SPRAM256KA": 1, "SB_MAC16": 3}}})");
  SynthReport r;
  read_yosys_stat(dir + "/s.json", r);
  EXPECT_EQ(r.lut4.used, 100);
  EXPECT_EQ(r.ff.used, 25);
  EXPECT_EQ(r.ebr.used, 2);
  EXPECT_EQ(r.spram.used, 1);
  EXPECT_EQ(r.dsp.used, 3);
}

TEST(Synth, FindsOverusedResourcesInNextpnrLog) {
  const std::string dir = temp_dir("log");
  write(dir + "/n.log",
        "Info: Device utilisation:\n"
        "Info: \t         ICESTORM_LC:  6998/ 5280   132%\n"
        "Info: \t        ICESTORM_RAM:     0/   30     0%\n"
        "Info: \t      ICESTORM_SPRAM:     5/    4   125%\n"
        "ERROR: Unable to place cell 'x', no BELs remaining to implement cell type 'ICESTORM_LC'\n");
  EXPECT_EQ(nextpnr_overuse(dir + "/n.log"),
            (std::vector<std::string>{"ICESTORM_LC 6998/5280", "ICESTORM_SPRAM 5/4"}));
}

/* Host over a fake link */

// Software stand-in for the bridge and the test network of standin/sf_top.v:
// answers {(index + payload) mod 256} sorted, per timestep.
class FakeBoard : public ByteLink {
 public:
  enum class Mode { Good, Silent, WrongWidths, Garbage };
  explicit FakeBoard(Mode mode, TopInterface top = kTop) : mode_(mode), top_(top) {
    // leftovers of an earlier session, which the host must ignore
    out_ = {0x05, 0x81, 0x01, 0x85, 0x02};
  }

  void write(const std::vector<uint8_t>& bytes, Deadline) override {
    for (uint8_t b : bytes) take(b);
  }
  size_t read(uint8_t* buf, size_t n, Deadline deadline) override {
    if (out_.empty() || mode_ == Mode::Silent) {
      std::this_thread::sleep_until(deadline);
      return 0;
    }
    const size_t k = std::min(n, out_.size());
    std::copy(out_.begin(), out_.begin() + static_cast<long>(k), buf);
    out_.erase(out_.begin(), out_.begin() + static_cast<long>(k));
    return k;
  }
  std::string name() const override { return "fake"; }
  // LOAD words received, and how many had arrived when the (last) RESET came
  const std::vector<LoadWord>& loaded() const { return loaded_; }
  size_t loaded_at_reset() const { return loaded_at_reset_; }

 private:
  void send(const BoardRecord& r) {
    for (uint8_t b : encode_board_record(top_, r)) out_.push_back(b);
  }
  void take(uint8_t b) {
    if (b & 0x80) {
      pending_ = 0;
      loading_ = false;
      switch (b & 0x7f) {
        case 1: pending_ = input_event_groups(top_); data_.clear(); break;
        case 2: finish_step(); break;
        case 3: {
          BoardRecord r;
          r.type = RecordType::Reset;
          send(r);
          step_ = 0;
          seen_.clear();
          loaded_at_reset_ = loaded_.size();
          break;
        }
        case 6:  // LOAD: the fake takes ports of at most 64 bits in all
          pending_ = (top_.ld_addr_w + top_.ld_data_w + 6) / 7;
          loading_ = true;
          data_.clear();
          break;
        case 4: {
          BoardRecord r;
          r.type = RecordType::Info;
          r.info = {kProtocolVersion, top_.in_idx_w, top_.in_pay_w,
                    top_.out_idx_w + (mode_ == Mode::WrongWidths ? 1 : 0), top_.ld_addr_w, top_.ld_data_w};
          send(r);
          break;
        }
        default: break;
      }
      return;
    }
    data_.push_back(b);
    if (--pending_ == 0) {
      uint64_t w = 0;
      for (size_t g = data_.size(); g-- > 0;) w = (w << 7) | data_[g];
      if (loading_) {
        loaded_.push_back({w & ((uint64_t{1} << top_.ld_addr_w) - 1), w >> top_.ld_addr_w});
        return;
      }
      const int index = static_cast<int>(w & 0x1ff);
      const int payload = static_cast<int>(w >> 9);
      seen_.insert((index + payload) & 0xff);
    }
  }
  void finish_step() {
    for (int i : seen_) send(event(i));
    if (mode_ == Mode::Garbage) out_.push_back(0x33);
    send(eot(step_++ % 128));
    seen_.clear();
  }

  Mode mode_;
  TopInterface top_;
  bool loading_ = false;
  std::vector<LoadWord> loaded_;
  size_t loaded_at_reset_ = 0;
  std::vector<uint8_t> out_;
  std::vector<uint8_t> data_;
  int pending_ = 0;
  int step_ = 0;
  std::set<int> seen_;
};

sf::Raster small_raster() {
  sf::Raster r;
  r.timesteps = 4;
  r.size = 512;
  r.events = {{0, 3, 1}, {0, 300, 15}, {1, 250, 10}, {3, 7, 0}, {3, 8, 15}};
  return r;
}

TEST(Host, RunsARasterLockStep) {
  FakeBoard board(FakeBoard::Mode::Good);
  auto out = run_on_link(board, small_raster(), kTop, 2.0);
  const std::vector<std::vector<int>> want{{4, (300 + 15) & 0xff}, {(250 + 10) & 0xff}, {}, {7, 23}};
  EXPECT_EQ(out, want);
}

TEST(Host, LoadsWeightsBeforeTheReset) {
  TopInterface t = kTop;
  t.ld_addr_w = 17;
  t.ld_data_w = 16;
  FakeBoard board(FakeBoard::Mode::Good, t);
  const std::vector<LoadWord> words = {{0, 0xffff}, {1, 0x1234}, {0x10000, 7}, {0x1ffff, 0}};
  auto out = run_on_link(board, small_raster(), t, 2.0, words);
  ASSERT_EQ(board.loaded().size(), words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(board.loaded()[i].addr, words[i].addr);
    EXPECT_EQ(board.loaded()[i].data, words[i].data);
  }
  EXPECT_EQ(board.loaded_at_reset(), words.size());  // all of them before the RESET
  const std::vector<std::vector<int>> want{{4, (300 + 15) & 0xff}, {(250 + 10) & 0xff}, {}, {7, 23}};
  EXPECT_EQ(out, want);
  // a bitstream without a load port is refused for a network that needs one
  FakeBoard plain(FakeBoard::Mode::Good);
  EXPECT_THROW(run_on_link(plain, small_raster(), t, 1.0, words), sf::CheckFailure);
}

TEST(Host, TimesOutInsteadOfHanging) {
  FakeBoard board(FakeBoard::Mode::Silent);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_on_link(board, small_raster(), kTop, 0.2), sf::ToolError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(Host, RefusesABitstreamForAnotherNetwork) {
  FakeBoard board(FakeBoard::Mode::WrongWidths);
  EXPECT_THROW(run_on_link(board, small_raster(), kTop, 1.0), sf::CheckFailure);
}

TEST(Host, MalformedAnswerIsACheckFailure) {
  FakeBoard board(FakeBoard::Mode::Garbage);
  EXPECT_THROW(run_on_link(board, small_raster(), kTop, 1.0), sf::CheckFailure);
}

TEST(Host, SerialPortErrorsAreInputErrors) {
  EXPECT_THROW(SerialPort("/nonexistent/ttyUSB9", 115200), sf::InputError);
  EXPECT_THROW(SerialPort("/dev/null", 115200), sf::InputError);   // not a tty
  EXPECT_THROW(SerialPort("/dev/null", 12345), sf::InputError);    // not a termios speed
}

// The board's output against the golden trace: timesteps compared as sorted
// lists, the board's output kept as a decodable trace of the output layer.
TEST(Compare, BoardOutputAgainstGolden) {
  sf::Trace golden;
  golden.timesteps = 3;
  golden.layers.push_back({"hidden", false, {{0, 5, 1}}, {}});
  golden.layers.push_back({"out", false, {{0, 1, 1}, {0, 0, 1}, {2, 2, 1}}, {}});
  // step 0: same set in another order; step 1: an extra spike; step 2: a
  // missing one, and index 7 is outside the 3 outputs
  const std::vector<std::vector<int>> got = {{0, 1}, {1}, {7}};
  const OutputComparison c = compare_output(got, golden, "out", 3);
  ASSERT_EQ(c.mismatches.size(), 2u);
  EXPECT_EQ(c.mismatches[0].t, 1);
  EXPECT_EQ(c.mismatches[0].board_spikes, 1u);
  EXPECT_EQ(c.mismatches[0].golden_spikes, 0u);
  EXPECT_EQ(c.mismatches[1].t, 2);
  EXPECT_EQ(c.mismatches[1].board_spikes, 1u);
  EXPECT_EQ(c.mismatches[1].golden_spikes, 1u);
  EXPECT_EQ(c.output.timesteps, 3);
  ASSERT_EQ(c.output.layers.size(), 1u);
  EXPECT_EQ(c.output.layers[0].name, "out");
  const std::vector<sf::Spike>& s = c.output.layers[0].spikes;
  ASSERT_EQ(s.size(), 3u);  // 7 left out
  EXPECT_EQ(s[0].t, 0);
  EXPECT_EQ(s[0].neuron, 0);
  EXPECT_EQ(s[1].neuron, 1);
  EXPECT_EQ(s[2].t, 1);
  EXPECT_EQ(s[2].neuron, 1);
  // the same output in full agrees; duplicates count
  EXPECT_TRUE(compare_output({{1, 0}, {}, {2}}, golden, "out", 3).mismatches.empty());
  EXPECT_EQ(compare_output({{1, 0, 0}, {}, {2}}, golden, "out", 3).mismatches.size(), 1u);
}

}  // namespace
