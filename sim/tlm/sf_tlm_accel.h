// A SpikeForge accelerator as a memory-mapped TLM-2.0 target, for SystemC
// virtual platforms. It wraps the generated HLS C++ model (sf_net.h: the same
// code the C-simulation holds to the golden model), so a platform's software
// can load weights, push input events, run timesteps and read output events
// and neuron state through ordinary bus reads and writes.
//
// Register map (32-bit little-endian words; byte offsets from the socket's base):
//   0x0000 ID          RO  0x53460001 ("SF", map version 1)
//   0x0004 CTRL        WO  bit 0 RESET: every neuron to power-up, queues and counters cleared
//                          bit 1 STEP:  run one timestep on the queued input events
//   0x0008 STATUS      RO  [15:0] output events waiting, bit 16: an input event was rejected
//                          (index or payload out of range) since the last RESET, bit 17:
//                          the last STEP was refused because the loaded weights leave the
//                          accumulator range the generator proved (sf_net::within_proof)
//   0x000C IN_EVENT    WO  queue an input event: [15:0] index, [31:16] payload (signed;
//                          input payloads are at most 16 bits wide)
//   0x0010 OUT_EVENT   RO  pop an output event: bit 31 valid, [30:16] timestep (mod 2^15),
//                          [15:0] neuron; 0 when none is waiting
//   0x0014 TIMESTEP    RO  timesteps run since the last RESET
//   0x0018 INFO        RO  [7:0] layers, [31:8] input size
//   0x1000_0000 + (r << 20) + 4 i   RW  parameter region r, value i (sign-extended):
//                          r = 2k layer k's weights [n_out][n_in], r = 2k + 1 its biases
//   0x2000_0000 + (k << 20) + 4 n   RO  v of neuron n of layer k after the last timestep
//   0x3000_0000 + (k << 20) + 4 n   RO  1 when neuron n of layer k spiked in the last timestep
// A write that does not fit (value wider than the region, layer without bias)
// or an address outside the map answers TLM_ADDRESS_ERROR_RESPONSE or
// TLM_GENERIC_ERROR_RESPONSE and changes nothing. Only 4-byte aligned single
// word accesses are accepted (TLM_BURST_ERROR_RESPONSE / byte-enable error otherwise).
//
// Timing: loosely timed. Every access adds `access_delay` to the transaction's
// delay; STEP also adds `step_delay` per input event and per neuron, which a
// platform may set from the generator's cycle model. The model computes exactly
// (it is the bit-exact C-simulation), but its timing is an annotation, not the
// RTL's cycle count: use the verilated RTL (`spikeforge sim --backend systemc`)
// where cycles matter.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "sf_net.h"
#include "sf_net_host.h"

namespace sf_tlm {

namespace reg {
inline constexpr uint64_t kId = 0x0000, kCtrl = 0x0004, kStatus = 0x0008, kInEvent = 0x000C,
                          kOutEvent = 0x0010, kTimestep = 0x0014, kInfo = 0x0018;
inline constexpr uint64_t kParamBase = 0x10000000, kStateBase = 0x20000000, kSpikeBase = 0x30000000,
                          kWindow = 0x10000000;
inline constexpr uint32_t kIdValue = 0x53460001;
inline constexpr uint32_t kCtrlReset = 1u << 0, kCtrlStep = 1u << 1;
inline constexpr uint32_t kStatusRejected = 1u << 16, kStatusUnproven = 1u << 17;
inline constexpr uint32_t kOutValid = 1u << 31;
inline constexpr int kRegionShift = 20;
}  // namespace reg

class Accelerator : public sc_core::sc_module {
  static_assert(sf_net::kInputSize <= 65536 && sf_net::kLayerSize[sf_net::kLayers - 1] <= 65536,
                "sf_tlm::Accelerator: IN_EVENT and OUT_EVENT carry 16-bit indices");

 public:
  tlm_utils::simple_target_socket<Accelerator> socket;
  sc_core::sc_time access_delay{10, sc_core::SC_NS};
  sc_core::sc_time step_delay{10, sc_core::SC_NS};

  explicit Accelerator(sc_core::sc_module_name name)
      : sc_core::sc_module(name),
        socket("socket"),
        params_(std::make_unique<sf_net::params>(sf_net::kParams)),
        state_(std::make_unique<sf_net::state>()) {
    socket.register_b_transport(this, &Accelerator::b_transport);
    reset();
  }

 private:
  std::unique_ptr<sf_net::params> params_;  // large networks: keep them off the stack
  std::unique_ptr<sf_net::state> state_;
  std::deque<sf_net::in_word> in_;
  std::deque<uint32_t> out_;
  uint32_t timestep_ = 0;
  bool rejected_ = false;
  bool params_checked_ = true;  // the generated parameters are within the proof
  bool unproven_ = false;

  void reset() {
    sf_net::reset(*state_);
    in_.clear();
    out_.clear();
    timestep_ = 0;
    rejected_ = false;
  }

  // The accumulators are only as wide as the generator proved necessary for the
  // weights it saw: loaded weights are checked once before they are used.
  bool params_ok() {
    if (!params_checked_) {
      unproven_ = false;
      for (int k = 0; k < sf_net::kLayers; ++k) unproven_ = unproven_ || !sf_net::within_proof(*params_, k);
      params_checked_ = true;
    }
    return !unproven_;
  }

