// sf_bench_golden: synaptic events per second of the golden model's fast path
// on peer_bench.py's workload, single thread, best of several repetitions.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "golden.h"
#include "ir/error.h"
#include "peer_work.h"

namespace {

using Clock = std::chrono::steady_clock;

// output_spikes_ref and synaptic_events that peer_bench.py (numpy 1.24) prints
// for its defaults; the rebuilt workload must reproduce them.
const std::vector<int64_t> kPeerDefaultTotals = {9896, 9902, 100};
constexpr int64_t kPeerDefaultEvents = 20129020;

struct Args {
  std::string network, raster, results;
  int reps = 50;
};

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "%s\nusage: sf_bench_golden [--network network.plain.json --raster input.raster.json "
               "[--results results.json]] [--reps N]\n",
               msg);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage((std::string(argv[i]) + " needs a value").c_str());
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--network")) a.network = value();
    else if (!std::strcmp(argv[i], "--raster")) a.raster = value();
    else if (!std::strcmp(argv[i], "--results")) a.results = value();
    else if (!std::strcmp(argv[i], "--reps")) a.reps = std::max(1, std::atoi(value().c_str()));
    else usage((std::string("unknown argument ") + argv[i]).c_str());
  }
  if (a.network.empty() != a.raster.empty()) usage("--network and --raster go together");
  if (!a.network.empty() && a.results.empty()) {
    // peer_bench.py writes results.json next to the network.
    const auto slash = a.network.find_last_of('/');
    const std::string guess = (slash == std::string::npos ? "" : a.network.substr(0, slash + 1)) + "results.json";
    if (std::ifstream(guess)) a.results = guess;
  }
  return a;
}

// Presynaptic spikes x fan-out, the input events included.
int64_t synaptic_events(const sf::Network& net, const sf::Raster& raster, const std::vector<int64_t>& totals) {
  int64_t events = static_cast<int64_t>(raster.events.size()) * net.layers[0].n_out;
  for (size_t k = 0; k + 1 < net.layers.size(); ++k) events += totals[k] * net.layers[k + 1].n_out;
  return events;
}

std::string join(const std::vector<int64_t>& x) {
  std::string s;
  for (int64_t v : x) s += (s.empty() ? "" : " ") + std::to_string(v);
  return s;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  try {
    sf::bench::PeerWork work = args.network.empty()
                                   ? sf::bench::build_peer_work({1000, 1000, 1000, 10}, 200, 0.05, 1)
                                   : sf::bench::load_peer_work(args.network, args.raster, args.results);
    if (args.network.empty()) work.ref_totals = kPeerDefaultTotals, work.ref_events = kPeerDefaultEvents;
    const sf::Network& net = work.net;

    std::printf("workload: %s, %d steps, %zu input events\n", work.origin.c_str(), work.raster.timesteps,
                work.raster.events.size());
    sf::ref::Simulator sim(net);
    for (size_t k = 0; k < net.layers.size(); ++k)
      std::printf("  %s: %d -> %d, theta %lld, int%d weights, int%d accumulators\n", net.layers[k].name.c_str(),
                  net.layers[k].n_in, net.layers[k].n_out, static_cast<long long>(net.layers[k].neuron.iflif.threshold),
                  8 * sim.weight_bytes(k), 8 * sim.accumulator_bytes(k));

    std::vector<int64_t> counts, totals;
    double best = 1e30;
    for (int r = 0; r < args.reps; ++r) {
      const auto t0 = Clock::now();
      sim.run_counts(work.raster, counts, &totals);
      best = std::min(best, seconds_since(t0));
    }
    const int64_t events = synaptic_events(net, work.raster, totals);
    std::printf("golden: %.2f G synaptic events/s (%lld events in %.6f s) best of %d, single thread\n",
                events / best * 1e-9, static_cast<long long>(events), best, args.reps);
    std::printf("spikes per layer: %s\n", join(totals).c_str());

    bool ok = true;
    if (work.ref_totals) {
      const bool same = *work.ref_totals == totals;
      std::printf("peer output_spikes_ref: %s (%s)\n", join(*work.ref_totals).c_str(), same ? "match" : "DIFFERENT");
      ok = ok && same;
    }
    if (work.ref_events) {
      const bool same = *work.ref_events == events;
      std::printf("peer synaptic_events: %lld (%s)\n", static_cast<long long>(*work.ref_events),
                  same ? "match" : "DIFFERENT");
      ok = ok && same;
    }

    // The readable path, once: its speed for scale, and the same spikes.
    const auto t0 = Clock::now();
    const sf::Trace trace = sf::ref::run(net, work.raster, {false, -1});
    const double slow = seconds_since(t0);
    std::vector<int64_t> slow_totals;
    for (const auto& l : trace.layers) slow_totals.push_back(static_cast<int64_t>(l.spikes.size()));
    const bool same = slow_totals == totals && sf::ref::output_counts(net, trace) == counts;
    std::printf("reference run(): %.3f G synaptic events/s (%.3f s), same spikes: %s\n", events / slow * 1e-9, slow,
                same ? "yes" : "NO");
    return ok && same ? 0 : 1;
  } catch (const sf::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
