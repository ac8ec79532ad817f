// Integer widths, shared by the planner and the neuron-model table.
#pragma once

#include <cstdint>

namespace sf {

int clog2(int64_t n);                         // smallest k with 2^k >= n (0 for n <= 1)
int bits_for_range(int64_t lo, int64_t hi);  // signed width holding [lo, hi]

}  // namespace sf
