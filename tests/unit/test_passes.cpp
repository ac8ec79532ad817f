// Unit tests of the planning passes, the cycle model and the memory images.
// Expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <filesystem>

#include "board/board.h"
#include "emit/verilog.h"
#include "ir/error.h"
#include "passes/cycle_model.h"
#include "passes/plan.h"
#include "util/files.h"

using namespace sf;
using namespace sf::gen;

namespace {

// The device the CLI plans for without --board: the iCEBreaker's UP5K.
PlanOptions up5k() {
  PlanOptions o;
  o.capacity = board::plan_capacity(board::load_board("icebreaker", SPIKEFORGE_SOURCE_DIR "/fpga_boards"));
  return o;
}

Network one_layer(std::vector<int32_t> w, int n_in, int n_out, int pay_bits, bool pay_signed, int P) {
  Network n;
  n.name = "t";
  n.input_size = n_in;
  n.input_payload_bits = pay_bits;
  n.input_payload_signed = pay_signed;
  Layer l;
  l.name = "fc";
  l.n_in = n_in;
  l.n_out = n_out;
  l.weight_bits = 4;
  l.weights = std::move(w);
  l.neuron.iflif.threshold = 3;
  l.neuron.iflif.v_bits = 8;
  l.parallel = P;
  n.layers.push_back(l);
  return n;
}

TEST(Widths, ClogAndRange) {
  EXPECT_EQ(clog2(1), 0);
  EXPECT_EQ(clog2(2), 1);
  EXPECT_EQ(clog2(5), 3);
  EXPECT_EQ(clog2(1024), 10);
  EXPECT_EQ(bits_for_range(0, 0), 1);
  EXPECT_EQ(bits_for_range(-1, 0), 1);
  EXPECT_EQ(bits_for_range(0, 1), 2);
  EXPECT_EQ(bits_for_range(-128, 127), 8);
  EXPECT_EQ(bits_for_range(-129, 0), 9);
  EXPECT_EQ(bits_for_range(0, 128), 9);
}

TEST(Widths, BinaryPayload) {
  // neuron 0: weights 3, -2 -> any subset sums to -2..3; neuron 1: 1, 1 -> 0..2.
  Plan p = plan_network(one_layer({3, -2, 1, 1}, 2, 2, 1, false, 1), up5k(), "t.json");
  EXPECT_EQ(p.layers[0].acc_min, -2);
  EXPECT_EQ(p.layers[0].acc_max, 3);
  // -2..3 needs 3 bits, but a raw 4-bit weight is sign-extended: 4.
  EXPECT_EQ(p.layers[0].acc_bits, 4);
}

TEST(Widths, UnsignedGradedPayload) {
  // payload 0..15: neuron 0 -> 3*15 + 0 = 45 and 0 + (-2*15) = -30 -> 7 bits (-64..63).
  Plan p = plan_network(one_layer({3, -2, 1, 1}, 2, 2, 4, false, 1), up5k(), "t.json");
  EXPECT_EQ(p.layers[0].acc_min, -30);
  EXPECT_EQ(p.layers[0].acc_max, 45);
  EXPECT_EQ(p.layers[0].acc_bits, 7);
}

TEST(Widths, SignedGradedPayload) {
  // payload -4..3: w=3 gives -12..9, w=-2 gives -6..8; sums -18..17 -> 6 bits.
  Plan p = plan_network(one_layer({3, -2, 1, 1}, 2, 2, 3, true, 1), up5k(), "t.json");
  EXPECT_EQ(p.layers[0].acc_min, -18);
  EXPECT_EQ(p.layers[0].acc_max, 17);
  EXPECT_EQ(p.layers[0].acc_bits, 6);
}

TEST(Plan, EbrCountOfAWeightMemory) {
  // 196 x 64, P = 8, 4-bit: 32-bit words, 196 * 8 = 1568 deep.
  // 256x16: 2 wide x 7 deep = 14; 512x8: 4 x 4 = 16; 1024x4: 8 x 2 = 16; 2048x2: 16 x 1 = 16.
  Plan p = plan_network(one_layer(std::vector<int32_t>(196 * 64, 1), 196, 64, 1, false, 8), up5k(), "t.json");
  EXPECT_EQ(p.layers[0].C, 8);
  EXPECT_EQ(p.layers[0].mems[0].width, 32);
  EXPECT_EQ(p.layers[0].mems[0].depth, 1568);
  EXPECT_EQ(p.layers[0].mems[0].ebr, 14);
}

TEST(Plan, RejectsTooManyLanesAndTooWideSums) {
  EXPECT_THROW(plan_network(one_layer({1, 1, 1, 1}, 2, 2, 1, false, 3), up5k(), "t.json"), InputError);
  // 16-bit payload x 4-bit weights over 2^20 inputs would need > 48 bits: use a tiny stand-in
  // that exceeds by payload: 16-bit unsigned payloads, weights -8 and 7, fan-in 2^14.
  const int n_in = 1 << 14;
  Network n = one_layer(std::vector<int32_t>(static_cast<size_t>(n_in), 7), n_in, 1, 16, false, 1);
  Plan p = plan_network(n, up5k(), "t.json");
  // 7 * 65535 * 16384 = 7516086272 < 2^33 -> 34 bits, accepted.
  EXPECT_EQ(p.layers[0].acc_bits, 34);
}

TEST(Plan, DspModelOfLifMultiplyLeaksAndRowAddresses) {
  // 100 inputs -> 40 lif neurons with a multiply leak: one SB_MAC16 per lane, and the row
  // address index * C takes one when C is not a power of two and the product has >= 11 bits.
  Network n = one_layer(std::vector<int32_t>(100 * 40, 1), 100, 40, 1, false, 5);
  n.layers[0].neuron.model = NeuronModel::Lif;
  n.layers[0].neuron.iflif.leak = {LeakKind::Mult, 0, 58982, 16, 0};
  Plan p = plan_network(n, up5k(), "t.json");
  // P = 5: C = 8 (a shift) -> 5 lanes + 0
  EXPECT_EQ(p.layers[0].C, 8);
  EXPECT_EQ(p.layers[0].dsp, 5);
  n.layers[0].parallel = 4;  // C = 10, address 100 * 10 = 1000 words: 10 bits, below 11 -> 4 + 0
  EXPECT_EQ(plan_network(n, up5k(), "t.json").layers[0].dsp, 4);
  n.layers[0].n_in = 250;  // C = 10, 2500 words: 12 bits -> 4 + 1
  n.input_size = 250;
  n.layers[0].weights.assign(250 * 40, 1);
  EXPECT_EQ(plan_network(n, up5k(), "t.json").layers[0].dsp, 5);
  // automatic lanes stay within the device's 8 DSPs: lanes + address <= 8
  n.layers[0].parallel = 0;
  PlanOptions o = up5k();
  o.have_capacity = true;
  const Plan a = plan_network(n, o, "t.json");
  EXPECT_LE(a.layers[0].dsp, 8);
  EXPECT_GE(a.layers[0].P, 4);
  // a shift leak multiplies nothing
  n.layers[0].neuron.iflif.leak = {LeakKind::Shift, 4, 0, 0, 0};
  n.layers[0].parallel = 4;
  EXPECT_EQ(plan_network(n, up5k(), "t.json").layers[0].dsp, 1);
}

TEST(CycleModel, OneLayerByHand) {
  // N_out = 4, P = 2 -> C = 2, no FIFO after the only layer.
  Plan p = plan_network(one_layer(std::vector<int32_t>(4 * 4, 1), 4, 4, 1, false, 2), up5k(), "t.json");
  StepEvents ev;
  ev.inputs = {{0, 1, 3}, {}};
  ev.spikes = {{{1, 2}, {}}};
  CycleReport r = predict_cycles(p, ev);
  // clear: cycles 0, 1. Step 0: events accepted at 2, 4, 6 (the last issues chunks at 7, 8);
  // marker at 8; fire starts at 10, once the acc word of the issue at 8 was read (cycle 9);
  // chunk 0 updated at 11, written back at 12, its spike (neuron 1) emitted at 13; chunk 1
  // updated at 14, written back at 15, spike at 16; marker out at 17 -> 18 cycles.
  // Step 1: marker in at 18, fire 19, chunk 0 at 20-21, chunk 1 at 22-23, marker 24 -> 7.
  ASSERT_EQ(r.cycles.size(), 2u);
  EXPECT_EQ(r.cycles[0], 18u);
  EXPECT_EQ(r.cycles[1], 7u);
  EXPECT_EQ(r.total, 25u);
  EXPECT_EQ(r.integrate_cycles, 6u);
  EXPECT_EQ(r.synaptic_ops, 12u);
}

TEST(Emit, WeightImageLayout) {
  // W = [[1,-1],[2,-2],[7,-8]], P = 2 -> C = 2; word i*C + c holds lanes (c*P, c*P+1), lane 0 low.
  // i=0,c=0: (1, 2) -> 0x21; i=0,c=1: (7, pad 0) -> 0x07; i=1,c=0: (-1, -2) -> 0xef; i=1,c=1: (-8, 0) -> 0x08
  Network n = one_layer({1, -1, 2, -2, 7, -8}, 2, 3, 1, false, 2);
  Plan p = plan_network(n, up5k(), "t.json");
  auto dir = std::filesystem::temp_directory_path() / "sf-emit-test";
  std::filesystem::create_directories(dir);
  emit_verilog(n, p, dir.string(), dir.string(), std::string(SPIKEFORGE_SOURCE_DIR) + "/rtl_templates");
  EXPECT_EQ(read_text_file((dir / "fc.weights.hex").string()), "21\n07\nef\n08\n");
  std::string top = read_text_file((dir / "sf_top.v").string());
  EXPECT_NE(top.find(".P(2)"), std::string::npos);
  EXPECT_NE(top.find("module sf_top"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Emit, PackedWeightImageLayout) {
  // The same W with P = 1 (C = 3) and weight_pack 2: R = ceil(3 / 2) = 2 words per input;
  // word i*R + r holds chunks 2r (low 4 bits) and 2r + 1: i=0: (1, 2) -> 0x21, (7, pad) -> 0x07;
  // i=1: (-1, -2) -> 0xef, (-8, pad) -> 0x08. A hint above the chunk count is clamped to it.
  Network n = one_layer({1, -1, 2, -2, 7, -8}, 2, 3, 1, false, 1);
  n.layers[0].weight_pack = 2;
  Plan p = plan_network(n, up5k(), "t.json");
  EXPECT_EQ(p.layers[0].w_pack, 2);
  EXPECT_EQ(p.layers[0].weight_row(), 2);
  EXPECT_EQ(p.layers[0].mems[0].width, 8);
  EXPECT_EQ(p.layers[0].mems[0].depth, 4);
  auto dir = std::filesystem::temp_directory_path() / "sf-emit-pack-test";
  std::filesystem::create_directories(dir);
  emit_verilog(n, p, dir.string(), dir.string(), std::string(SPIKEFORGE_SOURCE_DIR) + "/rtl_templates");
  EXPECT_EQ(read_text_file((dir / "fc.weights.hex").string()), "21\n07\nef\n08\n");
  EXPECT_NE(read_text_file((dir / "sf_top.v").string()).find(".W_PACK(2)"), std::string::npos);
  std::filesystem::remove_all(dir);
  n.layers[0].weight_pack = 16;
  n.layers[0].parallel = 2;  // C = 2
  EXPECT_EQ(plan_network(n, up5k(), "t.json").layers[0].w_pack, 2);
}

TEST(Plan, PacksSpramWeightWordsAtFewLanes) {
  // 600 -> 128 with 8-bit weights: 76,800 weights, 600 kbit: the 30 EBRs (120 kbit) cannot hold
  // them, and unpacked at P = 1 they are 76,800 words of 8 bits: 5 SPRAMs (16K words each), one
  // more than the UP5K has. The planner then takes the fewest lanes that reach the fewest
  // SPRAMs: P = 1 with 2 chunks per 16-bit word, 600 * 64 = 38,400 words: 3 SPRAMs (P = 2
  // unpacked also needs 3, with a state memory twice as wide).
  Network n = one_layer(std::vector<int32_t>(600 * 128, 1), 600, 128, 1, false, 0);
  n.layers[0].weight_bits = 8;
  n.layers[0].weights[0] = -128;  // 8 bits needed
  PlanOptions o = up5k();
  o.have_capacity = true;
  o.lut_budget = 0.05;  // no LUTs for more lanes afterwards
  const Plan p = plan_network(n, o, "t.json");
  const LayerPlan& lp = p.layers[0];
  EXPECT_EQ(lp.mems[0].style, MemStyle::Huge);
  EXPECT_EQ(lp.P * lp.w_bits * lp.w_pack, 16);
  EXPECT_EQ(lp.mems[0].depth, 38400);
  EXPECT_EQ(lp.mems[0].spram, 3);
  EXPECT_EQ(lp.P, 1);
  EXPECT_EQ(lp.w_pack, 2);
}

}  // namespace

// The memory geometry is the device's (its board's family), not the planner's:
// an 8 x 512 weight memory is one iCE40 EBR (512x8), two blocks of a family
// whose block RAM is 256x16 only.
TEST(Plan, MemoryGeometryComesFromTheDevice) {
  const Network n = one_layer(std::vector<int32_t>(512 * 2, 1), 512, 2, 1, false, 2);
  PlanOptions o = up5k();
  const Plan a = plan_network(n, o, "t.json");
  ASSERT_EQ(a.layers[0].mems[0].role, MemRole::Weights);
  EXPECT_EQ(a.layers[0].mems[0].width, 8);
  EXPECT_EQ(a.layers[0].mems[0].depth, 512);
  EXPECT_EQ(a.layers[0].mems[0].ebr, 1);
  o.capacity.mem.block_shapes = {{16, 256}};
  const Plan b = plan_network(n, o, "t.json");
  EXPECT_EQ(b.layers[0].mems[0].ebr, 2);
  // and without a device the planner refuses to guess one
  EXPECT_THROW(plan_network(n, PlanOptions{}, "t.json"), std::logic_error);
}
