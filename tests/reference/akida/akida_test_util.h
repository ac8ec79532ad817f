// Helpers shared by the akida golden-model tests.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "akida.h"

namespace sf::ref::akida {
// Gtest finds this by ADL and prints Events readably.
inline void PrintTo(const Event& e, std::ostream* os) { *os << "(" << e.index << ", " << e.value << ")"; }
}  // namespace sf::ref::akida

namespace sf::ref::akida::test {

// Runs f and expects std::invalid_argument whose message contains every part
// (the field's name and the allowed range, as the interface promises).
template <typename F>
void expect_invalid(F&& f, std::initializer_list<const char*> parts) {
  try {
    f();
    ADD_FAILURE() << "expected std::invalid_argument mentioning " << *parts.begin();
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    for (const char* p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' missing in: " << msg;
  }
}

inline ActStep step(float v) { return ActStep::from_float(v); }

inline V1Params v1_params(int in_bits, int weight_bits, int act_bits, std::vector<int64_t> threshold,
                          std::vector<float> act_step, bool input_layer = false) {
  V1Params p;
  p.input_layer = input_layer;
  p.in_bits = in_bits;
  p.weight_bits = weight_bits;
  p.act_bits = act_bits;
  p.threshold = std::move(threshold);
  p.act_step.clear();
  for (float s : act_step) p.act_step.push_back(step(s));
  return p;
}

inline Raster raster(int size, int timesteps, std::vector<InputEvent> events) {
  Raster r;
  r.size = size;
  r.timesteps = timesteps;
  r.events = std::move(events);
  return r;
}

}  // namespace sf::ref::akida::test
