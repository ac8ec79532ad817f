#include "commands.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "board/board.h"
#include "board/emit.h"
#include "board/host.h"
#include "board/pll.h"
#include "board/synth.h"
#include "cosim.h"
#include "emit/hls.h"
#include "emit/verilog.h"
#include "hls_csim.h"
#include "import/netx_convert.h"
#include "import/netx_reader.h"
#include "float_json.h"
#include "import/nir_to_float.h"
#include "quantize/quantize.h"
#include "quantize/akida.h"
#include "akida/check.h"
#include "golden.h"
#include "ir/error.h"
#include "ir/events.h"
#include "ir/json_reader.h"
#include "ir/network.h"
#include "passes/cycle_model.h"
#include "passes/plan.h"
#include "report.h"
#include "util/files.h"

#ifndef SPIKEFORGE_SOURCE_DIR
#define SPIKEFORGE_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace sf::cli {

namespace {

struct Options {
  std::string net, input, trace, summary_json, out, parallel = "auto", waves, work, target = "verilog";
  std::string backend = "verilator";
  std::string traces_dir;  // one trace per sample: DIR/trace_<n>.json
  std::string board, port;
  std::string a, b;
  std::string model;  // import
  // import of NIR: the discretization; quantize
  double dt = 1e-4;
  std::string method = "euler", reset = "zero", if_input = "euler", calib, report;
  bool skip_input = false;  // import: netx input layer
  int weight_bits = 0, leak_frac = 16, q_timesteps = 0;  // weight_bits 0: the target's default
  bool per_channel = false;
  std::string check_target;  // check --target
  int act_bits = 0, check_weight_bits = 4;
  std::string quant_target = "ir";  // quantize --target
  double freq_mhz = 0;  // 0: the board's default network clock
  int baud = 0;         // 0: the board's default
  int seed = 1;         // nextpnr placement seed
  double timeout_s = 10;
  int sample = -1;
  int max_samples = 0;
  bool keep = false;
};
Options opt;

std::string source_dir() {
  const char* env = std::getenv("SPIKEFORGE_HOME");
  return env && *env ? env : SPIKEFORGE_SOURCE_DIR;
}

gen::PlanOptions plan_options() {
  gen::PlanOptions po;
  if (opt.parallel != "auto") {
    try {
      size_t used = 0;
      po.parallel = std::stoi(opt.parallel, &used);
      if (used != opt.parallel.size() || po.parallel < 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw InputError("--parallel: found \"" + opt.parallel + "\", expected auto or a positive integer");
    }
  }
  return po;
}

// Selects the samples a command works on (--sample N, --max-samples N).
std::vector<Raster> pick_samples(std::vector<Raster> all) {
  if (opt.sample >= 0) {
    if (static_cast<size_t>(opt.sample) >= all.size())
      throw InputError(opt.input + ": --sample " + std::to_string(opt.sample) + ": the file holds " +
                       std::to_string(all.size()) + " samples");
    return {all[static_cast<size_t>(opt.sample)]};
  }
  if (opt.max_samples > 0 && all.size() > static_cast<size_t>(opt.max_samples))
    all.resize(static_cast<size_t>(opt.max_samples));
  return all;
}

// --traces DIR: every sample's trace as DIR/trace_<n>.json.
void save_trace_dir(const std::vector<Trace>& traces) {
  if (opt.traces_dir.empty()) return;
  fs::create_directories(opt.traces_dir);
  for (size_t n = 0; n < traces.size(); ++n)
    save_trace(traces[n], opt.traces_dir + "/trace_" + std::to_string(n) + ".json");
}

// --json-summary for a simulator run: what ran and how long it took.
void save_sim_summary(const std::string& backend, size_t samples, const std::vector<Trace>& golden,
                      double build_s, double run_s, double sim_s, uint64_t cycles) {
  if (opt.summary_json.empty()) return;
  int steps = 0;
  for (const Trace& t : golden) steps += t.timesteps;
  json s = {{"backend", backend},       {"samples", samples},   {"timesteps", steps},
            {"identical", true},        {"build_seconds", build_s}, {"run_seconds", run_s},
            {"sim_seconds", sim_s},     {"cycles", cycles}};
  write_file_atomic(opt.summary_json, s.dump() + "\n");
}

std::vector<Trace> golden_traces(const Network& net, const std::vector<Raster>& samples) {
  std::vector<Trace> out;
  ref::Simulator simulator(net);
  for (const Raster& r : samples) out.push_back(simulator.run(r));
  return out;
}

// ---------------------------------------------------------------------------
// Board: what `gen --board`, `synth`, `flow` and `host` share.

struct BoardSetup {
  board::Board board;
  board::PllConfig pll;
  int baud = 0;
};

BoardSetup board_setup() {
  BoardSetup b;
  b.board = board::load_board(opt.board, source_dir() + "/fpga_boards");
  if (opt.freq_mhz < 0 || (opt.freq_mhz > 0 && opt.freq_mhz < 1))
    throw InputError("--freq: found " + std::to_string(opt.freq_mhz) + ", expected a clock in MHz >= 1");
  const double want = opt.freq_mhz > 0 ? opt.freq_mhz * 1e6 : b.board.default_target_hz;
  b.pll = board::ice40_pll(b.board.clock_hz, want);
  if (opt.baud < 0) throw InputError("--baud: found " + std::to_string(opt.baud) + ", expected a positive rate");
  b.baud = opt.baud > 0 ? opt.baud : b.board.default_baud;
  return b;
}

gen::PlanOptions board_plan_options(const board::Board& board) {
  gen::PlanOptions po = plan_options();
  po.have_capacity = true;
  po.capacity.luts = board.capacity.lut;
  po.capacity.ff = board.capacity.ff;
  po.capacity.ebr = board.capacity.ebr;
  po.capacity.spram = board.capacity.spram;
  po.capacity.dsp = board.capacity.dsp;
  return po;
}

// The board's UART interface (board builds and `host` only).
board::TopInterface top_interface(const gen::Plan& plan) {
  // The UART protocol carries output indices only: an output event's value
  // would be lost unless it is always 1.
  if (plan.out_value_max > 1 || plan.out_pay_signed)
    throw InputError(opt.net + ": the network's output events carry " + std::to_string(plan.out_pay_bits) +
                     "-bit values up to " + std::to_string(plan.out_value_max) +
                     ", and the board's UART protocol carries output indices only "
                     "(docs/uart-protocol.md): not supported on a board yet (outputs that are always 1 are: "
                     "1-bit akida, akida2 with the ReLU capped at 1)");
  board::TopInterface t;
  t.in_idx_w = plan.in_idx_w;
  t.in_pay_w = plan.in_pay_bits;
  t.out_idx_w = plan.out_idx_w;
  t.in_pay_signed = plan.in_pay_signed;
  t.ld_addr_w = plan.ld_addr_w;
  t.ld_data_w = plan.ld_addr_w > 0 ? plan.ld_data_w : 0;
  return t;
}

json board_report(const BoardSetup& b) {
  json pll = b.pll.bypass ? json{{"bypass", true}}
                          : json{{"bypass", false}, {"divr", b.pll.divr}, {"divf", b.pll.divf},
                                 {"divq", b.pll.divq}, {"filter_range", b.pll.filter_range}};
  return {{"name", b.board.name},       {"device", b.board.device},
          {"package", b.board.package}, {"oscillator_hz", b.board.clock_hz},
          {"clock_hz", b.pll.out_hz},   {"pll", pll},
          {"baud", b.baud},
          {"capacity", {{"lut", b.board.capacity.lut}, {"ebr", b.board.capacity.ebr},
                        {"spram", b.board.capacity.spram}, {"dsp", b.board.capacity.dsp}}}};
}

// Plans, emits the network (and, with a board, its wrapper) into opt.out.
// Nothing is left in opt.out when this throws.
struct Generated {
  Network net;
  gen::Plan plan;
  std::optional<BoardSetup> board;
};

Generated generate() {
  Generated g{load_network(opt.net), {}, std::nullopt};
  if (!opt.board.empty()) g.board = board_setup();
  g.plan = gen::plan_network(g.net, g.board ? board_plan_options(g.board->board) : plan_options(), opt.net);
  StagedDir out(opt.out);
  if (opt.target == "hls")
    gen::emit_hls(g.net, g.plan, out.path(), absolute_path(opt.out), source_dir() + "/hls/include/sf_hls");
  else
    gen::emit_verilog(g.net, g.plan, out.path(), absolute_path(opt.out), source_dir() + "/rtl_templates");
  json report = plan_report(g.net, g.plan);
  report["target"] = opt.target;
  std::string summary = plan_summary(g.net, g.plan);
  if (g.board) {
    board::emit_board_files(g.board->board, top_interface(g.plan), g.board->pll, g.board->baud, out.path());
    report["board"] = board_report(*g.board);
    char line[160];
    std::snprintf(line, sizeof line, "  board %s: clock %.3f MHz%s, UART %d baud\n",
                  g.board->board.name.c_str(), g.board->pll.out_hz / 1e6,
                  g.board->pll.bypass ? " (oscillator)" : " (PLL)", g.board->baud);
    summary += line;
  }
  write_file_atomic(out.file("report.json"), report.dump(2) + "\n");
  write_file_atomic(out.file("summary.txt"), summary);
  out.commit();
  if (!g.board) {
    // a board wrapper from an earlier `gen --board` into this folder no longer matches
    std::error_code ec;
    for (const char* f : {"sf_board_core.v", "sf_board_top.v"}) fs::remove(fs::path(opt.out) / f, ec);
  }
  std::cout << summary;
  return g;
}

std::string resource_line(const char* what, const board::Resource& r) {
  char buf[128];
  const double pct = r.capacity ? 100.0 * r.used / r.capacity : 0.0;
  std::snprintf(buf, sizeof buf, "  %-12s %6d / %-6d (%5.1f %%)\n", what, r.used, r.capacity, pct);
  return buf;
}

std::string synth_summary(const board::SynthReport& r) {
  std::string s = "bitstream for " + r.board + " (measured by yosys / nextpnr):\n";
  s += resource_line("logic cells", r.lc);
  s += resource_line("LUT4", r.lut4);
  s += resource_line("flip-flops", r.ff);
  s += resource_line("EBR", r.ebr);
  s += resource_line("SPRAM", r.spram);
  s += resource_line("DSP", r.dsp);
  char buf[256];
  std::snprintf(buf, sizeof buf, "  Fmax         %.2f MHz (%s), clock %.3f MHz: timing %s\n", r.fmax_mhz,
                r.fmax_clock.empty() ? "no clock" : r.fmax_clock.c_str(), r.target_mhz,
                r.timing_met ? "met" : "MISSED");
  s += buf;
  s += "  bitstream: " + r.bin_path + "\n";
  return s;
}

// Synthesizes what generate() wrote into opt.out; the tool logs and the .bin go
// to opt.out/synth.
board::SynthReport synthesize_generated(const Generated& g) {
  const BoardSetup& b = *g.board;
  std::vector<std::string> files =
      board::board_source_list(b.board, source_dir() + "/rtl_templates", absolute_path(opt.out));
  board::SynthOptions so;
  so.data_dir = absolute_path(opt.out);
  so.seed = opt.seed;
  std::cout << "synthesizing for " << b.board.name << " at " << b.pll.out_hz / 1e6
            << " MHz (yosys, nextpnr-ice40, icepack)...\n" << std::flush;
  board::SynthReport r =
      board::synthesize(b.board, files, "sf_board_top", absolute_path(opt.out) + "/synth", b.pll.out_hz, so);
  std::string text = synth_summary(r);
  write_file_atomic(absolute_path(opt.out) + "/synth/summary.txt", text);
  std::cout << text;
  return r;
}

int cmd_run() {
  Network net = load_network(opt.net);
  std::vector<Raster> samples = pick_samples(load_rasters(opt.input, &net));
  if (!opt.trace.empty() && samples.size() != 1)
    throw InputError(opt.input + ": holds " + std::to_string(samples.size()) +
                     " samples; --trace writes one sample's trace: choose it with --sample N");
  ref::Simulator simulator(net);
  if (!opt.traces_dir.empty()) {
    // Every sample's full trace (spikes and state): the golden side of a backend comparison.
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Trace> all;
    for (const Raster& r : samples) all.push_back(simulator.run(r));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    save_trace_dir(all);
    std::cout << "golden model: " << all.size() << " sample trace(s) in " << secs << " s, written to "
              << opt.traces_dir << "\n";
    save_sim_summary("golden", all.size(), all, 0.0, secs, secs, 0);
    return 0;
  }
  if (samples.size() == 1) {
    Trace t = simulator.run(samples[0]);
    if (!opt.trace.empty()) save_trace(t, opt.trace);
    std::cout << "network '" << net.name << "', " << t.timesteps << " timesteps, "
              << samples[0].events.size() << " input events\n";
    for (const LayerTrace& l : t.layers)
      std::cout << "  " << l.name << ": " << l.spikes.size() << " spikes\n";
    const int cls = ref::decode(net, t);
    std::cout << "decoded output (" << to_string(net.decoding) << "): " << cls;
    if (samples[0].label) std::cout << " (label " << *samples[0].label << ")";
    std::cout << "\n";
    if (!opt.summary_json.empty()) {
      json s = {{"samples", 1}, {"predictions", {cls}}};
      if (samples[0].label) {
        s["correct"] = cls == *samples[0].label ? 1 : 0;
        s["accuracy"] = cls == *samples[0].label ? 1.0 : 0.0;
      }
      write_file_atomic(opt.summary_json, s.dump() + "\n");
    }
    return 0;
  }
  // Batch: the fast path, counts only.
  std::vector<int> predictions;
  int64_t correct = 0, labelled = 0;
  std::vector<int64_t> counts, totals, layer_sum(net.layers.size(), 0);
  auto t0 = std::chrono::steady_clock::now();
  for (const Raster& r : samples) {
    simulator.run_counts(r, counts, &totals);
    for (size_t k = 0; k < totals.size(); ++k) layer_sum[k] += totals[k];
    // spike_count decoding needs only the counts; first_spike needs the full trace
    int cls;
    if (net.decoding == OutputDecoding::SpikeCount) {
      cls = -1;
      int64_t best = -1;
      for (size_t n = 0; n < counts.size(); ++n)
        if (counts[n] > best) best = counts[n], cls = static_cast<int>(n);
    } else {
      cls = ref::decode(net, simulator.run(r, {false, -1}));
    }
    predictions.push_back(cls);
    if (r.label) {
      ++labelled;
      correct += cls == *r.label;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "network '" << net.name << "': " << samples.size() << " samples in " << secs << " s\n";
  for (size_t k = 0; k < net.layers.size(); ++k)
    std::cout << "  " << net.layers[k].name << ": " << layer_sum[k] << " spikes in total\n";
  json s = {{"samples", samples.size()}, {"predictions", predictions}};
  if (labelled > 0) {
    double acc = static_cast<double>(correct) / static_cast<double>(labelled);
    std::printf("golden accuracy: %.2f%% (%lld/%lld)\n", 100.0 * acc, static_cast<long long>(correct),
                static_cast<long long>(labelled));
    s["correct"] = correct;
    s["labelled"] = labelled;
    s["accuracy"] = acc;
  }
  if (!opt.summary_json.empty()) write_file_atomic(opt.summary_json, s.dump() + "\n");
  return 0;
}

int cmd_gen() {
  if (opt.target == "hls" && !opt.board.empty())
    throw InputError("--board: a board wrapper is Verilog; use it with --target verilog");
  generate();
  if (opt.target == "hls")
    std::cout << "wrote " << opt.out << ": sf_net.h, sf_net.cpp, sf_net_params.cpp, sf_tb.cpp, run_hls.tcl, "
              << "Makefile, include/sf_hls/, report.json\n";
  else
    std::cout << "wrote " << opt.out << ": sf_top.v"
              << (opt.board.empty() ? "" : ", sf_board_core.v, sf_board_top.v")
              << ", memory init files, report.json\n";
  return 0;
}

int cmd_synth() {
  Generated g = generate();
  synthesize_generated(g);
  return 0;
}

// A scratch directory removed on exit unless kept (asked for, or after a mismatch).
class WorkDir {
 public:
  WorkDir(const std::string& given, bool keep) : keep_(keep || !given.empty()) {
    if (!given.empty()) {
      path_ = absolute_path(given);
      fs::create_directories(path_);
    } else {
      std::string tmpl = (fs::temp_directory_path() / "spikeforge-sim-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) throw InputError("cannot create a temporary directory");
      path_ = tmpl;
    }
  }
  ~WorkDir() {
    std::error_code ec;
    if (!keep_) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  bool keep_;
  std::string path_;
};

// Co-simulates `samples` and prints the verdict; 0 when nothing differs, 1 otherwise.
int cosimulate_and_report(const Network& net, const gen::Plan& plan, const std::vector<Raster>& samples,
                          const std::string& work_dir) {
  std::vector<Trace> golden = golden_traces(net, samples);
  sim::CosimOptions co;
  co.work_dir = work_dir;
  co.waves = opt.waves;
  co.source_dir = source_dir();
  co.systemc = opt.backend == "systemc";
  sim::CosimResult res = sim::cosimulate(net, plan, samples, golden, co);

  uint64_t predicted = 0, ops = 0, integ = 0, steps = 0;
  for (const gen::CycleReport& c : res.predicted) {
    predicted += c.total;
    ops += c.synaptic_ops;
    integ += c.integrate_cycles;
    steps += c.cycles.size();
  }
  std::cout << (co.systemc ? "SystemC co-simulation of '" : "co-simulation of '") << net.name << "': " << samples.size() << " sample(s), " << steps
            << " timesteps\n";
  if (!res.ok) {
    std::cout << res.message;
    if (!opt.waves.empty()) std::cout << "waveform: " << opt.waves << "\n";
    std::cout << "RESULT: MISMATCH (work dir " << work_dir << ")\n";
    return 1;
  }
  // The harness checked everything online; compare the recorded traces once more.
  for (size_t n = 0; n < samples.size(); ++n) {
    std::string d = diff_traces(golden[n], res.observed[n]);
    if (!d.empty()) {
      std::cout << "sample " << n << ": golden vs RTL: " << d << "\nRESULT: MISMATCH\n";
      return 1;
    }
  }
  if (!opt.trace.empty()) save_trace(res.observed[0], opt.trace);
  save_trace_dir(res.observed);
  save_sim_summary(co.systemc ? "systemc" : "verilator", samples.size(), golden, res.build_seconds,
                   res.run_seconds, res.sim_seconds, res.total_cycles);
  const double lanes_per_cycle = integ ? static_cast<double>(ops) / static_cast<double>(integ) : 0.0;
  std::printf("  events, spikes, states: identical to the golden model at every timestep\n");
  std::printf("  cycles: %llu measured = %llu predicted by the cycle model\n",
              static_cast<unsigned long long>(res.total_cycles), static_cast<unsigned long long>(predicted));
  std::printf("  synaptic ops per integrate cycle: %.2f (lanes: ", lanes_per_cycle);
  for (size_t k = 0; k < plan.layers.size(); ++k) std::printf("%s%d", k ? "/" : "", plan.layers[k].P);
  std::printf(")\n  verilator%s build %.1f s, run %.2f s, of which clocked simulation with checks %.2f s "
              "(%.2f M cycles/s)\n",
              co.systemc ? " --sc" : "", res.build_seconds, res.run_seconds, res.sim_seconds,
              res.sim_seconds > 0 ? static_cast<double>(res.total_cycles) / res.sim_seconds / 1e6 : 0.0);
  std::printf("RESULT: PASS\n");
  return 0;
}

std::vector<Raster> load_samples_for(const Network& net) {
  std::vector<Raster> samples = pick_samples(load_rasters(opt.input, &net));
  if (!opt.trace.empty() && samples.size() != 1)
    throw InputError(opt.input + ": holds " + std::to_string(samples.size()) +
                     " samples; --trace writes one sample's trace: choose it with --sample N");
  return samples;
}

// HLS C-simulation of `samples` against the golden model; 0 when nothing differs.
int csim_and_report(const Network& net, const gen::Plan& plan, const std::vector<Raster>& samples,
                    const std::string& work_dir) {
  std::vector<Trace> golden = golden_traces(net, samples);
  sim::CsimOptions co;
  co.work_dir = work_dir;
  co.source_dir = source_dir();
  sim::CsimResult res = sim::hls_csim(net, plan, samples, golden, co);
  int steps = 0;
  for (const Trace& t : golden) steps += t.timesteps;
  std::cout << "HLS C-simulation of '" << net.name << "': " << samples.size() << " sample(s), " << steps
            << " timesteps\n";
  if (!res.ok) {
    std::cout << res.message << "RESULT: MISMATCH (work dir " << work_dir << ")\n";
    return 1;
  }
  if (!opt.trace.empty()) save_trace(res.observed[0], opt.trace);
  save_trace_dir(res.observed);
  save_sim_summary("hls", samples.size(), golden, res.build_seconds, res.run_seconds, res.run_seconds, 0);
  std::printf("  events, spikes, states: identical to the golden model at every timestep\n");
  std::printf("  g++ build %.1f s, C-simulation run %.2f s\nRESULT: PASS\n", res.build_seconds, res.run_seconds);
  return 0;
}

int cmd_sim() {
  Network net = load_network(opt.net);
  std::vector<Raster> samples = load_samples_for(net);
  gen::Plan plan = gen::plan_network(net, plan_options(), opt.net);
  if (!opt.waves.empty() && opt.backend == "hls")
    throw InputError("--waves: the hls backend has no waveform; use --backend verilator or systemc");
  WorkDir work(opt.work, opt.keep);
  const int rc = opt.backend == "hls" ? csim_and_report(net, plan, samples, work.path())
                                      : cosimulate_and_report(net, plan, samples, work.path());
  if (rc != 0) work.keep();  // the report names it: the RTL, the model and the logs stay
  return rc;
}

// gen --board, sim, synth: the whole path from a network to a verified bitstream.
int cmd_flow() {
  {
    // Reject a bad raster before anything is written.
    Network net = load_network(opt.net);
    load_samples_for(net);
  }
  auto t0 = std::chrono::steady_clock::now();
  std::cout << "== generate\n";
  Generated g = generate();
  std::vector<Raster> samples = load_samples_for(g.net);
  std::cout << "== co-simulate (Verilator vs golden model)\n";
  const int rc = cosimulate_and_report(g.net, g.plan, samples, absolute_path(opt.out) + "/sim");
  if (rc != 0) return rc;
  std::cout << "== synthesize\n";
  board::SynthReport r = synthesize_generated(g);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("== flow done in %.1f s: RTL co-simulated exactly (%zu sample(s)), bitstream %s\n", secs,
              samples.size(), r.bin_path.c_str());
  return 0;
}

// Runs a raster on a board over a serial port and checks the output against the golden model.
int cmd_host() {
  Network net = load_network(opt.net);
  std::vector<Raster> samples = pick_samples(load_rasters(opt.input, &net));
  BoardSetup b = board_setup();
  gen::Plan plan = gen::plan_network(net, board_plan_options(b.board), opt.net);
  if (!(opt.timeout_s > 0)) throw InputError("--timeout: expected a positive number of seconds");
  const std::string& out_layer = net.layers.back().name;
  int mismatches = 0;
  ref::Simulator simulator(net);
  // SPRAM weights go over the link once, before the first sample
  std::vector<board::LoadWord> load;
  for (const gen::LoadWord& w : gen::load_words(net, plan)) load.push_back({w.addr, w.data});
  if (!load.empty())
    std::cout << "loading " << load.size() << " weight words into SPRAM over " << opt.port << "\n";
  for (size_t n = 0; n < samples.size(); ++n) {
    std::vector<std::vector<int>> got = board::run_on_board(opt.port, b.baud, samples[n], top_interface(plan),
                                                            opt.timeout_s, n == 0 ? load : std::vector<board::LoadWord>{});
    Trace want = simulator.run(samples[n], {false, -1});
    std::vector<std::vector<int>> expect(static_cast<size_t>(want.timesteps));
    for (const LayerTrace& l : want.layers)
      if (l.name == out_layer)
        for (const auto& sp : l.spikes) expect[static_cast<size_t>(sp.t)].push_back(sp.neuron);
    std::cout << "sample " << n << ":";
    // The board's output as a trace of the last layer, decoded like the golden model's.
    Trace board_trace;
    board_trace.timesteps = want.timesteps;
    board_trace.layers.push_back({out_layer, false, {}, {}});
    for (size_t t = 0; t < got.size(); ++t) {
      std::vector<int> g = got[t], e = t < expect.size() ? expect[t] : std::vector<int>{};
      std::sort(g.begin(), g.end());
      std::sort(e.begin(), e.end());
      for (int i : g)
        if (i >= 0 && i < net.output_size()) board_trace.layers[0].spikes.push_back({static_cast<int>(t), i, 1});
      if (g != e) {
        ++mismatches;
        std::cout << "\n  timestep " << t << ": board sent " << g.size() << " spikes, golden model "
                  << e.size();
      }
    }
    const std::vector<int64_t> counts = ref::output_counts(net, board_trace);
    const int cls = ref::decode(net, board_trace);
    std::cout << " output spike counts [";
    for (size_t i = 0; i < counts.size(); ++i) std::cout << (i ? " " : "") << counts[i];
    std::cout << "] -> class " << cls << " (" << to_string(net.decoding) << ")";
    if (samples[n].label) std::cout << " (label " << *samples[n].label << ")";
    std::cout << "\n";
  }
  if (mismatches) {
    std::cout << "RESULT: MISMATCH (" << mismatches << " timesteps differ from the golden model)\n";
    return 1;
  }
  std::cout << "RESULT: PASS (board output equals the golden model)\n";
  return 0;
}

// spikeforge import MODEL -o NET.json: a lava-dl netx `.net` file becomes a
// `loihi2` network (gen/import/netx_convert.h). The output appears whole or
// not at all.
// A network name from a file name: letters, digits, '_', '-', '.'.
std::string name_from_path(const std::string& path, const std::string& fallback) {
  std::string name = fs::path(path).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return name.empty() || name.size() > 128 ? fallback : name;
}

// spikeforge import MODEL.nir -o NET.json: the NIR graph and the chosen
// discretization as a float network (reference/nir_float/float_json.h).
int cmd_import_nir() {
  namespace nf = ref::nir_float;
  nf::FloatNetwork fnet;
  fnet.graph = import::load_nir_float(opt.model);
  fnet.name = name_from_path(opt.model, "nir_model");
  fnet.source = opt.model;
  if (!(opt.dt > 0) || !std::isfinite(opt.dt))
    throw InputError("--dt: found " + std::to_string(opt.dt) + ", expected a positive number of seconds");
  fnet.options.dt = opt.dt;
  fnet.options.method = opt.method == "exact" ? nf::Method::Exact
                        : opt.method == "snntorch" ? nf::Method::SnnTorch : nf::Method::Euler;
  fnet.options.reset = opt.reset == "subtract" ? nf::ResetMode::Subtract : nf::ResetMode::Zero;
  fnet.options.if_input = opt.if_input == "impulse" ? nf::IfInput::Impulse : nf::IfInput::Euler;
  try {
    nf::Simulator check(fnet.graph, fnet.options);  // the options must suit the graph
  } catch (const std::invalid_argument& e) {
    throw InputError(opt.model + ": " + e.what());
  }
  write_file_atomic(opt.out, nf::to_json(fnet).dump() + "\n");
  size_t neurons = 0;
  for (const nf::FloatNode& n : fnet.graph.nodes()) neurons += nf::has_membrane(n.kind) ? 1 : 0;
  std::cout << "imported " << opt.model << " (NIR) -> " << opt.out << ": " << fnet.graph.nodes().size()
            << " nodes (" << neurons << " neuron layers), " << fnet.graph.edges().size() << " edges; dt "
            << opt.dt << " s, " << nf::method_name(fnet.options.method) << ", reset "
            << nf::reset_name(fnet.options.reset) << " (a float network: `spikeforge quantize` makes it integer)\n";
  return 0;
}

int cmd_import() {
  const std::string ext = fs::path(opt.model).extension().string();
  if (ext == ".nir") return cmd_import_nir();
  const import::NetxModel m = import::read_netx(opt.model);
  const std::string name = name_from_path(opt.model, "netx_model");
  import::NetxOptions no;
  no.skip_input = opt.skip_input;
  const import::NetxImport imp = import::netx_to_network(m, name, no);
  const fs::path out = fs::absolute(opt.out);
  const fs::path tmp = out.parent_path() / (out.filename().string() + ".tmp" + std::to_string(::getpid()));
  try {
    save_network(imp.net, tmp.string());
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  std::cout << "imported " << opt.model << " (lava-dl netx) -> " << opt.out << ": " << imp.net.input_size
            << " inputs";
  for (const Layer& l : imp.net.layers) std::cout << " -> " << l.n_out;
  std::cout << ", model loihi2\n";
  for (const import::NetxLayerReport& r : imp.layers)
    std::cout << "  " << r.name << " (" << r.kind << "): du " << r.du << ", dv " << r.dv << ", vth " << r.vth << ", weights "
              << r.sign_mode << ", weight_exp " << r.weight_exp
              << (r.kind == "dense" ? ", num_weight_bits " + std::to_string(r.num_weight_bits) : std::string())
              << (r.weights_changed ? ", " + std::to_string(r.weights_changed) +
                                          " weights changed by Lava's clipping/truncation"
                                    : std::string(", weights exact"))
              << "\n";
  return 0;
}

// spikeforge quantize FLOAT.json -o NET.json: the integer network, and with
// --calib the float-vs-integer precision report (gen/quantize/quantize.h).
int cmd_quantize() {
  namespace nf = ref::nir_float;
  nf::FloatNetwork fnet;
  try {
    fnet = nf::from_json(read_json_file(opt.net));
  } catch (const std::invalid_argument& e) {
    throw InputError(opt.net + ": " + e.what());
  }
  if (fnet.source.empty()) fnet.source = opt.net;
  quant::QuantizeOptions qo;
  qo.weight_bits = opt.weight_bits > 0 ? opt.weight_bits : 8;
  qo.per_channel = opt.per_channel;
  qo.leak_frac = opt.leak_frac;
  std::vector<Raster> samples;
  if (!opt.calib.empty()) {
    samples = load_rasters(opt.calib, nullptr);
    qo.timesteps = samples.front().timesteps;
    for (const Raster& r : samples) qo.timesteps = std::max(qo.timesteps, r.timesteps);
  }
  if (opt.q_timesteps > 0) qo.timesteps = opt.q_timesteps;
  quant::QuantizeResult q;
  const bool akida = opt.quant_target == "akida" || opt.quant_target == "akida2";
  if (akida) {
    quant::AkidaOptions ao;
    ao.generation = opt.quant_target == "akida2" ? quant::AkidaGeneration::V2 : quant::AkidaGeneration::V1;
    ao.weight_bits = opt.weight_bits > 0 ? opt.weight_bits : (ao.generation == quant::AkidaGeneration::V2 ? 8 : 4);
    ao.per_channel = opt.per_channel;
    q = quant::quantize_akida(fnet, fnet.name, ao);
  } else {
    q = quant::quantize(fnet, fnet.name, qo);
  }
  std::vector<quant::SampleAgreement> agreement;
  for (const Raster& r : samples) {
    if (r.size != q.net.input_size)
      throw InputError(opt.calib + ": raster size " + std::to_string(r.size) + ", expected the network's " +
                       std::to_string(q.net.input_size) + " inputs");
    for (const InputEvent& e : r.events)
      if (e.payload != 1)
        throw InputError(opt.calib + ": event (t=" + std::to_string(e.t) + ", i=" + std::to_string(e.index) +
                         "): payload " + std::to_string(e.payload) + ", expected binary spikes (1)");
    agreement.push_back(quant::compare(fnet, q, r));
  }
  const std::string report = opt.report.empty() ? "" : quant::report_json(fnet, q, qo, agreement);
  // both files or neither
  const fs::path out = fs::absolute(opt.out);
  const fs::path tmp = out.parent_path() / (out.filename().string() + ".tmp" + std::to_string(::getpid()));
  try {
    save_network(q.net, tmp.string());
    if (!report.empty()) write_file_atomic(opt.report, report);
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  std::cout << "quantized " << opt.net << " -> " << opt.out << ": " << q.net.input_size << " inputs";
  for (const Layer& l : q.net.layers) std::cout << " -> " << l.n_out;
  std::cout << ", " << q.net.layers.front().weight_bits << "-bit weights, "
            << (opt.quant_target == "akida"    ? std::string("akida (Akida 1.0) layers")
                : opt.quant_target == "akida2" ? std::string("akida2 (Akida 2.0) layers")
                                               : "state proved for " + std::to_string(qo.timesteps) + " timesteps")
            << "\n" << quant::report_text(q, agreement);
  if (!report.empty()) std::cout << "precision report: " << opt.report << "\n";
  return 0;
}

// spikeforge check NET --target akida|akida2: every Akida rule the network
// breaks, layer by layer; nothing (exit 0) for a clean one.
int cmd_check() {
  const akida_check::Target target =
      opt.check_target == "akida2" ? akida_check::Target::Akida2 : akida_check::Target::Akida1;
  const json doc = read_json_file(opt.net);
  const std::string format = doc.is_object() && doc.contains("format") && doc.at("format").is_string()
                                 ? doc.at("format").get<std::string>()
                                 : "";
  std::vector<akida_check::Violation> v;
  if (format == "spikeforge-float-network") {
    ref::nir_float::FloatNetwork f;
    try {
      f = ref::nir_float::from_json(doc);
    } catch (const std::invalid_argument& e) {
      throw InputError(opt.net + ": " + e.what());
    }
    akida_check::CheckOptions co;
    co.weight_bits = opt.check_weight_bits;
    co.act_bits = opt.act_bits;
    v = akida_check::check(f, target, co);
  } else {
    v = akida_check::check(load_network(opt.net), target);
  }
  if (v.empty()) return 0;
  std::cout << opt.net << ": " << v.size() << " violation(s) of " << akida_check::to_string(target) << " rules:\n";
  for (const akida_check::Violation& x : v) std::cout << "  " << x.layer << ": [" << x.rule << "] " << x.text << "\n";
  return 1;
}

int cmd_diff() {
  Trace a = load_trace(opt.a), b = load_trace(opt.b);
  std::string d = diff_traces(a, b);
  if (d.empty()) {
    std::cout << "traces agree\n";
    return 0;
  }
  std::cout << "first difference: " << d << "\n";
  return 1;
}

}  // namespace

void register_commands(CLI::App& app) {
  auto* run = app.add_subcommand("run", "golden model: run a network on a raster");
  run->add_option("network", opt.net, "network JSON (spikeforge-network)")->required();
  run->add_option("--input", opt.input, "input raster (spikeforge-raster)")->required();
  run->add_option("--trace", opt.trace, "write the trace (spikeforge-trace) here");
  run->add_option("--sample", opt.sample, "run only sample N of a batch raster");
  run->add_option("--max-samples", opt.max_samples, "at most the first N samples");
  run->add_option("--traces", opt.traces_dir, "write every sample's trace as DIR/trace_<n>.json");
  run->add_option("--json-summary", opt.summary_json, "write predictions / accuracy (or, with --traces, timing) as JSON here");

  auto* g = app.add_subcommand("gen", "generate Verilog, memory init files and report.json");
  g->add_option("network", opt.net, "network JSON")->required();
  g->add_option("-o,--out", opt.out, "output directory")->required();
  g->add_option("--parallel", opt.parallel, "lanes per layer: auto or P (at most one per neuron)");
  g->add_option("--target", opt.target, "verilog (RTL) or hls (HLS C++ project)")
      ->check(CLI::IsMember({"verilog", "hls"}));
  g->add_option("--board", opt.board, "also emit the board wrapper (fpga_boards/<B>), fit its capacity");
  g->add_option("--freq", opt.freq_mhz, "network clock in MHz with --board (default: the board's)");
  g->add_option("--baud", opt.baud, "UART baud rate with --board (default: the board's)");

  // which samples of a batch raster a command works on (pick_samples)
  auto add_sample_choice = [](CLI::App* c) {
    c->add_option("--sample", opt.sample, "only sample N of a batch raster");
    c->add_option("--max-samples", opt.max_samples, "at most the first N samples");
  };

  // synth and flow: a network built for a board into an output folder
  auto add_board_build = [](CLI::App* c) {
    c->add_option("network", opt.net, "network JSON")->required();
    c->add_option("--board", opt.board, "board (fpga_boards/<B>)")->required();
    c->add_option("-o,--out", opt.out, "output directory")->required();
    c->add_option("--parallel", opt.parallel, "lanes per layer: auto or P (at most one per neuron)");
    c->add_option("--freq", opt.freq_mhz, "network clock in MHz (default: the board's)");
    c->add_option("--baud", opt.baud, "UART baud rate (default: the board's)");
    c->add_option("--seed", opt.seed, "nextpnr placement seed");
  };
  add_board_build(app.add_subcommand("synth", "generate for a board and build the bitstream"));

  auto* fl = app.add_subcommand("flow", "generate, co-simulate and synthesize in one go");
  add_board_build(fl);
  fl->add_option("--input", opt.input, "input raster to co-simulate")->required();
  fl->add_option("--waves", opt.waves, "FST waveform written on the first mismatch");
  add_sample_choice(fl);

  auto* h = app.add_subcommand("host", "run a raster on a board over its serial port");
  h->add_option("network", opt.net, "network JSON (the one the board was built from)")->required();
  h->add_option("--input", opt.input, "input raster")->required();
  h->add_option("--board", opt.board, "board (fpga_boards/<B>)")->required();
  h->add_option("--port", opt.port, "serial port, e.g. /dev/ttyUSB1")->required();
  h->add_option("--baud", opt.baud, "UART baud rate (default: the board's)");
  h->add_option("--parallel", opt.parallel, "the --parallel the bitstream was built with");
  h->add_option("--timeout", opt.timeout_s, "seconds to wait for each answer");
  add_sample_choice(h);

  auto* s = app.add_subcommand("sim", "simulate the generated hardware against the golden model");
  s->add_option("--backend", opt.backend,
                "verilator (RTL, C++ harness), systemc (RTL, SystemC harness) or hls (HLS C-simulation)")
      ->check(CLI::IsMember({"verilator", "systemc", "hls"}));
  s->add_option("network", opt.net, "network JSON")->required();
  s->add_option("--input", opt.input, "input raster")->required();
  s->add_option("--trace", opt.trace, "write the simulated trace (RTL: with cycles) here");
  s->add_option("--traces", opt.traces_dir, "write every sample's simulated trace as DIR/trace_<n>.json");
  s->add_option("--json-summary", opt.summary_json, "write the backend, the work done and its timing as JSON here");
  s->add_option("--waves", opt.waves, "FST waveform written on the first mismatch");
  s->add_option("--work", opt.work, "keep the generated RTL and the model in this directory");
  s->add_option("--parallel", opt.parallel, "lanes per layer: auto or P (at most one per neuron)");
  add_sample_choice(s);
  s->add_flag("--keep", opt.keep, "keep the temporary work directory");

  auto* im = app.add_subcommand("import",
                                 "lava-dl netx .net model -> network JSON (loihi2); NIR .nir graph -> float network JSON");
  im->add_option("model", opt.model, "model file (.net or .nir, HDF5)")->required();
  im->add_option("-o,--out", opt.out, "network JSON to write")->required();
  im->add_flag("--skip-input", opt.skip_input,
               "netx: start after the file's input layer; the raster holds that layer's spikes, (c, y, x) order");
  im->add_option("--dt", opt.dt, "NIR: time step in seconds (default 1e-4)");
  im->add_option("--method", opt.method, "NIR: discretization euler (default) | exact | snntorch")
      ->check(CLI::IsMember({"euler", "exact", "snntorch"}));
  im->add_option("--reset", opt.reset, "NIR: reset zero (to v_reset, default) | subtract")
      ->check(CLI::IsMember({"zero", "subtract"}));
  im->add_option("--if-input", opt.if_input, "NIR: IF input euler (v += dt·r·x, default) | impulse (v += r·x)")
      ->check(CLI::IsMember({"euler", "impulse"}));

  auto* q = app.add_subcommand("quantize", "float network (from import of a .nir) -> integer network JSON");
  q->add_option("network", opt.net, "float network JSON (spikeforge-float-network)")->required();
  q->add_option("-o,--out", opt.out, "integer network JSON to write")->required();
  q->add_option("--weight-bits", opt.weight_bits, "signed weight bits B (ir: 2..16, default 8; akida: 2 or 4, default 4)");
  q->add_flag("--per-channel", opt.per_channel, "one scale per output neuron (refused: see docs/quantize.md)");
  q->add_option("--leak-frac", opt.leak_frac, "fraction bits of a multiplicative leak (default 16)");
  q->add_option("--calib", opt.calib, "raster: compare float and integer spikes on it (precision report)");
  q->add_option("--report", opt.report, "write the precision report (JSON) here");
  q->add_option("--target", opt.quant_target, "ir (if/lif layers, default) | akida (Akida 1.0 layers) | akida2")
      ->check(CLI::IsMember({"ir", "akida", "akida2"}));
  q->add_option("--timesteps", opt.q_timesteps, "runs the state width must hold (default: the raster's, else 1000)");

  auto* ck = app.add_subcommand("check", "Akida compatibility: every rule a network breaks, layer by layer");
  ck->add_option("network", opt.net, "float network (import of a .nir) or network JSON")->required();
  ck->add_option("--target", opt.check_target, "akida (1.0) | akida2 (2.0)")
      ->required()
      ->check(CLI::IsMember({"akida", "akida2"}));
  ck->add_option("--weight-bits", opt.check_weight_bits, "float network: the weight bits it would be converted to (default 4)");
  ck->add_option("--act-bits", opt.act_bits, "float network: the activation bits (default: akida 1, akida2 4)");

  auto* d = app.add_subcommand("diff", "first difference between two traces");
  d->add_option("a", opt.a, "trace A")->required();
  d->add_option("b", opt.b, "trace B")->required();
}

int run_selected(CLI::App& app) {
  if (app.got_subcommand("run")) return cmd_run();
  if (app.got_subcommand("gen")) return cmd_gen();
  if (app.got_subcommand("sim")) return cmd_sim();
  if (app.got_subcommand("synth")) return cmd_synth();
  if (app.got_subcommand("flow")) return cmd_flow();
  if (app.got_subcommand("host")) return cmd_host();
  if (app.got_subcommand("diff")) return cmd_diff();
  if (app.got_subcommand("import")) return cmd_import();
  if (app.got_subcommand("quantize")) return cmd_quantize();
  if (app.got_subcommand("check")) return cmd_check();
  throw InputError("unknown command");
}

}  // namespace sf::cli
