// Checks rtl_templates/sf_neuron_lane.v, the layer every engine instantiates per neuron lane:
// under each model name it must behave as that model's own lane module fed with the input
// scaling and the word packing written out here (loihi2: state {u, v} with v in the low 24
// bits, A = the sum << WEIGHT_EXP or floor(sum / 2^-WEIGHT_EXP); akida: state p = the sum;
// akida2: the sum << INPUT_SHIFT, parameter word {output_scale[15:8], bias[7:0]}), and it
// must reject at elaboration a model name it does not know and properties its model
// contradicts. The models' own arithmetic is tested in tests/rtl_lane, rtl_lane_loihi2 and
// rtl_lane_akida; this test holds the lane layer to the packing only.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <memory>
#include <random>

#include "Vsf_lane_select_bad_name.h"
#include "Vsf_lane_select_bad_props.h"
#include "Vsf_lane_select_configs.h"
#include "elaboration_check.h"
#include "lane_ports.h"

namespace {

using sf::test::max_of;
using sf::test::min_of;
using sf::test::put;
using sf::test::sign_extend;

constexpr int kVectors = 50000;

uint64_t mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// floor(x / 2^s), written as a division so it does not lean on >> of a negative value.
int64_t floor_div_pow2(int64_t x, int s) {
  const int64_t d = int64_t{1} << s;
  int64_t q = x / d;
  if (x % d != 0 && x < 0) --q;
  return q;
}

class LaneSelect : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    m_ = std::make_unique<Vsf_lane_select_configs>(ctx_.get());
  }
  void TearDown() override { m_->final(); }

  // A value for a `bits`-wide signed input: the extremes and zero first, then random.
  int64_t pick(int i, int bits) {
    switch (i) {
      case 0: return min_of(bits);
      case 1: return max_of(bits);
      case 2: return 0;
      case 3: return -1;
      default: return sign_extend(rng_(), bits);
    }
  }
  uint64_t raw(int bits) { return rng_() & mask(bits); }

  std::mt19937_64 rng_{20261207};
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vsf_lane_select_configs> m_;
};

TEST_F(LaneSelect, LifIsItsLaneModule) {
  for (int i = 0; i < kVectors; ++i) {
    put(m_->lif_acc_i, pick(i, 8), 8, "lif_acc_i");
    m_->lif_state_i = static_cast<uint8_t>(raw(8));
    m_->lif_param_i = static_cast<uint8_t>(raw(4));
    m_->lif_pend_i = static_cast<uint8_t>(raw(1));
    m_->eval();
    ASSERT_EQ(m_->lif_state_o, m_->lif_d_v_o) << "vector " << i;
    ASSERT_EQ(m_->lif_spike_o, m_->lif_d_spike_o) << "vector " << i;
    ASSERT_EQ(m_->lif_pend_o, m_->lif_d_pend_o) << "vector " << i;
    ASSERT_EQ(m_->lif_pay_o, 1u) << "binary spikes carry 1";
  }
}

TEST_F(LaneSelect, Loihi2PacksUVAndFloorsANegativeWeightExp) {
  int spikes = 0;
  for (int i = 0; i < kVectors; ++i) {
    const int64_t acc = pick(i, 16);
    const uint64_t state = raw(48), param = raw(13);
    put(m_->l2d_acc_i, acc, 16, "l2d_acc_i");
    m_->l2d_state_i = state;
    m_->l2d_param_i = static_cast<uint16_t>(param);
    m_->l2d_pend_i = static_cast<uint8_t>(raw(1));
    m_->l2d_d_u_i = static_cast<uint32_t>(state >> 24);
    m_->l2d_d_v_i = static_cast<uint32_t>(state & mask(24));
    put(m_->l2d_d_a_i, floor_div_pow2(acc, 3), 16, "l2d_d_a_i");  // WEIGHT_EXP -3
    m_->eval();
    const uint64_t want = (uint64_t{m_->l2d_d_u_o} << 24) | m_->l2d_d_v_o;
    ASSERT_EQ(m_->l2d_state_o, want) << "vector " << i << ": acc " << acc;
    ASSERT_EQ(m_->l2d_spike_o, m_->l2d_d_spike_o) << "vector " << i;
    ASSERT_EQ(m_->l2d_pend_o, 0u);
    ASSERT_EQ(m_->l2d_pay_o, 1u);
    spikes += m_->l2d_spike_o;
  }
  EXPECT_GT(spikes, 0) << "no vector spiked: the comparison of spikes tested nothing";
}

