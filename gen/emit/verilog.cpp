#include "emit/verilog.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "layers/layer_kind.h"
#include "models/neuron_model.h"
#include "util/files.h"

namespace sf::gen {

namespace {

// Hex word of `lanes` values, lane 0 in the least significant bits.
std::string hex_word(const std::vector<int64_t>& lanes, int bits) {
  const int width = static_cast<int>(lanes.size()) * bits;
  std::vector<uint8_t> nibbles(static_cast<size_t>((width + 3) / 4), 0);
  for (size_t j = 0; j < lanes.size(); ++j) {
    uint64_t u = static_cast<uint64_t>(lanes[j]);
    for (int b = 0; b < bits; ++b)
      if ((u >> b) & 1u) {
        size_t pos = j * static_cast<size_t>(bits) + static_cast<size_t>(b);
        nibbles[pos / 4] = static_cast<uint8_t>(nibbles[pos / 4] | (1u << (pos % 4)));
      }
  }
  std::string s;
  for (size_t i = nibbles.size(); i-- > 0;) s += "0123456789abcdef"[nibbles[i]];
  return s;
}

// Calls f(lanes) for every weight word in memory order (the layer kind's layout).
template <class F>
void for_each_weight_word(const Layer& l, const LayerPlan& lp, F f) {
  kind_info(l).weight_words(l, lp, f);
}

std::string weights_hex(const Layer& l, const LayerPlan& lp) {
  std::ostringstream o;
  for_each_weight_word(l, lp, [&](const std::vector<int64_t>& lanes) { o << hex_word(lanes, lp.w_bits) << "\n"; });
  return o.str();
}

// Per-neuron word of the bias memory: the bias, or the model's parameter word
// (akida: the threshold; akida2: {output_scale, bias}).
int64_t param_of(const Layer& l, size_t n) {
  const NeuronModelInfo& info = model_info(l);
  return info.param_word ? info.param_word(l, n) : l.bias[n];
}

std::string bias_hex(const Layer& l, const LayerPlan& lp) {
  std::ostringstream o;
  const LayerKindInfo& kind = kind_info(l);
  std::vector<int64_t> lanes(static_cast<size_t>(lp.P));
  for (int c = 0; c < kind.param_words(lp); ++c) {
    for (int j = 0; j < lp.P; ++j) {
      const int e = kind.param_entry(lp, c, j);  // a neuron (dense) or a channel (conv)
      lanes[static_cast<size_t>(j)] = e >= 0 ? param_of(l, static_cast<size_t>(e)) : 0;
    }
    o << hex_word(lanes, lp.bias_bits) << "\n";
  }
  return o.str();
}

// What an engine needs to host one layer's neuron model in its sf_neuron_lane lanes: the
// model's name, the datapath properties the engine provides for it (from the model's
// table entry; the lane checks them against the name at elaboration), and the model's
// own constants (the entry's rtl_params).
struct LaneConfig {
  std::string model;        // sf_neuron_lane's MODEL
  bool has_state = false;   // HAS_STATE: a v memory holds the state word between steps
  bool delay_bank = false;  // DELAY_BANK: a second acc bank (one-step synaptic delay)
  bool payload = false;     // PAYLOAD: multi-bit event values
  bool has_pend = false;    // HAS_PEND: deferred-reset bits
  MemRole param_mem = MemRole::Bias;  // the per-neuron parameter memory (its hex file: <memory name>.hex)
  std::string params;       // the model's parameters, "    .NAME(value), ...,\n" lines
};

LaneConfig lane_config(const Layer& l, const LayerPlan& lp) {
  const NeuronModelInfo& m = model_info(l);
  LaneConfig c;
  c.model = m.name;
  c.has_state = !m.stateless;
  c.delay_bank = m.synaptic_delay;
  c.payload = m.graded_events;
  c.has_pend = m.needs_pending(l);
  c.param_mem = m.stateless ? MemRole::Param : MemRole::Bias;
  c.params = m.rtl_params(l, lp);
  return c;
}

std::string vec(int w) { return w > 1 ? "[" + std::to_string(w - 1) + ":0] " : ""; }

// Where the layer's memory of that role lives (block when the layer has none:
// the engine then instantiates no such memory).
MemStyle style_of(const LayerPlan& lp, MemRole role) {
  const MemPlan* m = lp.mem(role);
  return m ? m->style : MemStyle::Block;
}

// Width of a chunk address, as sf_dense_engine's CHUNK_W.
int chunk_width(const LayerPlan& lp) { return lp.C > 1 ? clog2(lp.C) : 1; }

int dbg_addr_width(const Plan& plan) {
  int w = 1;
  for (const LayerPlan& lp : plan.layers) w = std::max(w, chunk_width(lp));
  return w;
}

// The low bits of the shared debug address that address one layer's chunks.
std::string dbg_addr_slice(const Plan& plan, const LayerPlan& lp) {
  const int chunk_w = chunk_width(lp);
  if (dbg_addr_width(plan) == 1) return "dbg_rd_addr";
  return "dbg_rd_addr[" + std::to_string(chunk_w - 1) + ":0]";
}

const LoadPlan* load_of(const Plan& plan, size_t layer) {
  for (const LoadPlan& ld : plan.loads)
    if (ld.layer == static_cast<int>(layer)) return &ld;
  return nullptr;
}

// An engine's weight load connections: its select value (and zeros between its
// word address and the select) in ld_addr, else tied off.
std::string load_ports(const Plan& plan, const LayerPlan& lp, const LoadPlan* ld) {
  const int waddr_w = std::max(1, clog2(lp.mem(MemRole::Weights)->depth));  // the engine's WADDR_W
  const int data_w = lp.P * lp.w_bits * lp.w_pack;
  if (!ld)
    return "    .ld_we(1'b0), .ld_addr(" + std::to_string(waddr_w) + "'d0), .ld_data(" + std::to_string(data_w) +
           "'d0)";
  const int sel_w = clog2(static_cast<int64_t>(plan.loads.size()));
  const int word_w = plan.ld_addr_w - sel_w;  // the widest word address
  const int wa = ld->word_addr_w, hi = plan.ld_addr_w;
  std::string we = "ld_we";
  if (hi > wa)
    we += " && (ld_addr[" + std::to_string(hi - 1) + ":" + std::to_string(wa) + "] == " + std::to_string(hi - wa) +
          "'d" + std::to_string(int64_t{ld->sel} << (word_w - wa)) + ")";
  return "    .ld_we(" + we + "), .ld_addr(ld_addr[" + std::to_string(wa - 1) + ":0]), .ld_data(ld_data[" +
         std::to_string(ld->width - 1) + ":0])";
}

std::string emit_top(const Network& net, const Plan& plan) {
  std::ostringstream v;
  const size_t L = plan.layers.size();
  v << "// Language: Verilog 2001\n"
    << "// Generated by SpikeForge from network '" << net.name << "'. Do not edit: regenerate.\n\n"
    << "`resetall\n`timescale 1ns / 1ps\n`default_nettype none\n\n"
    << "module sf_top (\n"
    << "    input  wire clk,\n"
    << "    input  wire rst,\n\n"
    << "    /* input events */\n"
    << "    input  wire s_evt_valid,\n"
    << "    output wire s_evt_ready,\n"
    << "    input  wire s_evt_eot,\n"
    << "    input  wire " << vec(plan.in_idx_w) << "s_evt_index,\n"
    << "    input  wire " << vec(plan.in_pay_bits) << "s_evt_payload,\n\n"
    << "    /* output events */\n"
    << "    output wire m_evt_valid,\n"
    << "    input  wire m_evt_ready,\n"
    << "    output wire m_evt_eot,\n"
    << "    output wire " << vec(plan.out_idx_w) << "m_evt_index";
  if (plan.graded)
    v << ",\n    /* the event's value (" << (plan.out_pay_signed ? "two's complement" : "unsigned") << ") */\n"
      << "    output wire " << vec(plan.out_pay_bits) << "m_evt_payload";
  // one debug read port for the whole network: layer, chunk in; P lanes of v out
  const int dbg_addr_w = dbg_addr_width(plan);
  int dbg_data_w = 1;
  for (const LayerPlan& lp : plan.layers) dbg_data_w = std::max(dbg_data_w, lp.P * lp.v_bits);
  const int dbg_layer_w = L > 1 ? clog2(static_cast<int64_t>(L)) : 1;
  v << ",\n\n    /* debug read of neuron state: v of chunk dbg_rd_addr of layer dbg_rd_layer\n"
    << "     * (lane j = neuron chunk * P + j, lane 0 in the low bits), taken while that layer\n"
    << "     * waits for input; dbg_rd_valid with the data one cycle later */\n"
    << "    input  wire dbg_rd_en,\n"
    << "    input  wire " << vec(dbg_layer_w) << "dbg_rd_layer,\n"
    << "    input  wire " << vec(dbg_addr_w) << "dbg_rd_addr,\n"
    << "    output wire dbg_rd_valid,\n"
    << "    output wire " << vec(dbg_data_w) << "dbg_rd_data";
  if (!plan.loads.empty())
    v << ",\n\n    /* weight load into the SPRAM weight memories (no initial contents): word w of\n"
      << "     * memory s is ld_addr = {s, w}; taken while rst is high (docs/weight-load.md) */\n"
      << "    input  wire ld_we,\n"
      << "    input  wire " << vec(plan.ld_addr_w) << "ld_addr,\n"
      << "    input  wire " << vec(plan.ld_data_w) << "ld_data";
  for (size_t k = 0; k < L; ++k) {
    const LayerPlan& lp = plan.layers[k];
    const std::string p = "dbg_l" + std::to_string(k) + "_";
    const int chunk_w = chunk_width(lp);
    v << ",\n\n    /* debug monitors: layer '" << lp.name << "' */\n"
      << "    output wire " << p << "spk,\n"
      << "    output wire " << p << "spk_eot,\n"
      << "    output wire " << vec(lp.out_idx_w) << p << "spk_index,\n"
      << (plan.graded ? "    output wire " + vec(lp.out_pay_bits) + p + "spk_payload,\n" : std::string())
      << "    output wire " << p << "st_we,\n"
      << "    output wire " << vec(chunk_w) << p << "st_addr,\n"
      << "    output wire " << vec(lp.P * lp.v_bits) << p << "st_data";
  }
  v << "\n);\n\n";

  // debug read port: per-layer request and data, then the selected layer's answer
  for (size_t k = 0; k < L; ++k) {
    const LayerPlan& lp = plan.layers[k];
    const std::string d = "dbg_l" + std::to_string(k) + "_rd_";
    v << "wire " << d << "en = dbg_rd_en && (dbg_rd_layer == " << dbg_layer_w << "'d" << k << ");\n"
      << "wire " << d << "valid;\n"
      << "wire " << vec(lp.P * lp.v_bits) << d << "data;\n";
  }
  v << "reg dbg_rd_valid_r;\n"
    << "reg " << vec(dbg_data_w) << "dbg_rd_data_r;\n"
    << "always @* begin\n"
    << "    dbg_rd_valid_r = 1'b0;\n"
    << "    dbg_rd_data_r = " << dbg_data_w << "'d0;\n";
  for (size_t k = 0; k < L; ++k) {
    const LayerPlan& lp = plan.layers[k];
    const std::string d = "dbg_l" + std::to_string(k) + "_rd_";
    const int w = lp.P * lp.v_bits;
    v << "    if (" << d << "valid) begin\n"
      << "        dbg_rd_valid_r = 1'b1;\n"
      << "        dbg_rd_data_r = "
      << (w < dbg_data_w ? "{" + std::to_string(dbg_data_w - w) + "'d0, " + d + "data}" : d + "data")
      << ";\n"
      << "    end\n";
  }
  v << "end\n"
    << "assign dbg_rd_valid = dbg_rd_valid_r;\n"
    << "assign dbg_rd_data = dbg_rd_data_r;\n\n";

  for (size_t k = 0; k < L; ++k) {
    const LayerPlan& lp = plan.layers[k];
    const Layer& l = net.layers[k];
    const std::string ks = std::to_string(k);
    const std::string li = "l" + ks + "_";
    v << "/* layer " << k << ": '" << lp.name << "', " << lp.n_in << " -> " << lp.n_out << ", "
      << to_string(l.neuron.model) << ", P = " << lp.P << " */\n";
    v << "wire " << li << "s_valid, " << li << "s_ready, " << li << "s_eot;\n"
      << "wire " << vec(lp.in_idx_w) << li << "s_index;\n"
      << "wire " << vec(lp.pay_bits) << li << "s_payload;\n"
      << "wire " << li << "fire_ok;\n"
      << "wire " << li << "m_valid, " << li << "m_ready, " << li << "m_eot;\n"
      << "wire " << vec(lp.out_idx_w) << li << "m_index;\n";
    if (plan.graded)
      v << "wire " << vec(lp.out_pay_bits) << li << "m_payload;\n";
    else  // binary spikes: the payload is always 1 and goes nowhere
      v << "/* verilator lint_off UNUSEDSIGNAL */\nwire " << li
        << "m_payload;\n/* verilator lint_on UNUSEDSIGNAL */\n";
    if (k == 0) {
      v << "assign " << li << "s_valid = s_evt_valid;\n"
        << "assign s_evt_ready = " << li << "s_ready;\n"
        << "assign " << li << "s_eot = s_evt_eot;\n"
        << "assign " << li << "s_index = s_evt_index;\n"
        << "assign " << li << "s_payload = s_evt_payload;\n";
    } else {
      const std::string f = "f" + std::to_string(k - 1) + "_";
      const LayerPlan& prev = plan.layers[k - 1];
      v << "assign " << li << "s_valid = " << f << "m_valid;\n"
        << "assign " << f << "m_ready = " << li << "s_ready;\n"
        << "assign " << li << "s_eot = " << f << "m_data[0];\n"
        << "assign " << li << "s_index = " << f << "m_data[" << prev.out_idx_w << ":1];\n";
      if (plan.graded)  // the previous layer's event values, above the index in the FIFO word
        v << "assign " << li << "s_payload = " << f << "m_data[" << prev.out_idx_w + prev.out_pay_bits << ":"
          << prev.out_idx_w + 1 << "];\n";
      else
        v << "assign " << li << "s_payload = 1'b1;\n";
    }
    const LaneConfig lane = lane_config(l, lp);
    const LoadPlan* load = load_of(plan, k);
    const std::string bias_file = !lp.has_bias ? "" : lp.mem(lane.param_mem)->name + ".hex";
    v << "\n" << kind_info(l).rtl_engine << " #(\n"
      << "    .MODEL(\"" << lane.model << "\"), .HAS_STATE(" << (lane.has_state ? 1 : 0) << "), .DELAY_BANK("
      << (lane.delay_bank ? 1 : 0) << "), .PAYLOAD(" << (lane.payload ? 1 : 0) << "), .HAS_PEND("
      << (lane.has_pend ? 1 : 0) << "),\n"
      << kind_info(l).rtl_shape(lp)
      << "    .IN_IDX_W(" << lp.in_idx_w << "), .OUT_IDX_W(" << lp.out_idx_w << "),\n"
      << "    .PAY_BITS(" << lp.pay_bits << "), .PAY_SIGNED(" << (lp.pay_signed ? 1 : 0) << "),\n"
      << "    .W_BITS(" << lp.w_bits << "), .ACC_BITS(" << lp.acc_bits << "), .V_BITS(" << lp.v_bits
      << "),\n"
      << "    .BIAS_BITS(" << lp.bias_bits << "), .HAS_BIAS(" << (lp.has_bias ? 1 : 0) << "), .OUT_PAY_BITS("
      << lp.out_pay_bits << "),\n"
      << lane.params;
    v << "    .WEIGHT_FILE(\"" << (load ? "" : lp.name + ".weights.hex") << "\"), .BIAS_FILE(\""
      << bias_file << "\"),\n"
      << "    .WEIGHT_STYLE(\"" << to_string(style_of(lp, MemRole::Weights)) << "\"), .ACC_STYLE(\""
      << to_string(style_of(lp, MemRole::Acc)) << "\"), .ACC1_STYLE(\"" << to_string(style_of(lp, MemRole::AccDelayed))
      << "\"), .V_STYLE(\"" << to_string(style_of(lp, MemRole::State))
      << "\"),\n    .BIAS_STYLE(\"" << to_string(style_of(lp, lane.param_mem)) << "\"), .PEND_STYLE(\""
      << to_string(style_of(lp, MemRole::Pending)) << "\")\n"
      << ") l" << k << "_engine (\n"
      << "    .clk(clk), .rst(rst),\n"
      << "    .s_valid(" << li << "s_valid), .s_ready(" << li << "s_ready), .s_eot(" << li
      << "s_eot), .s_index(" << li << "s_index), .s_payload(" << li << "s_payload),\n"
      << "    .fire_ok(" << li << "fire_ok),\n"
      << "    .m_valid(" << li << "m_valid), .m_ready(" << li << "m_ready), .m_eot(" << li
      << "m_eot), .m_index(" << li << "m_index), .m_payload(" << li << "m_payload),\n"
      << "    .dbg_st_we(dbg_l" << k << "_st_we), .dbg_st_addr(dbg_l" << k
      << "_st_addr), .dbg_st_data(dbg_l" << k << "_st_data),\n"
      << "    .dbg_rd_en(dbg_l" << k << "_rd_en), .dbg_rd_addr(" << dbg_addr_slice(plan, lp)
      << "), .dbg_rd_valid(dbg_l" << k
      << "_rd_valid), .dbg_rd_data(dbg_l" << k << "_rd_data),\n"
      << load_ports(plan, lp, load) << "\n"
      << ");\n\n"
      << "assign dbg_l" << k << "_spk = " << li << "m_valid && " << li << "m_ready;\n"
      << "assign dbg_l" << k << "_spk_eot = " << li << "m_eot;\n"
      << "assign dbg_l" << k << "_spk_index = " << li << "m_index;\n";
    if (plan.graded) v << "assign dbg_l" << k << "_spk_payload = " << li << "m_payload;\n";
    if (lp.has_fifo) {
      const std::string f = "f" + ks + "_";
      const int w = 1 + lp.out_idx_w + (plan.graded ? lp.out_pay_bits : 0);
      v << "\n/* AER FIFO after '" << lp.name << "': " << lp.fifo_depth << " words */\n"
        << "wire " << vec(w) << f << "m_data;\n"
        << "wire " << f << "m_valid, " << f << "m_ready;\n"
        << "wire [" << lp.fifo_addr_w << ":0] " << f << "count;\n"
        << "sf_aer_fifo #(.WIDTH(" << w << "), .DEPTH(" << lp.fifo_depth << "), .ADDR_W("
        << lp.fifo_addr_w << "), .STYLE(\"" << to_string(lp.fifo_mem.style) << "\")) f" << k
        << "_fifo (\n"
        << "    .clk(clk), .rst(rst),\n"
        << "    .s_data({" << (plan.graded ? li + "m_payload, " : std::string()) << li << "m_index, " << li
        << "m_eot}), .s_valid(" << li
        << "m_valid), .s_ready(" << li << "m_ready),\n"
        << "    .m_data(" << f << "m_data), .m_valid(" << f << "m_valid), .m_ready(" << f
        << "m_ready),\n"
        << "    .count(" << f << "count)\n"
        << ");\n"
        << "// fire only when a whole timestep (" << lp.n_out << " events + marker) fits\n"
        << "assign " << li << "fire_ok = (" << f << "count <= " << (lp.fifo_addr_w + 1) << "'d"
        << (lp.fifo_depth - lp.n_out - 1) << ");\n\n";
    } else {
      v << "assign " << li << "fire_ok = 1'b1;\n"
        << "assign m_evt_valid = " << li << "m_valid;\n"
        << "assign " << li << "m_ready = m_evt_ready;\n"
        << "assign m_evt_eot = " << li << "m_eot;\n"
        << "assign m_evt_index = " << li << "m_index;\n";
      if (plan.graded) v << "assign m_evt_payload = " << li << "m_payload;\n";
      v << "\n";
    }
  }
  v << "endmodule\n\n`resetall\n";
  return v.str();
}

std::string emit_probes(const Plan& plan) {
  std::ostringstream h;
  h << "// Generated by SpikeForge: copies sf_top's debug monitors into probes.\n"
    << "#pragma once\n#include <cstdint>\n#include <vector>\n#include \"Vsf_top.h\"\n#include \"sf_probe.h\"\n\n"
    << "inline constexpr int kSfLayers = " << plan.layers.size() << ";\n\n"
    << "inline void sf_read_probes(const Vsf_top& top, sf::sim::Probe* p) {\n";
  for (size_t k = 0; k < plan.layers.size(); ++k) {
    const std::string d = "top.dbg_l" + std::to_string(k) + "_";
    const std::string q = "  p[" + std::to_string(k) + "].";
    h << q << "spk = " << d << "spk;\n"
      << q << "spk_eot = " << d << "spk_eot;\n"
      << q << "spk_index = " << d << "spk_index;\n"
      << (plan.graded ? q + "spk_payload = " + d + "spk_payload;\n" : std::string())
      << q << "st_we = " << d << "st_we;\n"
      << q << "st_addr = " << d << "st_addr;\n"
      << "  sf::sim::copy_bits(" << d << "st_data, p[" << k << "].st_data);\n";
  }
  h << "}\n";
  // The weight load port: which hex file goes to which memory select, and how
  // the harness drives the port (absent ports when nothing is in SPRAM).
  const int sel_w = clog2(static_cast<int64_t>(plan.loads.size()));
  h << "\n// Weight memories in SPRAM, loaded through ld_* before a run: word w of\n"
    << "// memory `sel` is ld_addr = (sel << kSfLdWordW) | w, written while rst is high.\n"
    << "struct SfLoadMem {\n  int sel;\n  const char* file;  // the generated hex file, one word per line\n};\n"
    << "inline constexpr int kSfLdWordW = " << (plan.loads.empty() ? 0 : plan.ld_addr_w - sel_w) << ";\n"
    << "inline const std::vector<SfLoadMem>& sf_load_table() {\n"
    << "  static const std::vector<SfLoadMem> table = {";
  for (size_t i = 0; i < plan.loads.size(); ++i)
    h << (i ? ", " : "") << "{" << plan.loads[i].sel << ", \""
      << plan.layers[static_cast<size_t>(plan.loads[i].layer)].name << ".weights.hex\"}";
  h << "};\n  return table;\n}\n"
    << "inline void sf_drive_load([[maybe_unused]] Vsf_top& top, [[maybe_unused]] bool we,\n"
    << "                          [[maybe_unused]] uint64_t addr, [[maybe_unused]] uint64_t data) {\n";
  if (!plan.loads.empty())
    h << "  top.ld_we = we;\n  top.ld_addr = addr;\n  top.ld_data = data;\n";
  h << "}\n";
  // SystemC: a signal for every port of sf_top (all must be bound), typed from
  // the verilated ports themselves so widths never need repeating here.
  std::vector<std::string> ports = {"clk",          "rst",          "s_evt_valid", "s_evt_ready",
                                    "s_evt_eot",    "s_evt_index",  "s_evt_payload", "m_evt_valid",
                                    "m_evt_ready",  "m_evt_eot",    "m_evt_index", "dbg_rd_en",
                                    "dbg_rd_layer", "dbg_rd_addr",  "dbg_rd_valid", "dbg_rd_data"};
  if (plan.graded) ports.push_back("m_evt_payload");
  for (size_t k = 0; k < plan.layers.size(); ++k) {
    for (const char* f : {"spk", "spk_eot", "spk_index", "st_we", "st_addr", "st_data"})
      ports.push_back("dbg_l" + std::to_string(k) + "_" + f);
    if (plan.graded) ports.push_back("dbg_l" + std::to_string(k) + "_spk_payload");
  }
  if (!plan.loads.empty()) ports.insert(ports.end(), {"ld_we", "ld_addr", "ld_data"});
  h << "\n#ifdef SF_SYSTEMC\n#include <type_traits>\n"
    << "// (Verilator 5 declares the ports as references)\n"
    << "template <class Port>\n"
    << "using sf_signal_for = sc_core::sc_signal<typename std::remove_reference_t<Port>::data_type>;\n\n"
    << "struct SfTopSignals {\n";
  for (const std::string& p : ports) h << "  sf_signal_for<decltype(Vsf_top::" << p << ")> " << p << ";\n";
  h << "  void bind(Vsf_top& top) {\n";
  for (const std::string& p : ports) h << "    top." << p << "(" << p << ");\n";
  h << "  }\n"
    << "  void drive_load([[maybe_unused]] bool we, [[maybe_unused]] uint64_t addr,\n"
    << "                  [[maybe_unused]] uint64_t data) {\n";
  if (!plan.loads.empty())
    h << "    ld_we.write(we);\n"
      << "    ld_addr.write(static_cast<decltype(ld_addr)::value_type>(addr));\n"
      << "    ld_data.write(static_cast<decltype(ld_data)::value_type>(data));\n";
  h << "  }\n};\n#endif\n";
  return h.str();
}

}  // namespace

std::vector<LoadWord> load_words(const Network& net, const Plan& plan) {
  std::vector<LoadWord> out;
  const int word_w = plan.ld_addr_w - clog2(static_cast<int64_t>(plan.loads.size()));
  for (const LoadPlan& ld : plan.loads) {
    const LayerPlan& lp = plan.layers[static_cast<size_t>(ld.layer)];
    uint64_t addr = static_cast<uint64_t>(ld.sel) << word_w;
    for_each_weight_word(net.layers[static_cast<size_t>(ld.layer)], lp, [&](const std::vector<int64_t>& lanes) {
      uint64_t word = 0;  // width <= 64 (the planner's limit for SPRAM)
      const uint64_t mask = lp.w_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << lp.w_bits) - 1;
      for (size_t j = 0; j < lanes.size(); ++j)
        word |= (static_cast<uint64_t>(lanes[j]) & mask) << (j * static_cast<size_t>(lp.w_bits));
      out.push_back({addr++, word});
    });
  }
  return out;
}

