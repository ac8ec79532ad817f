// Verilog emitter: IR + plan in, files out. It never changes the IR or the plan.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/network.h"
#include "passes/plan.h"

namespace sf::gen {

struct EmitResult {
  std::string top_file;                 // sf_top.v
  std::vector<std::string> rtl_files;   // templates + top, dependency order (absolute paths)
  std::vector<std::string> mem_files;   // *.hex
};

// Writes into `dir`: sf_top.v, <layer>.weights.hex, <layer>.bias.hex, files.f
// (template and generated sources, one absolute path per line), sf_probes.h
// (debug-monitor glue for the Verilator harness). `dir` may be a staging
// directory that later becomes `final_dir`: paths written into files.f name
// final_dir. `templates_dir` holds rtl_templates/.
EmitResult emit_verilog(const Network& net, const Plan& plan, const std::string& dir,
                        const std::string& final_dir, const std::string& templates_dir);

// The words sf_top's load port writes into the plan's SPRAM weight memories (the
// same words as their hex files): {(sel << word bits) | w, word w}, every memory
// of plan.loads in turn. Empty when the plan has none.
struct LoadWord {
  uint64_t addr = 0;
  uint64_t data = 0;
};
std::vector<LoadWord> load_words(const Network& net, const Plan& plan);

}  // namespace sf::gen
