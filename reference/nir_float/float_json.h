// The float network file: a FloatGraph (float_model.h) and the discretization
// it is meant to run with, as JSON ("spikeforge-float-network", version 1).
// `spikeforge import MODEL.nir` writes it; the float reference model runs it
// and `spikeforge quantize` turns it into an integer network. The format is
// documented in docs/float-network.md.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "float_model.h"

namespace sf::ref::nir_float {

struct FloatNetwork {
  std::string name;
  std::string source;  // the file it was imported from ("" if none)
  FloatGraph graph;    // finalized
  SimOptions options;  // the discretization chosen at import
};

nlohmann::json to_json(const FloatNetwork& net);

// Throws std::invalid_argument "FIELD: found X, expected Y" (FIELD a JSON
// path such as nodes[3].tau) for anything malformed, and the graph's own
// errors (node, field) from FloatGraph::finalize.
FloatNetwork from_json(const nlohmann::json& doc);

const char* if_input_name(IfInput mode);       // "euler", "impulse"
const char* cuba_current_name(CubaCurrent c);  // "new", "previous"

}  // namespace sf::ref::nir_float
