// spikeforge synth NET --board B -o DIR: generate for a board and build the bitstream.
#include <memory>

#include "build.h"
#include "commands.h"

namespace sf::app {

Command register_synth(CLI::App& app) {
  auto a = std::make_shared<BoardBuildArgs>();
  auto* c = app.add_subcommand("synth", "generate for a board and build the bitstream");
  add_board_build_options(c, *a);
  return {c, [a] {
            Generated g = generate(a->gen);
            synthesize_generated(g, a->gen.out, a->seed);
            return 0;
          }};
}

}  // namespace sf::app
