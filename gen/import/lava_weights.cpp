#include "import/lava_weights.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace sf::import::lava {

namespace {

// floor(log2(a / b)) for 0 < a, b < 2^40: the largest k with 2^k * b <= a.
int floor_log2_ratio(int64_t a, int64_t b) {
  int k = 0;
  if (a >= b) {
    while ((b << (k + 1)) <= a) ++k;
    return k;
  }
  do --k;
  while (b > (a << -k));
  return k;
}

// The largest multiple of `unit` that is <= x.
int64_t round_down(int64_t x, int64_t unit) {
  const int64_t r = x % unit;  // C++: the sign of x
  return r < 0 ? x - r - unit : x - r;
}

}  // namespace

SignMode sign_mode(const std::vector<int64_t>& w) {
  const bool any_negative = std::any_of(w.begin(), w.end(), [](int64_t x) { return x < 0; });
  const bool any_positive = std::any_of(w.begin(), w.end(), [](int64_t x) { return x > 0; });
  if (!any_negative) return SignMode::Excitatory;
  return any_positive ? SignMode::Mixed : SignMode::Inhibitory;
}

const char* sign_mode_name(SignMode m) {
  switch (m) {
    case SignMode::Mixed: return "mixed";
    case SignMode::Excitatory: return "excitatory";
    case SignMode::Inhibitory: return "inhibitory";
  }
  return "?";
}

int weight_shift(const std::vector<int64_t>& w, SignMode mode) {
  const int64_t hi = *std::max_element(w.begin(), w.end());
  const int64_t lo = *std::min_element(w.begin(), w.end());
  switch (mode) {
    case SignMode::Mixed: {
      // scale = min(127 / hi, -128 / lo); floor(log2(min)) = min of the floors
      int k = 64;
      if (hi > 0) k = std::min(k, floor_log2_ratio(127, hi));
      if (lo < 0) k = std::min(k, floor_log2_ratio(128, -lo));
      return k + 1;
    }
    case SignMode::Inhibitory:
      return lo < 0 ? floor_log2_ratio(256, -lo) : 0;
    case SignMode::Excitatory:
      return hi > 0 ? floor_log2_ratio(255, hi) : 0;  // all zero: netx would fail (log2 of inf)
  }
  return 0;
}

int num_weight_bits(const std::vector<int64_t>& w, int k, SignMode mode) {
  int n = 8;
  while (n > 0 && std::any_of(w.begin(), w.end(), [n](int64_t x) { return x % (int64_t{1} << n) != 0; })) --n;
  if (mode == SignMode::Mixed) --n;
  return 8 - k - n;
}

std::vector<int32_t> prepare_weights(const std::vector<int64_t>& w, int num_weight_bits, SignMode mode) {
  if (num_weight_bits < 1 || num_weight_bits > 8)
    throw std::invalid_argument("lava weights: num_weight_bits " + std::to_string(num_weight_bits) +
                                ", expected 1..8");
  const int dropped = 8 - num_weight_bits + (mode == SignMode::Mixed ? 1 : 0);
  const int64_t unit = int64_t{1} << dropped;
  std::vector<int32_t> out(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    const int64_t x = w[i];
    if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max())
      throw std::invalid_argument("lava weights: weight[" + std::to_string(i) + "] = " + std::to_string(x) +
                                  " is outside int32 (Lava's weight Var type)");
    int64_t y = 0;
    switch (mode) {
      case SignMode::Mixed:
        y = round_down(std::min<int64_t>(std::max<int64_t>(x, -256), 255), unit);
        break;
      case SignMode::Excitatory:
        y = round_down(std::min<int64_t>(std::max<int64_t>(x, 0), 255), unit);
        break;
      case SignMode::Inhibitory: {
        // Lava negates, clips to [0, 255], truncates and negates back.
        const int64_t magnitude = std::min<int64_t>(std::max<int64_t>(-x, 0), 255);
        y = -(magnitude / unit * unit);
        break;
      }
    }
    out[i] = static_cast<int32_t>(y);
  }
  return out;
}

}  // namespace sf::import::lava
