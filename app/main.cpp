// spikeforge: command-line front end. Exit status (docs/formats.md):
// 0 success, 1 verification mismatch or failed check, 2 bad input or usage,
// 3 external tool failed or missing.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <vector>

#include "commands.h"
#include "ir/error.h"

int main(int argc, char** argv) {
  CLI::App app{"SpikeForge: quantized spiking networks to verified FPGA hardware"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "spikeforge 0.1.0");
  const std::vector<sf::app::Command> commands = sf::app::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    for (const sf::app::Command& c : commands)
      if (app.got_subcommand(c.sub)) return c.run();
    throw sf::InputError("unknown command");
  } catch (const sf::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const sf::CheckFailure& e) {
    std::cerr << "check failed: " << e.what() << "\n";
    return 1;
  } catch (const sf::ToolError& e) {
    std::cerr << "tool error: " << e.what() << "\n";
    return 3;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory (the input is too large for this machine)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 3;
  }
}
