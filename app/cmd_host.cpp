// spikeforge host NET --input RASTER --board B --port P: runs a raster on a
// board over a serial port and checks the output against the golden model.
#include <iostream>
#include <memory>

#include "board/compare.h"
#include "board/host.h"
#include "build.h"
#include "commands.h"
#include "common.h"
#include "emit/verilog.h"
#include "golden.h"
#include "ir/error.h"

namespace sf::app {

namespace {

struct HostArgs {
  std::string net, input, port, parallel = "auto";
  BoardArgs board;
  double timeout_s = 10;
  SampleChoice samples;
};

int run(const HostArgs& a) {
  Network net = load_network(a.net);
  std::vector<Raster> samples = a.samples.pick(load_rasters(a.input, &net), a.input);
  BoardSetup b = board_setup(a.board);
  gen::Plan plan = gen::plan_network(net, board_plan_options(b.board, a.parallel), a.net);
  if (!(a.timeout_s > 0)) throw InputError("--timeout: expected a positive number of seconds");
  const std::string& out_layer = net.layers.back().name;
  int mismatches = 0;
  ref::Simulator simulator(net);
  // SPRAM weights go over the link once, before the first sample
  std::vector<board::LoadWord> load;
  for (const gen::LoadWord& w : gen::load_words(net, plan)) load.push_back({w.addr, w.data});
  if (!load.empty())
    std::cout << "loading " << load.size() << " weight words into SPRAM over " << a.port << "\n";
  for (size_t n = 0; n < samples.size(); ++n) {
    std::vector<std::vector<int>> got = board::run_on_board(a.port, b.baud, samples[n], top_interface(plan, a.net),
                                                            a.timeout_s, n == 0 ? load : std::vector<board::LoadWord>{});
    const Trace want = simulator.run(samples[n], {false, -1});
    const board::OutputComparison cmp = board::compare_output(got, want, out_layer, net.output_size());
    std::cout << "sample " << n << ":";
    for (const board::StepMismatch& m : cmp.mismatches) {
      ++mismatches;
      std::cout << "\n  timestep " << m.t << ": board sent " << m.board_spikes << " spikes, golden model "
                << m.golden_spikes;
    }
    // The board's output decoded like the golden model's.
    const std::vector<int64_t> counts = ref::output_counts(net, cmp.output);
    const int cls = ref::decode(net, cmp.output);
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

}  // namespace

Command register_host(CLI::App& app) {
  auto a = std::make_shared<HostArgs>();
  auto* c = app.add_subcommand("host", "run a raster on a board over its serial port");
  c->add_option("network", a->net, "network JSON (the one the board was built from)")->required();
  c->add_option("--input", a->input, "input raster")->required();
  c->add_option("--board", a->board.board, "board (fpga_boards/<B>)")->required();
  c->add_option("--port", a->port, "serial port, e.g. /dev/ttyUSB1")->required();
  c->add_option("--baud", a->board.baud, "UART baud rate (default: the board's)");
  c->add_option("--parallel", a->parallel, "the --parallel the bitstream was built with");
  c->add_option("--timeout", a->timeout_s, "seconds to wait for each answer");
  a->samples.add_options(c);
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
