// lava-dl's Dense + CUBA-LIF ground truth (tests/data/third_party/lava-dl-conformance/loihi2-dense,
// see its README): every spike of all timesteps and every recorded u and v
// must match exactly. A missing data folder is a failure, not a skip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conformance_data.h"
#include "golden.h"
#include "ir/events.h"
#include "loihi2.h"

#ifndef SF_LOIHI2_CONFORMANCE_DIR
#error "SF_LOIHI2_CONFORMANCE_DIR must name the loihi2-dense conformance folder (set in CMakeLists.txt)"
#endif

namespace sf::ref::loihi2 {
namespace {

const std::string kDataDir = SF_LOIHI2_CONFORMANCE_DIR;

class Loihi2Conformance : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::is_directory(kDataDir))
        << "loihi2 conformance data folder missing: " << kDataDir
        << " (lava-dl's Dense + CUBA ground truth: layer.json, input.raster.json, expected.trace.json)";
    for (const char* f : {"layer.json", "input.raster.json", "expected.trace.json"})
      ASSERT_TRUE(std::filesystem::is_regular_file(kDataDir + "/" + f))
          << "loihi2 conformance file missing: " << kDataDir << "/" << f;
    layer_ = load_layer(kDataDir + "/layer.json");
    const std::vector<Raster> rasters = load_rasters(kDataDir + "/input.raster.json", nullptr);
    ASSERT_EQ(rasters.size(), 1u) << "expected a single-sample raster";
    input_ = rasters[0];
    expected_ = load_expected(kDataDir + "/expected.trace.json");
    ASSERT_EQ(expected_.layers.size(), 1u);
  }

  Layer layer_;
  Raster input_;
  Trace expected_;
};

// The README says the weights pass Lava's preparation unchanged; check it
// rather than assume it, since the simulation below uses the prepared ones.
TEST_F(Loihi2Conformance, WeightsPassPreparationUnchanged) {
  const WeightMatrix prepared = prepare_weight_matrix(layer_.weights, layer_.params.num_weight_bits);
  ASSERT_EQ(prepared.size(), layer_.weights.size());
  for (size_t r = 0; r < prepared.size(); ++r)
    for (size_t i = 0; i < prepared[r].size(); ++i)
      ASSERT_EQ(prepared[r][i], layer_.weights[r][i]) << "weights[" << r << "][" << i << "]";
}

TEST_F(Loihi2Conformance, EverySpikeAndStateMatches) {
  const WeightMatrix w = prepare_weight_matrix(layer_.weights, layer_.params.num_weight_bits);
  const Trace got = run_dense(w, layer_.params, input_, expected_.timesteps, expected_.layers[0].name);
  const LayerTrace& g = got.layers[0];
  const LayerTrace& e = expected_.layers[0];

  // Spikes: all timesteps. A non-empty expectation keeps the test able to fail.
  ASSERT_FALSE(e.spikes.empty());
  EXPECT_EQ(g.spikes.size(), e.spikes.size());
  size_t spikes_compared = 0;
  for (size_t k = 0; k < e.spikes.size() && k < g.spikes.size(); ++k, ++spikes_compared)
    ASSERT_TRUE(g.spikes[k] == e.spikes[k]) << "spike " << k << ": got [" << g.spikes[k].t << ", "
                                            << g.spikes[k].neuron << "], expected [" << e.spikes[k].t << ", "
                                            << e.spikes[k].neuron << "]";

  // States: every row the file records (the first timesteps only).
  size_t states_compared = 0;
  for (const char* var : {"u", "v"}) {
    ASSERT_TRUE(e.state.count(var)) << "expected trace has no state '" << var << "'";
    const auto& rows = e.state.at(var);
    const auto& mine = g.state.at(var);
    ASSERT_FALSE(rows.empty());
    ASSERT_LE(rows.size(), mine.size());
    for (size_t t = 0; t < rows.size(); ++t) {
      ASSERT_EQ(rows[t].size(), mine[t].size()) << var << " at t " << t;
      for (size_t n = 0; n < rows[t].size(); ++n, ++states_compared)
        ASSERT_EQ(mine[t][n], rows[t][n]) << "state " << var << ", t " << t << ", neuron " << n;
    }
  }

  // The project's own comparison must agree once the extra state rows are cut.
  Trace cut = got;
  for (auto& [var, rows] : cut.layers[0].state) rows.resize(e.state.at(var).size());
  EXPECT_EQ(diff_traces(cut, expected_), "");

  RecordProperty("spikes_compared", static_cast<int>(spikes_compared));
  RecordProperty("states_compared", static_cast<int>(states_compared));
  std::cout << "[ loihi2 ] " << spikes_compared << " spikes over " << expected_.timesteps << " timesteps and "
            << states_compared << " u/v values over " << e.state.at("u").size() << " timesteps x "
            << e.state.at("u")[0].size() << " neurons match\n";
}

// The same layer as an IR network through sf::ref::run (the path `spikeforge
// run` / `sim` take): identical to the ground truth.
TEST_F(Loihi2Conformance, NetworkGoldenPathMatches) {
  const Network net = as_network(layer_);
  const Trace got = sf::ref::run(net, input_, {true, expected_.timesteps});
  const size_t compared = expect_conformance(got, expected_);
  EXPECT_GT(compared, 50000u);
}

}  // namespace
}  // namespace sf::ref::loihi2
