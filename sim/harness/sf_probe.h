// Debug-monitor values of one layer in one cycle, read from sf_top's dbg_* ports.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

namespace sf::sim {

struct Probe {
  bool spk = false;        // an output event handshake this cycle
  bool spk_eot = false;    // ... and it is the end-of-timestep marker
  uint32_t spk_index = 0;
  uint32_t spk_payload = 1;  // the event's value (raw bits; graded layers only, else 1)
  bool st_we = false;      // a v-memory write this cycle (fire phase)
  uint32_t st_addr = 0;    // chunk
  std::vector<uint32_t> st_data;  // P lanes x V_BITS, lane 0 in the low bits
};

// Verilator maps ports to integral types up to 64 bits and VlWide<N> above.
template <typename T>
void copy_bits(const T& v, std::vector<uint32_t>& out) {
  if constexpr (std::is_integral_v<T>) {
    const uint64_t x = static_cast<uint64_t>(v);
    out.assign({static_cast<uint32_t>(x), static_cast<uint32_t>(x >> 32)});
  } else {
    out.assign(v.data(), v.data() + sizeof(v) / sizeof(v.data()[0]));
  }
}

#ifdef SF_SYSTEMC
// Verilated SystemC ports: read through the port; above 64 bits they are sc_bv.
template <int W>
void copy_bits(const sc_dt::sc_bv<W>& v, std::vector<uint32_t>& out) {
  out.resize((W + 31) / 32);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint32_t>(v.get_word(static_cast<int>(i)));
}
template <typename T>
void copy_bits(const sc_core::sc_out<T>& port, std::vector<uint32_t>& out) {
  copy_bits(port.read(), out);
}
#endif

// Signed field [lsb, lsb + width) of a little-endian word array.
inline int64_t signed_field(const std::vector<uint32_t>& words, int lsb, int width) {
  uint64_t u = 0;
  for (int b = 0; b < width; ++b) {
    const int pos = lsb + b;
    const size_t w = static_cast<size_t>(pos / 32);
    if (w < words.size() && ((words[w] >> (pos % 32)) & 1u)) u |= uint64_t{1} << b;
  }
  if (width < 64 && ((u >> (width - 1)) & 1u)) u |= ~uint64_t{0} << width;
  return static_cast<int64_t>(u);
}

}  // namespace sf::sim
