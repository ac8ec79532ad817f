// Unit tests of sf::graph::Graph: topological order, back edges, cycles, shape
// inference through kind hooks, and the message of every check.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ir/error.h"
#include "ir/graph.h"

namespace {

using sf::graph::EventFormat;
using sf::graph::Graph;
using sf::graph::GraphOptions;
using sf::graph::KindSpec;
using sf::graph::KindTable;
using sf::graph::Shape;

// A user's table of layer sizes, indexed by Node::payload, as a hardware
// network would hold its layers.
struct Layers {
  std::vector<int64_t> size;
};

// Kinds of a small test vocabulary: "in" (source), "id" (same shape), "dense"
// (payload: out size), "pool2" (halves H and W of [C, H, W]), "flatten".
KindTable make_kinds(const Layers& layers) {
  KindTable k;
  KindSpec in;
  in.source = true;
  k.define("in", in);
  KindSpec id;
  id.shape = [](const Graph&, size_t, const Shape& s) { return s; };
  k.define("id", id);
  KindSpec dense;
  dense.shape = [&layers](const Graph& g, size_t node, const Shape&) {
    return Shape{layers.size.at(g.node(node).payload)};
  };
  k.define("dense", dense);
  KindSpec pool;
  pool.shape = [](const Graph& g, size_t node, const Shape& s) {
    if (s.size() != 3) g.fail(node, "input shape", sf::graph::shape_str(s), "[C, H, W]");
    return Shape{s[0], s[1] / 2, s[2] / 2};
  };
  k.define("pool2", pool);
  KindSpec flat;
  flat.shape = [](const Graph&, size_t, const Shape& s) { return Shape{sf::graph::numel(s)}; };
  k.define("flatten", flat);
  return k;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const sf::InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

std::vector<std::string> names(const Graph& g, const std::vector<size_t>& order) {
  std::vector<std::string> v;
  for (size_t i : order) v.push_back(g.node(i).name);
  return v;
}

}  // namespace

// ---- Topological order ------------------------------------------------------------

TEST(GraphOrder, TiesGoToTheNodeAddedFirst) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  g.add("c", "id");
  g.add("in", "in", 0, {4});
  g.add("b", "id");
  g.add("a", "id");
  g.connect("in", "a");
  g.connect("in", "b");
  g.connect("b", "c");
  g.connect("a", "c");
  g.finalize(k);
  EXPECT_EQ(names(g, g.order()), (std::vector<std::string>{"in", "b", "a", "c"}));
}

TEST(GraphOrder, DoesNotDependOnTheOrderOfTheEdges) {
  Layers l;
  const std::vector<std::pair<std::string, std::string>> edges = {
      {"in", "x"}, {"in", "y"}, {"x", "z"}, {"y", "z"}, {"z", "w"}, {"x", "w"}};
  std::vector<std::string> first;
  for (int rotation = 0; rotation < 6; ++rotation) {
    Graph g;
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, {2});
    for (const char* n : {"w", "z", "y", "x"}) g.add(n, "id");
    for (size_t k = 0; k < edges.size(); ++k) {
      const auto& e = edges[(k + rotation) % edges.size()];
      g.connect(e.first, e.second);
    }
    g.finalize(k);
    const auto got = names(g, g.order());
    if (rotation == 0) first = got;
    EXPECT_EQ(got, first) << "rotation " << rotation;
  }
  EXPECT_EQ(first, (std::vector<std::string>{"in", "y", "x", "z", "w"}));
}

TEST(GraphOrder, AddingUnfinalizes) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {2});
  g.finalize(k);
  EXPECT_TRUE(g.finalized());
  g.add("a", "id");
  EXPECT_FALSE(g.finalized());
  g.connect("in", "a");
  g.finalize(k);
  EXPECT_EQ(g.order().size(), 2u);
}

// ---- Back edges and cycles ----------------------------------------------------------

