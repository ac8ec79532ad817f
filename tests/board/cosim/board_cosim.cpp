#include "board_cosim.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "board/host.h"
#include "board/protocol.h"
#include "ir/error.h"
#include "ir/events.h"
#include "util/files.h"
#include "util/process.h"
#include "uart_line.h"

namespace sf::board::cosim {

namespace {

struct Options {
  std::string scenario = "run";
  int clocks_per_bit = 16;
  TopInterface top;
  std::string raster;       // spikeforge-raster file; empty: random samples
  std::string trace;        // golden trace; empty: the stand-in's echo model
  int random_samples = 2;
  int random_steps = 140;
  unsigned seed = 1;
  bool pty = false;
  double timeout_s = 30;
  std::string spikeforge;  // scenario cli: this binary's `host` command talks to the board
  std::string network;     // scenario cli: the network the board runs
};

// The clocked design plus the two line models.
class Sim {
 public:
  Sim(Dut& dut, int clocks_per_bit)
      : dut_(dut), cpb_(clocks_per_bit), driver_(clocks_per_bit), monitor_(clocks_per_bit) {}

  void reset(int cycles) {
    dut_.set_rst(true);
    dut_.set_rxd(true);
    for (int k = 0; k < cycles; ++k) dut_.tick();
    dut_.set_rst(false);
  }
  void tick() {
    dut_.set_rxd(driver_.step());
    dut_.tick();
    monitor_.step(dut_.txd());
    ++cycles_;
  }
  void idle(int bits) {
    for (int k = 0; k < bits * cpb_; ++k) tick();
  }
  UartDriver& driver() { return driver_; }
  UartMonitor& monitor() { return monitor_; }
  Dut& dut() { return dut_; }
  uint64_t cycles() const { return cycles_; }

 private:
  Dut& dut_;
  int cpb_;
  UartDriver driver_;
  UartMonitor monitor_;
  uint64_t cycles_ = 0;
};

// The host's byte link, straight into the simulated UART pins.
class SimLink : public ByteLink {
 public:
  explicit SimLink(Sim& sim) : sim_(sim) {}
  void write(const std::vector<uint8_t>& bytes, Deadline) override {
    for (uint8_t b : bytes) sim_.driver().push(b);
  }
  size_t read(uint8_t* buf, size_t n, Deadline deadline) override {
    while (pending_.empty()) {
      for (int k = 0; k < 1024; ++k) sim_.tick();
      for (uint8_t b : sim_.monitor().take()) pending_.push_back(b);
      if (pending_.empty() && std::chrono::steady_clock::now() > deadline) return 0;
    }
    const size_t k = std::min(n, pending_.size());
    std::copy(pending_.begin(), pending_.begin() + static_cast<long>(k), buf);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(k));
    return k;
  }
  std::string name() const override { return "the simulated UART"; }

