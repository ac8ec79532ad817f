// Max pooling and global average pooling (an integer SUM) for both
// generations, and HWC indexing of map events.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "akida_test_util.h"

namespace sf::ref::akida {
namespace {

using test::step;
using test::v1_params;

// One-channel map from rows.
Map map1(const std::vector<std::vector<int64_t>>& rows) {
  Map m(static_cast<int>(rows.size()), static_cast<int>(rows[0].size()), 1);
  for (size_t y = 0; y < rows.size(); ++y)
    for (size_t x = 0; x < rows[y].size(); ++x) m.at(static_cast<int>(y), static_cast<int>(x), 0) = rows[y][x];
  return m;
}

std::vector<std::vector<int64_t>> rows_of(const Map& m) {
  std::vector<std::vector<int64_t>> out(static_cast<size_t>(m.height));
  for (int y = 0; y < m.height; ++y)
    for (int x = 0; x < m.width; ++x) out[static_cast<size_t>(y)].push_back(m.at(y, x, 0));
  return out;
}

const Map kP = map1({{1, 5, -3, 0}, {2, -8, 7, 4}, {9, 0, -1, -2}, {3, 6, -5, -6}});

// 2x2 stride 2: max(1,5,2,-8) = 5, max(-3,0,7,4) = 7, max(9,0,3,6) = 9,
// max(-1,-2,-5,-6) = -1.
TEST(AkidaMaxPool, TwoByTwoStrideTwo) {
  EXPECT_EQ(rows_of(max_pool(kP, 2, 2, 2, 2, Padding::kValid)), (std::vector<std::vector<int64_t>>{{5, 7}, {9, -1}}));
}

// 2x2 stride 1 (overlapping windows), 3x3 outputs:
// row 0: max(1,5,2,-8)=5  max(5,-3,-8,7)=7  max(-3,0,7,4)=7
// row 1: max(2,-8,9,0)=9  max(-8,7,0,-1)=7  max(7,4,-1,-2)=7
// row 2: max(9,0,3,6)=9   max(0,-1,6,-5)=6  max(-1,-2,-5,-6)=-1
TEST(AkidaMaxPool, StrideOneOverlaps) {
  EXPECT_EQ(rows_of(max_pool(kP, 2, 2, 1, 1, Padding::kValid)),
            (std::vector<std::vector<int64_t>>{{5, 7, 7}, {9, 7, 7}, {9, 6, -1}}));
}

// SAME, 3x3 map, 2x2 stride 2: 2x2 outputs, pad_total = (2-1)*2 + 2 - 3 = 1,
// all of it after (pad_top = 0): windows rows {0,1},{2} x cols {0,1},{2}.
// All values are negative, so a padded 0 taking part would show as 0.
// (0,0) = max(-4,-7,-5,-6) = -4; (0,1) = max(-9,-1) = -1;
// (1,0) = max(-3,-8) = -3; (1,1) = -2.
TEST(AkidaMaxPool, SamePaddingIgnoresPaddedCells) {
  const Map m = map1({{-4, -7, -9}, {-5, -6, -1}, {-3, -8, -2}});
  EXPECT_EQ(rows_of(max_pool(m, 2, 2, 2, 2, Padding::kSame)), (std::vector<std::vector<int64_t>>{{-4, -1}, {-3, -2}}));
  // 3x3 stride 1 SAME: pad 1 on each side. (0,0): rows 0-1, cols 0-1 -> -4;
  // (1,1): everything -> -1; (2,0): rows 1-2, cols 0-1 -> max(-5,-6,-3,-8) = -3;
  // (0,2): rows 0-1, cols 1-2 -> max(-7,-9,-6,-1) = -1.
  const Map s = max_pool(m, 3, 3, 1, 1, Padding::kSame);
  EXPECT_EQ(s.at(0, 0, 0), -4);
  EXPECT_EQ(s.at(1, 1, 0), -1);
  EXPECT_EQ(s.at(2, 0, 0), -3);
  EXPECT_EQ(s.at(0, 2, 0), -1);
}

// SAME with an odd pad: width 4, pool 3, stride 2 -> 2 outputs,
// pad_total = 1*2 + 3 - 4 = 1, placed after (TF: the smaller half first).
// Windows {0,1,2} and {2,3}: max(-1,-2,-3) = -1, max(-3,-9) = -3. With the pad
// before, the windows would be {0,1} and {1,2,3}: -1, -2.
TEST(AkidaMaxPool, SamePaddingPutsTheOddCellAfter) {
  EXPECT_EQ(rows_of(max_pool(map1({{-1, -2, -3, -9}}), 1, 3, 1, 2, Padding::kSame)),
            (std::vector<std::vector<int64_t>>{{-1, -3}}));
}

// Channels pool independently (HWC layout): c0 = kP, c1 = -kP.
// c1 2x2 stride 2: max(-1,-5,-2,8) = 8, max(3,0,-7,-4) = 3, max(-9,0,-3,-6) = 0,
// max(1,2,5,6) = 6.
TEST(AkidaMaxPool, ChannelsAreIndependent) {
  Map m(4, 4, 2);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      m.at(y, x, 0) = kP.at(y, x, 0);
      m.at(y, x, 1) = -kP.at(y, x, 0);
    }
  const Map o = max_pool(m, 2, 2, 2, 2, Padding::kValid);
  EXPECT_EQ((std::vector<int64_t>{o.at(0, 0, 1), o.at(0, 1, 1), o.at(1, 0, 1), o.at(1, 1, 1)}),
            (std::vector<int64_t>{8, 3, 0, 6}));
  EXPECT_EQ((std::vector<int64_t>{o.at(0, 0, 0), o.at(0, 1, 0), o.at(1, 0, 0), o.at(1, 1, 0)}),
            (std::vector<int64_t>{5, 7, 9, -1}));
}

// ---- Akida 1.0: pooling on potentials commutes with the activation --------------

// T = 0, act_step 2 at 4 bits: y = ceil(p / 2) for p > 0.
// Activated kP: {1,3,0,0}, {1,0,4,2}, {5,0,0,0}, {2,3,0,0}; pooled 2x2/2: {3,4},{5,0}.
// Pooled potentials {5,7},{9,-1} activate to ceil(2.5)=3, ceil(3.5)=4, ceil(4.5)=5, 0.
// Events: index (y*2 + x)*1 + c: (0,3), (1,4), (2,5); (3, 0) is not emitted.
TEST(AkidaV1Pooling, MaxPoolCommutesWithActivation) {
  const V1Params p = v1_params(4, 4, 4, {0}, {2.0f});
  const Map pooled = max_pool(kP, 2, 2, 2, 2, Padding::kValid);
  const std::vector<Event> want{{0, 3}, {1, 4}, {2, 5}};
  EXPECT_EQ(v1_activate_map(pooled, p), want);
  // Activate first, then pool the activations.
  Map act = kP;
  for (int64_t& v : act.data) v = v1_activation(v, 0, step(2.0f), 4);
  EXPECT_EQ(rows_of(act), (std::vector<std::vector<int64_t>>{{1, 3, 0, 0}, {1, 0, 4, 2}, {5, 0, 0, 0}, {2, 3, 0, 0}}));
  const Map act_pooled = max_pool(act, 2, 2, 2, 2, Padding::kValid);
  EXPECT_EQ(rows_of(act_pooled), (std::vector<std::vector<int64_t>>{{3, 4}, {5, 0}}));
}

// Per-channel parameters and HWC event indexes on a 1x2x2 map:
// (0,0,c0) = 5, (0,0,c1) = 5, (0,1,c0) = 1, (0,1,c1) = 20; T = 0, 10;
// act_step 1, 2 (4 bits). c0: 5 -> 5, 1 -> 1. c1: 5 <= 10 -> 0; 20 -> ceil(5) = 5.
// Flat index (y*W + x)*C + c: 0 -> 5, 1 -> 0 (not emitted), 2 -> 1, 3 -> 5.
TEST(AkidaV1Pooling, MapEventsUseHwcIndexAndChannelParameters) {
  Map m(1, 2, 2);
  m.at(0, 0, 0) = 5;
  m.at(0, 0, 1) = 5;
  m.at(0, 1, 0) = 1;
  m.at(0, 1, 1) = 20;
  EXPECT_EQ(m.data, (std::vector<int64_t>{5, 5, 1, 20}));
  EXPECT_EQ(v1_activate_map(m, v1_params(4, 4, 4, {0, 10}, {1.0f, 2.0f})),
            (std::vector<Event>{{0, 5}, {2, 1}, {3, 5}}));
}

// Global average pooling: SUM over the 2x2 map, T and act_step times 4.
// c0 = 5, 6, 7, 2 (sum 20); c1 = -1, 0, 1, 3 (sum 3).
// Mean-domain T = 3, -1; act_step 2, 0.5 (4 bits) -> stored T = 12, -4;
// act_step 8, 2.
// c0: d = 20 - 12 = 8 -> 8 / 8 = 1 (mean 5: (5 - 3) / 2 = 1).
// c1: d = 3 + 4 = 7 -> 7 / 2 = 3.5 -> 4 (mean 0.75: (0.75 + 1) / 0.5 = 3.5 -> 4).
// An integer mean floor(3 / 4) = 0 would give (0 + 1) / 0.5 = 2 instead.
TEST(AkidaV1Pooling, GlobalAveragePoolingIsAScaledSum) {
  Map m(2, 2, 2);
  const int64_t c0[] = {5, 6, 7, 2}, c1[] = {-1, 0, 1, 3};
  for (int k = 0; k < 4; ++k) {
    m.at(k / 2, k % 2, 0) = c0[k];
    m.at(k / 2, k % 2, 1) = c1[k];
  }
  EXPECT_EQ(global_sum(m), (std::vector<int64_t>{20, 3}));
  const V1Params stored = v1_gap_params(v1_params(4, 4, 4, {3, -1}, {2.0f, 0.5f}), 2, 2);
  EXPECT_EQ(stored.threshold, (std::vector<int64_t>{12, -4}));
  EXPECT_EQ(stored.act_step, (std::vector<ActStep>{step(8.0f), step(2.0f)}));
  EXPECT_EQ(v1_gap_step(m, stored), (std::vector<Event>{{0, 1}, {1, 4}}));
}

// 3x3 map: act_step 0.75 * 9 = 6.75 = 27 / 2^2 exactly; T -2 * 9 = -18.
// Nine potentials of 1 (sum 9): d = 27 -> 27 / 6.75 = 4 exactly -> 4
// (mean 1: (1 + 2) / 0.75 = 4).
TEST(AkidaV1Pooling, GapParametersAreExactForAnyArea) {
  const V1Params stored = v1_gap_params(v1_params(4, 4, 4, {-2}, {0.75f}), 3, 3);
  EXPECT_EQ(stored.threshold, (std::vector<int64_t>{-18}));
  EXPECT_EQ(stored.act_step[0], ActStep::from_ratio(27, 2));
  EXPECT_EQ(v1_gap_step(Map(3, 3, 1, 1), stored), (std::vector<Event>{{0, 4}}));
  // Seven potentials of 0 and two of 1 (sum 2): d = 20 -> 20 / 6.75 = 2.96 -> 3
  // (mean 2/9: (2/9 + 2) / 0.75 = 2.96 -> 3).
  Map m(3, 3, 1, 1);
  m.data[0] = m.data[1] = m.data[2] = m.data[3] = m.data[4] = m.data[5] = m.data[6] = 0;
  EXPECT_EQ(v1_gap_step(m, stored), (std::vector<Event>{{0, 3}}));
}

// ---- Akida 2.0 -----------------------------------------------------------------

// Max pooling of the accumulator map, then ReLU and the output stage.
// Rows {100,-50,-3,-9}, {30,70,-1,-20}; 2x2 stride 2 -> 100, -1.
// No ReLU, scale 3, shift -2: 300/4 = 75; -3/4 = -0.75 -> floor(-0.25) = -1.
// With ReLU: -1 -> 0, not emitted.
TEST(AkidaV2Pooling, MaxPoolThenOutputStage) {
  const Map pooled = max_pool(map1({{100, -50, -3, -9}, {30, 70, -1, -20}}), 2, 2, 2, 2, Padding::kValid);
  V2Params p;
  p.output_scale = {3};
  p.output_shift = {-2};
  EXPECT_EQ(v2_outputs_map(pooled, p), (std::vector<Event>{{0, 75}, {1, -1}}));
  p.relu = true;
  EXPECT_EQ(v2_outputs_map(pooled, p), (std::vector<Event>{{0, 75}}));
}

// GAP: per-channel sum, then ReLU, then scale/shift carrying 1/(H*W).
// c0 = 10, 20, 30, -4 (sum 56): 56 * 64 / 256 = 14 (the mean).
// c1 = -10, 3, 3, 3 (sum -1): ReLU after the sum -> 0, not emitted; a ReLU
// before the sum would give 9 * 64 / 256 = 2.25 -> 2.
TEST(AkidaV2Pooling, GlobalSumThenRelu) {
  Map m(2, 2, 2);
  const int64_t c0[] = {10, 20, 30, -4}, c1[] = {-10, 3, 3, 3};
  for (int k = 0; k < 4; ++k) {
    m.at(k / 2, k % 2, 0) = c0[k];
    m.at(k / 2, k % 2, 1) = c1[k];
  }
  V2Params p;
  p.relu = true;
  p.output_scale = {64};
  p.output_shift = {-8};
  EXPECT_EQ(v2_gap_step(m, p), (std::vector<Event>{{0, 14}}));
}

// The spatial sum is not saturated again: buffer_bits 8 (-128..127), four
// accumulators of 100 sum to 400; 400 / 4 = 100. Re-saturating to 127 first
// would give 127 / 4 = 31.75 -> 32.
TEST(AkidaV2Pooling, GlobalSumIsNotResaturated) {
  V2Params p;
  p.buffer_bits = 8;
  p.output_shift = {-2};
  EXPECT_EQ(v2_gap_step(Map(2, 2, 1, 100), p), (std::vector<Event>{{0, 100}}));
}

}  // namespace
}  // namespace sf::ref::akida
