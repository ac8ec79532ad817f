// lava-dl's Dense + CUBA-LIF ground truth (tests/data/third_party/lava-dl-conformance/loihi2-dense)
// through the generated hardware: the layer becomes an IR network, `spikeforge
// sim` generates its RTL and co-simulates it cycle by cycle against the golden
// model (every spike, u and v, cycles = cycle model), and the trace the RTL
// produced must also match the file itself: every spike of the 2,000 steps and
// every recorded u / v.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>

#include <unistd.h>

#include "conformance_data.h"
#include "util/files.h"
#include "util/process.h"

#if !defined(SF_LOIHI2_CONFORMANCE_DIR) || !defined(SF_SPIKEFORGE)
#error "SF_LOIHI2_CONFORMANCE_DIR and SF_SPIKEFORGE must be set (CMakeLists.txt)"
#endif

namespace sf::ref::loihi2 {
namespace {

namespace fs = std::filesystem;

TEST(Loihi2ConformanceRtl, CosimulatedRtlMatchesGroundTruth) {
  const std::string data = SF_LOIHI2_CONFORMANCE_DIR;
  ASSERT_TRUE(fs::is_directory(data)) << "loihi2 conformance data folder missing: " << data;
  const Layer layer = load_layer(data + "/layer.json");
  const Trace expected = load_expected(data + "/expected.trace.json");

  const fs::path dir = fs::temp_directory_path() / ("sf-loihi2-conformance-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string net = (dir / "net.json").string(), trace = (dir / "rtl.trace.json").string();
  save_network(as_network(layer), net);
  const ProcessResult r = run_process({SF_SPIKEFORGE, "sim", net, "--input", data + "/input.raster.json",
                                       "--trace", trace, "--work", (dir / "work").string()},
                                      (dir / "sim.log").string(), "", 900);
  ASSERT_EQ(r.exit_code, 0) << "spikeforge sim failed; its log:\n" << read_text_file((dir / "sim.log").string());

  const Trace got = load_trace(trace);
  EXPECT_EQ(got.timesteps, expected.timesteps);
  EXPECT_EQ(got.cycles.size(), static_cast<size_t>(expected.timesteps)) << "the RTL trace records cycles";
  const size_t compared = expect_conformance(got, expected);
  EXPECT_GT(compared, 50000u);
  std::cout << "[ loihi2 RTL ] " << compared << " spikes and u/v values of the co-simulated RTL match "
            << "lava-dl's ground truth\n";
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sf::ref::loihi2
