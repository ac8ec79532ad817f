// Cycle-by-cycle co-simulation of a generated sf_top against the golden model.
//
// `spikeforge sim` verilates the generated RTL together with this file and
// runs it with an expectation file (golden spikes and states, predicted cycles)
// written by the CLI. Every cycle the harness offers the next input word,
// watches every layer's output handshakes and state writes, and compares:
//   - each output event, in the cycle it appears, with the next expected spike;
//   - the full v state of a layer when it emits its end-of-timestep marker;
//   - the cycles of every timestep with the generator's cycle model.
// The first difference stops the run with exit status 1; the sample is then
// re-run with tracing on so the waveform ends at the failing cycle.
#include <array>
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sf_probes.h"
#include "verilated.h"
#include "verilated_fst_c.h"

using nlohmann::json;

namespace {

struct LayerExpect {
  std::string name;
  int n_out = 0, P = 1, v_bits = 0;
  std::vector<std::vector<int>> spikes;          // [t] neurons ascending
  std::vector<std::vector<int64_t>> v;           // [t][n]
};

struct Sample {
  std::vector<std::array<int64_t, 3>> input;     // (t, i, p) sorted
  int timesteps = 0;
  std::vector<LayerExpect> layers;
  std::vector<uint64_t> cycles;                  // predicted
};

struct Observed {
  std::vector<std::vector<std::array<int64_t, 2>>> spikes;  // [layer] (t, n)
  std::vector<std::vector<std::vector<int64_t>>> v;         // [layer][t][n]
  std::vector<uint64_t> cycles;
};

struct Mismatch {
  bool hit = false;
  uint64_t cycle = 0;
  std::string text;
};

Sample parse_sample(const json& s) {
  Sample x;
  x.timesteps = s.at("timesteps").get<int>();
  for (const auto& e : s.at("input")) x.input.push_back({e[0].get<int64_t>(), e[1].get<int64_t>(), e[2].get<int64_t>()});
  for (const auto& l : s.at("layers")) {
    LayerExpect le;
    le.name = l.at("name").get<std::string>();
    le.n_out = l.at("n_out").get<int>();
    le.P = l.at("P").get<int>();
    le.v_bits = l.at("v_bits").get<int>();
    le.spikes = l.at("spikes").get<std::vector<std::vector<int>>>();
    le.v = l.at("v").get<std::vector<std::vector<int64_t>>>();
    x.layers.push_back(std::move(le));
  }
  x.cycles = s.at("cycles").get<std::vector<uint64_t>>();
  return x;
}

std::string fmt_where(const LayerExpect& l, int neuron, int t, uint64_t cycle) {
  std::ostringstream o;
  o << "layer '" << l.name << "', neuron " << neuron << ", timestep " << t << ", cycle " << cycle;
  return o.str();
}

// One verilated design, kept across samples: each sample starts with a reset,
// so state left by the previous sample must not matter (which the run checks).
struct Model {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vsf_top> top;
  std::unique_ptr<VerilatedFstC> fst;  // only for the re-run that writes a waveform
  uint64_t sim_time = 0;

