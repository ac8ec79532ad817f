// The graph container: structure checks, topological order, shape inference.
#include "ir/graph.h"

#include <limits>
#include <set>
#include <utility>

#include "ir/error.h"

namespace sf::graph {

namespace {

// "2^32" for a power of two, the number otherwise.
std::string count_str(int64_t n) {
  for (int k = 1; k < 63; ++k) {
    if (n == (int64_t{1} << k)) return "2^" + std::to_string(k);
  }
  return std::to_string(n);
}

std::string rank_str(size_t lo, size_t hi) {
  if (hi == std::numeric_limits<size_t>::max()) return "rank >= " + std::to_string(lo);
  if (lo == hi) return "rank " + std::to_string(lo);
  return "rank " + std::to_string(lo) + ".." + std::to_string(hi);
}

}  // namespace

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d <= 0) return 0;
    if (n > std::numeric_limits<int64_t>::max() / d) return std::numeric_limits<int64_t>::max();
    n *= d;
  }
  return n;
}

std::string shape_str(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string format_str(const EventFormat& f) {
  if (!f.graded) {
    if (f.width == 1 && !f.is_signed) return "binary";
    return std::string("binary with width ") + std::to_string(f.width) +
           (f.is_signed ? ", signed" : "");
  }
  return (f.is_signed ? "int" : "uint") + std::to_string(f.width);
}

// ---- Building --------------------------------------------------------------------

const KindSpec* KindTable::find(const std::string& kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::string KindTable::names() const {
  std::string s;
  for (const auto& [name, spec] : kinds_) s += (s.empty() ? "" : ", ") + name;
  return s;
}

size_t Graph::add(Node node) {
  const std::string prefix = options_.file.empty() ? "" : options_.file + ": ";
  if (node.name.empty()) {
    throw InputError(prefix + options_.noun + " #" + std::to_string(nodes_.size()) +
                     ": name: found an empty name, expected a unique non-empty name");
  }
  if (contains(node.name)) {
    throw InputError(prefix + options_.noun + " '" + node.name +
                     "': name: found a name used by another " + options_.noun +
                     ", expected a unique name");
  }
  node.in_shape.clear();
  node.out_shape.clear();
  by_name_[node.name] = nodes_.size();
  nodes_.push_back(std::move(node));
  finalized_ = false;
  return nodes_.size() - 1;
}

size_t Graph::add(const std::string& name, const std::string& kind, size_t payload,
                  const Shape& shape) {
  Node n;
  n.name = name;
  n.kind = kind;
  n.payload = payload;
  n.shape = shape;
  return add(std::move(n));
}

size_t Graph::index(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    throw InputError((options_.file.empty() ? "" : options_.file + ": ") + options_.noun + " '" +
                     name + "': name: found no such " + options_.noun + ", expected one of the " +
                     std::to_string(nodes_.size()) + " added");
  }
  return it->second;
}

void Graph::connect(const std::string& src, const std::string& dst, bool back_edge,
                    EventFormat format) {
  const size_t s = index(src);
  connect(s, index(dst), back_edge, format);
}

void Graph::connect(size_t src, size_t dst, bool back_edge, EventFormat format) {
  for (size_t i : {src, dst}) {
    if (i >= nodes_.size()) {
      throw InputError((options_.file.empty() ? "" : options_.file + ": ") + "edge: " +
                       options_.noun + " index: found " + std::to_string(i) + ", expected 0.." +
                       std::to_string(static_cast<int64_t>(nodes_.size()) - 1));
    }
  }
  edges_.push_back(Edge{src, dst, back_edge, format});
  finalized_ = false;
}

std::vector<size_t> Graph::forward_inputs(size_t node) const {
  std::vector<size_t> v;
  for (const Edge& e : edges_) {
    if (e.dst == node && !e.back_edge) v.push_back(e.src);
  }
  return v;
}

std::vector<size_t> Graph::back_inputs(size_t node) const {
  std::vector<size_t> v;
  for (const Edge& e : edges_) {
    if (e.dst == node && e.back_edge) v.push_back(e.src);
  }
  return v;
}

// ---- Messages --------------------------------------------------------------------

std::string Graph::label(size_t node) const {
  const Node& n = nodes_.at(node);
  std::string s = options_.noun + " '" + n.name + "'";
  if (options_.kind_in_label) s += " (" + n.kind + ")";
  return s;
}

void Graph::fail(size_t node, const std::string& field, const std::string& found,
                 const std::string& expected) const {
  throw InputError((options_.file.empty() ? "" : options_.file + ": ") + label(node) + ": " +
                   field + ": found " + found + ", expected " + expected);
}

const KindSpec& Graph::spec(const KindTable& kinds, size_t node) const {
  const KindSpec* s = kinds.find(nodes_[node].kind);
  if (s == nullptr) {
    const std::string known = kinds.names();
    fail(node, "kind", "\"" + nodes_[node].kind + "\"",
         known.empty() ? std::string("a defined kind (none is defined)") : "one of " + known);
  }
  return *s;
}

void Graph::check_rank(size_t node, const std::string& field, const Shape& shape) const {
  if (shape.size() < options_.min_rank || shape.size() > options_.max_rank) {
    fail(node, field, shape_str(shape), rank_str(options_.min_rank, options_.max_rank));
  }
}

// ---- Checks, order, shapes ---------------------------------------------------------

void Graph::validate(const KindTable& kinds) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const KindSpec& s = spec(kinds, i);
    if (!s.source && !s.shape) {
      fail(i, "kind", "\"" + nodes_[i].kind + "\" without a shape function",
           "a shape function for every kind that is not a source");
    }
  }
  for (const Edge& e : edges_) {
    if (spec(kinds, e.dst).source) {
      fail(e.dst, "inputs", "an edge from '" + nodes_[e.src].name + "'",
           "none (" + nodes_[e.dst].kind + " is a source kind: it takes no edges)");
    }
    const EventFormat& f = e.format;
    const bool ok = f.graded ? (f.width >= (f.is_signed ? 2 : 1) && f.width <= 32)
                             : (f.width == 1 && !f.is_signed);
    if (!ok) {
      fail(e.dst, "input '" + nodes_[e.src].name + "' event format", format_str(f),
           f.graded ? (f.is_signed ? "a signed width of 2..32 bits" : "a width of 1..32 bits")
                    : "binary events of width 1, unsigned");
    }
  }
}

