// JSON form of a float network (float_json.h, docs/float-network.md).
#include "float_json.h"

#include <cmath>
#include <map>
#include <stdexcept>

namespace sf::ref::nir_float {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "spikeforge-float-network";

const std::map<std::string, NodeKind>& kinds() {
  static const std::map<std::string, NodeKind> m = [] {
    std::map<std::string, NodeKind> k;
    for (NodeKind kind :
         {NodeKind::Input, NodeKind::Output, NodeKind::Identity, NodeKind::Affine, NodeKind::Linear,
          NodeKind::Scale, NodeKind::Conv1d, NodeKind::Conv2d, NodeKind::SumPool2d, NodeKind::AvgPool2d,
          NodeKind::Flatten, NodeKind::Delay, NodeKind::Threshold, NodeKind::I, NodeKind::LI, NodeKind::IF,
          NodeKind::LIF, NodeKind::CubaLI, NodeKind::CubaLIF})
      k[kind_name(kind)] = kind;
    return k;
  }();
  return m;
}

[[noreturn]] void fail(const std::string& field, const std::string& found, const std::string& expected) {
  throw std::invalid_argument(field + ": found " + found + ", expected " + expected);
}

std::string describe(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// The elementwise and geometry fields, by name, for writing and reading alike.
struct Fields {
  std::vector<std::pair<const char*, std::vector<double> FloatNode::*>> values = {
      {"bias", &FloatNode::bias},       {"scale", &FloatNode::scale},
      {"threshold", &FloatNode::threshold}, {"delay", &FloatNode::delay},
      {"tau", &FloatNode::tau},         {"tau_syn", &FloatNode::tau_syn},
      {"tau_mem", &FloatNode::tau_mem}, {"r", &FloatNode::r},
      {"v_leak", &FloatNode::v_leak},   {"v_threshold", &FloatNode::v_threshold},
      {"v_reset", &FloatNode::v_reset}, {"w_in", &FloatNode::w_in}};
  std::vector<std::pair<const char*, std::vector<int64_t> Window::*>> window = {
      {"kernel", &Window::kernel},       {"stride", &Window::stride},     {"pad_begin", &Window::pad_begin},
      {"pad_end", &Window::pad_end},     {"dilation", &Window::dilation}};
};

std::vector<double> doubles(const json& v, const std::string& field) {
  if (!v.is_array()) fail(field, describe(v), "an array of numbers");
  std::vector<double> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number()) fail(field + "[" + std::to_string(i) + "]", describe(v[i]), "a number");
    out.push_back(v[i].get<double>());
  }
  return out;
}

std::vector<int64_t> ints(const json& v, const std::string& field) {
  if (!v.is_array()) fail(field, describe(v), "an array of integers");
  std::vector<int64_t> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number_integer()) fail(field + "[" + std::to_string(i) + "]", describe(v[i]), "an integer");
    out.push_back(v[i].get<int64_t>());
  }
  return out;
}

const json& member(const json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key)) fail(where + key, "nothing", "a value (required)");
  return obj.at(key);
}

std::string text(const json& v, const std::string& field) {
  if (!v.is_string()) fail(field, describe(v), "a string");
  return v.get<std::string>();
}

template <class E>
E pick(const json& v, const std::string& field, const std::vector<std::pair<const char*, E>>& choices) {
  const std::string s = text(v, field);
  std::string names;
  for (const auto& c : choices) {
    if (s == c.first) return c.second;
    names += (names.empty() ? "" : " | ") + std::string(c.first);
  }
  fail(field, "\"" + s + "\"", names);
}

const std::vector<std::pair<const char*, Method>> kMethods = {
    {"euler", Method::Euler}, {"exact", Method::Exact}, {"snntorch", Method::SnnTorch}};
const std::vector<std::pair<const char*, ResetMode>> kResets = {{"zero", ResetMode::Zero},
                                                                {"subtract", ResetMode::Subtract}};
const std::vector<std::pair<const char*, IfInput>> kIfInputs = {{"euler", IfInput::Euler},
                                                                {"impulse", IfInput::Impulse}};
const std::vector<std::pair<const char*, CubaCurrent>> kCuba = {{"new", CubaCurrent::New},
                                                                {"previous", CubaCurrent::Previous}};

}  // namespace

const char* if_input_name(IfInput mode) { return mode == IfInput::Impulse ? "impulse" : "euler"; }
const char* cuba_current_name(CubaCurrent c) { return c == CubaCurrent::Previous ? "previous" : "new"; }

json to_json(const FloatNetwork& net) {
  const Fields f;
  json nodes = json::array();
  for (const FloatNode& n : net.graph.nodes()) {
    json j = {{"name", n.name}, {"kind", kind_name(n.kind)}};
    if (n.kind == NodeKind::Input || n.kind == NodeKind::Output) j["shape"] = n.shape;
    if (!n.weight.data.empty()) j["weight"] = {{"shape", n.weight.shape}, {"data", n.weight.data}};
    for (const auto& [key, ptr] : f.values)
      if (!(n.*ptr).empty()) j[key] = n.*ptr;
    const bool windowed = n.kind == NodeKind::Conv1d || n.kind == NodeKind::Conv2d ||
                          n.kind == NodeKind::SumPool2d || n.kind == NodeKind::AvgPool2d;
    if (windowed) {
      json w = json::object();
      for (const auto& [key, ptr] : f.window) w[key] = n.window.*ptr;
      w["groups"] = n.window.groups;
      j["window"] = w;
    }
    if (n.kind == NodeKind::Flatten) {
      j["start_dim"] = n.start_dim;
      j["end_dim"] = n.end_dim;
    }
    nodes.push_back(j);
  }
  json edges = json::array();
  for (const FloatEdge& e : net.graph.edges()) {
    json j = {net.graph.node(e.src).name, net.graph.node(e.dst).name};
    if (e.back_edge) j.push_back("back");
    edges.push_back(j);
  }
  const SimOptions& o = net.options;
  return {{"format", kFormat},
          {"version", 1},
          {"name", net.name},
          {"source", net.source},
          {"discretization",
           {{"dt", o.dt},
            {"method", method_name(o.method)},
            {"reset", reset_name(o.reset)},
            {"if_input", if_input_name(o.if_input)},
            {"cuba_current", cuba_current_name(o.cuba_current)},
            {"snntorch_reset_delay", o.snntorch_reset_delay}}},
          {"nodes", nodes},
          {"edges", edges}};
}