 private:
  Sim& sim_;
  std::vector<uint8_t> pending_;
};

// Output events per timestep that the stand-in network (standin/sf_top.v)
// answers: {(index + payload) mod 2^out_idx_w}, sorted.
std::vector<std::vector<int>> echo_model(const Raster& r, const TopInterface& top) {
  std::vector<std::set<int>> sets(static_cast<size_t>(r.timesteps));
  const int64_t mask = (int64_t{1} << top.out_idx_w) - 1;
  for (const InputEvent& e : r.events)
    sets[static_cast<size_t>(e.t)].insert(static_cast<int>((e.index + e.payload) & mask));
  std::vector<std::vector<int>> out;
  for (const auto& s : sets) out.emplace_back(s.begin(), s.end());
  return out;
}

// The last layer's spikes of a golden trace, per timestep.
std::vector<std::vector<int>> trace_model(const std::string& path) {
  Trace tr = load_trace(path);
  if (tr.layers.empty()) throw InputError(path + ": trace has no layers");
  std::vector<std::vector<int>> out(static_cast<size_t>(tr.timesteps));
  for (const Spike& s : tr.layers.back().spikes) out.at(static_cast<size_t>(s.t)).push_back(s.neuron);
  return out;
}

std::vector<Raster> random_rasters(const Options& o) {
  std::mt19937 rng(o.seed);
  std::vector<Raster> out;
  const int size = 1 << o.top.in_idx_w;
  for (int s = 0; s < o.random_samples; ++s) {
    Raster r;
    r.timesteps = o.random_steps;
    r.size = size;
    for (int t = 0; t < r.timesteps; ++t) {
      // mostly sparse steps, some empty, one dense one for output backpressure
      int n = static_cast<int>(rng() % 4);
      if (t == 5) n = std::min(size, 60);
      std::set<int> used;
      while (static_cast<int>(used.size()) < n) used.insert(static_cast<int>(rng() % static_cast<unsigned>(size)));
      for (int i : used)
        r.events.push_back({t, i, static_cast<int64_t>(rng() % (1u << o.top.in_pay_w))});
    }
    out.push_back(r);
  }
  return out;
}

std::string steps_text(const std::vector<int>& v) {
  std::string s = "[";
  for (size_t k = 0; k < v.size(); ++k) s += (k ? " " : "") + std::to_string(v[k]);
  return s + "]";
}

// 0 when equal, else prints the first differing timestep and returns 1.
int compare(const std::vector<std::vector<int>>& got, const std::vector<std::vector<int>>& want,
            int sample) {
  for (size_t t = 0; t < std::max(got.size(), want.size()); ++t) {
    const std::vector<int> g = t < got.size() ? got[t] : std::vector<int>{};
    const std::vector<int> w = t < want.size() ? want[t] : std::vector<int>{};
    if (g != w || got.size() != want.size()) {
      std::cerr << "MISMATCH sample " << sample << " timestep " << t << ": board " << steps_text(g)
                << ", expected " << steps_text(w) << " (" << got.size() << " vs " << want.size()
                << " timesteps)\n";
      return 1;
    }
  }
  return 0;
}

// Runs `host` (which opens the slave side of a pseudo-terminal by name) while
// this thread moves bytes between the pty master and the simulated pins.
std::vector<std::vector<int>> run_over_pty(Sim& sim, const std::function<std::vector<std::vector<int>>(const std::string&)>& host) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    throw ToolError(std::string("cannot create a pseudo-terminal: ") + std::strerror(errno));
  const std::string slave = ptsname(master);
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  // Keep the slave open here too, so the master never sees a hang-up between
  // the host's open and close.
  const int keep = open(slave.c_str(), O_RDWR | O_NOCTTY);

  std::atomic<bool> done{false};
  std::vector<std::vector<int>> result;
  std::exception_ptr error;
  std::thread host_thread([&] {
    try {
      result = host(slave);
    } catch (...) {
      error = std::current_exception();
    }
    done = true;
  });
  uint8_t buf[256];
  while (!done) {
    const ssize_t n = read(master, buf, sizeof buf);
    for (ssize_t k = 0; k < n; ++k) sim.driver().push(buf[k]);
    for (int k = 0; k < 512; ++k) sim.tick();
    std::vector<uint8_t> out = sim.monitor().take();
    size_t off = 0;
    while (off < out.size()) {
      const ssize_t w = write(master, out.data() + off, out.size() - off);
      if (w > 0) off += static_cast<size_t>(w);
      else std::this_thread::yield();
    }
  }
  host_thread.join();
  if (keep >= 0) close(keep);
  close(master);
  if (error) std::rethrow_exception(error);
  return result;
}

int scenario_run(Sim& sim, const Options& o) {
  std::vector<Raster> samples = o.raster.empty() ? random_rasters(o) : load_rasters(o.raster, nullptr);
  int failures = 0;
  for (size_t s = 0; s < samples.size(); ++s) {
    const Raster& r = samples[s];
    const auto want = o.trace.empty() ? echo_model(r, o.top) : trace_model(o.trace);
    const uint64_t start = sim.cycles();
    std::vector<std::vector<int>> got;
    if (o.pty) {
      got = run_over_pty(sim, [&](const std::string& port) {
        return run_on_board(port, 115200, r, o.top, o.timeout_s);
      });
    } else {
      SimLink link(sim);
      got = run_on_link(link, r, o.top, o.timeout_s);
    }
    size_t events = 0;
    for (const auto& t : got) events += t.size();
    std::cout << "sample " << s << ": " << r.timesteps << " timesteps, " << r.events.size()
              << " input events, " << events << " output events, " << sim.cycles() - start
              << " cycles" << (o.pty ? " (through a pseudo-terminal)" : "") << "\n";
    failures += compare(got, want, static_cast<int>(s));
    if (!o.trace.empty() && samples.size() > 1)
      throw InputError("--trace holds one sample's answer; give a one-sample raster");
  }
  if (sim.dut().status_error()) {
    std::cerr << "status_error is set after a clean run\n";
    ++failures;
  }
  return failures ? 1 : 0;
}

