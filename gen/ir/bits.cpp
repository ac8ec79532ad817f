#include "ir/bits.h"

namespace sf {

int clog2(int64_t n) {
  int k = 0;
  while ((int64_t{1} << k) < n) ++k;
  return k;
}

int bits_for_range(int64_t lo, int64_t hi) {
  int b = 1;
  while (b < 63 && (lo < -(int64_t{1} << (b - 1)) || hi > (int64_t{1} << (b - 1)) - 1)) ++b;
  return b;
}

}  // namespace sf
