// Output decoding on traces written by hand.
#include <gtest/gtest.h>

#include "golden.h"
#include "ir/error.h"
#include "net_builder.h"

namespace sf::ref {
namespace {

Network three_outputs(OutputDecoding d) {
  Network net = test::network(1, {test::dense("out", 1, 3, {1, 1, 1}, test::if_params(1))});
  net.decoding = d;
  return net;
}

Trace with_spikes(std::vector<Spike> spikes) {
  Trace tr;
  tr.layers.push_back({"out", false, std::move(spikes), {}});
  return tr;
}

TEST(Decode, SpikeCountTiesGoToTheLowestIndex) {
  // counts [1, 2, 2]: neurons 1 and 2 tie -> 1.
  const Trace tr = with_spikes({{0, 1, 1}, {0, 2, 1}, {1, 0, 1}, {1, 2, 1}, {2, 1, 1}});
  EXPECT_EQ(output_counts(three_outputs(OutputDecoding::SpikeCount), tr), (std::vector<int64_t>{1, 2, 2}));
  EXPECT_EQ(decode(three_outputs(OutputDecoding::SpikeCount), tr), 1);
  // No spike at all: every count is 0, a three-way tie -> 0.
  EXPECT_EQ(decode(three_outputs(OutputDecoding::SpikeCount), with_spikes({})), 0);
}

// decode_counts: the argmax that decode and `spikeforge run`'s batch path
// share. Graded outputs can sum to negative counts: the largest still wins.
TEST(Decode, DecodeCountsIsTheArgmaxWithTiesToTheLowestIndex) {
  EXPECT_EQ(decode_counts({1, 2, 2}), 1);
  EXPECT_EQ(decode_counts({0, 0, 0}), 0);
  EXPECT_EQ(decode_counts({-5, -3, -3}), 1);
  EXPECT_EQ(decode_counts({}), -1);
}

TEST(Decode, OutputCountsWithoutTheNetworkTakeTheStateWidth) {
  Trace tr = with_spikes({{0, 1, 1}});
  EXPECT_EQ(output_counts(tr), (std::vector<int64_t>{0, 1}));  // no state: up to the highest neuron
  tr.layers[0].state["v"] = {{0, 0, 0, 0}};
  EXPECT_EQ(output_counts(tr), (std::vector<int64_t>{0, 1, 0, 0}));
}

TEST(Decode, FirstSpikeEarliestThenLowestIndex) {
  const Network net = three_outputs(OutputDecoding::FirstSpike);
  EXPECT_EQ(decode(net, with_spikes({{4, 2, 1}, {4, 1, 1}, {5, 0, 1}})), 1);  // t=4 tie: 1 < 2
  EXPECT_EQ(decode(net, with_spikes({{3, 2, 1}, {4, 0, 1}})), 2);             // earliest wins over index
  EXPECT_EQ(decode(net, with_spikes({})), -1);
}

TEST(Decode, MembraneArgmaxOfFinalStateNeedsState) {
  const Network net = three_outputs(OutputDecoding::Membrane);
  Trace tr = with_spikes({});
  EXPECT_THROW(decode(net, tr), InputError);
  tr.layers[0].state["v"] = {{9, 0, 0}, {3, 9, 9}};  // the last row counts: 9 at 1 and 2 -> 1
  EXPECT_EQ(decode(net, tr), 1);
}

TEST(Decode, RejectsSpikesOutsideTheOutputLayer) {
  EXPECT_THROW(output_counts(three_outputs(OutputDecoding::SpikeCount), with_spikes({{0, 3, 1}})), InputError);
}

}  // namespace
}  // namespace sf::ref
