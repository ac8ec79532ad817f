// sf_float_sim: runs a NIR graph in the float reference model and prints the
// Output nodes' values (or every node's) at every step as CSV on stdout.
//
//   sf_float_sim MODEL.nir --input IN.csv|IN.json --steps N [--dt S]
//                [--method euler|exact|snntorch] [--reset zero|subtract]
//                [--if-input euler|impulse] [--cuba-current new|previous]
//                [--exact-crossing] [--snntorch-reset-delay true|false] [--all-nodes]
//
// Input. CSV: one line per step, the Input nodes' values flattened in C order
// (several Input nodes: concatenated in the graph's order); '#' lines and
// blank lines are skipped. JSON: an array with one entry per step (a number
// array, nested arrays are flattened), or an object {"INPUT_NAME": [steps...]}
// with one such array per Input node. Steps past the input get zeros.
// Exit status: 0 success, 2 bad input or usage, 3 internal error.
#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "float_model.h"
#include "import/nir_to_float.h"
#include "ir/error.h"

namespace nf = sf::ref::nir_float;

namespace {

using Steps = std::vector<std::vector<std::vector<double>>>;  // [step][input] -> values

std::string fmt(double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);  // shortest round-trip form
  return std::string(buf, r.ptr);
}

// Splits a flat row into one vector per Input node.
std::vector<std::vector<double>> split(const std::vector<double>& row,
                                       const std::vector<int64_t>& sizes) {
  std::vector<std::vector<double>> out;
  size_t at = 0;
  for (int64_t n : sizes) {
    out.emplace_back(row.begin() + static_cast<std::ptrdiff_t>(at),
                     row.begin() + static_cast<std::ptrdiff_t>(at + static_cast<size_t>(n)));
    at += static_cast<size_t>(n);
  }
  return out;
}

std::string input_desc(const nf::FloatGraph& g, int64_t total) {
  std::string s = std::to_string(total) + " (";
  for (size_t k = 0; k < g.inputs().size(); ++k) {
    const nf::FloatNode& n = g.node(g.inputs()[k]);
    s += (k ? " + " : "") + std::string("'") + n.name + "' " + nf::shape_str(n.shape);
  }
  return s + ")";
}

Steps read_csv(const std::string& path, const nf::FloatGraph& g,
               const std::vector<int64_t>& sizes, int64_t total) {
  std::ifstream in(path);
  if (!in) throw sf::InputError(path + ": cannot open the input file");
  Steps steps;
  std::string line;
  for (int64_t lineno = 1; std::getline(in, line); ++lineno) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') {
      continue;
    }
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      const size_t b = cell.find_first_not_of(" \t"), e = cell.find_last_not_of(" \t");
      const std::string t = b == std::string::npos ? "" : cell.substr(b, e - b + 1);
      double x = 0;
      auto r = std::from_chars(t.data(), t.data() + t.size(), x);
      if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(x)) {
        throw sf::InputError(path + ": line " + std::to_string(lineno) + ", column " +
                             std::to_string(row.size() + 1) + ": found '" + t +
                             "', expected a finite number");
      }
      row.push_back(x);
    }
    if (static_cast<int64_t>(row.size()) != total) {
      throw sf::InputError(path + ": line " + std::to_string(lineno) + ": found " +
                           std::to_string(row.size()) + " values, expected " +
                           input_desc(g, total));
    }
    steps.push_back(split(row, sizes));
  }
  return steps;
}

void flatten_json(const nlohmann::json& j, std::vector<double>& out, const std::string& where) {
  if (j.is_array()) {
    for (const auto& e : j) flatten_json(e, out, where);
  } else if (j.is_number()) {
    const double x = j.get<double>();
    if (!std::isfinite(x)) throw sf::InputError(where + ": found a non-finite number");
    out.push_back(x);
  } else {
    throw sf::InputError(where + ": found " + std::string(j.type_name()) + ", expected numbers");
  }
}

Steps read_json(const std::string& path, const nf::FloatGraph& g,
                const std::vector<int64_t>& sizes, int64_t total) {
  std::ifstream in(path);
  if (!in) throw sf::InputError(path + ": cannot open the input file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw sf::InputError(path + ": not valid JSON (" + e.what() + ")");
  }
  Steps steps;
  if (j.is_array()) {
    for (size_t t = 0; t < j.size(); ++t) {
      std::vector<double> row;
      const std::string where = path + ": step " + std::to_string(t);
      flatten_json(j[t], row, where);
      if (static_cast<int64_t>(row.size()) != total) {
        throw sf::InputError(where + ": found " + std::to_string(row.size()) +
                             " values, expected " + input_desc(g, total));
      }
      steps.push_back(split(row, sizes));
    }
    return steps;
  }
  if (!j.is_object()) {
    throw sf::InputError(path + ": found a JSON " + std::string(j.type_name()) +
                         ", expected an array of steps or an object {INPUT_NAME: [steps]}");
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (size_t i : g.inputs()) known = known || g.node(i).name == it.key();
    if (!known) {
      throw sf::InputError(path + ": field '" + it.key() + "': found no Input node of that name, expected one of " +
                           input_desc(g, total));
    }
  }
  for (size_t k = 0; k < g.inputs().size(); ++k) {
    const std::string& name = g.node(g.inputs()[k]).name;
    if (!j.contains(name) || !j[name].is_array()) {
      throw sf::InputError(path + ": field '" + name + "': found " +
                           (j.contains(name) ? std::string(j[name].type_name()) : "nothing") +
                           ", expected an array of steps");
    }
    const nlohmann::json& a = j[name];
    for (size_t t = 0; t < a.size(); ++t) {
      std::vector<double> row;
      const std::string where = path + ": field '" + name + "': step " + std::to_string(t);
      flatten_json(a[t], row, where);
      if (static_cast<int64_t>(row.size()) != sizes[k]) {
        throw sf::InputError(where + ": found " + std::to_string(row.size()) +
                             " values, expected " + std::to_string(sizes[k]));
      }
      while (steps.size() <= t) {
        std::vector<std::vector<double>> zeros;
        for (int64_t n : sizes) zeros.emplace_back(static_cast<size_t>(n), 0.0);
        steps.push_back(zeros);
      }
      steps[t][k] = row;
    }
  }
  return steps;
}

