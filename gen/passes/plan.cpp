#include "passes/plan.h"

#include <algorithm>

#include "ir/error.h"
#include "layers/layer_kind.h"
#include "models/neuron_model.h"

namespace sf::gen {

namespace {

// RTL limits (rtl_templates/sf_dense_engine.v and sf_neuron_iflif.v).
constexpr int kMaxAccBits = 48;
constexpr int kMaxLanes = 64;
// Memories at or below this many bits go to flip-flops: an EBR would be mostly empty.
constexpr int64_t kLogicMemBits = 256;
// The device's block RAM shapes and SPRAM come from its board description
// (PlanOptions::capacity.mem); a weight memory goes to SPRAM only up to
// huge_max_cols SPRAMs side by side (what the load port carries).

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

MemPlan make_mem(const MemoryGeometry& g, const std::string& name, MemRole role, int width, int depth) {
  MemPlan m;
  m.name = name;
  m.role = role;
  m.width = width;
  m.depth = depth;
  m.style = m.bits() <= kLogicMemBits ? MemStyle::Logic : MemStyle::Block;
  m.ebr = m.style == MemStyle::Block ? g.block_count(width, depth) : 0;
  return m;
}

// Modelled logic cells of a memory kept in flip-flops: one per bit, plus the
// read multiplexer (about one LUT per bit per two extra words).
int logic_mem_luts(const MemPlan& m) {
  return static_cast<int>(std::min<int64_t>(m.bits() + int64_t{m.width} * (m.depth / 2), INT32_MAX));
}

void set_style(const MemoryGeometry& g, MemPlan& m, MemStyle style) {
  m.style = style;
  m.ebr = style == MemStyle::Block ? g.block_count(m.width, m.depth) : 0;
  m.spram = style == MemStyle::Huge ? g.huge_count(m.width, m.depth) : 0;
}

// Proves the range of the input sum over every subset of one step's events
// (the layer kind's bound). A single weighted payload is a subset sum, so it
// fits too; the binary path sign-extends a raw weight, hence at least w_bits.
void derive_acc_range(const Layer& l, int64_t pmin, int64_t pmax, LayerPlan& lp) {
  kind_info(l).input_sum_range(l, pmin, pmax, lp.acc_min, lp.acc_max);
  lp.acc_bits = std::max(bits_for_range(lp.acc_min, lp.acc_max), lp.w_bits);
}

// SB_MAC16 blocks a lane needs that have no LUT form, so they count against the
// device whatever the planner does (the model's lane_dsp, unless it can move
// its multiplies to LUTs).
int fixed_lane_dsp(const Layer& l, const LayerPlan& lp) {
  const NeuronModelInfo& info = model_info(l);
  return info.dsp_has_lut_form ? 0 : info.lane_dsp(l, lp);
}

void update_luts(LayerPlan& lp) {
  int luts = lp.lane_luts;
  for (const MemPlan& m : lp.mems)
    if (m.style == MemStyle::Logic) luts += logic_mem_luts(m);
  lp.est_luts = luts;
}

// Totals over a plan: block RAMs (FIFOs included), bits of the layer memories
// kept in flip-flops, modelled LUTs.
int total_ebr(const Plan& plan) {
  int e = 0;
  for (const LayerPlan& lp : plan.layers) {
    for (const MemPlan& m : lp.mems) e += m.ebr;
    if (lp.has_fifo) e += lp.fifo_mem.ebr;
  }
  return e;
}

int total_spram(const Plan& plan) {
  int s = 0;
  for (const LayerPlan& lp : plan.layers)
    for (const MemPlan& m : lp.mems) s += m.spram;
  return s;
}

int64_t logic_bits(const Plan& plan) {
  int64_t b = 0;
  for (const LayerPlan& lp : plan.layers)
    for (const MemPlan& m : lp.mems)
      if (m.style == MemStyle::Logic) b += m.bits();
  return b;
}

int total_luts(const Plan& plan) {
  int l = 0;
  for (const LayerPlan& lp : plan.layers) l += lp.est_luts;
  return l;
}

// Block RAMs left over go, one at a time, to the flip-flop memory that saves the
// most logic cells per block; when the blocks run out, the block memories that
// hold the fewest bits per block go back to flip-flops. When that cannot fit the
// blocks either, weight memories go to SPRAM first (the one freeing the most
// blocks, while SPRAMs last), then the rest as before.
void place_memories(const MemoryGeometry& g, Plan& plan, int ebr_capacity, int spram_capacity, int64_t ff_capacity,
                    bool use_spram) {
  std::vector<MemPlan*> all;
  for (LayerPlan& lp : plan.layers)
    for (MemPlan& m : lp.mems) {
      set_style(g, m, m.bits() <= kLogicMemBits ? MemStyle::Logic : MemStyle::Block);
      all.push_back(&m);
    }
  if (use_spram) {
    for (;;) {
      if (total_ebr(plan) <= ebr_capacity) break;
      const int left = spram_capacity - total_spram(plan);
      MemPlan* best = nullptr;
      for (MemPlan* m : all)
        if (m->style == MemStyle::Block && m->role == MemRole::Weights &&
            ceil_div(m->width, g.huge_width) <= g.huge_max_cols && g.huge_count(m->width, m->depth) <= left &&
            (!best || m->ebr > best->ebr))
          best = m;
      if (!best) break;
      set_style(g, *best, MemStyle::Huge);
    }
  }
  while (total_ebr(plan) > ebr_capacity) {
    // only memories whose bits the flip-flops can still hold
    const int64_t room = ff_capacity - logic_bits(plan);
    MemPlan* worst = nullptr;
    for (MemPlan* m : all)
      if (m->style == MemStyle::Block && m->bits() <= room &&
          (!worst || m->bits() * worst->ebr < worst->bits() * m->ebr))
        worst = m;
    if (!worst) break;
    set_style(g, *worst, MemStyle::Logic);
  }
  for (;;) {
    const int spare = ebr_capacity - total_ebr(plan);
    MemPlan* best = nullptr;
    double best_gain = 0;
    for (MemPlan* m : all) {
      if (m->style != MemStyle::Logic || m->bits() <= kLogicMemBits) continue;
      const int need = g.block_count(m->width, m->depth);
      const double gain = static_cast<double>(logic_mem_luts(*m)) / need;
      if (need <= spare && gain > best_gain) best = m, best_gain = gain;
    }
    if (!best) break;
    set_style(g, *best, MemStyle::Block);
  }
  for (LayerPlan& lp : plan.layers) update_luts(lp);
}

// Flip-flops first, as a design without SPRAM needs no weight load; SPRAM only
// when that does not fit the blocks.
void place_memories(Plan& plan, const Capacity& cap, int64_t ff_capacity) {
  place_memories(cap.mem, plan, cap.ebr, cap.spram, ff_capacity, false);
  if (total_ebr(plan) > cap.ebr && cap.spram > 0) place_memories(cap.mem, plan, cap.ebr, cap.spram, ff_capacity, true);
}

// Numbers the SPRAM weight memories on the load port.
void plan_loads(Plan& plan) {
  plan.loads.clear();
  int addr_w = 1;
  plan.ld_data_w = 0;
  for (size_t k = 0; k < plan.layers.size(); ++k) {
    const LayerPlan& lp = plan.layers[k];
    for (const MemPlan& m : lp.mems)
      if (m.style == MemStyle::Huge) {
        LoadPlan ld;
        ld.layer = static_cast<int>(k);
        ld.sel = static_cast<int>(plan.loads.size());
        ld.word_addr_w = std::max(1, clog2(m.depth));
        ld.width = m.width;
        ld.depth = m.depth;
        addr_w = std::max(addr_w, ld.word_addr_w);
        plan.ld_data_w = std::max(plan.ld_data_w, m.width);
        plan.loads.push_back(ld);
      }
  }
  plan.ld_addr_w = plan.loads.empty() ? 0 : addr_w + clog2(static_cast<int64_t>(plan.loads.size()));
}

// The memories the layer's engine asks for, and the engine's and lanes' cost.
void plan_memories(const MemoryGeometry& g, const Layer& l, LayerPlan& lp) {
  const LayerKindInfo& kind = kind_info(l);
  const NeuronModelInfo& info = model_info(l);
  lp.mems.clear();
  for (const MemRequest& r : kind.memories(l, info, lp)) lp.mems.push_back(make_mem(g, l.name + r.suffix, r.role, r.width, r.depth));
  lp.dsp = kind.engine_dsp(lp) + lp.P * info.lane_dsp(l, lp);
  lp.lane_luts = kind.control_luts + lp.P * info.lane_luts(l, lp);
  update_luts(lp);
}

// Chunks of P * w_bits bits that one 16-bit SPRAM word holds (at least 1).
int spram_pack_of(const MemoryGeometry& g, int P, int w_bits) { return std::max(1, g.huge_width / (P * w_bits)); }

void set_parallel(const MemoryGeometry& g, const Layer& l, LayerPlan& lp, int P) {
  lp.P = P;
  lp.C = kind_info(l).state_words(l, P);
  if (l.is_conv()) {
    // lanes over the output channels of a group; a weight word per (input cell, chunk)
    lp.conv = l.conv;
    lp.CH = l.conv.groups * static_cast<int>(ceil_div(l.conv.cog(), P));
    lp.w_pack = 1;
  } else {
    // never more chunks per word than the layer has (the engine requires W_PACK <= C)
    lp.w_pack = std::min(lp.C, l.weight_pack > 0 ? l.weight_pack : lp.spram_pack ? spram_pack_of(g, P, lp.w_bits) : 1);
  }
  plan_memories(g, l, lp);
}

}  // namespace

const char* to_string(MemStyle s) {
  switch (s) {
    case MemStyle::Block: return "block";
    case MemStyle::Logic: return "logic";
    case MemStyle::Huge: return "spram";
  }
  return "block";
}

Plan plan_network(const Network& net, const PlanOptions& opt, const std::string& net_file) {
  if (opt.capacity.luts <= 0 || opt.capacity.mem.block_shapes.empty())
    throw std::logic_error("plan_network: PlanOptions::capacity names no device (it comes from a board description)");
  const Capacity& cap = opt.capacity;  // the device: lanes and memories fit it
  Plan plan;
  // events carry values through the FIFOs and on the output stream (one model
  // family per network, so the first layer says it)
  const bool graded = model_info(net.layers.front()).graded_events;
  plan.in_idx_w = std::max(1, clog2(net.input_size));
  plan.in_pay_bits = net.input_payload_bits;
  plan.in_pay_signed = net.input_payload_signed;
  for (size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    const NeuronModelInfo& info = model_info(l);
    if (!kind_info(l).rtl_engine)
      throw InputError(net_file + ": layer '" + l.name + "': type: found \"" + kind_info(l).name +
                       "\", expected a layer kind with a hardware engine (\"dense\"; the " + kind_info(l).name +
                       " engine is not built yet: `spikeforge run` simulates it in the golden model)");
    LayerPlan lp;
    lp.name = l.name;
    lp.kind = l.type;
    lp.n_in = l.n_in;
    lp.n_out = l.n_out;
    lp.in_idx_w = std::max(1, clog2(l.n_in));
    lp.out_idx_w = std::max(1, clog2(l.n_out));
    lp.has_bias = l.has_bias();
    // the conv engine visits only the rows that can fire when a neuron without input stays put
    lp.sparse_fire = l.is_conv() && info.quiet_without_input && info.quiet_without_input(l) && !info.synaptic_delay;
    if (lp.has_bias) {
      int64_t lo = *std::min_element(l.bias.begin(), l.bias.end());
      int64_t hi = *std::max_element(l.bias.begin(), l.bias.end());
      lp.bias_bits = std::max(2, bits_for_range(lo, hi));
    }
    const PayloadFormat in_pay = layer_input_payload(net, k), out_pay = layer_output_payload(l);
    lp.pay_bits = in_pay.bits;
    lp.pay_signed = in_pay.is_signed;
    lp.out_pay_bits = out_pay.bits;
    lp.out_pay_signed = out_pay.is_signed;
    // The model sizes its lane: the weights the RTL stores are w >> w_shift, and
    // the input sums are proved on those over the layer's input payload range.
    LaneSizing sz;
    sz.at = net_file + ": layer '" + l.name + "': ";
    sz.in = in_pay;
    sz.w_shift = info.weight_shift(l);
    Layer shifted;
    if (sz.w_shift > 0) {
      shifted = l;
      for (int32_t& w : shifted.weights) w /= int32_t{1} << sz.w_shift;  // exact: w is a multiple of 2^w_shift
    }
    const Layer& hw = sz.w_shift > 0 ? shifted : l;
    for (int32_t w : hw.weights) sz.shifted_w_lo = std::min<int64_t>(sz.shifted_w_lo, w), sz.shifted_w_hi = std::max<int64_t>(sz.shifted_w_hi, w);
    lp.w_shift = sz.w_shift;
    lp.w_bits = info.weight_bits(l, sz);
    derive_acc_range(hw, in_pay.min(), in_pay.max(), lp);
    sz.acc_bits = lp.acc_bits;
    info.size_lane(l, sz);
    lp.v_bits = sz.v_bits;
    if (sz.param_mem) lp.has_bias = true, lp.bias_bits = sz.param_bits;  // the parameter memory in the bias memory's place
    lp.hw_weight_exp = sz.hw_weight_exp;
    lp.hw_step_m = sz.hw_step_m;
    lp.hw_step_f = sz.hw_step_f;
    lp.sum_bits = sz.sum_bits;
    if (lp.acc_bits > kMaxAccBits)
      throw InputError(net_file + ": layer '" + l.name + "': input sum: needs " +
                       std::to_string(lp.acc_bits) + " bits (range " + std::to_string(lp.acc_min) +
                       ".." + std::to_string(lp.acc_max) + "), expected at most " +
                       std::to_string(kMaxAccBits) + " (reduce weights, fan-in or payload bits)");
    // --parallel P applies to every layer, each taking at most one lane per neuron;
    // a layer's own hardware.parallel must be one the layer can have.
    int P = opt.parallel > 0 ? std::min(opt.parallel, l.max_parallel()) : l.parallel;
    if (P > l.max_parallel())
      throw InputError(net_file + ": layer '" + l.name + "': parallel: found " + std::to_string(P) +
                       ", expected 1.." + std::to_string(l.max_parallel()) +
                       (l.is_conv() ? " (lanes run over the output channels of a group)" : " (at most one lane per neuron)"));
    if (P > kMaxLanes)
      throw InputError(net_file + ": layer '" + l.name + "': parallel: found " + std::to_string(P) +
                       ", expected at most " + std::to_string(kMaxLanes) + " lanes");
    set_parallel(cap.mem, l, lp, P > 0 ? P : 1);
    if (k + 1 < net.layers.size()) {
      lp.has_fifo = true;
      // Room for two timesteps of events (plus markers) when that is cheap,
      // so a layer can fire while its consumer still integrates.
      int64_t one = int64_t{l.n_out} + 1;
      lp.fifo_depth = static_cast<int>(int64_t{1} << clog2(std::max<int64_t>(2 * one, 4)));
      if (lp.fifo_depth > 512) lp.fifo_depth = static_cast<int>(int64_t{1} << clog2(one));
      lp.fifo_addr_w = clog2(lp.fifo_depth);
      // {payload, index, eot}: akida events carry their value to the next layer
      lp.fifo_mem = make_mem(cap.mem, l.name + ".fifo", MemRole::Fifo, 1 + lp.out_idx_w + (graded ? lp.out_pay_bits : 0),
                             lp.fifo_depth);
    }
    plan.layers.push_back(lp);
  }
  plan.out_idx_w = plan.layers.back().out_idx_w;
  plan.graded = graded;
  plan.out_pay_bits = plan.layers.back().out_pay_bits;
  plan.out_value_max = layer_output_max(net.layers.back());
  plan.out_pay_signed = plan.layers.back().out_pay_signed;

  // Automatic parallelism: give lanes to the layer with the most cycles per
  // worst-case timestep (n_in events x C chunks) while the modelled LUTs, the
  // flip-flops of small memories and the block RAMs fit.
  std::vector<bool> automatic(net.layers.size());
  for (size_t k = 0; k < net.layers.size(); ++k)
    automatic[k] = opt.parallel <= 0 && net.layers[k].parallel <= 0;
  const int lut_budget = static_cast<int>(cap.luts * opt.lut_budget);
  const int ff_budget = static_cast<int>(cap.ff * opt.lut_budget);
  // loihi2 decays go to DSPs while they last, the widest layers first to LUTs
  // (lif multiply leaks and akida2 rescales have no LUT form: they keep theirs)
  auto assign_dsps = [&] {
    for (size_t k = 0; k < plan.layers.size(); ++k)
      if (model_info(net.layers[k]).dsp_has_lut_form && plan.layers[k].decay_impl != 0) {
        plan.layers[k].decay_impl = 0;
        plan_memories(cap.mem, net.layers[k], plan.layers[k]);
      }
    for (;;) {
      int used = 0;
      LayerPlan* widest = nullptr;
      size_t widest_k = 0;
      for (size_t k = 0; k < plan.layers.size(); ++k) {
        used += plan.layers[k].dsp;
        if (model_info(net.layers[k]).dsp_has_lut_form && plan.layers[k].decay_impl == 0 &&
            plan.layers[k].dsp > kind_info(net.layers[k]).engine_dsp(plan.layers[k]) && (!widest || plan.layers[k].dsp > widest->dsp))
          widest = &plan.layers[k], widest_k = k;
      }
      if (used <= cap.dsp || !widest) break;
      widest->decay_impl = 1;
      plan_memories(cap.mem, net.layers[widest_k], *widest);
    }
  };
  // Blocks beyond the device's, after placement: a design that does not fit yet
  // may still take lanes that do not make this worse (more lanes make wider,
  // shallower weight memories, which can fit SPRAM where narrow ones could not).
  auto ebr_excess = [&] { return std::max(0, total_ebr(plan) - cap.ebr); };
  // DSPs beyond the device's (only lif multiply leaks and akida2 rescales can cause it: loihi2 moves to LUTs)
  auto dsp_excess = [&] {
    int used = 0;
    for (const LayerPlan& lp : plan.layers) used += lp.dsp;
    return std::max(0, used - cap.dsp);
  };
  int excess = 0, dsp_over = 0;
  auto fits = [&] {
    assign_dsps();
    place_memories(plan, cap, ff_budget);
    return total_luts(plan) <= lut_budget && ebr_excess() <= excess && logic_bits(plan) <= ff_budget &&
           dsp_excess() <= dsp_over;
  };
  assign_dsps();
  place_memories(plan, cap, ff_budget);
  // A design whose memories the blocks cannot hold puts weights in SPRAM: give
  // the automatic layers with the largest weight memories, one at a time, the
  // fewest lanes that pack their weight words into the fewest SPRAMs (P * w_bits
  // near a multiple of 16, or several chunks per 16-bit word: w_pack), until the
  // blocks suffice or no layer is left. Fewer lanes keep the state memories narrow.
  {
    std::vector<bool> tried(net.layers.size(), false);
    while (ebr_excess() > 0 && cap.spram > 0) {
      int k = -1;
      for (size_t i = 0; i < plan.layers.size(); ++i)
        if (automatic[i] && !tried[i] && net.layers[i].weight_pack == 0 &&
            (k < 0 || plan.layers[i].mems[0].bits() > plan.layers[static_cast<size_t>(k)].mems[0].bits()))
          k = static_cast<int>(i);
      if (k < 0) break;
      tried[static_cast<size_t>(k)] = true;
      LayerPlan& lp = plan.layers[static_cast<size_t>(k)];
      const Layer& l = net.layers[static_cast<size_t>(k)];
      int best_p = lp.P, best_blocks = INT32_MAX;
      // lanes whose leak takes a DSP: no more than the DSPs the other layers leave
      int other_dsp = 0;
      for (size_t i = 0; i < plan.layers.size(); ++i)
        if (i != static_cast<size_t>(k)) other_dsp += plan.layers[i].dsp;
      const int lane_dsp = fixed_lane_dsp(l, lp);
      const int max_p = lane_dsp > 0 ? std::max(1, (cap.dsp - other_dsp - 1) / lane_dsp) : kMaxLanes;  // 1: its address
      for (int p = 1; p <= std::min({l.max_parallel(), kMaxLanes, max_p}) &&
                      p * lp.w_bits <= cap.mem.huge_max_cols * cap.mem.huge_width;
           ++p) {
        // the weight memory this many lanes (packed to the SPRAM word) would have
        LayerPlan t = lp;
        t.spram_pack = true;
        set_parallel(cap.mem, l, t, p);
        const MemPlan* w = t.mem(MemRole::Weights);
        const int blocks = cap.mem.huge_count(w->width, w->depth);
        if (blocks < best_blocks) best_blocks = blocks, best_p = p;
      }
      lp.spram_pack = true;
      set_parallel(cap.mem, l, lp, best_p);
      assign_dsps();
      place_memories(plan, cap, ff_budget);
    }
  }
  excess = ebr_excess();
  dsp_over = dsp_excess();
  for (;;) {
    int best = -1;
    int64_t best_work = 0;
    for (size_t k = 0; k < plan.layers.size(); ++k) {
      const LayerPlan& lp = plan.layers[k];
      if (!automatic[k] || lp.P >= net.layers[k].max_parallel() || lp.P >= kMaxLanes) continue;
      const int64_t work = kind_info(net.layers[k]).step_work(lp);
      if (work > best_work) best_work = work, best = static_cast<int>(k);
    }
    if (best < 0) break;
    LayerPlan& lp = plan.layers[best];
    LayerPlan saved = lp;
    // next P that actually lowers the chunk count
    const Layer& bl = net.layers[static_cast<size_t>(best)];
    const int max_p = bl.max_parallel();
    int P = lp.P + 1;
    while (P < max_p && kind_info(bl).state_words(bl, P) == lp.C) ++P;
    set_parallel(cap.mem, bl, lp, std::min(P, max_p));
    if (!fits()) {
      lp = saved;
      automatic[best] = false;
    }
    assign_dsps();
    place_memories(plan, cap, ff_budget);
    excess = ebr_excess();
    dsp_over = dsp_excess();
  }

  assign_dsps();
  place_memories(plan, cap, ff_budget);
  plan_loads(plan);
  plan.total_ebr = total_ebr(plan);
  plan.total_spram = total_spram(plan);
  plan.est_luts = total_luts(plan);
  if (opt.have_capacity && plan.total_ebr > opt.capacity.ebr) {
    std::string detail;
    for (const LayerPlan& lp : plan.layers)
      for (const MemPlan& m : lp.mems)
        detail += "\n  " + m.name + ": " + std::to_string(m.width) + " x " + std::to_string(m.depth) +
                  " bits, " + (m.style == MemStyle::Huge ? std::to_string(m.spram) + " SPRAM"
                                                          : std::to_string(m.ebr) + " EBR");
    throw CheckFailure(net_file + ": memories need " + std::to_string(plan.total_ebr) +
                       " EBR blocks, the board has " + std::to_string(opt.capacity.ebr) + " (and " +
                       std::to_string(opt.capacity.spram) + " SPRAM, " + std::to_string(plan.total_spram) +
                       " used by weights; lower P, weight bits or layer sizes):" + detail);
  }
  return plan;
}

}  // namespace sf::gen
