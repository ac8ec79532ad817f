// What the simulator drivers share: timing and the tail of a tool's log.
#pragma once

#include <chrono>
#include <string>

namespace sf::sim {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The last `n` characters of a log file ("" when it cannot be read).
std::string log_tail(const std::string& path, size_t n = 3000);

}  // namespace sf::sim
