// The checks of a cycle-by-cycle co-simulation, independent of how the design
// is clocked: the Verilator C++ harness (sf_harness.cpp) and the SystemC one
// (sf_sc_harness.cpp) both run them, each through its own adapter of sf_top.
//
// The expectation file (golden spikes and states, predicted cycles) comes from
// the CLI. Every cycle the checker offers the next input word, watches every
// layer's output handshakes and state writes, and compares:
//   - each output event, in the cycle it appears, with the next expected spike
//     (index, and for graded layers, akida / akida2, its value);
//   - the full state of a layer (every state variable of its neuron model: v,
//     and u for loihi2) when it emits its end-of-timestep marker;
//   - the cycles of every timestep with the generator's cycle model;
//   - after the last timestep, every layer's state read back through the
//     debug read port (layers that keep state: not the stateless akida ones).
// The first difference stops the run.
//
// A Dut adapter provides:
//   void drive(const DutInputs&);      set every input of sf_top but clk
//   void clock(int level);             set clk and let the design settle
//   bool s_ready();                    after clock(0): the input handshake
//   void read_probes(Probe*);          after clock(0): each layer's monitors
//   bool dbg_rd_valid(); void dbg_rd_data(std::vector<uint32_t>&);
//   void load(bool we, uint64_t addr, uint64_t data);  the weight load port
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sf_probe.h"

