#include "ir/network.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/json_reader.h"
#include "layers/layer_kind.h"
#include "models/neuron_model.h"

namespace sf {

namespace {

constexpr int kFormatVersion = 2;  // the newest version this build reads and writes
constexpr int64_t kMaxNeurons = 1 << 20;
constexpr int64_t kMaxTimesteps = 1 << 24;

// The neuron object: its model picks the table entry that parses the rest.
NeuronSpec parse_neuron(const JsonCtx& c, const json& layer, int n_out) {
  const json& n = c.require(layer, "neuron");
  if (!n.is_object()) c.fail("neuron", describe(n), "an object");
  std::vector<std::string> names;
  for (const NeuronModelInfo* m : neuron_models()) names.push_back(m->name);
  const NeuronModelInfo& info = *find_model(c.get_enum(n, "model", names, nullptr, "neuron."));
  NeuronSpec spec;
  spec.model = info.id;
  info.parse(c, n, n_out, spec);
  return spec;
}

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  auto alpha = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'; };
  if (!alpha(s[0])) return false;
  for (char ch : s)
    if (!alpha(ch) && !(ch >= '0' && ch <= '9')) return false;
  return true;
}

// Network names go into generated file headers and reports: plain characters only.
bool is_plain_name(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                    ch == '_' || ch == '-' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

// The layer object's name (c0 names it by index: "layers[3]").
std::string layer_name(const JsonCtx& c0, const json& lj) {
  const std::string name = c0.get_string(lj, "name");
  if (!is_identifier(name))
    c0.fail("name", describe(lj.at("name")),
            "an identifier of at most 64 characters: a letter or '_', then letters, digits or '_' "
            "(layer names become file and Verilog signal names)");
  return name;
}

// A v2 layer object of type "flatten" (a graph node, not a layer: no engine).
bool is_flatten(const JsonCtx& c, const json& lj) {
  return c.require(lj, "type").is_string() && lj.at("type").get<std::string>() == "flatten";
}

// The layer object's kind, by its `type`.
const LayerKindInfo& layer_kind(const JsonCtx& c, const json& lj) {
  std::vector<std::string> names;
  for (const LayerKindInfo* k : layer_kinds()) names.push_back(k->name);
  return *find_kind(c.get_enum(lj, "type", names, nullptr));
}

Layer parse_layer(const std::string& path, const json& lj, size_t index, const graph::Shape& in_shape, bool v2) {
  JsonCtx c0(path, "layers[" + std::to_string(index) + "]");
  std::vector<const char*> keys = {"name", "type"};
  for (const LayerKindInfo* k : layer_kinds()) keys.insert(keys.end(), k->keys.begin(), k->keys.end());
  keys.insert(keys.end(), {"neuron", "hardware"});
  if (v2) keys.push_back("inputs");
  c0.check_object(lj, "", keys);
  Layer l;
  l.name = layer_name(c0, lj);
  JsonCtx c(path, "layer '" + l.name + "'");
  const LayerKindInfo& kind = layer_kind(c, lj);
  l.type = kind.id;
  // a key only another kind has
  const auto has = [](const LayerKindInfo& k, const std::string& key) {
    return std::find_if(k.keys.begin(), k.keys.end(), [&](const char* x) { return key == x; }) != k.keys.end();
  };
  for (auto it = lj.begin(); it != lj.end(); ++it)
    if (!has(kind, it.key()))
      for (const LayerKindInfo* other : layer_kinds())
        if (has(*other, it.key()))
          c.fail(it.key(), "a field of another layer type", "no " + it.key() + " in a \"" + kind.name + "\" layer");
  kind.parse_shape(c, lj, in_shape, l);
  if (kind.weights_given) l.weight_bits = static_cast<int>(c.get_int(lj, "weight_bits", 1, 16));
  l.neuron = parse_neuron(c, lj, l.param_count());
  const NeuronModelInfo& info = model_info(l);
  if (kind.weights_given) {
    info.check_weight_bits(c, l);
  } else {
    // the kind's own weights (sumpool2d's ones) take the narrowest width the model allows
    for (int bits : {2, 4, 8}) {
      l.weight_bits = bits;
      try {
        info.check_weight_bits(c, l);
        break;
      } catch (const InputError&) {
        if (bits == 8) throw;
      }
    }
  }
  kind.parse_weights(c, path, lj, info.weight_limits(l), l);

  if (lj.contains("bias")) {
    const int vb = info.layer_bias_bits(l.neuron);
    if (vb == 0)
      c.fail("bias", "a layer bias with model \"" + std::string(info.name) + "\"", info.bias_refusal);
    const json& b = lj.at("bias");
    const int count = l.param_count();
    if (!b.is_array() || b.size() != static_cast<size_t>(count))
      c.fail("bias", b.is_array() ? std::to_string(b.size()) + " entries" : describe(b),
             std::to_string(count) + (l.is_conv() ? " entries (one per output channel)" : " entries"));
    for (int o = 0; o < count; ++o)
      l.bias.push_back(c.as_int(b[o], "bias[" + std::to_string(o) + "]", signed_min(vb), signed_max(vb),
                                info.bias_text + signed_range_text(vb) + ")"));
  }
  if (lj.contains("hardware")) {
    const json& h = lj.at("hardware");
    c.check_object(h, "hardware", {"parallel", "weight_pack"});
    if (h.contains("weight_pack"))
      l.weight_pack = static_cast<int>(c.as_int(h.at("weight_pack"), "hardware.weight_pack", 1, 16, "1..16"));
    if (h.contains("parallel")) {
      const json& p = h.at("parallel");
      if (p.is_string() && p.get<std::string>() == "auto")
        l.parallel = 0;
      else
        l.parallel = static_cast<int>(c.as_int(
            p, "hardware.parallel", 1, l.max_parallel(),
            "\"auto\" or 1.." + std::to_string(l.max_parallel()) +
                (l.is_conv() ? " (lanes run over the output channels of a group)" : "")));
    }
  }
  return l;
}

// The rules of layer k (just parsed) in its network: one model family for the
// whole network (families differ in state, synaptic delay and event format),
// then the model's own rules.
void check_in_network(const std::string& path, const Network& net, size_t k) {
  const Layer& l = net.layers[k];
  const NeuronModelInfo& info = model_info(l);
  const NeuronModelInfo& first = model_info(net.layers.front());
  if (std::string(info.family) != first.family)
    JsonCtx(path, "layer '" + l.name + "'")
        .fail("neuron.model", std::string("\"") + info.name + "\" after \"" + first.family + "\" layers",
              std::string("one model family for the whole network (\"") + first.family +
                  "\" in every layer: families differ in state, synaptic delay and event format)");
  if (info.check_in_network) info.check_in_network(path, net, k);
}

// A v2 network: the layers and their `inputs` make a graph (ir/graph.h), which
// checks the names, finds the order and infers every layer's input shape
// through its kind's shape function. The engines and the golden model run a
// chain so far: each layer must read exactly the node before it in that order.
void parse_layer_graph(const std::string& path, const json& layers, Network& net) {
  graph::GraphOptions go;
  go.file = path;
  go.noun = "layer";
  graph::Graph g(go);
  graph::KindTable kinds;
  kinds.define("input", {true, nullptr, nullptr});
  // flatten: a view of its input as a vector (C order); the layer reading it
  // reads the flattened indices, which are the same numbers: no engine, no layer.
  kinds.define("flatten", {false,
                           [](const graph::Graph&, size_t, const graph::Shape& in) {
                             return graph::Shape{graph::numel(in)};
                           },
                           nullptr});
  g.add(net.input_name, "input", 0, net.input_shape);
  for (size_t k = 0; k < layers.size(); ++k) {
    const json& lj = layers[k];
    JsonCtx c0(path, "layers[" + std::to_string(k) + "]");
    if (!lj.is_object()) c0.fail("", describe(lj), "an object");
    const std::string name = layer_name(c0, lj);
    const JsonCtx c(path, "layer '" + name + "'");
    if (is_flatten(c, lj)) {
      c.check_object(lj, "", {"name", "type", "inputs"});
      g.add(name, "flatten", k);
      continue;
    }
    g.add(name, layer_kind(c, lj).name, k);
  }
  for (const LayerKindInfo* k : layer_kinds())
    kinds.define(k->name, {false,
                           [&layers, &path, k](const graph::Graph& gr, size_t node, const graph::Shape& in) {
                             const graph::Node& n = gr.node(node);
                             return k->output_shape(JsonCtx(path, "layer '" + n.name + "'"), layers[n.payload], in);
                           },
                           nullptr});
  for (size_t k = 0; k < layers.size(); ++k) {
    const json& lj = layers[k];
    const std::string name = lj.at("name").get<std::string>();
    JsonCtx c(path, "layer '" + name + "'");
    const json& ins = c.require(lj, "inputs");
    if (!ins.is_array() || ins.empty())
      c.fail("inputs", describe(ins), "a non-empty array of node names (\"" + net.input_name + "\" or layers)");
    for (size_t i = 0; i < ins.size(); ++i) {
      const std::string f = "inputs[" + std::to_string(i) + "]";
      if (ins[i].is_string()) {
        g.connect(ins[i].get<std::string>(), name);
        continue;
      }
      if (!ins[i].is_object())
        c.fail(f, describe(ins[i]), "a node name, or {\"from\": NAME, \"back_edge\": true} for a recurrent edge");
      c.check_object(ins[i], f, {"from", "back_edge"});
      g.connect(c.get_string(ins[i], "from", f + "."), name, c.get_bool_or(ins[i], "back_edge", false, f + "."));
    }
  }
  g.finalize(kinds);
  const std::vector<size_t> order = g.topological_order();
  size_t prev = 0;       // the node the next layer must read
  size_t producer = 0;   // the node whose events it reads (a flatten passes them on)
  for (size_t node : order) {
    if (node == 0) continue;
    const graph::Node& n = g.node(node);
    std::vector<std::string> from;
    bool chain = true;
    for (const graph::Edge& e : g.edges())
      if (e.dst == node) {
        from.push_back(std::string(e.back_edge ? "back edge from " : "") + "\"" + g.node(e.src).name + "\"");
        chain = chain && !e.back_edge && e.src == prev;
      }
    if (!chain || from.size() != 1) {
      std::string found;
      for (const std::string& f : from) found += (found.empty() ? "" : ", ") + f;
      JsonCtx(path, "layer '" + n.name + "'")
          .fail("inputs", "[" + found + "]",
                "[\"" + g.node(prev).name + "\"]: the engines and the golden model run the layers as a chain so far "
                "(each layer reads the one before it; branches, merges and recurrent edges are not built yet)");
    }
    if (n.kind == "flatten") {
      prev = node;
      continue;
    }
    json lj = layers[n.payload];
    const int64_t n_in = graph::numel(n.in_shape);
    if (!lj.contains("in") && find_kind("dense")->id == layer_kind(JsonCtx(path, "layer '" + n.name + "'"), lj).id)
      lj["in"] = n_in;  // v2: inferred from the input's shape
    const size_t k = net.layers.size();
    net.layers.push_back(parse_layer(path, lj, n.payload, n.in_shape, true));
    // a flatten between two layers is addressing only: the layer reads the producer's events
    net.layers.back().inputs = {g.node(producer).name};
    check_in_network(path, net, k);
    prev = node;
    producer = node;
  }
}

}  // namespace

PayloadFormat layer_input_payload(const Network& net, size_t k) {
  if (k == 0) return {net.input_payload_bits, net.input_payload_signed};
  return layer_output_payload(net.layers[k - 1]);
}

PayloadFormat layer_output_payload(const Layer& layer) { return model_info(layer).output_payload(layer.neuron); }

int64_t layer_output_max(const Layer& layer) { return model_info(layer).output_max(layer); }

int64_t Network::payload_max() const { return (int64_t{1} << (input_payload_bits - (input_payload_signed ? 1 : 0))) - 1; }
int64_t Network::payload_min() const {
  return input_payload_signed ? -(int64_t{1} << (input_payload_bits - 1)) : 0;
}

const char* to_string(NeuronModel m) { return model_info(m).name; }
const char* to_string(FireRule f) { return f == FireRule::Ge ? "ge" : "gt"; }
const char* to_string(ResetMode r) {
  switch (r) {
    case ResetMode::Subtract: return "subtract";
    case ResetMode::Zero: return "zero";
    case ResetMode::None: return "none";
    case ResetMode::SubtractDeferred: return "subtract_deferred";
  }
  return "?";
}
const char* to_string(LeakKind k) {
  switch (k) {
    case LeakKind::None: return "none";
    case LeakKind::Shift: return "shift";
    case LeakKind::Mult: return "mult";
    case LeakKind::Sub: return "sub";
  }
  return "?";
}
const char* to_string(OutputDecoding d) {
  switch (d) {
    case OutputDecoding::SpikeCount: return "spike_count";
    case OutputDecoding::FirstSpike: return "first_spike";
    case OutputDecoding::Membrane: return "membrane";
  }
  return "?";
}

Network load_network(const std::string& path) {
  json doc = read_json_file(path);
  JsonCtx c(path, "");
  c.check_object(doc, "", {"format", "version", "name", "timesteps", "input", "output", "layers",
                           "description"});
  if (c.get_string(doc, "format") != "spikeforge-network")
    c.fail("format", describe(doc.at("format")), "\"spikeforge-network\"");
  const json& ver = c.require(doc, "version");
  if (!ver.is_number_integer() || ver.get<int64_t>() < 1 || ver.get<int64_t>() > kFormatVersion)
    c.fail("version", describe(ver), "1 or 2 (the versions this build reads)");
  Network net;
  net.format_version = static_cast<int>(ver.get<int64_t>());
  const bool v2 = net.format_version == 2;
  net.name = c.get_string(doc, "name");
  if (!is_plain_name(net.name))
    c.fail("name", describe(doc.at("name")),
           "1 to 128 characters from letters, digits, '_', '-' and '.'");
  if (doc.contains("description")) c.get_string(doc, "description");
  net.timesteps = static_cast<int>(c.get_int_or(doc, "timesteps", 1, kMaxTimesteps, 1));

  const json& in = c.require(doc, "input");
  if (v2)
    c.check_object(in, "input", {"name", "shape", "size", "payload_bits", "payload_signed"});
  else
    c.check_object(in, "input", {"size", "payload_bits", "payload_signed"});
  if (v2 && in.contains("name")) {
    net.input_name = c.get_string(in, "name", "input.");
    if (!is_identifier(net.input_name))
      c.fail("input.name", describe(in.at("name")), "an identifier of at most 64 characters");
  }
  if (v2 && in.contains("shape") == in.contains("size"))
    c.fail("input", in.contains("shape") ? "both shape and size" : "neither shape nor size", "exactly one of them");
  if (v2 && in.contains("shape")) {
    const json& sh = in.at("shape");
    if (!sh.is_array() || sh.empty() || sh.size() > 3)
      c.fail("input.shape", describe(sh), "1 to 3 positive dimensions, C order ([C, H, W], [C, L] or [N])");
    int64_t n = 1;
    for (size_t d = 0; d < sh.size(); ++d) {
      net.input_shape.push_back(c.as_int(sh[d], "input.shape[" + std::to_string(d) + "]", 1, kMaxNeurons));
      n *= net.input_shape.back();
      if (n > kMaxNeurons)
        c.fail("input.shape", describe(sh), "at most " + std::to_string(kMaxNeurons) + " elements in all");
    }
    net.input_size = static_cast<int>(n);
  } else {
    net.input_size = static_cast<int>(c.get_int(in, "size", 1, kMaxNeurons, "input."));
    net.input_shape = {net.input_size};
  }
  net.input_payload_signed = c.get_bool_or(in, "payload_signed", false, "input.");
  if (net.input_payload_signed && !in.contains("payload_bits"))
    c.fail("input.payload_bits", "nothing (missing)",
           "a width of 2..16 bits: a signed payload needs its width stated");
  net.input_payload_bits = static_cast<int>(
      c.get_int_or(in, "payload_bits", net.input_payload_signed ? 2 : 1, 16, 1, "input."));

  if (doc.contains("output")) {
    const json& out = doc.at("output");
    c.check_object(out, "output", {"decoding"});
    std::string d = c.get_enum(out, "decoding", {"spike_count", "first_spike", "membrane"},
                               "spike_count", "output.");
    net.decoding = d == "spike_count" ? OutputDecoding::SpikeCount
                   : d == "first_spike" ? OutputDecoding::FirstSpike
                                        : OutputDecoding::Membrane;
    if (net.decoding == OutputDecoding::Membrane)
      c.fail("output.decoding", "\"membrane\"",
             "\"spike_count\" or \"first_spike\" (membrane readout needs a non-spiking layer, "
             "not supported by the if/lif models yet)");
  }

  const json& layers = c.require(doc, "layers");
  if (!layers.is_array() || layers.empty())
    c.fail("layers", describe(layers), "a non-empty array of layers");
  if (v2) {
    parse_layer_graph(path, layers, net);
  } else {
    int n_in = net.input_size;
    for (size_t k = 0; k < layers.size(); ++k) {
      if (layers[k].is_object() && layers[k].contains("type") && layers[k].at("type").is_string() &&
          layers[k].at("type").get<std::string>() != "dense")
        JsonCtx(path, "layers[" + std::to_string(k) + "]")
            .fail("type", describe(layers[k].at("type")),
                  "\"dense\" in a version 1 network (conv2d, pooling and flatten need the input "
                  "shapes of version 2: docs/network-format.md)");
      net.layers.push_back(parse_layer(path, layers[k], k, graph::Shape{n_in}, false));
      // a v1 layer reads the one before it
      net.layers.back().inputs = {k == 0 ? net.input_name : net.layers[k - 1].name};
      n_in = net.layers.back().n_out;
      check_in_network(path, net, k);
      for (size_t j = 0; j + 1 < net.layers.size(); ++j)
        if (net.layers[j].name == net.layers.back().name)
          JsonCtx(path, "layer '" + net.layers.back().name + "'")
              .fail("name", "a duplicate of layers[" + std::to_string(j) + "]", "a unique name");
    }
  }
  return net;
}

// The layer's hardware hints, when any is set.
static void save_hardware(const Layer& l, json& lj) {
  json h = json::object();
  if (l.parallel > 0) h["parallel"] = l.parallel;
  if (l.weight_pack > 0) h["weight_pack"] = l.weight_pack;
  if (!h.empty()) lj["hardware"] = std::move(h);
}

void save_network(const Network& net, const std::string& path) {
  json doc;
  doc["format"] = "spikeforge-network";
  const bool v2 = net.format_version == 2;
  doc["version"] = v2 ? 2 : 1;
  doc["name"] = net.name;
  doc["timesteps"] = net.timesteps;
  doc["input"] = {{"payload_bits", net.input_payload_bits}, {"payload_signed", net.input_payload_signed}};
  if (v2) {
    doc["input"]["name"] = net.input_name;
    doc["input"]["shape"] = net.input_shape.empty() ? std::vector<int64_t>{net.input_size} : net.input_shape;
  } else {
    doc["input"]["size"] = net.input_size;
  }
  doc["output"] = {{"decoding", to_string(net.decoding)}};
  json layers = json::array();
  for (const Layer& l : net.layers) {
    json lj;
    lj["name"] = l.name;
    lj["type"] = kind_info(l).name;
    if (v2) {  // a network built in memory reads the layer before it
      const size_t k = static_cast<size_t>(&l - net.layers.data());
      lj["inputs"] = !l.inputs.empty() ? l.inputs
                                        : std::vector<std::string>{k == 0 ? net.input_name : net.layers[k - 1].name};
    }
    if (kind_info(l).weights_given) lj["weight_bits"] = l.weight_bits;
    kind_info(l).save(l, lj);
    if (l.has_bias()) lj["bias"] = l.bias;
    lj["neuron"] = model_info(l).save(l.neuron);
    save_hardware(l, lj);
    layers.push_back(std::move(lj));
  }
  doc["layers"] = std::move(layers);
  std::ofstream out(path);
  if (!out) throw InputError(path + ": cannot write file");
  out << doc.dump() << "\n";
}

}  // namespace sf