TEST(GraphBackEdges, AreLeftOutOfTheOrder) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {3});
  g.add("a", "id");
  g.add("b", "id");
  g.connect("in", "a");
  g.connect("a", "b");
  g.connect("b", "a", true);  // recurrent: b's previous step into a
  g.connect("b", "b", true);  // a self-loop is a back edge too
  g.finalize(k);
  EXPECT_EQ(names(g, g.order()), (std::vector<std::string>{"in", "a", "b"}));
  EXPECT_EQ(g.forward_inputs(g.index("a")), (std::vector<size_t>{0}));
  EXPECT_EQ(g.back_inputs(g.index("a")), (std::vector<size_t>{2}));
  EXPECT_EQ(g.back_inputs(g.index("b")), (std::vector<size_t>{2}));
  EXPECT_TRUE(g.edges()[2].back_edge);
  EXPECT_FALSE(g.edges()[1].back_edge);
}

TEST(GraphBackEdges, CycleWithoutABackEdgeNamesItsNodes) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {3});
  g.add("a", "id");
  g.add("b", "id");
  g.add("after", "id");  // downstream of the cycle, not on it
  g.connect("in", "a");
  g.connect("a", "b");
  g.connect("b", "a");
  g.connect("b", "after");
  const std::string m = error_of([&] { g.finalize(k); });
  EXPECT_EQ(m,
            "node 'a': inputs: found a cycle of forward edges through 'a', 'b', expected every "
            "cycle to contain an edge marked as a back edge");
  EXPECT_FALSE(g.finalized());
}

TEST(GraphBackEdges, ForwardSelfLoopIsACycle) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {3});
  g.add("a", "id");
  g.connect("in", "a");
  g.connect("a", "a");
  EXPECT_EQ(error_of([&] { g.topological_order(); }),
            "node 'a': inputs: found a cycle of forward edges through 'a', expected every cycle "
            "to contain an edge marked as a back edge");
}

// ---- Shape inference ------------------------------------------------------------------

TEST(GraphShapes, KindHooksInferEveryShape) {
  Layers l;
  l.size = {0, 10};
  Graph g;
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {2, 8, 6});
  g.add("pool", "pool2");
  g.add("flat", "flatten");
  g.add("fc", "dense", 1);
  g.connect("in", "pool");
  g.connect("pool", "flat");
  g.connect("flat", "fc");
  g.finalize(k);
  EXPECT_EQ(g.node(g.index("pool")).in_shape, (Shape{2, 8, 6}));
  EXPECT_EQ(g.node(g.index("pool")).out_shape, (Shape{2, 4, 3}));
  EXPECT_EQ(g.node(g.index("flat")).out_shape, (Shape{24}));
  EXPECT_EQ(g.node(g.index("fc")).in_shape, (Shape{24}));
  EXPECT_EQ(g.node(g.index("fc")).out_shape, (Shape{10}));
  EXPECT_EQ(g.node(g.index("in")).out_shape, (Shape{2, 8, 6}));
}

TEST(GraphShapes, SummedInputsTakeTheFirstShape) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {2, 3});
  g.add("f", "flatten");
  g.add("sum", "id");
  g.connect("in", "sum");
  g.connect("in", "f");
  g.connect("f", "sum");
  g.finalize(k);
  EXPECT_EQ(g.node(g.index("sum")).in_shape, (Shape{2, 3}));
}

TEST(GraphShapes, BackOnlyNodeTakesItsShapeFromTheHook) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  KindSpec seeded;
  seeded.shape = [](const Graph&, size_t, const Shape& s) { return s; };
  seeded.back_only_shape = [](const Graph&, size_t) { return std::optional<Shape>(Shape{5}); };
  k.define("seeded", seeded);
  g.add("in", "in", 0, {5});
  g.add("a", "id");
  g.add("r", "seeded");
  g.connect("in", "a");
  g.connect("a", "r", true);
  g.connect("r", "a", true);
  g.finalize(k);
  EXPECT_EQ(g.node(g.index("r")).in_shape, (Shape{5}));
}

