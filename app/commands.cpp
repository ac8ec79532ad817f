#include "commands.h"

namespace sf::app {

std::vector<Command> register_commands(CLI::App& app) {
  return {register_run(app),    register_gen(app),    register_synth(app),
          register_flow(app),   register_host(app),   register_sim(app),
          register_import(app), register_quantize(app), register_check(app),
          register_diff(app)};
}

}  // namespace sf::app
