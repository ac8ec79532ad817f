// The one graph IR of SpikeForge: named nodes with tensor shapes, typed edges
// between them, back edges for recurrence, a deterministic topological order
// and shape inference. Data only: no neuron arithmetic lives here.
//
// How a user plugs in (docs/architecture.md, "Graph IR"):
// - A node carries an opaque `kind` string and a `payload` index. The graph
//   never interprets either: the kind selects a KindSpec (its shape function)
//   in the KindTable that the user passes to finalize, and the payload is an
//   index into a table the user owns (a layer of a hardware network, a node
//   of a golden model with its weights and parameters). Nodes are never
//   removed or reordered, so a user may also keep a table parallel to
//   nodes() and use the node index itself.
// - A kind's shape function maps the node's input shape to its output shape
//   and may check the user's parameters against that input shape; a conv,
//   pool or flatten kind is one more KindTable::define call, not a change
//   here. The table is an argument, not part of the graph, so a Graph holds
//   plain data and copies safely while the hooks may refer to their user.
// - A source kind (KindSpec::source, e.g. an Input) takes no edges; its
//   output shape is the shape declared on the node.
//
// Shapes are batch-free and channel-first in C order, as in NIR and PyTorch:
// [C, H, W], [C, L] or [N]. GraphOptions::min_rank/max_rank bound the rank
// (1..3 by default; the golden models, which mirror NIR, allow any rank).
//
// Errors: every check throws sf::InputError (ir/error.h) as
//   "FILE: node 'NAME': FIELD: found X, expected Y"
// where "FILE: " is GraphOptions::file (left out when empty), "node" is
// GraphOptions::noun ("layer" for a hardware network) and, with
// GraphOptions::kind_in_label, the kind follows the name: "node 'x' (LIF)".
// A shape function may throw whatever its user's callers expect; the graph
// lets it through unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ir/error.h"

namespace sf::graph {

// A batch-free, channel-first tensor shape in C order. {} is a 0-d tensor
// (one element), allowed only where GraphOptions::min_rank is 0.
using Shape = std::vector<int64_t>;
// Elements of a shape: 0 if a dimension is < 1, saturated at INT64_MAX.
int64_t numel(const Shape& shape);
std::string shape_str(const Shape& shape);  // "[2, 34, 34]"

// What travels along an edge each step: a binary spike (1 bit) or a graded
// event (a signed or unsigned integer of `width` bits).
struct EventFormat {
  bool graded = false;
  int width = 1;           // binary: 1; graded: 1..32 (signed: 2..32)
  bool is_signed = false;  // graded only

  static EventFormat binary() { return {}; }
  static EventFormat graded_int(int width, bool is_signed) { return {true, width, is_signed}; }
  bool operator==(const EventFormat& o) const {
    return graded == o.graded && width == o.width && is_signed == o.is_signed;
  }
  bool operator!=(const EventFormat& o) const { return !(*this == o); }
};
std::string format_str(const EventFormat& format);  // "binary", "int8", "uint4"

// A directed edge. A forward edge delivers its source's value of the same
// step. A back edge (back_edge = true: a recurrent edge) delivers the value of
// the previous step (zero at step 0): it carries a one-step delay, is left out
// of the topological order, and is how a cycle is executed. Every cycle must
// contain one.
struct Edge {
  size_t src = 0, dst = 0;  // node indices
  bool back_edge = false;
  EventFormat format;
};

struct Node {
  std::string name;     // unique, not empty
  std::string kind;     // opaque; selects the KindSpec
  size_t payload = 0;   // opaque; an index into the user's own table
  Shape shape;          // a source kind's declared output shape; unused otherwise
  // Set by infer_shapes (a source: both are `shape`).
  Shape in_shape, out_shape;
};

class Graph;

// The output shape of node `node` given its input shape. It may check the
// user's parameters (throwing) and may record the shapes in the user's table.
using ShapeFn = std::function<Shape(const Graph& graph, size_t node, const Shape& in_shape)>;
// The input shape of a node that only back edges feed (the sources' shapes are
// not known yet when it is reached): from its parameters, or nullopt if they
// cannot tell (then inference fails naming the node).
using BackOnlyShapeFn = std::function<std::optional<Shape>(const Graph& graph, size_t node)>;

struct KindSpec {
  bool source = false;      // no incoming edges; output shape = Node::shape
  ShapeFn shape;            // required unless `source`
  BackOnlyShapeFn back_only_shape;  // optional; none: a back-edge-only node is an error
};

// The rules of every kind a user's graphs use, by kind name.
class KindTable {
 public:
  // Registers (or replaces) the rules of a kind.
  void define(const std::string& kind, KindSpec spec) { kinds_[kind] = std::move(spec); }
  const KindSpec* find(const std::string& kind) const;  // nullptr if not defined
  std::string names() const;                            // "a, b, c", sorted

