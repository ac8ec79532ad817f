// The subcommands of spikeforge. Each lives in its own file (cmd_<name>.cpp)
// with its own options struct: register_<name> adds the subcommand to the
// CLI11 app, binds its options to a struct the returned Command owns, and
// Command::run runs it from that struct. Nothing else holds options.
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace sf::app {

struct Command {
  CLI::App* sub = nullptr;
  // The exit status (exceptions map to 1/2/3 in main).
  std::function<int()> run;
};

Command register_run(CLI::App& app);
Command register_gen(CLI::App& app);
Command register_synth(CLI::App& app);
Command register_flow(CLI::App& app);
Command register_host(CLI::App& app);
Command register_sim(CLI::App& app);
Command register_import(CLI::App& app);
Command register_quantize(CLI::App& app);
Command register_check(CLI::App& app);
Command register_diff(CLI::App& app);

// Every subcommand, in the order `spikeforge --help` lists them.
std::vector<Command> register_commands(CLI::App& app);

}  // namespace sf::app