// The command-line host (`spikeforge host`) runs the raster through a
// pseudo-terminal against the co-simulated board and must report a match with
// the golden model (it computes its own expectation from the network).
int scenario_cli(Sim& sim, const Options& o) {
  if (o.spikeforge.empty() || o.network.empty() || o.raster.empty())
    throw InputError("--scenario cli needs --spikeforge, --network and --raster");
  const std::string log = "host_cli.log";
  std::remove(log.c_str());  // run_process appends
  ProcessResult r;
  run_over_pty(sim, [&](const std::string& port) {
    r = run_process({o.spikeforge, "host", o.network, "--input", o.raster, "--board", "icebreaker",
                     "--port", port, "--timeout", std::to_string(o.timeout_s)},
                    log, "", static_cast<int>(o.timeout_s) * 20);
    return std::vector<std::vector<int>>{};
  });
  const std::string text = read_text_file(log);
  std::cout << text;
  const bool pass = r.exit_code == 0 && text.find("RESULT: PASS") != std::string::npos;
  std::cout << (pass ? "ok   " : "FAIL ") << "spikeforge host exit status " << r.exit_code << "\n";
  return pass ? 0 : 1;
}

// Collects the board's records until `want` records arrived (or a cycle budget).
std::vector<BoardRecord> collect(Sim& sim, RecordDecoder& dec, size_t want, uint64_t max_cycles) {
  std::vector<BoardRecord> out;
  for (uint64_t c = 0; c < max_cycles && out.size() < want; ++c) {
    sim.tick();
    if ((c & 63) == 0) {
      dec.feed(sim.monitor().take());
      for (BoardRecord r; dec.next(r);) out.push_back(r);
    }
  }
  dec.feed(sim.monitor().take());
  for (BoardRecord r; dec.next(r);) out.push_back(r);
  return out;
}

struct Checker {
  int failures = 0;
  void expect(bool ok, const std::string& what) {
    std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
    if (!ok) ++failures;
  }
};

bool is_error(const BoardRecord& r, BridgeError code) {
  return r.type == RecordType::Error && r.error == code;
}

void send(Sim& sim, const std::vector<uint8_t>& bytes) {
  for (uint8_t b : bytes) sim.driver().push(b);
}

// Malformed input: every kind is reported with its ERROR record, the bridge
// resynchronizes at the next header, and RESET clears the error state.
int scenario_errors(Sim& sim, const Options& o) {
  Checker c;
  RecordDecoder dec(o.top);
  const uint64_t budget = 400ull * 10 * static_cast<uint64_t>(o.clocks_per_bit);

  send(sim, encode_command(RecordType::Reset));
  auto recs = collect(sim, dec, 1, budget);
  c.expect(recs.size() == 1 && recs[0].type == RecordType::Reset, "RESET is answered");
  c.expect(!sim.dut().status_error(), "no error after reset");

  send(sim, {0x05});
  recs = collect(sim, dec, 1, budget);
  c.expect(recs.size() == 1 && is_error(recs[0], BridgeError::Stray), "stray data byte -> ERROR 4");

  send(sim, {0xff});
  recs = collect(sim, dec, 1, budget);
  c.expect(recs.size() == 1 && is_error(recs[0], BridgeError::Unknown), "unknown type -> ERROR 5");

  sim.driver().push(0x84, false);
  sim.idle(20);
  recs = collect(sim, dec, 1, budget);
  c.expect(recs.size() == 1 && is_error(recs[0], BridgeError::Framing), "missing stop bit -> ERROR 1");

  // An EVENT cut short by another EVENT: the second one counts.
  const int idx = 3;
  const std::vector<uint8_t> good = encode_event(o.top, idx, 0);
  send(sim, std::vector<uint8_t>(good.begin(), good.end() - 1));
  send(sim, good);
  send(sim, encode_command(RecordType::Eot));
  recs = collect(sim, dec, 3, 20 * budget);
  c.expect(recs.size() == 3 && is_error(recs[0], BridgeError::Truncated),
           "header inside an EVENT -> ERROR 3");
  c.expect(recs.size() == 3 && recs[1].type == RecordType::Event && recs[1].index == idx,
           "the bridge resynchronized on the next header (event " + std::to_string(idx) + " answered)");
  c.expect(recs.size() == 3 && recs[2].type == RecordType::Eot && recs[2].step == 0, "EOT of step 0");
  c.expect(sim.dut().status_error(), "status_error is set");

  send(sim, encode_command(RecordType::Info));
  recs = collect(sim, dec, 1, budget);
  c.expect(recs.size() == 1 && recs[0].type == RecordType::Info && recs[0].info.version == kProtocolVersion &&
               recs[0].info.in_idx_w == o.top.in_idx_w && recs[0].info.in_pay_w == o.top.in_pay_w &&
               recs[0].info.out_idx_w == o.top.out_idx_w,
           "INFO reports the protocol version and port widths");

  send(sim, encode_command(RecordType::Reset));
  recs = collect(sim, dec, 1, budget);
  c.expect(recs.size() == 1 && recs[0].type == RecordType::Reset, "RESET is answered again");
  c.expect(!sim.dut().status_error(), "RESET clears status_error");
  send(sim, encode_command(RecordType::Eot));
  recs = collect(sim, dec, 1, 20 * budget);
  c.expect(recs.size() == 1 && recs[0].type == RecordType::Eot && recs[0].step == 0,
           "the step counter restarts at 0");
  c.expect(dec.errors().empty(), "every byte from the board was well formed");
  return c.failures ? 1 : 0;
}