FloatNetwork from_json(const json& doc) {
  if (!doc.is_object()) fail("(top level)", describe(doc), "an object");
  if (text(member(doc, "format", ""), "format") != kFormat)
    fail("format", describe(doc.at("format")), std::string("\"") + kFormat + "\"");
  const json& version = member(doc, "version", "");
  if (!version.is_number_integer() || version.get<int64_t>() != 1)
    fail("version", describe(version), "1 (the only version this tool reads)");
  FloatNetwork net;
  net.name = text(member(doc, "name", ""), "name");
  if (doc.contains("source")) net.source = text(doc.at("source"), "source");

  const json& d = member(doc, "discretization", "");
  if (!d.is_object()) fail("discretization", describe(d), "an object");
  const json& dt = member(d, "dt", "discretization.");
  if (!dt.is_number() || !(dt.get<double>() > 0) || !std::isfinite(dt.get<double>()))
    fail("discretization.dt", describe(dt), "a positive number of seconds");
  net.options.dt = dt.get<double>();
  net.options.method = pick(member(d, "method", "discretization."), "discretization.method", kMethods);
  net.options.reset = pick(member(d, "reset", "discretization."), "discretization.reset", kResets);
  if (d.contains("if_input")) net.options.if_input = pick(d.at("if_input"), "discretization.if_input", kIfInputs);
  if (d.contains("cuba_current"))
    net.options.cuba_current = pick(d.at("cuba_current"), "discretization.cuba_current", kCuba);
  if (d.contains("snntorch_reset_delay")) {
    if (!d.at("snntorch_reset_delay").is_boolean())
      fail("discretization.snntorch_reset_delay", describe(d.at("snntorch_reset_delay")), "true or false");
    net.options.snntorch_reset_delay = d.at("snntorch_reset_delay").get<bool>();
  }

  const Fields f;
  const json& nodes = member(doc, "nodes", "");
  if (!nodes.is_array() || nodes.empty()) fail("nodes", describe(nodes), "a non-empty array of nodes");
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string at = "nodes[" + std::to_string(i) + "].";
    const json& j = nodes[i];
    if (!j.is_object()) fail("nodes[" + std::to_string(i) + "]", describe(j), "an object");
    FloatNode n;
    n.name = text(member(j, "name", at), at + "name");
    const std::string kind = text(member(j, "kind", at), at + "kind");
    auto k = kinds().find(kind);
    if (k == kinds().end()) fail(at + "kind", "\"" + kind + "\"", "a NIR node type (Input, Affine, LIF, ...)");
    n.kind = k->second;
    if (j.contains("shape")) n.shape = ints(j.at("shape"), at + "shape");
    if (j.contains("weight")) {
      const json& w = j.at("weight");
      if (!w.is_object()) fail(at + "weight", describe(w), "an object {shape, data}");
      n.weight.shape = ints(member(w, "shape", at + "weight."), at + "weight.shape");
      n.weight.data = doubles(member(w, "data", at + "weight."), at + "weight.data");
      if (static_cast<int64_t>(n.weight.data.size()) != numel(n.weight.shape))
        fail(at + "weight.data", std::to_string(n.weight.data.size()) + " values",
             std::to_string(numel(n.weight.shape)) + " (the product of weight.shape)");
    }
    for (const auto& [key, ptr] : f.values)
      if (j.contains(key)) n.*ptr = doubles(j.at(key), at + key);
    if (j.contains("window")) {
      const json& w = j.at("window");
      if (!w.is_object()) fail(at + "window", describe(w), "an object");
      for (const auto& [key, ptr] : f.window)
        if (w.contains(key)) n.window.*ptr = ints(w.at(key), at + "window." + key);
      if (w.contains("groups")) {
        if (!w.at("groups").is_number_integer()) fail(at + "window.groups", describe(w.at("groups")), "an integer");
        n.window.groups = w.at("groups").get<int64_t>();
      }
    }
    if (j.contains("start_dim")) n.start_dim = ints(json::array({j.at("start_dim")}), at + "start_dim")[0];
    if (j.contains("end_dim")) n.end_dim = ints(json::array({j.at("end_dim")}), at + "end_dim")[0];
    net.graph.add(std::move(n));
  }
  const json& edges = member(doc, "edges", "");
  if (!edges.is_array()) fail("edges", describe(edges), "an array of [source, destination(, \"back\")]");
  for (size_t i = 0; i < edges.size(); ++i) {
    const std::string at = "edges[" + std::to_string(i) + "]";
    const json& e = edges[i];
    if (!e.is_array() || e.size() < 2 || e.size() > 3 || !e[0].is_string() || !e[1].is_string() ||
        (e.size() == 3 && e[2] != "back"))
      fail(at, describe(e), "[source, destination] or [source, destination, \"back\"]");
    net.graph.connect(e[0].get<std::string>(), e[1].get<std::string>(), e.size() == 3);
  }
  net.graph.finalize();
  return net;
}

}  // namespace sf::ref::nir_float
