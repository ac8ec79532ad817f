// spikeforge diff A B: the first difference between two traces.
#include <iostream>
#include <memory>

#include "commands.h"
#include "ir/events.h"

namespace sf::app {

namespace {

struct DiffArgs {
  std::string a, b;
};

int run(const DiffArgs& args) {
  Trace a = load_trace(args.a), b = load_trace(args.b);
  std::string d = diff_traces(a, b);
  if (d.empty()) {
    std::cout << "traces agree\n";
    return 0;
  }
  std::cout << "first difference: " << d << "\n";
  return 1;
}

}  // namespace

Command register_diff(CLI::App& app) {
  auto a = std::make_shared<DiffArgs>();
  auto* c = app.add_subcommand("diff", "first difference between two traces");
  c->add_option("a", a->a, "trace A")->required();
  c->add_option("b", a->b, "trace B")->required();
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
