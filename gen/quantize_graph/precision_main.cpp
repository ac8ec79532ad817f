// sf_precision: quantize a float network (FLOAT.json, or a .nir with the
// discretization given here) into an integer graph, run both on binary input
// rasters and report float-vs-integer agreement layer by layer (README.md).
// Exit status: 0 ok, 2 bad input or option, 3 internal error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "float_json.h"
#include "import/nir_to_float.h"
#include "ir/error.h"
#include "ir/events.h"
#include "quantize_graph/quantize_graph.h"

namespace nf = sf::ref::nir_float;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nf::FloatNetwork load(const std::string& path, const nf::SimOptions& o) {
  nf::FloatNetwork net;
  if (ends_with(path, ".nir")) {
    net.graph = sf::import::load_nir_float(path);  // sf::InputError on a bad file
    net.source = path;
    net.name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    net.name = net.name.substr(0, net.name.size() - 4);
    net.options = o;
    return net;
  }
  std::ifstream in(path);
  if (!in) throw sf::InputError(path + ": cannot open");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw sf::InputError(path + ": not JSON: " + e.what());
  }
  try {
    net = nf::from_json(doc);
  } catch (const std::invalid_argument& e) {
    throw sf::InputError(path + ": " + e.what());
  }
  if (net.source.empty()) net.source = path;
  return net;
}

int run(int argc, char** argv) {
  CLI::App app{"sf_precision: float vs integer-graph precision of a NIR network (gen/quantize_graph)"};
  std::string model, input, report, generate, save_input;
  sf::quant::GraphQuantOptions qo;
  int timesteps = 0, samples = 20, steps = 20;
  uint64_t seed = 1;
  std::string method = "euler", reset = "zero", if_input = "euler", cuba = "new";
  double dt = 1e-4;
  app.add_option("model", model, "FLOAT.json (spikeforge-float-network) or MODEL.nir")->required();
  app.add_option("--weight-bits", qo.weight_bits, "weight bits B (2..16)")->required();
  app.add_flag("--per-channel", qo.per_channel, "one scale per output channel of each weight node");
  app.add_option("--leak-frac", qo.leak_frac, "fraction bits of a mult leak (1..24)");
  app.add_option("--cuba-v-frac", qo.cuba_v_frac, "extra membrane fraction bits of CubaLI/CubaLIF (0..16)");
  app.add_option("--timesteps", timesteps, "steps the state widths are proved for (default: the raster's)");
  app.add_option("--input", input, "raster (spikeforge-raster): binary input events");
  app.add_option("--generate", generate, "synthetic input instead of --input: nmnist | braille");
  app.add_option("--samples", samples, "--generate: samples (default 20)");
  app.add_option("--steps", steps, "--generate: steps per sample (default 20)");
  app.add_option("--seed", seed, "--generate: seed (default 1)");
  app.add_option("--save-input", save_input, "--generate: also write the raster here");
  app.add_option("--report", report, "write the precision report (JSON) here");
  app.add_option("--dt", dt, ".nir: time step in seconds (default 1e-4)");
  app.add_option("--method", method, ".nir: euler | exact (default euler)");
  app.add_option("--reset", reset, ".nir: zero | subtract (default zero)");
  app.add_option("--if-input", if_input, ".nir: euler | impulse (default euler)");
  app.add_option("--cuba-current", cuba, ".nir: new | previous (default new)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  nf::SimOptions o;
  if (!(dt > 0) || !std::isfinite(dt)) throw sf::InputError("--dt: found " + std::to_string(dt) + ", expected > 0");
  o.dt = dt;
  if (method == "euler") o.method = nf::Method::Euler;
  else if (method == "exact") o.method = nf::Method::Exact;
  else if (method == "snntorch") o.method = nf::Method::SnnTorch;
  else throw sf::InputError("--method: found \"" + method + "\", expected euler, exact or snntorch");
  if (reset == "zero") o.reset = nf::ResetMode::Zero;
  else if (reset == "subtract") o.reset = nf::ResetMode::Subtract;
  else throw sf::InputError("--reset: found \"" + reset + "\", expected zero or subtract");
  if (if_input == "euler") o.if_input = nf::IfInput::Euler;
  else if (if_input == "impulse") o.if_input = nf::IfInput::Impulse;
  else throw sf::InputError("--if-input: found \"" + if_input + "\", expected euler or impulse");
  if (cuba == "new") o.cuba_current = nf::CubaCurrent::New;
  else if (cuba == "previous") o.cuba_current = nf::CubaCurrent::Previous;
  else throw sf::InputError("--cuba-current: found \"" + cuba + "\", expected new or previous");
  if (input.empty() == generate.empty())
    throw sf::InputError("give exactly one of --input RASTER and --generate nmnist|braille");

  const nf::FloatNetwork fnet = load(model, o);
  int64_t in_size = 0;
  for (size_t i : fnet.graph.inputs()) in_size += nf::numel(fnet.graph.node(i).shape);
  std::vector<sf::Raster> rasters;
  if (!generate.empty()) {
    rasters = sf::quant::generate_inputs(generate, in_size, samples, steps, seed);
    if (!save_input.empty()) sf::save_rasters(rasters, save_input);
  } else {
    rasters = sf::load_rasters(input, nullptr);
  }
  qo.timesteps = 1;
  for (const sf::Raster& r : rasters) qo.timesteps = std::max(qo.timesteps, r.timesteps);
  if (timesteps > 0) qo.timesteps = timesteps;

  const sf::quant::IntNetwork q = sf::quant::quantize_graph(fnet, qo);
  std::vector<sf::quant::GraphSampleAgreement> agreement;
  for (const sf::Raster& r : rasters) agreement.push_back(sf::quant::compare_graph(fnet, q, r));
  std::cout << "sf_precision " << model << ": " << q.layers.size() << " neuron nodes, " << qo.weight_bits
            << "-bit weights" << (qo.per_channel ? " per channel" : "") << ", " << rasters.size()
            << " samples, method " << nf::method_name(fnet.options.method) << ", reset "
            << nf::reset_name(fnet.options.reset) << "\n"
            << sf::quant::graph_report_text(q, agreement);
  if (!report.empty()) {
    const std::string text = sf::quant::graph_report_json(fnet, q, qo, agreement);
    std::ofstream out(report);
    if (!out || !(out << text)) throw sf::InputError(report + ": cannot write");
    std::cout << "precision report: " << report << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const sf::InputError& e) {
    std::cerr << "sf_precision: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "sf_precision: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sf_precision: internal error: " << e.what() << "\n";
    return 3;
  }
}
