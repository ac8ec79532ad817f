// Subcommands of the spikeforge CLI.
#pragma once

#include <CLI/CLI.hpp>

namespace sf::cli {

void register_commands(CLI::App& app);
// Runs the parsed subcommand; returns the exit status (exceptions map to 1/2/3 in main).
int run_selected(CLI::App& app);

}  // namespace sf::cli