TEST_F(LaneSelect, Loihi2ShiftsAPositiveWeightExpLeft) {
  int spikes = 0;
  for (int i = 0; i < kVectors; ++i) {
    const int64_t acc = pick(i, 16);
    const uint64_t state = raw(48), param = raw(13);
    put(m_->l2u_acc_i, acc, 16, "l2u_acc_i");
    m_->l2u_state_i = state;
    m_->l2u_param_i = static_cast<uint16_t>(param);
    m_->l2u_pend_i = static_cast<uint8_t>(raw(1));
    m_->l2u_d_u_i = static_cast<uint32_t>(state >> 24);
    m_->l2u_d_v_i = static_cast<uint32_t>(state & mask(24));
    put(m_->l2u_d_a_i, acc * 32, 21, "l2u_d_a_i");  // WEIGHT_EXP 5
    m_->eval();
    const uint64_t want = (uint64_t{m_->l2u_d_u_o} << 24) | m_->l2u_d_v_o;
    ASSERT_EQ(m_->l2u_state_o, want) << "vector " << i << ": acc " << acc;
    ASSERT_EQ(m_->l2u_spike_o, m_->l2u_d_spike_o) << "vector " << i;
    spikes += m_->l2u_spike_o;
  }
  EXPECT_GT(spikes, 0) << "no vector spiked: the comparison of spikes tested nothing";
}

TEST_F(LaneSelect, AkidaShowsThePotentialAndItsActivation) {
  int events = 0;
  for (int i = 0; i < kVectors; ++i) {
    const int64_t acc = pick(i, 12);
    put(m_->ak1_acc_i, acc, 12, "ak1_acc_i");
    m_->ak1_state_i = static_cast<uint16_t>(raw(12));  // stateless: must not matter
    m_->ak1_param_i = static_cast<uint16_t>(raw(10));
    m_->ak1_pend_i = static_cast<uint8_t>(raw(1));
    m_->eval();
    ASSERT_EQ(sign_extend(m_->ak1_state_o, 12), acc) << "vector " << i;
    ASSERT_EQ(m_->ak1_pay_o, m_->ak1_d_y_o) << "vector " << i;
    ASSERT_EQ(m_->ak1_spike_o, m_->ak1_d_valid_o) << "vector " << i;
    ASSERT_EQ(m_->ak1_pend_o, 0u);
    events += m_->ak1_spike_o;
  }
  EXPECT_GT(events, 0) << "no vector made an event: the comparison of values tested nothing";
}

TEST_F(LaneSelect, Akida2ShiftsTheSumAndUnpacksScaleAndBias) {
  int events = 0;
  for (int i = 0; i < kVectors; ++i) {
    const int64_t acc = pick(i, 14);
    const uint64_t param = raw(16);
    put(m_->ak2_acc_i, acc, 14, "ak2_acc_i");
    m_->ak2_state_i = static_cast<uint32_t>(raw(20));  // stateless: must not matter
    m_->ak2_param_i = static_cast<uint16_t>(param);
    m_->ak2_pend_i = static_cast<uint8_t>(raw(1));
    put(m_->ak2_d_sum_i, acc * 16, 18, "ak2_d_sum_i");  // INPUT_SHIFT 4
    m_->ak2_d_bias_i = static_cast<uint8_t>(param & 0xff);
    m_->ak2_d_scale_i = static_cast<uint8_t>(param >> 8);
    m_->eval();
    ASSERT_EQ(m_->ak2_state_o, m_->ak2_d_acc_o) << "vector " << i << ": acc " << acc;
    ASSERT_EQ(m_->ak2_pay_o, m_->ak2_d_y_o) << "vector " << i << ": acc " << acc << " param " << param;
    ASSERT_EQ(m_->ak2_spike_o, m_->ak2_d_valid_o) << "vector " << i;
    ASSERT_EQ(m_->ak2_pend_o, 0u);
    events += m_->ak2_spike_o;
  }
  EXPECT_GT(events, 0) << "no vector made an event: the comparison of values tested nothing";
}

// "lif2" is no model: the lane must report it and stop.
TEST(LaneSelectElaboration, UnknownModelNameIsRejected) {
  sf::test::expect_elaboration<Vsf_lane_select_bad_name>(true);
}

// "loihi2" in an engine without the delay bank: rejected.
TEST(LaneSelectElaboration, PropertiesContradictingTheModelAreRejected) {
  sf::test::expect_elaboration<Vsf_lane_select_bad_props>(true);
}

// Every model with the properties the generator derives for it passes without a word.
TEST(LaneSelectElaboration, LegalConfigurationsRun) {
  sf::test::expect_elaboration<Vsf_lane_select_configs>(false);
}

}  // namespace