TEST(GraphShapes, HookExceptionsPassThroughUnchanged) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  KindSpec odd;
  odd.shape = [](const Graph&, size_t, const Shape&) -> Shape { throw std::invalid_argument("odd: no"); };
  k.define("odd", odd);
  g.add("in", "in", 0, {5});
  g.add("o", "odd");
  g.connect("in", "o");
  EXPECT_THROW(g.finalize(k), std::invalid_argument);
}

// ---- Every check's message ----------------------------------------------------------------

TEST(GraphErrors, NamesAndEdges) {
  Layers l;
  GraphOptions opt;
  opt.file = "net.json";
  opt.noun = "layer";
  Graph g(opt);
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {4});
  EXPECT_EQ(error_of([&] { g.add("", "id"); }),
            "net.json: layer #1: name: found an empty name, expected a unique non-empty name");
  EXPECT_EQ(error_of([&] { g.add("in", "id"); }),
            "net.json: layer 'in': name: found a name used by another layer, expected a unique "
            "name");
  EXPECT_EQ(error_of([&] { g.connect("in", "nope"); }),
            "net.json: layer 'nope': name: found no such layer, expected one of the 1 added");
  EXPECT_EQ(error_of([&] { g.connect(0, 7); }),
            "net.json: edge: layer index: found 7, expected 0..0");
  EXPECT_TRUE(g.edges().empty());
}

TEST(GraphErrors, Kinds) {
  Layers l;
  GraphOptions opt;
  opt.kind_in_label = true;
  Graph g(opt);
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {4});
  g.add("x", "conv9");
  g.connect("in", "x");
  EXPECT_EQ(error_of([&] { g.finalize(k); }),
            "node 'x' (conv9): kind: found \"conv9\", expected one of dense, flatten, id, in, "
            "pool2");
  k.define("conv9", KindSpec{});
  EXPECT_EQ(error_of([&] { g.finalize(k); }),
            "node 'x' (conv9): kind: found \"conv9\" without a shape function, expected a shape "
            "function for every kind that is not a source");
  Graph none;
  none.add("a", "id");
  EXPECT_EQ(error_of([&] { none.finalize(KindTable{}); }),
            "node 'a': kind: found \"id\", expected a defined kind (none is defined)");
}

TEST(GraphErrors, EdgeIntoASource) {
  Layers l;
  Graph g;
  KindTable k = make_kinds(l);
  g.add("in", "in", 0, {4});
  g.add("a", "id");
  g.connect("in", "a");
  g.connect("a", "in", true);
  EXPECT_EQ(error_of([&] { g.finalize(k); }),
            "node 'in': inputs: found an edge from 'a', expected none (in is a source kind: it "
            "takes no edges)");
}

TEST(GraphErrors, EventFormats) {
  Layers l;
  const auto with = [&](EventFormat f) {
    Graph g;
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, {4});
    g.add("a", "id");
    g.connect("in", "a", false, f);
    return error_of([&] { g.finalize(k); });
  };
  EXPECT_EQ(with(EventFormat::binary()), "(no InputError)");
  EXPECT_EQ(with(EventFormat::graded_int(8, true)), "(no InputError)");
  EXPECT_EQ(with(EventFormat::graded_int(1, false)), "(no InputError)");
  EXPECT_EQ(with(EventFormat::graded_int(32, false)), "(no InputError)");
  EXPECT_EQ(with(EventFormat{false, 4, false}),
            "node 'a': input 'in' event format: found binary with width 4, expected binary "
            "events of width 1, unsigned");
  EXPECT_EQ(with(EventFormat::graded_int(0, false)),
            "node 'a': input 'in' event format: found uint0, expected a width of 1..32 bits");
  EXPECT_EQ(with(EventFormat::graded_int(33, false)),
            "node 'a': input 'in' event format: found uint33, expected a width of 1..32 bits");
  EXPECT_EQ(with(EventFormat::graded_int(1, true)),
            "node 'a': input 'in' event format: found int1, expected a signed width of 2..32 "
            "bits");
  EXPECT_EQ(sf::graph::format_str(EventFormat::graded_int(4, false)), "uint4");
}