// Input that arrives while the network cannot take it is reported, never lost
// silently, and no output event is dropped meanwhile.
int scenario_overrun(Sim& sim, const Options& o) {
  Checker c;
  RecordDecoder dec(o.top);
  const uint64_t budget = 400ull * 10 * static_cast<uint64_t>(o.clocks_per_bit);
  send(sim, encode_command(RecordType::Reset));
  auto recs = collect(sim, dec, 1, budget);
  c.expect(recs.size() == 1 && recs[0].type == RecordType::Reset, "RESET is answered");

  // Step 0 with many output events; then, without waiting for its answer, two
  // more events: the network is busy answering, so the second one overruns.
  Raster r;
  r.timesteps = 1;
  r.size = 1 << o.top.in_idx_w;
  const int n = std::min(40, 1 << o.top.out_idx_w);
  for (int i = 0; i < n; ++i) r.events.push_back({0, i, 0});
  send(sim, encode_raster(r, o.top)[0]);
  send(sim, encode_event(o.top, 1, 0));
  send(sim, encode_event(o.top, 2, 0));
  recs = collect(sim, dec, static_cast<size_t>(n) + 2, 200 * budget);
  std::vector<int> events;
  int overruns = 0, eots = 0;
  for (const BoardRecord& rec : recs) {
    if (rec.type == RecordType::Event) events.push_back(rec.index);
    if (rec.type == RecordType::Eot) ++eots;
    if (is_error(rec, BridgeError::Overrun)) ++overruns;
  }
  std::vector<int> want;
  for (int i = 0; i < n; ++i) want.push_back(i);
  c.expect(overruns == 1, "one ERROR 2 (overrun) for the event that found no room");
  c.expect(events == want, "all " + std::to_string(n) + " output events of step 0 arrived in order");
  c.expect(eots == 1, "step 0 ended once");
  c.expect(sim.dut().status_error(), "status_error is set");
  return c.failures ? 1 : 0;
}

}  // namespace

int run_main(int argc, char** argv, Dut& dut) {
  Options o;
  CLI::App app{"UART co-simulation of sf_board_core"};
  app.add_option("--spikeforge", o.spikeforge, "scenario cli: the spikeforge binary");
  app.add_option("--network", o.network, "scenario cli: the network JSON the board was built from");
  app.add_option("--scenario", o.scenario, "run | errors | overrun | cli")
      ->check(CLI::IsMember({"run", "errors", "overrun", "cli"}));
  app.add_option("--clocks-per-bit", o.clocks_per_bit, "CLK_HZ / BAUD the model was built with")->required();
  app.add_option("--in-idx-w", o.top.in_idx_w)->required();
  app.add_option("--in-pay-w", o.top.in_pay_w)->required();
  app.add_option("--out-idx-w", o.top.out_idx_w)->required();
  app.add_flag("--signed-payload", o.top.in_pay_signed);
  app.add_option("--raster", o.raster, "spikeforge-raster input (default: random samples)");
  app.add_option("--trace", o.trace, "golden trace to compare with (default: the stand-in's model)");
  app.add_option("--random-samples", o.random_samples);
  app.add_option("--random-steps", o.random_steps);
  app.add_option("--seed", o.seed);
  app.add_flag("--pty", o.pty, "run the host client through a pseudo-terminal");
  app.add_option("--timeout", o.timeout_s, "seconds the host waits for each answer");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    Sim sim(dut, o.clocks_per_bit);
    sim.reset(16);
    if (o.scenario == "errors") return scenario_errors(sim, o);
    if (o.scenario == "cli") return scenario_cli(sim, o);
    if (o.scenario == "overrun") return scenario_overrun(sim, o);
    return scenario_run(sim, o);
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const CheckFailure& e) {
    std::cerr << "FAIL: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace sf::board::cosim
