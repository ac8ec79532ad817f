// run() on hand-worked networks: the layer-level rules of the contract
// (integration, bias, payloads, same-step propagation, run length).
#include <gtest/gtest.h>

#include "golden.h"
#include "ir/error.h"
#include "net_builder.h"

namespace sf::ref {
namespace {

using test::dense;
using test::if_params;
using test::lif_params;
using test::network;
using test::raster;
using test::spike_times;
using test::v_of;
using V = std::vector<int64_t>;
using T = std::vector<int>;

TEST(Run, BiasIntegratesEveryStep) {
  // if, theta 10, bias 3, no input: 3 6 9 12->2 5 8 11->1 4 7 10->0.
  const Network net = network(1, {dense("fc", 1, 1, {0}, if_params(10), {3})});
  const Trace tr = run(net, raster(10, 1, {}));
  EXPECT_EQ(v_of(tr, 0, 0), (V{3, 6, 9, 2, 5, 8, 1, 4, 7, 0}));
  EXPECT_EQ(spike_times(tr, 0, 0), (T{3, 6, 9}));
}

TEST(Run, WeightsTimesSpikesSumPerNeuron) {
  // 3 inputs -> 2 neurons, W = [[1, 2, 4], [-1, 5, 0]], theta 100 (silent), reset none.
  // t0: inputs 0, 2 -> I = [5, -1];  t1: input 1 -> I = [2, 5];  t2: all -> I = [7, 4].
  const Network net = network(3, {dense("fc", 3, 2, {1, 2, 4, -1, 5, 0}, if_params(100, ResetMode::None))});
  const Trace tr = run(net, raster(3, 3, {{0, 0, 1}, {0, 2, 1}, {1, 1, 1}, {2, 0, 1}, {2, 1, 1}, {2, 2, 1}}));
  EXPECT_EQ(v_of(tr, 0, 0), (V{5, 7, 14}));
  EXPECT_EQ(v_of(tr, 0, 1), (V{-1, 4, 8}));
  EXPECT_TRUE(tr.layers[0].spikes.empty());
}

TEST(Run, GradedPayloadsMultiplyWeightsIncludingNegative) {
  // 4-bit signed payloads (-8..7); W = [3, -2]; theta 100, reset none.
  // t0 p=5: I = [15, -10];  t1 p=-8: I = [-24, 16] -> v = [-9, 6];  t2 p=7: [21, -14] -> [12, -8].
  const Network net = network(1, {dense("fc", 1, 2, {3, -2}, if_params(100, ResetMode::None))}, 4, true);
  const Trace tr = run(net, raster(3, 1, {{0, 0, 5}, {1, 0, -8}, {2, 0, 7}}));
  EXPECT_EQ(v_of(tr, 0, 0), (V{15, -9, 12}));
  EXPECT_EQ(v_of(tr, 0, 1), (V{-10, 6, -8}));
}

TEST(Run, PayloadOutsideDeclaredWidthIsRejected) {
  const Network sgn = network(1, {dense("fc", 1, 1, {1}, if_params(5))}, 4, true);
  EXPECT_THROW(run(sgn, raster(1, 1, {{0, 0, 8}})), InputError);    // 4-bit signed max 7
  EXPECT_THROW(run(sgn, raster(1, 1, {{0, 0, -9}})), InputError);   // min -8
  const Network uns = network(1, {dense("fc", 1, 1, {1}, if_params(5))}, 4, false);
  EXPECT_THROW(run(uns, raster(1, 1, {{0, 0, -1}})), InputError);   // unsigned
  EXPECT_NO_THROW(run(uns, raster(1, 1, {{0, 0, 15}})));
}

TEST(Run, SpikesReachEveryLayerInTheSameStep) {
  // in -> A (w 1, theta 1) -> B (w 5, theta 5) -> C (w [2, 3], theta 3), input spike at t=2 only.
  // t2: A v=1 spikes; B I=5 spikes; C I=[2, 3] -> neuron 1 spikes, neuron 0 keeps 2.
  const Network net = network(1, {dense("A", 1, 1, {1}, if_params(1)), dense("B", 1, 1, {5}, if_params(5)),
                                  dense("C", 1, 2, {2, 3}, if_params(3))});
  const Trace tr = run(net, raster(5, 1, {{2, 0, 1}}));
  EXPECT_EQ(spike_times(tr, 0, 0), (T{2}));
  EXPECT_EQ(spike_times(tr, 1, 0), (T{2}));
  EXPECT_EQ(spike_times(tr, 2, 1), (T{2}));
  EXPECT_EQ(spike_times(tr, 2, 0), (T{}));
  EXPECT_EQ(v_of(tr, 2, 0), (V{0, 0, 2, 2, 2}));
}

TEST(Run, HiddenSpikesCarryPayloadOneWhateverTheInputPayload) {
  // A gets p=7 through w=1 (v=7 >= 1, reset none, so A fires); B sees payload 1: I = 2, not 14.
  const Network net = network(1, {dense("A", 1, 1, {1}, if_params(1, ResetMode::None)),
                                  dense("B", 1, 1, {2}, if_params(100, ResetMode::None))},
                              4, false);
  const Trace tr = run(net, raster(1, 1, {{0, 0, 7}}));
  EXPECT_EQ(v_of(tr, 0, 0), (V{7}));
  EXPECT_EQ(v_of(tr, 1, 0), (V{2}));
  ASSERT_EQ(tr.layers[0].spikes.size(), 1u);
  EXPECT_EQ(tr.layers[0].spikes[0].payload, 1);
}

TEST(Run, IfRateWithSubtractResetIsFloorOfInputOverTheta) {
  // Constant input a=3 (a spike through w=3 every step), theta 7, subtract, ge.
  // v stays in 0..6 before the input, so at most one spike per step and after T
  // steps the count is floor(3T / 7): T=100 -> 42; the first spike at t=2 (3*3 >= 7).
  std::vector<InputEvent> every_step;
  for (int t = 0; t < 100; ++t) every_step.push_back({t, 0, 1});
  const Trace tr = run(network(1, {dense("fc", 1, 1, {3}, if_params(7))}), raster(100, 1, every_step));
  ASSERT_EQ(tr.layers[0].spikes.size(), 42u);
  EXPECT_EQ(tr.layers[0].spikes[0].t, 2);
  EXPECT_EQ(v_of(tr, 0, 0).back(), 300 - 42 * 7);  // 6: nothing is lost
  // a = 10 > theta: one spike per step at most, so the rate clips at 1 (count 100)
  // and v grows by 10 - 7 = 3 a step: 300 after 100 steps.
  const Trace hi = run(network(1, {dense("fc", 1, 1, {10}, if_params(7))}), raster(100, 1, every_step));
  EXPECT_EQ(hi.layers[0].spikes.size(), 100u);
  EXPECT_EQ(v_of(hi, 0, 0).back(), 300);
}

TEST(Run, LifShiftLeakOnNegativeVTruncatesTowardZero) {
  // k=2, one input of -7 at t0 then nothing: -7, -6, -5, -4, -3, -3 (-3/4 truncates to 0).
  // A floor-based leak would give -7, -5, -4, -3, -3, -3.
  const Network net = network(1, {dense("fc", 1, 1, {-7}, lif_params(100, test::shift_leak(2)))});
  EXPECT_EQ(v_of(run(net, raster(6, 1, {{0, 0, 1}})), 0, 0), (V{-7, -6, -5, -4, -3, -3}));
}

TEST(Run, SubtractDeferredInARun) {
  // Same sequence as the neuron-level test, driven by payloads 12, 0, 0, 8, 30, 0 through w=1.
  const Network net =
      network(1, {dense("fc", 1, 1, {1}, lif_params(10, test::shift_leak(1), ResetMode::SubtractDeferred))}, 6);
  const Trace tr = run(net, raster(6, 1, {{0, 0, 12}, {3, 0, 8}, {4, 0, 30}}));
  EXPECT_EQ(v_of(tr, 0, 0), (V{12, -4, -2, 7, 34, 7}));
  EXPECT_EQ(spike_times(tr, 0, 0), (T{0, 4}));
}

TEST(Run, TimestepsOptionTruncatesOrExtends) {
  const Network net = network(1, {dense("fc", 1, 1, {4}, if_params(100), {1})});
  const Raster r = raster(4, 1, {{0, 0, 1}, {3, 0, 1}});
  // 2 steps: the t=3 event is outside the run. v: 1+4=5, 5+1=6.
  EXPECT_EQ(v_of(run(net, r, {true, 2}), 0, 0), (V{5, 6}));
  // 6 steps: 5, 6, 7, 12, 13, 14 (steps 4, 5 have bias only).
  const Trace tr = run(net, r, {true, 6});
  EXPECT_EQ(tr.timesteps, 6);
  EXPECT_EQ(v_of(tr, 0, 0), (V{5, 6, 7, 12, 13, 14}));
}

TEST(Run, TraceMetadataAndNoState) {
  Network net = network(2, {dense("fc1", 2, 2, {1, 0, 0, 1}, if_params(1)),
                            dense("fc2", 2, 1, {1, 1}, lif_params(1, test::sub_leak(1)))});
  net.name = "meta";
  const Trace tr = run(net, raster(3, 2, {{1, 1, 1}, {0, 0, 1}}), {false, -1});  // unsorted events
  EXPECT_EQ(tr.network, "meta");
  EXPECT_EQ(tr.semantics, "mixed");
  EXPECT_EQ(tr.timesteps, 3);
  EXPECT_TRUE(tr.cycles.empty());
  ASSERT_EQ(tr.layers.size(), 2u);
  EXPECT_EQ(tr.layers[1].name, "fc2");
  EXPECT_TRUE(tr.layers[0].state.empty());
  // fc1: neuron 0 at t0, neuron 1 at t1; fc2 fires on each.
  EXPECT_EQ(tr.layers[0].spikes, (std::vector<Spike>{{0, 0, 1}, {1, 1, 1}}));
  EXPECT_EQ(tr.layers[1].spikes, (std::vector<Spike>{{0, 0, 1}, {1, 0, 1}}));
  EXPECT_EQ(semantics_name(network(1, {dense("a", 1, 1, {1}, if_params(1))})), std::string("if"));
}

TEST(Run, RejectsWhatTheContractDoesNotDefine) {
  const Raster r = raster(2, 1, {{0, 0, 1}});
  Layer deferred_if = dense("fc", 1, 1, {1}, if_params(5, ResetMode::SubtractDeferred));
  deferred_if.neuron.model = NeuronModel::If;
  EXPECT_THROW(run(network(1, {deferred_if}), r), InputError);
  EXPECT_THROW(run(network(1, {dense("fc", 1, 1, {8}, if_params(5), {}, 4)}), r), InputError);  // 8 > 7
  EXPECT_THROW(run(network(1, {dense("fc", 1, 1, {1}, if_params(5, ResetMode::Subtract, FireRule::Ge, 33))}), r),
               InputError);
  EXPECT_THROW(run(network(1, {dense("fc", 1, 1, {1}, if_params(8, ResetMode::Subtract, FireRule::Ge, 4))}), r),
               InputError);  // theta 8 does not fit 4 bits
  EXPECT_THROW(run(network(2, {dense("fc", 1, 1, {1}, if_params(5))}), r), InputError);  // n_in 1 vs input 2
  const Network ok = network(1, {dense("fc", 1, 1, {1}, if_params(5))});
  EXPECT_THROW(run(ok, raster(2, 1, {{0, 0, 1}, {0, 0, 1}})), InputError);  // duplicate (t, i)
  EXPECT_THROW(run(ok, raster(2, 1, {{0, 1, 1}})), InputError);             // index out of range
  EXPECT_THROW(run(ok, raster(2, 1, {{2, 0, 1}})), InputError);             // t out of range
  EXPECT_THROW(run(ok, raster(2, 2, {})), InputError);                      // raster size
}

}  // namespace
}  // namespace sf::ref
