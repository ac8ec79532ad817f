// Driving and reading the ports of a verilated neuron lane: signed values go in
// as their low `bits` bits and come back sign-extended. Shared by the lane tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

namespace sf::test {

inline int64_t min_of(int bits) { return -(int64_t{1} << (bits - 1)); }
inline int64_t max_of(int bits) { return (int64_t{1} << (bits - 1)) - 1; }

// Writes x (which must fit `bits` signed: a test bug otherwise) into a port.
template <class Port>
void put(Port& port, int64_t x, int bits, const char* name) {
  if (x < min_of(bits) || x > max_of(bits)) {
    ADD_FAILURE() << "test bug: " << name << " = " << x << " does not fit " << bits << " bits";
  }
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  port = static_cast<Port>(static_cast<uint64_t>(x) & mask);
}

// The low `bits` bits of raw as a signed value.
inline int64_t sign_extend(uint64_t raw, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  raw &= mask;
  return static_cast<int64_t>(raw ^ sign) - static_cast<int64_t>(sign);
}

}  // namespace sf::test