 private:
  std::map<std::string, KindSpec> kinds_;
};

struct GraphOptions {
  std::string file;             // message prefix "FILE: " (none when empty)
  std::string noun = "node";    // "node 'x'" / "layer 'x'"
  bool kind_in_label = false;   // "node 'x' (KIND)"
  size_t min_rank = 1, max_rank = 3;  // of every inferred shape
  int64_t max_source_elements = int64_t{1} << 32;  // a source's declared shape; 0: no limit
  int64_t max_node_elements = 0;  // every other node's output shape; 0: no limit
};

class Graph {
 public:
  explicit Graph(GraphOptions options = {}) : options_(std::move(options)) {}

  const GraphOptions& options() const { return options_; }
  // Sets the file named in messages (e.g. once the user knows its path).
  void set_file(const std::string& file) { options_.file = file; }

  // Adds a node; returns its index (nodes are numbered in the order added).
  // InputError on an empty or duplicate name.
  size_t add(Node node);
  size_t add(const std::string& name, const std::string& kind, size_t payload = 0,
             const Shape& shape = {});
  // Adds an edge. InputError on an unknown name or index.
  void connect(const std::string& src, const std::string& dst, bool back_edge = false,
               EventFormat format = {});
  void connect(size_t src, size_t dst, bool back_edge = false, EventFormat format = {});

  // Checks the structure and makes the graph usable, in this order: every
  // node's kind is defined, no edge enters a source, every edge's event
  // format is valid; then the topological order, then shape inference.
  // Throws on the first problem. Adding a node or an edge un-finalizes.
  void finalize(const KindTable& kinds);
  bool finalized() const { return finalized_; }

  // The structural checks of finalize alone (kinds, source edges, formats).
  void validate(const KindTable& kinds) const;
  // Kahn's algorithm over the forward edges; among the nodes that are ready,
  // the one added first goes first, so the order depends neither on the order
  // of the edges nor on anything but the graph. A cycle of forward edges is an
  // error naming its nodes.
  std::vector<size_t> topological_order() const;
  // Infers in_shape and out_shape of every node, visiting `order` (a
  // topological order). A node's forward inputs are summed: each must have as
  // many elements as the first, whose output shape is the node's input shape.
  // A node fed only by back edges gets its input shape from back_only_shape.
  // After all nodes, every back edge's source must have as many elements as
  // its destination's input.
  void infer_shapes(const KindTable& kinds, const std::vector<size_t>& order);

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  const Node& node(size_t index) const { return nodes_.at(index); }
  size_t size() const { return nodes_.size(); }
  // InputError if absent ("FILE: node 'NAME': name: found no such node, ...").
  size_t index(const std::string& name) const;
  bool contains(const std::string& name) const { return by_name_.count(name) != 0; }
  // Source node indices per node, in edge order.
  std::vector<size_t> forward_inputs(size_t node) const;
  std::vector<size_t> back_inputs(size_t node) const;

  // After finalize: every node, in execution order.
  const std::vector<size_t>& order() const { return order_; }

  // "node 'x'" or "node 'x' (KIND)", as in messages.
  std::string label(size_t node) const;
  // Throws InputError "FILE: <label>: FIELD: found FOUND, expected EXPECTED".
  [[noreturn]] void fail(size_t node, const std::string& field, const std::string& found,
                         const std::string& expected) const;

 private:
  const KindSpec& spec(const KindTable& kinds, size_t node) const;
  void check_rank(size_t node, const std::string& field, const Shape& shape) const;

  GraphOptions options_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::map<std::string, size_t> by_name_;
  std::vector<size_t> order_;
  bool finalized_ = false;
};

// Calls f() and rethrows an InputError as std::invalid_argument with the same
// message: for users whose API documents std::invalid_argument (the golden
// models in reference/).
template <class F>
auto rethrow_as_invalid_argument(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const sf::InputError& e) {
    throw std::invalid_argument(e.what());
  }
}

}  // namespace sf::graph