  explicit Model(const std::string& waves = "") : ctx(std::make_unique<VerilatedContext>()) {
    if (!waves.empty()) ctx->traceEverOn(true);
    top = std::make_unique<Vsf_top>(ctx.get());
    if (!waves.empty()) {
      fst = std::make_unique<VerilatedFstC>();
      top->trace(fst.get(), 99);
      fst->open(waves.c_str());
    }
  }
  ~Model() {
    if (fst) fst->close();
    top->final();
  }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
};

// After the last timestep every layer waits for input: read each layer's
// state back through sf_top's debug read port, chunk by chunk, and compare it
// with the golden model's final state. These cycles are not part of any timestep.
void check_debug_reads(Model& m, const Sample& s, VerilatedFstC* tfp, uint64_t cycle, Mismatch& mm) {
  Vsf_top* const top = m.top.get();
  const int last = s.timesteps - 1;
  std::vector<uint32_t> words;

  for (size_t k = 0; k < s.layers.size() && !mm.hit; ++k) {
    const LayerExpect& le = s.layers[k];
    const int chunks = (le.n_out + le.P - 1) / le.P;
    for (int c = 0; c < chunks && !mm.hit; ++c, ++cycle) {
      top->s_evt_valid = 0;
      top->dbg_rd_en = 1;
      top->dbg_rd_layer = static_cast<uint32_t>(k);
      top->dbg_rd_addr = static_cast<uint32_t>(c);
      for (int edge = 0; edge < 2; ++edge) {
        top->clk = edge;
        top->eval();
        if (tfp) tfp->dump(m.sim_time);
        m.sim_time += 5;
      }
      top->dbg_rd_en = 0;
      std::ostringstream o;
      if (!top->dbg_rd_valid) {
        o << "MISMATCH layer '" << le.name << "', cycle " << cycle << ": debug read of chunk " << c
          << " after the last timestep was not answered";
        mm = {true, cycle, o.str()};
        break;
      }
      sf::sim::copy_bits(top->dbg_rd_data, words);
      for (int j = 0; j < le.P; ++j) {
        const int n = c * le.P + j;
        if (n >= le.n_out) break;
        const int64_t got = sf::sim::signed_field(words, j * le.v_bits, le.v_bits);
        const int64_t want = le.v[static_cast<size_t>(last)][static_cast<size_t>(n)];
        if (got != want) {
          o << "MISMATCH layer '" << le.name << "', neuron " << n << ", timestep " << last << ", cycle "
            << cycle << " (read through the debug port after the run): state v expected " << want
            << ", got " << got;
          mm = {true, cycle, o.str()};
          break;
        }
      }
    }
  }
}

// Runs one sample on `m`. With `trace_until` > 0 the waveform (m.fst) gets this
// sample's cycles up to that one.
Mismatch run_sample(Model& m, const Sample& s, Observed& obs, uint64_t trace_until) {
  Vsf_top* const top = m.top.get();
  VerilatedFstC* const tfp = trace_until > 0 ? m.fst.get() : nullptr;
  const size_t L = s.layers.size();
  obs = Observed{};
  obs.spikes.resize(L);
  obs.v.resize(L);
  std::vector<std::vector<int64_t>> vstate(L);
  std::vector<int> step(L, 0);        // timestep each layer is firing
  std::vector<size_t> next_spk(L, 0); // index into expected spikes of that step
  for (size_t k = 0; k < L; ++k) vstate[k].assign(static_cast<size_t>(s.layers[k].n_out), 0);
  sf::sim::Probe probes[kSfLayers];

  uint64_t& sim_time = m.sim_time;
  auto tick = [&](bool rst) {
    top->rst = rst;
    top->clk = 0;
    top->eval();
    if (tfp) tfp->dump(sim_time);
    sim_time += 5;
    top->clk = 1;
    top->eval();
    if (tfp) tfp->dump(sim_time);
    sim_time += 5;
  };
  top->clk = 0;
  top->s_evt_valid = 0;
  top->m_evt_ready = 1;
  tick(true);
  tick(true);

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
    top->rst = 0;
    top->clk = 0;
    const bool more = in_step < T;
    const bool is_event = more && in_pos < s.input.size() && s.input[in_pos][0] == in_step;
    top->s_evt_valid = more;
    top->s_evt_eot = more && !is_event;
    top->s_evt_index = is_event ? static_cast<uint32_t>(s.input[in_pos][1]) : 0;
    top->s_evt_payload = is_event ? static_cast<uint32_t>(s.input[in_pos][2]) : 0;
    top->eval();
    if (tfp) tfp->dump(sim_time);
    sim_time += 5;
    const bool in_hs = top->s_evt_valid && top->s_evt_ready;
    sf_read_probes(*top, probes);

    for (size_t k = 0; k < L && !mm.hit; ++k) {
      const LayerExpect& le = s.layers[k];
      const sf::sim::Probe& p = probes[k];
      if (p.st_we) {
        for (int j = 0; j < le.P; ++j) {
          const int n = static_cast<int>(p.st_addr) * le.P + j;
          if (n < le.n_out)
            vstate[k][static_cast<size_t>(n)] = sf::sim::signed_field(p.st_data, j * le.v_bits, le.v_bits);
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
        obs.spikes[k].push_back({t, got});
        if (next_spk[k] >= exp.size() || exp[next_spk[k]] != got) {
          std::ostringstream o;
          o << "MISMATCH " << fmt_where(le, got, t, cycle) << ": expected "
            << (next_spk[k] < exp.size() ? "spike of neuron " + std::to_string(exp[next_spk[k]])
                                         : std::string("no more spikes this timestep"))
            << ", got spike of neuron " << got;
          mm = {true, cycle, o.str()};
          break;
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
      obs.v[k].push_back(vstate[k]);
      const auto& ev = le.v[static_cast<size_t>(t)];
      for (int n = 0; n < le.n_out; ++n)
        if (vstate[k][static_cast<size_t>(n)] != ev[static_cast<size_t>(n)]) {
          std::ostringstream o;
          o << "MISMATCH " << fmt_where(le, n, t, cycle) << ": state v expected " << ev[static_cast<size_t>(n)]
            << ", got " << vstate[k][static_cast<size_t>(n)];
          mm = {true, cycle, o.str()};
          break;
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

    top->clk = 1;
    top->eval();
    if (tfp) tfp->dump(sim_time);
    sim_time += 5;
    if (in_hs) {
      if (is_event) ++in_pos;
      else ++in_step;
    }
    if (mm.hit) break;
  }
  if (!mm.hit && T > 0) check_debug_reads(m, s, tfp, cycle, mm);
  return mm;
}

}  // namespace

int main(int argc, char** argv) {
  std::string expect_path, result_path, waves;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--expect") expect_path = argv[i + 1];
    else if (a == "--result") result_path = argv[i + 1];
    else if (a == "--waves") waves = argv[i + 1];
  }
  if (expect_path.empty() || result_path.empty()) {
    std::fprintf(stderr, "usage: sf_harness --expect E.json --result R.json [--waves W.fst]\n");
    return 2;
  }
  json doc;
  try {
    std::ifstream in(expect_path);
    doc = json::parse(in);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", expect_path.c_str(), e.what());
    return 2;
  }
  json result = {{"samples", json::array()}};
  int status = 0;
  uint64_t total_cycles = 0;
  double sim_seconds = 0;  // clocking the model and checking it, without file I/O
  const auto& samples = doc.at("samples");
  Model model;
  for (size_t n = 0; n < samples.size(); ++n) {
    Sample s = parse_sample(samples[n]);
    Observed obs;
    const auto t0 = std::chrono::steady_clock::now();
    Mismatch mm = run_sample(model, s, obs, 0);
    sim_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    json r = {{"cycles", obs.cycles}};
    json layers = json::array();
    for (size_t k = 0; k < s.layers.size(); ++k)
      layers.push_back({{"spikes", obs.spikes[k]}, {"v", obs.v[k]}});
    r["layers"] = layers;
    for (uint64_t c : obs.cycles) total_cycles += c;
    if (mm.hit) {
      std::printf("sample %zu: %s\n", n, mm.text.c_str());
      r["mismatch"] = mm.text;
      r["mismatch_cycle"] = mm.cycle;
      if (!waves.empty()) {
        // Replay from power-up on a traced model: the earlier samples untraced,
        // then this one up to just after the mismatch.
        Model traced(waves);
        Observed again;
        for (size_t i = 0; i < n; ++i) run_sample(traced, parse_sample(samples[i]), again, 0);
        run_sample(traced, s, again, mm.cycle + 2);
        std::printf("waveform: %s (cycles 0..%llu of sample %zu)\n", waves.c_str(),
                    static_cast<unsigned long long>(mm.cycle + 2), n);
        r["waves"] = waves;
      }
      result["samples"].push_back(r);
      status = 1;
      break;
    }
    result["samples"].push_back(r);
  }
  result["total_cycles"] = total_cycles;
  result["sim_seconds"] = sim_seconds;
  std::ofstream out(result_path);
  out << result.dump() << "\n";
  return status;
}
