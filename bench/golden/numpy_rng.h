// numpy's default_rng(seed) (SeedSequence + PCG64) and the two draws
// peer_bench.py makes, reproduced bit for bit so that this benchmark builds
// the very network and raster the peers run, without Python.
#pragma once

#include <cstdint>

namespace sf::bench {

class NumpyPcg64 {
 public:
  explicit NumpyPcg64(uint32_t seed) {
    // SeedSequence(seed).generate_state(4, uint64) with a one-word entropy.
    constexpr uint32_t kInitA = 0x43b0d7e5, kMultA = 0x931e8875, kInitB = 0x8b51f9dd, kMultB = 0x58f38ded;
    uint32_t hash = kInitA;
    const auto hashmix = [&hash](uint32_t value) {
      value ^= hash;
      hash *= kMultA;
      value *= hash;
      return value ^ (value >> 16);
    };
    const auto mix = [](uint32_t x, uint32_t y) {
      uint32_t r = 0xca01f9dd * x - 0x4973f715 * y;
      return r ^ (r >> 16);
    };
    uint32_t pool[4];
    for (int i = 0; i < 4; ++i) pool[i] = hashmix(i == 0 ? seed : 0);
    for (int src = 0; src < 4; ++src)
      for (int dst = 0; dst < 4; ++dst)
        if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
    uint32_t words[8];
    uint32_t hash_b = kInitB;
    for (int i = 0; i < 8; ++i) {
      uint32_t x = pool[i % 4] ^ hash_b;
      hash_b *= kMultB;
      x *= hash_b;
      words[i] = x ^ (x >> 16);
    }
    uint64_t s[4];
    for (int i = 0; i < 4; ++i) s[i] = words[2 * i] | (uint64_t{words[2 * i + 1]} << 32);
    // pcg64_set_seed: state = s[0]:s[1], increment from s[2]:s[3] (high word first).
    const u128 initstate = (u128{s[0]} << 64) | s[1];
    const u128 initseq = (u128{s[2]} << 64) | s[3];
    state_ = 0;
    inc_ = (initseq << 1) | 1;
    step();
    state_ += initstate;
    step();
  }

  uint64_t next64() {
    step();
    const uint64_t x = static_cast<uint64_t>(state_ >> 64) ^ static_cast<uint64_t>(state_);
    const unsigned rot = static_cast<unsigned>(state_ >> 122);
    return (x >> rot) | (x << ((64 - rot) & 63));
  }

  // Low half first, the high half kept for the next call (numpy's has_uint32).
  uint32_t next32() {
    if (has_half_) {
      has_half_ = false;
      return half_;
    }
    const uint64_t x = next64();
    has_half_ = true;
    half_ = static_cast<uint32_t>(x >> 32);
    return static_cast<uint32_t>(x);
  }

  // Generator.random(): 53 random bits.
  double random() { return static_cast<double>(next64() >> 11) * (1.0 / 9007199254740992.0); }

  // Generator.integers(low, high) for high - low - 1 < 2^32: Lemire's method
  // on 32-bit draws, as numpy's buffered_bounded_lemire_uint32.
  int64_t integers(int64_t low, int64_t high) {
    const uint32_t rng = static_cast<uint32_t>(high - low - 1);
    const uint32_t excl = rng + 1;
    uint64_t m = uint64_t{next32()} * excl;
    uint32_t leftover = static_cast<uint32_t>(m);
    if (leftover < excl) {
      const uint32_t threshold = (UINT32_MAX - rng) % excl;
      while (leftover < threshold) {
        m = uint64_t{next32()} * excl;
        leftover = static_cast<uint32_t>(m);
      }
    }
    return low + static_cast<int64_t>(m >> 32);
  }

 private:
  using u128 = unsigned __int128;
  void step() {
    const u128 mult = (u128{0x2360ED051FC65DA4ULL} << 64) | 0x4385DF649FCCF645ULL;
    state_ = state_ * mult + inc_;
  }

  u128 state_ = 0, inc_ = 0;
  bool has_half_ = false;
  uint32_t half_ = 0;
};

}  // namespace sf::bench
