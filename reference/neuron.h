// Integer arithmetic of the `if` and `lif` neuron models, written from
// docs/semantics.md alone. Both golden paths (run() and Simulator) call these,
// so the unit tests that pin every formula pin both paths.
#pragma once

#include <cstdint>

#include "ir/network.h"

namespace sf::ref {

// sign(a) * (|a| >> k): division by 2^k rounding toward zero, unlike `a >> k`
// which floors. Exact for every k >= 0 (large k gives 0).
inline int64_t trunc0_shift(int64_t a, int k) {
  if (k >= 63) return 0;
  const uint64_t mag = a < 0 ? 0 - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
  const int64_t q = static_cast<int64_t>(mag >> k);
  return a < 0 ? -q : q;
}

// Clamp to the signed range of `bits` (2..32 for v).
inline int64_t sat_bits(int64_t x, int bits) {
  const int64_t hi = (int64_t{1} << (bits - 1)) - 1;
  const int64_t lo = -(int64_t{1} << (bits - 1));
  return x > hi ? hi : (x < lo ? lo : x);
}

// L(v) of semantics.md. |v| < 2^31 and beta <= 2^frac, so the product needs
// up to 31 + frac bits: it is formed in 128 bits to stay exact for any frac.
inline int64_t leak(const Leak& l, int64_t v) {
  switch (l.kind) {
    case LeakKind::None:
      return v;
    case LeakKind::Shift:
      return v - trunc0_shift(v, l.shift);
    case LeakKind::Mult: {
      const __int128 prod = static_cast<__int128>(v) * l.beta;
      const __int128 mag = (prod < 0 ? -prod : prod) >> l.frac;
      return static_cast<int64_t>(prod < 0 ? -mag : mag);
    }
    case LeakKind::Sub: {
      const int64_t mag = (v < 0 ? -v : v) - l.lambda;
      if (mag <= 0) return 0;
      return v < 0 ? -mag : mag;
    }
  }
  return v;
}

// One neuron's fire phase for one timestep. `input` is I[n] + b[n];
// `pending` carries subtract_deferred's spike into the next step, where θ is
// taken off after the leak and before the single saturation. Returns the spike.
inline bool fire_step(const IfLifParams& p, int64_t& v, bool& pending, int64_t input) {
  int64_t x = leak(p.leak, v);
  if (pending) x -= p.threshold;
  v = sat_bits(x + input, p.v_bits);
  const bool spike = p.fire == FireRule::Ge ? v >= p.threshold : v > p.threshold;
  pending = false;
  if (spike) {
    switch (p.reset) {
      case ResetMode::Subtract:
        v -= p.threshold;
        break;
      case ResetMode::Zero:
        v = p.v_reset;
        break;
      case ResetMode::None:
        break;
      case ResetMode::SubtractDeferred:
        pending = true;
        break;
    }
  }
  return spike;
}

}  // namespace sf::ref