TEST(GraphErrors, SourceShapes) {
  Layers l;
  const auto source = [&](const Shape& s, GraphOptions opt) {
    Graph g(opt);
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, s);
    return error_of([&] { g.finalize(k); });
  };
  EXPECT_EQ(source({2, 3, 4}, {}), "(no InputError)");
  EXPECT_EQ(source({1, 2, 3, 4}, {}), "node 'in': shape: found [1, 2, 3, 4], expected rank 1..3");
  EXPECT_EQ(source({}, {}), "node 'in': shape: found [], expected rank 1..3");
  EXPECT_EQ(source({3, 0}, {}),
            "node 'in': shape: found [3, 0], expected dimensions >= 1 and at most 2^32 elements");
  GraphOptions small;
  small.max_source_elements = 100;
  EXPECT_EQ(source({10, 11}, small),
            "node 'in': shape: found [10, 11], expected dimensions >= 1 and at most 100 elements");
  GraphOptions any_rank;
  any_rank.min_rank = 0;
  any_rank.max_rank = static_cast<size_t>(-1);
  EXPECT_EQ(source({}, any_rank), "(no InputError)");
  EXPECT_EQ(source({1, 1, 1, 1, 2}, any_rank), "(no InputError)");
}

TEST(GraphErrors, InferredShapes) {
  Layers l;
  l.size = {0, 5};
  {
    Graph g;
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, {4});
    g.add("lonely", "id");
    EXPECT_EQ(error_of([&] { g.finalize(k); }),
              "node 'lonely': inputs: found no incoming edge, expected at least one");
  }
  {
    Graph g;  // "id" has no back_only_shape
    KindTable k = make_kinds(l);
    g.add("in", "in", 0, {4});
    g.add("a", "id");
    g.add("r", "id");
    g.connect("in", "a");
    g.connect("a", "r", true);
    EXPECT_EQ(error_of([&] { g.finalize(k); }),
              "node 'r': inputs: found only back edges, expected a forward edge (the shape "
              "cannot be inferred from back edges alone)");
  }
  {
    Graph g;
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, {4});
    g.add("fc", "dense", 1);
    g.add("sum", "id");
    g.connect("in", "sum");
    g.connect("in", "fc");
    g.connect("fc", "sum");
    EXPECT_EQ(error_of([&] { g.finalize(k); }),
              "node 'sum': inputs: found 'fc' with shape [5], expected the shape of its other "
              "input 'in' [4] (inputs are summed)");
  }
  {
    Graph g;
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, {4});
    g.add("a", "id");
    g.add("fc", "dense", 1);
    g.connect("in", "a");
    g.connect("a", "fc");
    g.connect("fc", "a", true);
    EXPECT_EQ(error_of([&] { g.finalize(k); }),
              "node 'a': inputs: found back edge from 'fc' with shape [5], expected the node's "
              "input shape [4]");
  }
  {
    Graph g;
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, {4, 4});
    g.add("p", "pool2");
    g.connect("in", "p");
    EXPECT_EQ(error_of([&] { g.finalize(k); }),
              "node 'p': input shape: found [4, 4], expected [C, H, W]");
  }
  {
    Graph g;
  KindTable k = make_kinds(l);
    KindSpec up;
    up.shape = [](const Graph&, size_t, const Shape& s) { return Shape{1, 1, 1, s[0]}; };
    k.define("up", up);
    g.add("in", "in", 0, {4});
    g.add("u", "up");
    g.connect("in", "u");
    EXPECT_EQ(error_of([&] { g.finalize(k); }),
              "node 'u': output shape: found [1, 1, 1, 4], expected rank 1..3");
  }
  {
    GraphOptions opt;
    opt.max_node_elements = 4;
    Graph g(opt);
  KindTable k = make_kinds(l);
    g.add("in", "in", 0, {4});
    g.add("fc", "dense", 1);
    g.connect("in", "fc");
    EXPECT_EQ(error_of([&] { g.finalize(k); }),
              "node 'fc': output shape: found [5], expected at most 2^2 elements");
  }
}
