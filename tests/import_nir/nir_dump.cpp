// nir_dump [--timeout-ms N] FILE: reads a NIR graph file with
// sf::import::read_nir and prints it as JSON on stdout (exit status 0), or
// prints the error on stderr (exit status 2). Any other failure, a bad command
// line included, is also status 2: the fuzz test relies on "0 or 2, never a
// crash". Built for the tests only.
//
// Output: {"path", "version", "version_major", "version_minor", "warnings",
// "graph": GRAPH}, GRAPH = {"nodes": [NODE...], "edges": [EDGE...],
// "edges_stored", "order"}, NODE = {"name", "path", "type", "input_type",
// "output_type", "params": {FIELD: {"dtype", "shape", "values" (up to 64) or
// "text"}}, "defaulted", "has_metadata", "graph" (NIRGraph only)}, EDGE =
// {"src", "dst", "src_path", "dst_path", "back_edge"}.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "import/nir_reader.h"

namespace {

using nlohmann::json;
using sf::import::NirArray;
using sf::import::NirGraph;
using sf::import::NirNode;

constexpr size_t kMaxValues = 64;  // arrays with more values print only dtype and shape

json array_json(const NirArray& a) {
  json j = {{"dtype", a.dtype}, {"shape", a.shape}};
  if (a.is_string()) {
    j["text"] = a.text;
  } else if (a.values.size() <= kMaxValues) {
    j["values"] = a.values;
  }
  return j;
}

json graph_json(const NirGraph& g);

json node_json(const NirNode& n) {
  json params = json::object();
  for (const auto& [k, a] : n.params) params[k] = array_json(a);
  json j = {{"name", n.name},
            {"path", n.path},
            {"type", n.type},
            {"input_type", n.input_type},
            {"output_type", n.output_type},
            {"params", params},
            {"defaulted", n.defaulted},
            {"has_metadata", n.has_metadata}};
  if (n.type == "NIRGraph") j["graph"] = graph_json(n.graph);
  return j;
}

json graph_json(const NirGraph& g) {
  json nodes = json::array(), edges = json::array();
  for (const NirNode& n : g.nodes) nodes.push_back(node_json(n));
  for (const auto& e : g.edges) {
    edges.push_back({{"src", e.src},
                     {"dst", e.dst},
                     {"src_path", e.src_path},
                     {"dst_path", e.dst_path},
                     {"back_edge", e.back_edge}});
  }
  return {{"nodes", nodes}, {"edges", edges}, {"edges_stored", g.edges_stored}, {"order", g.order}};
}

int run(int argc, char** argv) {
  sf::import::NirReadOptions opt;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--timeout-ms" && i + 1 < argc) {
      char* end = nullptr;
      const long v = std::strtol(argv[++i], &end, 10);
      if (end == nullptr || *end != '\0' || v <= 0 || v > 3600 * 1000) {
        std::cerr << "nir_dump: --timeout-ms: expected milliseconds in 1..3600000\n";
        return 2;
      }
      opt.timeout_ms = static_cast<int>(v);
    } else if (file.empty() && (a.empty() || a[0] != '-' || a == "-")) {
      file = a;
    } else {
      file.clear();
      break;
    }
  }
  if (file.empty()) {
    std::cerr << "usage: nir_dump [--timeout-ms N] FILE.nir\n";
    return 2;
  }
  const NirGraph g = sf::import::read_nir(file, opt);
  const json j = {{"path", g.path},
                  {"version", g.version},
                  {"version_major", g.version_major},
                  {"version_minor", g.version_minor},
                  {"warnings", g.warnings},
                  {"graph", graph_json(g)}};
  // Node names are arbitrary bytes: replace what is not UTF-8 rather than throw.
  std::cout << j.dump(1, ' ', false, json::error_handler_t::replace) << "\n";
  std::cout.flush();
  return std::cout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is a write error (status 2), not a signal
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
  } catch (...) {
    std::cerr << "nir_dump: unknown error\n";
  }
  return 2;
}
