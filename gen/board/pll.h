// iCE40 SB_PLL40 divider search (SIMPLE feedback), the same search as
// icestorm's icepll: f_pfd = f_in / (DIVR + 1) in 10..133 MHz,
// f_vco = f_pfd * (DIVF + 1) in 533..1066 MHz, f_out = f_vco / 2^DIVQ, DIVQ 1..6.
#pragma once

namespace sf::board {

struct PllConfig {
  bool bypass = false;  // no PLL: the network runs on the board oscillator itself
  int divr = 0;
  int divf = 0;
  int divq = 0;
  int filter_range = 0;
  double in_hz = 0;
  double out_hz = 0;
};

enum class PllPolicy {
  AtMost,   // highest frequency <= the one asked for (a clock the design was timed for)
  Nearest,  // closest either side: exactly what `icepll -i IN -o OUT` prints
};

// The best clock for `want_hz` from an `in_hz` oscillator. With AtMost the
// oscillator itself (bypass) competes with the PLL (whose output must be in
// 16..275 MHz), and wins ties. InputError when nothing qualifies (want_hz below
// both the oscillator and 16 MHz, or an input outside 10..133 MHz).
PllConfig ice40_pll(double in_hz, double want_hz, PllPolicy policy = PllPolicy::AtMost);

}  // namespace sf::board