int run(const std::string& model, const std::string& input_path, int64_t steps,
        const nf::SimOptions& opt, bool all_nodes) {
  const nf::FloatGraph g = sf::import::load_nir_float(model);
  std::vector<int64_t> sizes;
  int64_t total = 0;
  for (size_t i : g.inputs()) {
    sizes.push_back(nf::numel(g.node(i).shape));
    total += sizes.back();
  }
  const bool json = input_path.size() >= 5 &&
                    input_path.compare(input_path.size() - 5, 5, ".json") == 0;
  const Steps in = json ? read_json(input_path, g, sizes, total)
                        : read_csv(input_path, g, sizes, total);

  nf::Simulator sim(g, opt);  // throws std::invalid_argument for options the graph cannot take
  std::vector<size_t> shown;
  if (all_nodes) {
    for (size_t i = 0; i < g.nodes().size(); ++i) shown.push_back(i);
  } else {
    shown = g.outputs();
  }
  std::string line = "step";
  for (size_t i : shown) {
    const int64_t n = nf::numel(g.node(i).out_shape);
    for (int64_t j = 0; j < n; ++j) line += "," + g.node(i).name + "[" + std::to_string(j) + "]";
  }
  std::cout << line << "\n";
  std::vector<std::vector<double>> zeros;
  for (int64_t n : sizes) zeros.emplace_back(static_cast<size_t>(n), 0.0);
  for (int64_t t = 0; t < steps; ++t) {
    sim.step(static_cast<size_t>(t) < in.size() ? in[static_cast<size_t>(t)] : zeros);
    line = std::to_string(t);
    for (size_t i : shown) {
      for (double x : sim.value(i)) line += "," + fmt(x);
    }
    std::cout << line << "\n";
  }
  std::cout.flush();
  return std::cout ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sf_float_sim: run a NIR graph in SpikeForge's double-precision reference model"};
  std::string model, input, method = "euler", reset = "zero", if_input = "euler",
                            cuba_current = "new";
  int64_t steps = 0;
  bool all_nodes = false;
  nf::SimOptions opt;
  app.add_option("model", model, "NIR graph file (.nir)")->required();
  app.add_option("--input", input, "input values: CSV (a line per step) or .json")->required();
  app.add_option("--steps", steps, "number of steps to run")
      ->required()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  app.add_option("--dt", opt.dt, "time step in seconds (default 1e-4)")->check(CLI::PositiveNumber);
  app.add_option("--method", method, "euler (default), exact, snntorch")
      ->check(CLI::IsMember({"euler", "exact", "snntorch"}));
  app.add_option("--reset", reset, "zero (to v_reset, default) or subtract")
      ->check(CLI::IsMember({"zero", "subtract"}));
  app.add_option("--if-input", if_input,
                 "I and IF input: euler (v += dt*r*x, default) or impulse (v += r*x)")
      ->check(CLI::IsMember({"euler", "impulse"}));
  app.add_option("--cuba-current", cuba_current,
                 "euler CubaLI/CubaLIF membrane uses the new (default) or previous current")
      ->check(CLI::IsMember({"new", "previous"}));
  app.add_flag("--exact-crossing", opt.exact_crossing,
               "exact method, LIF/IF: reset at the crossing time within the step");
  app.add_option("--snntorch-reset-delay", opt.snntorch_reset_delay,
                 "snntorch method: reset in the next step (true, default) or the same step");
  app.add_flag("--all-nodes", all_nodes, "print every node's value, not only the Output nodes'");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  opt.method = method == "exact"      ? nf::Method::Exact
               : method == "snntorch" ? nf::Method::SnnTorch
                                      : nf::Method::Euler;
  opt.reset = reset == "subtract" ? nf::ResetMode::Subtract : nf::ResetMode::Zero;
  opt.if_input = if_input == "impulse" ? nf::IfInput::Impulse : nf::IfInput::Euler;
  opt.cuba_current = cuba_current == "previous" ? nf::CubaCurrent::Previous : nf::CubaCurrent::New;
  try {
    return run(model, input, steps, opt, all_nodes);
  } catch (const sf::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << model << ": " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory (the input is too large for this machine)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 3;
  }
}
