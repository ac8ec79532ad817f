// Conversion of a read NIR file (nir_reader.h) into the float reference
// model's FloatGraph (reference/nir_float/float_model.h). It lives with the
// importer so that the golden model includes no importer.
//
// Nested NIRGraph nodes are flattened: node "lin" of subgraph "lif1" becomes
// "lif1/lin" (the reader's NirNode::path), and a subgraph's Input and Output
// nodes become pass-through Identity nodes, so every edge keeps its meaning
// (sums, back edges). The reader's back-edge flags are kept, and the shapes the
// float model infers are checked against the ones the reader inferred.
#pragma once

#include <string>

#include "float_model.h"
#include "import/nir_reader.h"

namespace sf::import {

// Returns a finalized graph. Throws sf::InputError (gen/ir/error.h) for
// anything the model cannot run, as "PATH: node NAME: FIELD: found X,
// expected Y" (PATH: the graph's file, NAME: the node's path).
sf::ref::nir_float::FloatGraph nir_to_float(const NirGraph& graph);

// read_nir(path), then nir_to_float.
sf::ref::nir_float::FloatGraph load_nir_float(const std::string& path);

}  // namespace sf::import
