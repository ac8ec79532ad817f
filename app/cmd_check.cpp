// spikeforge check NET --target akida|akida2: every Akida rule the network
// breaks, layer by layer; nothing (exit 0) for a clean one.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "akida/check.h"
#include "commands.h"
#include "float_json.h"
#include "ir/error.h"
#include "ir/json_reader.h"

using nlohmann::json;

namespace sf::app {

namespace {

struct CheckArgs {
  std::string net, target;
  int weight_bits = 4, act_bits = 0;
};

int run(const CheckArgs& a) {
  const akida_check::Target target =
      a.target == "akida2" ? akida_check::Target::Akida2 : akida_check::Target::Akida1;
  const json doc = read_json_file(a.net);
  const std::string format = doc.is_object() && doc.contains("format") && doc.at("format").is_string()
                                 ? doc.at("format").get<std::string>()
                                 : "";
  std::vector<akida_check::Violation> v;
  if (format == "spikeforge-float-network") {
    ref::nir_float::FloatNetwork f;
    try {
      f = ref::nir_float::from_json(doc);
    } catch (const std::invalid_argument& e) {
      throw InputError(a.net + ": " + e.what());
    }
    akida_check::CheckOptions co;
    co.weight_bits = a.weight_bits;
    co.act_bits = a.act_bits;
    v = akida_check::check(f, target, co);
  } else {
    v = akida_check::check(load_network(a.net), target);
  }
  if (v.empty()) return 0;
  std::cout << a.net << ": " << v.size() << " violation(s) of " << akida_check::to_string(target) << " rules:\n";
  for (const akida_check::Violation& x : v) std::cout << "  " << x.layer << ": [" << x.rule << "] " << x.text << "\n";
  return 1;
}

}  // namespace

Command register_check(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  auto* c = app.add_subcommand("check", "Akida compatibility: every rule a network breaks, layer by layer");
  c->add_option("network", a->net, "float network (import of a .nir) or network JSON")->required();
  c->add_option("--target", a->target, "akida (1.0) | akida2 (2.0)")
      ->required()
      ->check(CLI::IsMember({"akida", "akida2"}));
  c->add_option("--weight-bits", a->weight_bits,
                "float network: the weight bits it would be converted to (default 4)");
  c->add_option("--act-bits", a->act_bits, "float network: the activation bits (default: akida 1, akida2 4)");
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
