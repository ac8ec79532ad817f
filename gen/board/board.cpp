#include "board/board.h"

#include <stdexcept>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/error.h"
#include "ir/json_reader.h"

namespace fs = std::filesystem;

namespace sf::board {

const std::vector<std::string> kPinRoles = {"clk",       "uart_rx",   "uart_tx",
                                            "reset_btn", "led_error", "led_activity"};

namespace {

const char* const kRequiredRoles[] = {"clk", "uart_rx", "uart_tx"};

bool valid_board_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

// port -> pin of every `set_io` line of a .pcf file.
std::map<std::string, std::string> read_pcf(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open constraints file");
  std::map<std::string, std::string> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty() || w[0] != "set_io") continue;
    std::vector<std::string> args;
    for (size_t k = 1; k < w.size(); ++k) {
      if (w[k] == "-pullup" || w[k] == "-pullup_resistor") {
        ++k;  // these options take a value
      } else if (w[k][0] != '-') {
        args.push_back(w[k]);
      }
    }
    if (args.size() != 2)
      throw InputError(path + ":" + std::to_string(line_no) + ": expected `set_io [options] PORT PIN`");
    out[args[0]] = args[1];
  }
  return out;
}

}  // namespace

std::vector<std::string> list_boards(const std::string& boards_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(boards_dir, ec), end; !ec && it != end; it.increment(ec))
    if (fs::exists(it->path() / "board.json")) names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

gen::MemoryGeometry family_memory(const std::string& family) {
  gen::MemoryGeometry g;
  if (family == "ice40") {
    g.block_shapes = {{16, 256}, {8, 512}, {4, 1024}, {2, 2048}};
    g.huge_words = 16384;
    g.huge_width = 16;
    g.huge_max_cols = 4;
    return g;
  }
  throw std::logic_error("family_memory: no memory description for family \"" + family + "\"");
}

gen::Capacity plan_capacity(const Board& board) {
  gen::Capacity c;
  c.luts = board.capacity.lut;
  c.ff = board.capacity.ff;
  c.ebr = board.capacity.ebr;
  c.spram = board.capacity.spram;
  c.dsp = board.capacity.dsp;
  c.mem = board.memory;
  return c;
}

Board load_board(const std::string& name, const std::string& boards_dir) {
  fs::path dir = fs::absolute(fs::path(boards_dir) / name).lexically_normal();
  if (!valid_board_name(name) || !fs::exists(dir / "board.json"))
    throw InputError("unknown board '" + name + "' (boards in " + boards_dir + ": " +
                     join(list_boards(boards_dir)) + ")");
  const std::string path = (dir / "board.json").string();
  json doc = read_json_file(path);
  JsonCtx c(path, "");
  c.check_object(doc, "", {"format", "version", "name", "description", "family", "device",
                           "package", "clock_hz", "default_target_hz", "default_baud", "pins",
                           "capacity", "constraints", "pll"});
  if (c.get_string(doc, "format") != "spikeforge-board")
    c.fail("format", describe(doc.at("format")), "\"spikeforge-board\"");
  if (c.get_int(doc, "version", 0, 1000) != 1)
    c.fail("version", describe(doc.at("version")), "1 (the only version this tool reads)");

  Board b;
  b.name = c.get_string(doc, "name");
  if (b.name != name) c.fail("name", "\"" + b.name + "\"", "\"" + name + "\" (the folder name)");
  b.description = doc.contains("description") ? c.get_string(doc, "description") : "";
  b.family = c.get_enum(doc, "family", {"ice40"}, nullptr);
  b.memory = family_memory(b.family);
  b.device = c.get_string(doc, "device");
  b.package = c.get_string(doc, "package");
  b.clock_hz = static_cast<double>(c.get_int(doc, "clock_hz", 1000000, 1000000000));
  b.default_target_hz =
      static_cast<double>(c.get_int(doc, "default_target_hz", 1000000, 1000000000));
  b.default_baud = static_cast<int>(c.get_int(doc, "default_baud", 300, 12000000));
  b.dir = dir.string();

  const json& pins = c.require(doc, "pins");
  if (!pins.is_object()) c.fail("pins", describe(pins), "an object of role -> {pin, active_low}");
  for (auto it = pins.begin(); it != pins.end(); ++it) {
    const std::string field = "pins." + it.key();
    if (std::find(kPinRoles.begin(), kPinRoles.end(), it.key()) == kPinRoles.end())
      c.fail(field, "an unknown pin role", "one of: " + join(kPinRoles));
    c.check_object(it.value(), field, {"pin", "active_low", "note"});
    Pin p;
    p.pin = c.get_string(it.value(), "pin", field + ".");
    p.active_low = c.get_bool_or(it.value(), "active_low", false, field + ".");
    b.pins[it.key()] = p;
  }
  for (const char* role : kRequiredRoles)
    if (!b.has(role)) c.fail(std::string("pins.") + role, "nothing (missing)", "a pin");
  if (b.pins.at("clk").active_low || b.pins.at("uart_rx").active_low ||
      b.pins.at("uart_tx").active_low)
    c.fail("pins", "an active-low clk or uart pin", "active_low only on buttons and LEDs");

  const json& cap = c.require(doc, "capacity");
  c.check_object(cap, "capacity", {"lut", "ff", "ebr", "spram", "dsp"});
  b.capacity.lut = static_cast<int>(c.get_int(cap, "lut", 1, 10000000, "capacity."));
  b.capacity.ff = static_cast<int>(c.get_int(cap, "ff", 1, 10000000, "capacity."));
  b.capacity.ebr = static_cast<int>(c.get_int(cap, "ebr", 0, 100000, "capacity."));
  b.capacity.spram = static_cast<int>(c.get_int(cap, "spram", 0, 100000, "capacity."));
  b.capacity.dsp = static_cast<int>(c.get_int(cap, "dsp", 0, 100000, "capacity."));

  b.constraints_path = (dir / c.get_string(doc, "constraints")).lexically_normal().string();
  const json& pll = c.require(doc, "pll");
  c.check_object(pll, "pll", {"module", "file", "pad"});
  b.pll_module = c.get_string(pll, "module", "pll.");
  b.pll_path = (dir / c.get_string(pll, "file", "pll.")).lexically_normal().string();
  b.pll_pad = c.get_bool_or(pll, "pad", true, "pll.");
  if (!fs::exists(b.pll_path)) c.fail("pll.file", b.pll_path, "an existing Verilog file");

  // The constraints file is what nextpnr reads; board.json is what the wrapper
  // is emitted from. They must say the same thing.
  std::map<std::string, std::string> pcf = read_pcf(b.constraints_path);
  for (const auto& [role, pin] : b.pins) {
    const std::string port = pin.port(role);
    auto it = pcf.find(port);
    if (it == pcf.end())
      throw InputError(b.constraints_path + ": no `set_io " + port + " " + pin.pin + "` for pins." +
                       role + " of " + path);
    if (it->second != pin.pin)
      throw InputError(b.constraints_path + ": port " + port + " on pin " + it->second + ", but " +
                       path + " puts pins." + role + " on pin " + pin.pin);
  }
  return b;
}

}  // namespace sf::board