namespace sf::sim {

using nlohmann::json;

struct DutInputs {
  bool rst = false;
  bool s_valid = false, s_eot = false;
  uint32_t s_index = 0, s_payload = 0;
  bool m_ready = true;
  bool dbg_rd_en = false;
  uint32_t dbg_rd_layer = 0, dbg_rd_addr = 0;
};


// One state variable of a neuron lane: bits [lo, lo + bits) of the lane's state
// word (signed), and its golden values.
struct StateField {
  std::string name;                              // "v", "u"
  int lo = 0, bits = 0;
  std::vector<std::vector<int64_t>> expect;      // [t][n]
};

struct LayerExpect {
  std::string name;
  int n_out = 0, P = 1, lane_bits = 0;           // lane_bits: state word bits per lane
  std::vector<std::vector<int>> spikes;          // [t] neurons ascending
  std::vector<StateField> state;
  // graded layers (akida / akida2): each event's value, [t] parallel to spikes, and how
  // the payload port encodes it (pay_bits wide, two's complement when pay_signed)
  bool graded = false;
  int pay_bits = 1;
  bool pay_signed = false;
  std::vector<std::vector<int64_t>> payloads;
  bool readback = true;                          // state kept, read back after the run
  // slot (state word address * P + lane) -> neuron, -1 idle; empty: slot n is neuron n
  std::vector<int> slots;
  int neuron_at(uint32_t addr, int lane) const {
    const size_t s = static_cast<size_t>(addr) * static_cast<size_t>(P) + static_cast<size_t>(lane);
    if (slots.empty()) return s < static_cast<size_t>(n_out) ? static_cast<int>(s) : -1;
    return s < slots.size() ? slots[s] : -1;
  }
  // state words of the engine (the debug read port's addresses)
  int state_words() const { return slots.empty() ? (n_out + P - 1) / P : static_cast<int>(slots.size()) / P; }
};

struct Sample {
  std::vector<std::array<int64_t, 3>> input;     // (t, i, p) sorted
  int timesteps = 0;
  std::vector<LayerExpect> layers;
  std::vector<uint64_t> cycles;                  // predicted
};

struct Observed {
  std::vector<std::vector<std::array<int64_t, 3>>> spikes;  // [layer] (t, n, payload)
  std::vector<std::vector<std::vector<std::vector<int64_t>>>> state;  // [layer][field][t][n]
  std::vector<uint64_t> cycles;
};

struct Mismatch {
  bool hit = false;
  uint64_t cycle = 0;
  std::string text;
};

inline Sample parse_sample(const json& s) {
  Sample x;
  x.timesteps = s.at("timesteps").get<int>();
  for (const auto& e : s.at("input")) x.input.push_back({e[0].get<int64_t>(), e[1].get<int64_t>(), e[2].get<int64_t>()});
  for (const auto& l : s.at("layers")) {
    LayerExpect le;
    le.name = l.at("name").get<std::string>();
    le.n_out = l.at("n_out").get<int>();
    le.P = l.at("P").get<int>();
    le.lane_bits = l.at("lane_bits").get<int>();
    le.spikes = l.at("spikes").get<std::vector<std::vector<int>>>();
    if (l.contains("payloads")) {
      le.graded = true;
      le.payloads = l.at("payloads").get<std::vector<std::vector<int64_t>>>();
      le.pay_bits = l.at("pay_bits").get<int>();
      le.pay_signed = l.at("pay_signed").get<bool>();
    }
    le.readback = l.value("readback", true);
    if (l.contains("slots")) le.slots = l.at("slots").get<std::vector<int>>();
    for (const auto& f : l.at("state"))
      le.state.push_back({f.at("name").get<std::string>(), f.at("lo").get<int>(), f.at("bits").get<int>(),
                          f.at("expect").get<std::vector<std::vector<int64_t>>>()});
    x.layers.push_back(std::move(le));
  }
  x.cycles = s.at("cycles").get<std::vector<uint64_t>>();
  return x;
}

inline std::string fmt_where(const LayerExpect& l, int neuron, int t, uint64_t cycle) {
  std::ostringstream o;
  o << "layer '" << l.name << "', neuron " << neuron << ", timestep " << t << ", cycle " << cycle;
  return o.str();
}

// After the last timestep every layer waits for input: read each layer's
// state back through sf_top's debug read port, chunk by chunk, and compare it
// with the golden model's final state. These cycles are not part of any timestep.
template <class Dut>
void check_debug_reads(Dut& dut, const Sample& s, uint64_t cycle, Mismatch& mm) {
  const int last = s.timesteps - 1;
  std::vector<uint32_t> words;

  for (size_t k = 0; k < s.layers.size() && !mm.hit; ++k) {
    const LayerExpect& le = s.layers[k];
    if (!le.readback) continue;  // stateless: nothing to read back
    const int chunks = le.state_words();
    for (int c = 0; c < chunks && !mm.hit; ++c, ++cycle) {
      DutInputs in;
      in.dbg_rd_en = true;
      in.dbg_rd_layer = static_cast<uint32_t>(k);
      in.dbg_rd_addr = static_cast<uint32_t>(c);
      dut.drive(in);
      dut.clock(0);
      dut.clock(1);
      std::ostringstream o;
      if (!dut.dbg_rd_valid()) {
        o << "MISMATCH layer '" << le.name << "', cycle " << cycle << ": debug read of chunk " << c
          << " after the last timestep was not answered";
        mm = {true, cycle, o.str()};
        break;
      }
      dut.dbg_rd_data(words);
      for (int j = 0; j < le.P && !mm.hit; ++j) {
        const int n = le.neuron_at(static_cast<uint32_t>(c), j);
        if (n < 0) continue;
        for (const StateField& f : le.state) {
          const int64_t got = signed_field(words, j * le.lane_bits + f.lo, f.bits);
          const int64_t want = f.expect[static_cast<size_t>(last)][static_cast<size_t>(n)];
          if (got != want) {
            o << "MISMATCH layer '" << le.name << "', neuron " << n << ", timestep " << last << ", cycle "
              << cycle << " (read through the debug port after the run): state " << f.name << " expected "
              << want << ", got " << got;
            mm = {true, cycle, o.str()};
            break;
          }
        }
      }
    }
  }
}

// Writes the SPRAM weight memories through sf_top's load port, as a board's
// loader does after power-up: rst high, one word per cycle, word i of a
// memory's hex file (the generator's, one hex word per line) at
// (sel << word_w) | i. `table` lists {sel, file}. False with `err` set when a
// file cannot be read or holds a word that is not hex of at most 64 bits.
template <class Dut, class Table>
bool load_weights(Dut& dut, const Table& table, int word_w, std::string& err) {
  DutInputs hold;
  hold.rst = true;
  dut.drive(hold);
  for (const auto& mem : table) {
    std::ifstream in(mem.file);
    if (!in) {
      err = std::string(mem.file) + ": cannot read the weight file";
      return false;
    }
    std::string line;
    uint64_t addr = static_cast<uint64_t>(mem.sel) << word_w;
    for (size_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      size_t used = 0;
      uint64_t word = 0;
      try {
        word = std::stoull(line, &used, 16);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != line.size() || line.size() > 16) {
        err = std::string(mem.file) + ": line " + std::to_string(n) + ": expected a hex word of at most 64 bits";
        return false;
      }
      dut.load(true, addr++, word);
      dut.clock(0);
      dut.clock(1);
    }
  }
  dut.load(false, 0, 0);
  return true;
}

// Runs one sample on `dut` from a reset. With `trace_until` > 0 the run stops
// at that cycle (a replay that writes a waveform up to a known mismatch).
template <class Dut>
Mismatch run_sample(Dut& dut, const Sample& s, Observed& obs, uint64_t trace_until) {
  const size_t L = s.layers.size();
  obs = Observed{};
  obs.spikes.resize(L);
  obs.state.resize(L);
  // vstate[k][f][n]: state variable f of neuron n, as last written
  std::vector<std::vector<std::vector<int64_t>>> vstate(L);
  std::vector<int> step(L, 0);        // timestep each layer is firing
  std::vector<size_t> next_spk(L, 0); // index into expected spikes of that step
  for (size_t k = 0; k < L; ++k) {
    vstate[k].assign(s.layers[k].state.size(), std::vector<int64_t>(static_cast<size_t>(s.layers[k].n_out), 0));
    obs.state[k].resize(s.layers[k].state.size());
  }
  std::vector<Probe> probes(L);

  DutInputs rst_in;
  rst_in.rst = true;
  dut.drive(rst_in);
  for (int i = 0; i < 2; ++i) {
    dut.clock(0);
    dut.clock(1);
  }

  uint64_t predicted_total = 0;
  for (uint64_t c : s.cycles) predicted_total += c;
  const uint64_t limit = 2 * predicted_total + 10000;
  size_t in_pos = 0;          // next input event
  int in_step = 0;            // timestep whose words are being offered
  uint64_t prev_marker = 0;
  bool have_prev = false;
  Mismatch mm;
  const int T = s.timesteps;

  uint64_t cycle = 0;
  for (;; ++cycle) {
    if (step[L - 1] >= T) break;
    if (cycle > limit || (trace_until > 0 && cycle > trace_until)) {
      if (!mm.hit) {
        mm = {true, cycle, ""};
        std::ostringstream o;
        o << "no progress: layer '" << s.layers[L - 1].name << "' has finished " << step[L - 1]
          << " of " << T << " timesteps after " << cycle << " cycles (model: " << predicted_total << ")";
        mm.text = o.str();
      }
      break;
    }
    // Offer the next input word: events of in_step, then its marker.
    const bool more = in_step < T;
    const bool is_event = more && in_pos < s.input.size() && s.input[in_pos][0] == in_step;
    DutInputs in;
    in.s_valid = more;
    in.s_eot = more && !is_event;
    in.s_index = is_event ? static_cast<uint32_t>(s.input[in_pos][1]) : 0;
    in.s_payload = is_event ? static_cast<uint32_t>(s.input[in_pos][2]) : 0;
    dut.drive(in);
    dut.clock(0);
    const bool in_hs = more && dut.s_ready();
    dut.read_probes(probes.data());

    for (size_t k = 0; k < L && !mm.hit; ++k) {
      const LayerExpect& le = s.layers[k];
      const Probe& p = probes[k];
      if (p.st_we) {
        for (int j = 0; j < le.P; ++j) {
          const int n = le.neuron_at(p.st_addr, j);
          if (n < 0) continue;
          for (size_t f = 0; f < le.state.size(); ++f)
            vstate[k][f][static_cast<size_t>(n)] =
                signed_field(p.st_data, j * le.lane_bits + le.state[f].lo, le.state[f].bits);
        }
      }
      if (!p.spk) continue;
      const int t = step[k];
      if (t >= T) {
        mm = {true, cycle, "layer '" + le.name + "': output after the last timestep"};
        break;
      }
      const auto& exp = le.spikes[static_cast<size_t>(t)];
      if (!p.spk_eot) {
        const int got = static_cast<int>(p.spk_index);
        const int64_t got_pay =
            !le.graded ? 1
            : le.pay_signed ? signed_field({p.spk_payload}, 0, le.pay_bits)
                            : static_cast<int64_t>(p.spk_payload & ((uint64_t{1} << le.pay_bits) - 1));
        obs.spikes[k].push_back({t, got, got_pay});
        if (next_spk[k] >= exp.size() || exp[next_spk[k]] != got) {
          std::ostringstream o;
          o << "MISMATCH " << fmt_where(le, got, t, cycle) << ": expected "
            << (next_spk[k] < exp.size() ? "spike of neuron " + std::to_string(exp[next_spk[k]])
                                         : std::string("no more spikes this timestep"))
            << ", got spike of neuron " << got;
          mm = {true, cycle, o.str()};
          break;
        }
        if (le.graded) {
          const int64_t want = le.payloads[static_cast<size_t>(t)][next_spk[k]];
          if (got_pay != want) {
            std::ostringstream o;
            o << "MISMATCH " << fmt_where(le, got, t, cycle) << ": event value expected " << want << ", got "
              << got_pay;
            mm = {true, cycle, o.str()};
            break;
          }
        }
        ++next_spk[k];
        continue;
      }
      // end of timestep t for layer k
      if (next_spk[k] != exp.size()) {
        std::ostringstream o;
        o << "MISMATCH " << fmt_where(le, exp[next_spk[k]], t, cycle) << ": expected spike of neuron "
          << exp[next_spk[k]] << ", got end of timestep";
        mm = {true, cycle, o.str()};
        break;
      }
      for (size_t f = 0; f < le.state.size() && !mm.hit; ++f) {
        obs.state[k][f].push_back(vstate[k][f]);
        const auto& ev = le.state[f].expect[static_cast<size_t>(t)];
        for (int n = 0; n < le.n_out; ++n)
          if (vstate[k][f][static_cast<size_t>(n)] != ev[static_cast<size_t>(n)]) {
            std::ostringstream o;
            o << "MISMATCH " << fmt_where(le, n, t, cycle) << ": state " << le.state[f].name << " expected "
              << ev[static_cast<size_t>(n)] << ", got " << vstate[k][f][static_cast<size_t>(n)];
            mm = {true, cycle, o.str()};
            break;
          }
      }
      if (mm.hit) break;
      if (k + 1 == L) {
        const uint64_t spent = have_prev ? cycle - prev_marker : cycle + 1;
        obs.cycles.push_back(spent);
        if (spent != s.cycles[static_cast<size_t>(t)]) {
          std::ostringstream o;
          o << "MISMATCH cycles of timestep " << t << " (cycle " << cycle << "): cycle model "
            << s.cycles[static_cast<size_t>(t)] << ", measured " << spent;
          mm = {true, cycle, o.str()};
        }
        prev_marker = cycle;
        have_prev = true;
      }
      ++step[k];
      next_spk[k] = 0;
    }
    if (mm.hit && trace_until == 0) break;

    dut.clock(1);
    if (in_hs) {
      if (is_event) ++in_pos;
      else ++in_step;
    }
    if (mm.hit) break;
  }
  if (!mm.hit && T > 0) check_debug_reads(dut, s, cycle, mm);
  return mm;
}

// Runs every sample of the expectation document on `dut` (one design, reset
// before each sample, so state left by a previous sample must not matter).
// Returns the exit status (0 all agree, 1 a mismatch) and fills `result`.
// `on_mismatch(n, mm, r)` may replay the failing sample with a waveform.
template <class Dut, class OnMismatch>
int run_expectations(Dut& dut, const json& doc, json& result, OnMismatch on_mismatch) {
  result = {{"samples", json::array()}};
  int status = 0;
  uint64_t total_cycles = 0;
  double sim_seconds = 0;  // clocking the model and checking it, without file I/O
  const auto& samples = doc.at("samples");
  for (size_t n = 0; n < samples.size(); ++n) {
    Sample s = parse_sample(samples[n]);
    Observed obs;
    const auto t0 = std::chrono::steady_clock::now();
    Mismatch mm = run_sample(dut, s, obs, 0);
    sim_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    json r = {{"cycles", obs.cycles}};
    json layers = json::array();
    for (size_t k = 0; k < s.layers.size(); ++k) {
      json st = json::object();
      for (size_t f = 0; f < s.layers[k].state.size(); ++f) st[s.layers[k].state[f].name] = obs.state[k][f];
      layers.push_back({{"spikes", obs.spikes[k]}, {"state", st}});
    }
    r["layers"] = layers;
    for (uint64_t c : obs.cycles) total_cycles += c;
    if (mm.hit) {
      std::printf("sample %zu: %s\n", n, mm.text.c_str());
      r["mismatch"] = mm.text;
      r["mismatch_cycle"] = mm.cycle;
      on_mismatch(n, mm, r);
      result["samples"].push_back(r);
      status = 1;
      break;
    }
    result["samples"].push_back(r);
  }
  result["total_cycles"] = total_cycles;
  result["sim_seconds"] = sim_seconds;
  return status;
}

// The harness arguments: --expect E.json --result R.json [--waves W.fst].
struct HarnessArgs {
  std::string expect_path, result_path, waves;
  bool parse(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      if (a == "--expect") expect_path = argv[i + 1];
      else if (a == "--result") result_path = argv[i + 1];
      else if (a == "--waves") waves = argv[i + 1];
    }
    if (expect_path.empty() || result_path.empty()) {
      std::fprintf(stderr, "usage: %s --expect E.json --result R.json [--waves W.fst]\n", argv[0]);
      return false;
    }
    return true;
  }
  // The expectation document, or a message on stderr and false.
  bool load(json& doc) const {
    try {
      std::ifstream in(expect_path);
      doc = json::parse(in);
      return true;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", expect_path.c_str(), e.what());
      return false;
    }
  }
  void write(const json& result) const {
    std::ofstream out(result_path);
    out << result.dump() << "\n";
  }
};

}  // namespace sf::sim
