// Conversion of a read NIR file (gen/import/nir_reader.h) into the float
// reference model's FloatGraph (float_model.h).
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

namespace sf::ref::nir_float {

// Returns a finalized graph. Throws sf::InputError (gen/ir/error.h) for
// anything the model cannot run, as "PATH: node NAME: FIELD: found X,
// expected Y" (PATH: the graph's file, NAME: the node's path).
FloatGraph from_nir(const sf::import::NirGraph& graph);

// sf::import::read_nir(path), then from_nir.
FloatGraph load_nir(const std::string& path);

}  // namespace sf::ref::nir_float