  void step(sc_core::sc_time& delay) {
    sf_hls::stream<sf_net::in_word> in;
    sf_hls::stream<sf_net::out_word> out;
    const size_t events = in_.size();
    for (const sf_net::in_word& w : in_) in.write(w);
    in_.clear();
    sf_net::in_word eot{};
    eot.eot = true;
    in.write(eot);
    sf_net::step(in, out, *params_, *state_);
    while (!out.empty()) {
      const sf_net::out_word w = out.read();
      if (!w.eot)
        out_.push_back(reg::kOutValid | ((timestep_ & 0x7FFFu) << 16) | (static_cast<uint32_t>(w.index) & 0xFFFFu));
    }
    ++timestep_;
    int neurons = 0;
    for (int k = 0; k < sf_net::kLayers; ++k) neurons += sf_net::kLayerSize[k];
    delay += step_delay * static_cast<double>(events + static_cast<size_t>(neurons));
  }

  bool push_event(uint32_t word) {
    const long long index = word & 0xFFFFu;
    const long long payload = static_cast<int16_t>(word >> 16);
    if (index >= sf_net::kInputSize || payload < sf_net::kPayloadMin || payload > sf_net::kPayloadMax) return false;
    sf_net::in_word w{};
    w.index = static_cast<decltype(w.index)>(index);
    w.payload = static_cast<decltype(w.payload)>(payload);
    w.eot = false;
    in_.push_back(w);
    return true;
  }

  tlm::tlm_response_status read(uint64_t a, uint32_t& v) {
    if (a >= reg::kParamBase && a < reg::kParamBase + reg::kWindow) {
      const int r = static_cast<int>((a - reg::kParamBase) >> reg::kRegionShift);
      const int i = static_cast<int>(((a - reg::kParamBase) & ((1u << reg::kRegionShift) - 1)) / 4);
      if (r >= sf_net::kRegionCount || i >= sf_net::kRegions[r].count) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
      v = static_cast<uint32_t>(sf_net::get_param(*params_, r, i));
      return tlm::TLM_OK_RESPONSE;
    }
    for (const uint64_t base : {reg::kStateBase, reg::kSpikeBase}) {
      if (a < base || a >= base + reg::kWindow) continue;
      const int k = static_cast<int>((a - base) >> reg::kRegionShift);
      const int n = static_cast<int>(((a - base) & ((1u << reg::kRegionShift) - 1)) / 4);
      if (k >= sf_net::kLayers || n >= sf_net::kLayerSize[k]) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
      v = base == reg::kStateBase ? static_cast<uint32_t>(sf_net::get_v(*state_, k, n))
                                  : (sf_net::get_spike(*state_, k, n) ? 1u : 0u);
      return tlm::TLM_OK_RESPONSE;
    }
    switch (a) {
      case reg::kId: v = reg::kIdValue; return tlm::TLM_OK_RESPONSE;
      case reg::kStatus:
        v = static_cast<uint32_t>(out_.size() > 0xFFFF ? 0xFFFF : out_.size()) |
            (rejected_ ? reg::kStatusRejected : 0) | (unproven_ ? reg::kStatusUnproven : 0);
        return tlm::TLM_OK_RESPONSE;
      case reg::kOutEvent:
        v = 0;
        if (!out_.empty()) {
          v = out_.front();
          out_.pop_front();
        }
        return tlm::TLM_OK_RESPONSE;
      case reg::kTimestep: v = timestep_; return tlm::TLM_OK_RESPONSE;
      case reg::kInfo:
        v = static_cast<uint32_t>(sf_net::kLayers) | (static_cast<uint32_t>(sf_net::kInputSize) << 8);
        return tlm::TLM_OK_RESPONSE;
      default: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
  }

  tlm::tlm_response_status write(uint64_t a, uint32_t v, sc_core::sc_time& delay) {
    if (a >= reg::kParamBase && a < reg::kParamBase + reg::kWindow) {
      const int r = static_cast<int>((a - reg::kParamBase) >> reg::kRegionShift);
      const int i = static_cast<int>(((a - reg::kParamBase) & ((1u << reg::kRegionShift) - 1)) / 4);
      if (r >= sf_net::kRegionCount || i >= sf_net::kRegions[r].count) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
      if (!sf_net::set_param(*params_, r, i, static_cast<int32_t>(v))) return tlm::TLM_GENERIC_ERROR_RESPONSE;
      params_checked_ = false;
      return tlm::TLM_OK_RESPONSE;
    }
    switch (a) {
      case reg::kCtrl:
        if (v & ~(reg::kCtrlReset | reg::kCtrlStep)) return tlm::TLM_GENERIC_ERROR_RESPONSE;
        if (v & reg::kCtrlReset) reset();
        if (v & reg::kCtrlStep) {
          if (!params_ok()) return tlm::TLM_GENERIC_ERROR_RESPONSE;
          step(delay);
        }
        return tlm::TLM_OK_RESPONSE;
      case reg::kInEvent:
        if (!push_event(v)) {
          rejected_ = true;
          return tlm::TLM_GENERIC_ERROR_RESPONSE;
        }
        return tlm::TLM_OK_RESPONSE;
      default: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
  }

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    delay += access_delay;
    const uint64_t a = trans.get_address();
    if (trans.get_data_length() != 4 || trans.get_streaming_width() < 4 || (a & 3u) != 0) {
      trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
      return;
    }
    if (trans.get_byte_enable_ptr() != nullptr) {
      trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return;
    }
    uint32_t v = 0;
    tlm::tlm_response_status st;
    if (trans.is_read()) {
      st = read(a, v);
      if (st == tlm::TLM_OK_RESPONSE) std::memcpy(trans.get_data_ptr(), &v, 4);
    } else if (trans.is_write()) {
      std::memcpy(&v, trans.get_data_ptr(), 4);
      st = write(a, v, delay);
    } else {
      st = tlm::TLM_OK_RESPONSE;  // TLM_IGNORE_COMMAND
    }
    trans.set_response_status(st);
  }
};

}  // namespace sf_tlm
