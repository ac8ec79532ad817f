// The hardware plan: per layer its lanes, widths and memories, and where each
// memory goes. Data only: the planner (gen/passes/plan.cpp) fills it; the
// emitters, the cycle model and the table entries (gen/models, gen/layers) read it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/network.h"

namespace sf::gen {

// Block: EBR; Logic: flip-flops; Huge: iCE40 SPRAM. Only weight memories go to
// SPRAM, and only when the EBRs cannot hold the design: SPRAM has no initial
// contents, so those weights come through sf_top's load port (`Plan::loads`).
enum class MemStyle { Block, Logic, Huge };
const char* to_string(MemStyle s);  // "block" | "logic" | "spram" (the RTL's STYLE values)

// What a memory holds: the planner and the emitters find memories by role.
enum class MemRole {
  Weights,     // the weight words (the only role that may go to SPRAM)
  Acc,         // the step's input sums
  AccDelayed,  // the second sum bank of a model with a one-step synaptic delay
  State,       // the neuron state words
  Bias,        // the layer bias
  Param,       // a stateless model's per-neuron parameter words
  Pending,     // a deferred reset's pending bits
  Fifo,        // the AER FIFO after the layer
};

struct MemPlan {
  std::string name;  // "fc1.weights"
  MemRole role = MemRole::Weights;
  int width = 0;     // bits per word
  int depth = 0;     // words
  MemStyle style = MemStyle::Block;
  int ebr = 0;       // iCE40 4 kbit blocks when style is Block
  int spram = 0;     // iCE40 SPRAMs (16K x 16) when style is Huge
  int64_t bits() const { return int64_t{width} * depth; }
};

struct LayerPlan {
  std::string name;
  LayerType kind = LayerType::Dense;  // its engine (gen/layers)
  int n_in = 0, n_out = 0;
  int P = 1;                  // lanes
  int C = 1;                  // chunks = ceil(n_out / P)
  // weight packing: one weight word holds w_pack consecutive chunks (P * w_bits
  // each), so the weight memory has n_in * weight_row() words of P * w_bits *
  // w_pack bits. The planner packs a weight memory it puts in SPRAM (16-bit
  // words) when few lanes leave a word half empty: fewer lanes then hold the
  // same SPRAMs, and the narrower state memories save block RAMs.
  int w_pack = 1;
  bool spram_pack = false;    // keep packing to the SPRAM word as P changes
  int weight_row() const { return (C + w_pack - 1) / w_pack; }  // weight words per input (dense)
  // conv2d / sumpool2d (sf_conv_engine): the geometry, the chunks per output
  // position (groups x ceil(c_out / groups / P); C is then positions x CH, the
  // state words), and whether the fire phase visits only the rows that can fire.
  ConvGeom conv;
  int CH = 1;
  bool sparse_fire = false;
  int in_idx_w = 1, out_idx_w = 1;
  int pay_bits = 1;           // input payload width of this layer
  bool pay_signed = false;
  // output event payload: 1 (binary spikes; no payload travels) or, for akida /
  // akida2, the activation width (act_bits / output_bits; akida2 signed unless ReLU)
  int out_pay_bits = 1;
  bool out_pay_signed = false;
  int w_bits = 0, v_bits = 0, bias_bits = 2;  // v_bits: state bits per lane (loihi2: {u, v} = 48)
  // loihi2: the weights' common trailing zero bits, dropped from the weight
  // memory (w >> w_shift) and folded into the exponent the RTL applies to the
  // summed input: hw_weight_exp = weight_exp + w_shift. Exact: sum(w) is
  // 2^w_shift * sum(w >> w_shift), so A = sum << e or floor(sum / 2^-e) is unchanged.
  // Mixed 8-bit Loihi weights are all even (Lava's truncation), so this saves a bit.
  int w_shift = 0;
  int hw_weight_exp = 0;
  // loihi2: how the lanes multiply by the decay constants: 0 a constant multiply
  // (SB_MAC16 DSPs under synth_ice40 -dsp), 1 shift-and-add in LUTs. The planner
  // picks 1 when the layer's DSP need would pass the device's DSP count.
  int decay_impl = 0;
  // modelled SB_MAC16 blocks of the layer: loihi2 decays (decay_impl 0), lif multiply
  // leaks (one per lane), akida2 rescales (two per lane), the weight row address index * C (C not a power of two)
  int dsp = 0;
  // akida: act_step as the lane takes it (sf_neuron_akida STEP_M / STEP_F), the
  // same ladder of thresholds: normalized (odd mantissa), and a step so small
  // that every rung is 0 (frac_bits > 40) as 1 / 2^40, which has the same rungs.
  int64_t hw_step_m = 1;
  int hw_step_f = 0;
  // akida2: width of the lane's exact sum (acc << input_shift)
  int sum_bits = 0;
  bool has_bias = false;
  int64_t acc_min = 0, acc_max = 0;  // proved range of any step's input sum
  int acc_bits = 0;
  // weights, acc, v, (bias), (pend); akida / akida2: weights, acc, param (no
  // state memory: the layers are stateless). bias_bits is then the width of
  // one lane's param word: akida the threshold, akida2 {output_scale, bias}, 16.
  std::vector<MemPlan> mems;
  // AER FIFO after this layer (absent after the last layer)
  bool has_fifo = false;
  int fifo_depth = 0, fifo_addr_w = 0;
  MemPlan fifo_mem;
  int lane_luts = 0;           // modelled: control and lanes, without memories
  // The layer memory of that role, or null.
  const MemPlan* mem(MemRole role) const {
    for (const MemPlan& m : mems)
      if (m.role == role) return &m;
    return nullptr;
  }
  int est_luts = 0;            // modelled, not measured: lanes and flip-flop memories
};

// The memories of a device family (its board description: gen/board's family
// table), and how many blocks a memory of `width` x `depth` bits takes.
struct MemoryGeometry {
  std::vector<std::pair<int, int>> block_shapes;  // block RAM (EBR) aspect ratios {width, depth}
  int huge_words = 0, huge_width = 0;             // one SPRAM (0: the family has none)
  int huge_max_cols = 0;                          // the widest SPRAM memory, in SPRAMs side by side
  int block_count(int width, int depth) const {
    int64_t best = INT64_MAX;
    for (const auto& s : block_shapes) best = std::min(best, up(width, s.first) * up(depth, s.second));
    return static_cast<int>(best);
  }
  int huge_count(int width, int depth) const {
    return huge_words > 0 ? static_cast<int>(up(width, huge_width) * up(depth, huge_words)) : 0;
  }
  static int64_t up(int64_t a, int64_t b) { return (a + b - 1) / b; }
};

// The device a design is planned for: its resources and memory geometry.
struct Capacity {
  int luts = 0, ff = 0, ebr = 0, spram = 0, dsp = 0;
  MemoryGeometry mem;
};

struct PlanOptions {
  int parallel = 0;           // 0: per layer (the layer's own setting, else auto); > 0: every layer, capped at its size
  bool have_capacity = false; // a board was given: the design must fit it (else `auto` only stays within it)
  Capacity capacity;          // required: the board's, or the default board's when none is given (app/)
  double lut_budget = 0.6;    // share of the LUTs (and flip-flops) `auto` may spend
};

// A weight memory in SPRAM, written through sf_top's load port before a run:
// word w of it is ld_addr = (sel << word_addr_w) | w, while rst is high.
struct LoadPlan {
  int layer = 0;        // index into Plan::layers
  int sel = 0;          // the memory's number on the load port
  int word_addr_w = 1;  // the engine's weight address width (WADDR_W)
  int width = 0;        // bits per word (P * w_bits)
  int depth = 0;        // words
};

struct Plan {
  std::vector<LayerPlan> layers;
  int in_idx_w = 1;
  int in_pay_bits = 1;
  bool in_pay_signed = false;
  int out_idx_w = 1;
  // akida / akida2: events carry values, through the FIFOs and on sf_top's
  // m_evt_payload (out_pay_bits wide, two's complement when out_pay_signed)
  bool graded = false;
  int out_pay_bits = 1;
  int64_t out_value_max = 1;  // the largest value an output event carries (layer_output_max)
  bool out_pay_signed = false;
  int total_ebr = 0;
  int total_spram = 0;
  int est_luts = 0;
  // The load port (empty when no memory is in SPRAM): ld_addr_w address bits
  // (memory select above the widest word address), ld_data_w data bits.
  std::vector<LoadPlan> loads;
  int ld_addr_w = 0, ld_data_w = 0;
};

}  // namespace sf::gen
