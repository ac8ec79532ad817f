#include "board/pll.h"

#include <cmath>
#include <sstream>

#include "ir/error.h"

namespace sf::board {

namespace {

// Datasheet limits (iCE40 sysCLOCK PLL), in MHz as icepll states them.
constexpr double kPfdMin = 10, kPfdMax = 133;
constexpr double kVcoMin = 533, kVcoMax = 1066;
constexpr double kOutMin = 16, kOutMax = 275;

std::string mhz(double hz) {
  std::ostringstream s;
  s << hz / 1e6 << " MHz";
  return s.str();
}

// Loop filter setting for a phase detector frequency (icepll's table).
int filter_range(double pfd_mhz) {
  return pfd_mhz < 17 ? 1 : pfd_mhz < 26 ? 2 : pfd_mhz < 44 ? 3 : pfd_mhz < 66 ? 4 : pfd_mhz < 101 ? 5 : 6;
}

}  // namespace

PllConfig ice40_pll(double in_hz, double want_hz, PllPolicy policy) {
  // icepll computes in MHz; so does this, so that ties break the same way.
  const double in = in_hz / 1e6;
  const double want = want_hz / 1e6;
  if (in < kPfdMin || in > kPfdMax)
    throw InputError("PLL input " + mhz(in_hz) + " outside 10..133 MHz");
  if (!(want > 0)) throw InputError("clock frequency " + mhz(want_hz) + " is not positive");

  PllConfig best;
  best.in_hz = in_hz;
  bool found = false;
  // icepll's loop order and strict comparison: the first of equal candidates wins.
  for (int divr = 0; divr <= 15; ++divr) {
    const double pfd = in / (divr + 1);
    if (pfd < kPfdMin || pfd > kPfdMax) continue;
    for (int divf = 0; divf <= 127; ++divf) {
      const double vco = pfd * (divf + 1);
      if (vco < kVcoMin || vco > kVcoMax) continue;
      for (int divq = 1; divq <= 6; ++divq) {
        const double out = vco * std::exp2(-divq);
        bool better = false;
        if (policy == PllPolicy::Nearest) {
          better = !found || std::fabs(out - want) < std::fabs(best.out_hz / 1e6 - want);
        } else {
          const bool ok = out <= want * (1 + 1e-12) && out >= kOutMin && out <= kOutMax;
          better = ok && (!found || out > best.out_hz / 1e6);
        }
        if (better) {
          found = true;
          best.divr = divr;
          best.divf = divf;
          best.divq = divq;
          best.filter_range = filter_range(pfd);
          best.out_hz = out * 1e6;
        }
      }
    }
  }
  if (policy == PllPolicy::AtMost && in_hz <= want_hz * (1 + 1e-12) &&
      (!found || best.out_hz <= in_hz)) {
    PllConfig direct;
    direct.bypass = true;
    direct.in_hz = in_hz;
    direct.out_hz = in_hz;
    return direct;
  }
  if (!found)
    throw InputError("no clock at or below " + mhz(want_hz) + " from a " + mhz(in_hz) +
                     " oscillator: the PLL makes 16..275 MHz, and the oscillator itself is faster");
  return best;
}

}  // namespace sf::board
