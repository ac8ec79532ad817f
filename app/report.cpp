#include "report.h"

#include <sstream>

#include "layers/layer_kind.h"
#include "models/neuron_model.h"

namespace sf::app {

using nlohmann::json;

namespace {

// Issue cycles of one input event: the dense engine's C; the conv engine's
// largest window (ceil(k / s) cells per axis reach the stride grid) times the group's chunks.
int64_t event_cycles_max(const gen::LayerPlan& lp) {
  if (lp.kind == LayerType::Dense) return lp.C;
  const ConvGeom& g = lp.conv;
  return int64_t{(g.kh + g.sh - 1) / g.sh} * ((g.kw + g.sw - 1) / g.sw) * (lp.CH / g.groups);
}

}  // namespace

json plan_report(const Network& net, const gen::Plan& plan) {
  json layers = json::array();
  for (size_t k = 0; k < plan.layers.size(); ++k) {
    const gen::LayerPlan& lp = plan.layers[k];
    json mems = json::array();
    for (const gen::MemPlan& m : lp.mems)
      mems.push_back({{"name", m.name}, {"width", m.width}, {"depth", m.depth},
                      {"style", gen::to_string(m.style)}, {"ebr", m.ebr}, {"spram", m.spram}});
    json l = {{"name", lp.name},
              {"model", to_string(net.layers[k].neuron.model)},
              {"in", lp.n_in},
              {"out", lp.n_out},
              {"parallel", lp.P},
              {"chunks", lp.C},
              {"weight_pack", lp.w_pack},
              {"weight_bits", lp.w_bits},
              {"v_bits", lp.v_bits},
              {"acc_bits", lp.acc_bits},
              {"acc_range", {lp.acc_min, lp.acc_max}},
              {"bias_bits", lp.has_bias ? lp.bias_bits : 0},
              {"payload_bits", lp.pay_bits},
              {"memories", mems},
              {"cycles_per_input_event", event_cycles_max(lp)},
              {"estimated_luts_modelled", lp.est_luts}};
    if (lp.kind != LayerType::Dense) {
      const ConvGeom& g = lp.conv;
      l["type"] = kind_info(lp.kind).name;
      l["conv"] = {{"in_shape", {g.c_in, g.h_in, g.w_in}},
                   {"out_shape", {g.c_out, g.h_out, g.w_out}},
                   {"kernel", {g.kh, g.kw}},
                   {"stride", {g.sh, g.sw}},
                   {"padding", {g.ph, g.pw}},
                   {"dilation", {g.dh, g.dw}},
                   {"groups", g.groups},
                   {"chunks_per_position", lp.CH},
                   {"sparse_fire", lp.sparse_fire},
                   {"weights_stored", g.weight_count()}};
    }
    const NeuronModelInfo& model = model_info(net.layers[k]);
    if (model.report_key) l[model.report_key] = model.report_section(net.layers[k], lp);
    if (lp.has_fifo)
      l["fifo"] = {{"depth", lp.fifo_depth}, {"style", gen::to_string(lp.fifo_mem.style)},
                   {"ebr", lp.fifo_mem.ebr}};
    layers.push_back(std::move(l));
  }
  return {{"format", "spikeforge-report"},
          {"version", 1},
          {"network", net.name},
          {"input", {{"size", net.input_size}, {"index_bits", plan.in_idx_w},
                     {"payload_bits", plan.in_pay_bits}, {"payload_signed", plan.in_pay_signed}}},
          {"output", {{"size", net.output_size()}, {"index_bits", plan.out_idx_w}}},
          {"layers", layers},
          {"ebr_blocks", plan.total_ebr},
          {"spram_blocks", plan.total_spram},
          {"estimated_luts_modelled", plan.est_luts},
          {"cycle_model",
           "per layer and timestep: C_k cycles per input event (accepted back to back); the fire "
           "phase starts at max(marker + 1, last chunk issue + 2), once the downstream FIFO has "
           "room for a whole timestep, and lasts 1 + 2 C_k + spikes cycles; FIFO latency 2 cycles; "
           "C_k cycles of state clear after reset (docs/cycle-model.md); conv2d / sumpool2d layers: "
           "each event issues its window's cells x chunks after a 3-cycle decode, the fire phase visits "
           "output rows (only dirty rows with sparse fire) (docs/conv-engine.md)"}};
}

std::string plan_summary(const Network& net, const gen::Plan& plan) {
  std::ostringstream o;
  o << "network '" << net.name << "': " << net.input_size << " inputs, " << plan.layers.size()
    << " layers\n";
  for (size_t k = 0; k < plan.layers.size(); ++k) {
    const gen::LayerPlan& lp = plan.layers[k];
    const NeuronModelInfo& model = model_info(net.layers[k]);
    o << "  " << lp.name << ": " << lp.n_in << " -> " << lp.n_out << " "
      << to_string(net.layers[k].neuron.model) << ", P=" << lp.P << " ("
      << (lp.kind == LayerType::Dense ? "" : std::string(kind_info(lp.kind).name) + ", up to ") << event_cycles_max(lp)
      << " cycles/event" << (lp.sparse_fire ? ", sparse fire" : "") << "), weights " << lp.w_bits << "b, acc " << lp.acc_bits << "b, "
      << model.state_summary << (model.stateless ? " (stateless) " : " ") << lp.v_bits << "b";
    if (lp.w_pack > 1) o << ", " << lp.w_pack << " chunks per weight word";
    o << model.summary_extra(net.layers[k], lp);
    o << "\n";
    for (const gen::MemPlan& m : lp.mems)
      o << "      " << m.name << ": " << m.width << "x" << m.depth << " " << gen::to_string(m.style)
        << (m.ebr ? " (" + std::to_string(m.ebr) + " EBR)" : "")
        << (m.spram ? " (" + std::to_string(m.spram) + " SPRAM, loaded through ld_*)" : "") << "\n";
  }
  o << "  EBR blocks: " << plan.total_ebr << "; SPRAM blocks: " << plan.total_spram << "; LUTs (modelled estimate): " << plan.est_luts << "\n";
  return o.str();
}

}  // namespace sf::app
