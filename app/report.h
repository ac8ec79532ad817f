// report.json and its readable summary for `gen`, `sim` and `synth`.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ir/network.h"
#include "passes/plan.h"

namespace sf::app {

nlohmann::json plan_report(const Network& net, const gen::Plan& plan);
std::string plan_summary(const Network& net, const gen::Plan& plan);

}  // namespace sf::app