EmitResult emit_verilog(const Network& net, const Plan& plan, const std::string& dir,
                        const std::string& final_dir, const std::string& templates_dir) {
  EmitResult r;
  for (size_t k = 0; k < plan.layers.size(); ++k) {
    const LayerPlan& lp = plan.layers[k];
    const Layer& l = net.layers[k];
    std::string wf = dir + "/" + lp.name + ".weights.hex";
    write_file_atomic(wf, weights_hex(l, lp));
    r.mem_files.push_back(wf);
    if (lp.has_bias) {
      std::string bf = dir + "/" + lp.mem(lane_config(l, lp).param_mem)->name + ".hex";
      write_file_atomic(bf, bias_hex(l, lp));
      r.mem_files.push_back(bf);
    }
  }
  r.top_file = dir + "/sf_top.v";
  write_file_atomic(r.top_file, emit_top(net, plan));
  write_file_atomic(dir + "/sf_probes.h", emit_probes(plan));
  const std::string t = absolute_path(templates_dir);
  // the memories and the FIFO, every model's lane that sf_neuron_lane can instantiate (tools
  // resolve modules of untaken generate branches too), the lane selector, every engine
  std::vector<std::string> modules = {"sf_ram_1r1w", "sf_aer_fifo"};
  const auto add = [&modules](const std::string& m) {
    if (std::find(modules.begin(), modules.end(), m) == modules.end()) modules.push_back(m);
  };
  for (const NeuronModelInfo* m : neuron_models()) add(m->rtl_lane);
  add("sf_neuron_lane");
  for (const LayerKindInfo* k : layer_kinds()) {
    for (const char* m : k->rtl_submodules) add(m);
    if (k->rtl_engine) add(k->rtl_engine);
  }
  for (const std::string& m : modules) r.rtl_files.push_back(t + "/" + m + ".v");
  r.rtl_files.push_back(absolute_path(final_dir + "/sf_top.v"));
  std::string list;
  for (const std::string& f : r.rtl_files) list += f + "\n";
  write_file_atomic(dir + "/files.f", list);
  return r;
}

}  // namespace sf::gen