std::vector<size_t> Graph::topological_order() const {
  const size_t count = nodes_.size();
  std::vector<size_t> pending(count, 0);
  std::vector<std::vector<size_t>> succ(count);
  for (const Edge& e : edges_) {
    if (e.back_edge) continue;
    ++pending[e.dst];
    succ[e.src].push_back(e.dst);
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < count; ++i) {
    if (pending[i] == 0) ready.insert(i);
  }
  std::vector<size_t> order;
  order.reserve(count);
  while (!ready.empty()) {
    const size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (size_t j : succ[i]) {
      if (--pending[j] == 0) ready.insert(j);
    }
  }
  if (order.size() == count) return order;

  // The nodes left all wait on a cycle. Peel off those that lead to no other
  // node left (downstream of a cycle, not on one): the rest are on cycles or
  // on paths between them, and are named.
  std::vector<bool> left(count, false);
  for (size_t i = 0; i < count; ++i) left[i] = pending[i] > 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < count; ++i) {
      if (!left[i]) continue;
      bool leads_on = false;
      for (size_t j : succ[i]) leads_on = leads_on || left[j];
      if (!leads_on) {
        left[i] = false;
        changed = true;
      }
    }
  }
  std::string names;
  size_t first = count, listed = 0, total = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!left[i]) continue;
    if (first == count) first = i;
    ++total;
    if (listed < 8) names += (listed++ ? ", '" : "'") + nodes_[i].name + "'";
  }
  if (total > listed) names += " and " + std::to_string(total - listed) + " more";
  fail(first, "inputs", "a cycle of forward edges through " + names,
       "every cycle to contain an edge marked as a back edge");
}

void Graph::infer_shapes(const KindTable& kinds, const std::vector<size_t>& order) {
  std::vector<std::vector<size_t>> fwd(nodes_.size()), back(nodes_.size());
  for (const Edge& e : edges_) (e.back_edge ? back : fwd)[e.dst].push_back(e.src);
  for (Node& n : nodes_) {
    n.in_shape.clear();
    n.out_shape.clear();
  }

  for (size_t idx : order) {
    Node& node = nodes_[idx];
    const KindSpec& s = spec(kinds, idx);
    if (s.source) {
      check_rank(idx, "shape", node.shape);
      const int64_t max = options_.max_source_elements;
      if (numel(node.shape) < 1 || (max > 0 && numel(node.shape) > max)) {
        fail(idx, "shape", shape_str(node.shape),
             max > 0 ? "dimensions >= 1 and at most " + count_str(max) + " elements"
                     : std::string("dimensions >= 1"));
      }
      node.in_shape = node.out_shape = node.shape;
      continue;
    }
    Shape in;
    if (fwd[idx].empty()) {
      if (back[idx].empty()) fail(idx, "inputs", "no incoming edge", "at least one");
      std::optional<Shape> seeded;
      if (s.back_only_shape) seeded = s.back_only_shape(*this, idx);
      if (!seeded) {
        fail(idx, "inputs", "only back edges",
             "a forward edge (the shape cannot be inferred from back edges alone)");
      }
      in = *seeded;
    } else {
      const size_t first = fwd[idx][0];
      in = nodes_[first].out_shape;
      for (size_t src : fwd[idx]) {
        if (numel(nodes_[src].out_shape) != numel(in)) {
          fail(idx, "inputs",
               "'" + nodes_[src].name + "' with shape " + shape_str(nodes_[src].out_shape),
               "the shape of its other input '" + nodes_[first].name + "' " + shape_str(in) +
                   " (inputs are summed)");
        }
      }
    }
    node.in_shape = in;
    Shape out = s.shape(*this, idx, in);
    check_rank(idx, "output shape", out);
    if (options_.max_node_elements > 0 && numel(out) > options_.max_node_elements) {
      fail(idx, "output shape", shape_str(out),
           "at most " + count_str(options_.max_node_elements) + " elements");
    }
    node.out_shape = std::move(out);
  }
  for (const Edge& e : edges_) {
    if (e.back_edge && numel(nodes_[e.src].out_shape) != numel(nodes_[e.dst].in_shape)) {
      fail(e.dst, "inputs",
           "back edge from '" + nodes_[e.src].name + "' with shape " +
               shape_str(nodes_[e.src].out_shape),
           "the node's input shape " + shape_str(nodes_[e.dst].in_shape));
    }
  }
}

void Graph::finalize(const KindTable& kinds) {
  finalized_ = false;
  validate(kinds);
  order_ = topological_order();
  infer_shapes(kinds, order_);
  finalized_ = true;
}

}  // namespace sf::graph
