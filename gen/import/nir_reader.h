// Reader for NIR (Neuromorphic Intermediate Representation) graph files: the
// HDF5 files that `nir.write` produces for snnTorch, Norse, Sinabs, ... exports.
//
// This is the reading half of the NIR import: nodes, their parameters exactly
// as stored (values as doubles, with the stored dtype name), the edges with
// subgraph ports resolved, nested graphs, and the shapes inferred through the
// graph the way NIR's `infer_types` does. No discretization (dt, reset mode,
// quantization): those are import options, not in the file. What is read, the
// version differences handled and what is rejected: NIR.md here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sf::import {

// One stored parameter: a numeric n-d array or a string (Conv padding "same").
struct NirArray {
  std::string dtype;            // as stored, numpy-style: "float32", "float64", "int64", ...;
                                // "string" for text; for a defaulted parameter, the dtype
                                // NIR gives it (that of the parameter it is shaped like)
  std::vector<int64_t> shape;   // dataset dimensions; empty = 0-d (scalar)
  std::vector<double> values;   // numbers in C order (empty for a string)
  std::string text;             // the string (dtype "string")

  bool is_string() const { return dtype == "string"; }
  // Element i of the parameter broadcast to a layer of n elements: a parameter
  // with one value (0-d or [1]) serves every element. Requires !is_string().
  double at(size_t i) const { return values.size() == 1 ? values[0] : values.at(i); }
};

struct NirNode;

// An edge as stored, with both ends resolved. Ends are paths of node keys from
// the graph that holds the edge down to a non-graph node: {"fc1"} for a node of
// the same graph, {"g", "in"} for Input node `in` of subgraph `g` (written
// "g.in", or just "g" when g has a single Input node), deeper for nested ports.
// A source resolves to an Output node when it names a subgraph.
struct NirEdge {
  std::string src, dst;                     // as stored
  std::vector<std::string> src_path, dst_path;
  bool back_edge = false;  // closes a cycle: in a depth-first walk from the Input nodes
                           // (then the other nodes, by name) it leads back to a node on
                           // the walk's path. Executors give it one step of delay.
};

// A NIR graph: the file's root graph (returned by read_nir) or a nested
// NIRGraph node's graph (NirNode::graph).
struct NirGraph {
  // File-level (root graph only; empty / -1 in nested graphs).
  std::string path;         // the file read
  std::string version;      // the `version` dataset as stored ("0.2.0", "1.0.7.dev8+g…"); "" if absent
  int version_major = -1;   // its leading numbers, -1 when absent or not a number
  int version_minor = -1;
  std::vector<std::string> warnings;  // what was accepted but is worth telling (all levels)

  std::vector<NirNode> nodes;         // by key, in name order
  std::vector<NirEdge> edges;         // in stored order (which is arbitrary)
  std::string edges_stored;           // how `edges` was stored: "string [3, 2]", "float64 [0]"
  std::vector<std::string> order;     // node keys in topological order, back edges ignored

  const NirNode* find(const std::string& key) const;  // nullptr if no such node
};

struct NirNode {
  std::string name;   // key in its graph (may contain dots: "lif1.lif")
  std::string path;   // keys from the root joined by '/': "lif1/lin" (HDF5 names hold no '/')
  std::string type;   // "LIF", "Conv2d", "NIRGraph", ...
  // Every stored parameter dataset by field name, as stored; plus the defaults
  // NIR fills in for absent optional fields (listed in `defaulted`).
  std::map<std::string, NirArray> params;
  std::vector<std::string> defaulted;  // "v_reset" (zeros), "w_in" (ones), "start_dim", ...
  bool has_metadata = false;           // a `metadata` group was present (not read)
  // Inferred shapes (batch dimension excluded). For a NIRGraph node, those of
  // its single Input / Output node (empty if it has none or several).
  std::vector<int64_t> input_type, output_type;
  NirGraph graph;                      // type NIRGraph only: the nested graph

  const NirArray* param(const std::string& field) const;  // nullptr if absent
};

struct NirReadOptions {
  // A read (in the forked child) that takes longer becomes an InputError.
  int timeout_ms = 60 * 1000;
};

// Reads a NIR graph file. Throws sf::InputError (gen/ir/error.h) on anything it
// cannot read or that is not a valid NIR graph, with a message
// "PATH: node NAME: FIELD: found X, expected Y" (NAME is the node's path;
// "root graph" for the file's root NIRGraph, nothing for file-level problems).
// HDF5 runs in a forked child process with its error printing off (see
// hdf5_child.h): a file that crashes or hangs HDF5 becomes an InputError, no
// HDF5 error stack reaches stderr, and the caller's HDF5 state is untouched.
NirGraph read_nir(const std::string& path);
NirGraph read_nir(const std::string& path, const NirReadOptions& options);

// The node types NIR can serialize, in name order.
const std::vector<std::string>& nir_node_types();

}  // namespace sf::import
