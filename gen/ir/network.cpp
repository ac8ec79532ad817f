#include "ir/network.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ir/error.h"
#include "ir/json_reader.h"

namespace sf {

namespace {

constexpr int kFormatVersion = 1;
constexpr int64_t kMaxNeurons = 1 << 20;
constexpr int64_t kMaxSynapses = int64_t{1} << 28;
constexpr int64_t kMaxTimesteps = 1 << 24;

Leak parse_leak(const JsonCtx& c, const json& n, int v_bits) {
  Leak leak;
  if (!n.contains("leak")) return leak;
  const json& l = n.at("leak");
  const std::string p = "neuron.leak.";
  std::string kind = c.get_enum(l.is_object() ? l : json::object(), "kind",
                                {"none", "shift", "mult", "sub"}, nullptr, p);
  if (kind == "none") {
    c.check_object(l, "neuron.leak", {"kind"});
  } else if (kind == "shift") {
    c.check_object(l, "neuron.leak", {"kind", "shift"});
    leak.kind = LeakKind::Shift;
    leak.shift = static_cast<int>(c.get_int(l, "shift", 0, v_bits, p));
  } else if (kind == "mult") {
    c.check_object(l, "neuron.leak", {"kind", "beta", "frac"});
    leak.kind = LeakKind::Mult;
    leak.frac = static_cast<int>(c.get_int(l, "frac", 0, 24, p));
    leak.beta = c.get_int(l, "beta", 0, int64_t{1} << leak.frac, p);
  } else {
    c.check_object(l, "neuron.leak", {"kind", "lambda"});
    leak.kind = LeakKind::Sub;
    leak.lambda = c.get_int(l, "lambda", 0, signed_max(v_bits), p);
  }
  return leak;
}

// A per-neuron integer array `key` of exactly n_out entries in [lo, hi].
std::vector<int64_t> get_per_neuron(const JsonCtx& c, const json& n, const std::string& key, int n_out,
                                    int64_t lo, int64_t hi, const std::string& what) {
  const json& a = c.require(n, key, "neuron.");
  if (!a.is_array() || a.size() != static_cast<size_t>(n_out))
    c.fail("neuron." + key, a.is_array() ? std::to_string(a.size()) + " entries" : describe(a),
           std::to_string(n_out) + " entries (one per neuron)");
  std::vector<int64_t> out;
  for (int o = 0; o < n_out; ++o)
    out.push_back(c.as_int(a[o], "neuron." + key + "[" + std::to_string(o) + "]", lo, hi,
                           what + " (" + std::to_string(lo) + ".." + std::to_string(hi) + ")"));
  return out;
}

// Akida 1.0 (semantics.md `akida`): threshold signed 20 bits (24 on the input
// layer); act_step = mantissa / 2^frac_bits, a positive float32's exact value,
// below 2^19 (2^23 on the input layer) like the threshold.
void parse_akida(const JsonCtx& c, const json& n, int n_out, AkidaParams& q) {
  c.check_object(n, "neuron", {"model", "act_bits", "act_step", "threshold", "input_layer"});
  q.input_layer = c.get_bool_or(n, "input_layer", false, "neuron.");
  q.act_bits = static_cast<int>(c.get_int(n, "act_bits", 1, 4, "neuron."));
  if (q.act_bits == 3) c.fail("neuron.act_bits", "3", "1, 2 or 4 (Akida 1.0 activation bits)");
  const int tb = q.input_layer ? 24 : 20;
  const std::string tw = "a signed " + std::to_string(tb) + "-bit threshold" +
                         (q.input_layer ? " (input layer)" : " (24 bits only with input_layer)");
  q.threshold = get_per_neuron(c, n, "threshold", n_out, signed_min(tb), signed_max(tb), tw);
  const json& st = c.require(n, "act_step", "neuron.");
  if (!st.is_object()) c.fail("neuron.act_step", describe(st), "an object {\"mantissa\": M, \"frac_bits\": F}");
  c.check_object(st, "neuron.act_step", {"mantissa", "frac_bits"});
  q.act_step_m = static_cast<uint64_t>(c.get_int(st, "mantissa", 1, (int64_t{1} << 24) - 1, "neuron.act_step."));
  q.act_step_f = static_cast<int>(c.get_int(st, "frac_bits", -104, 149, "neuron.act_step."));
  // act_step < 2^(tb-1)  <=>  mantissa < 2^(tb-1+frac_bits)
  const int e = tb - 1 + q.act_step_f;
  if (e <= 0 || (e < 64 && q.act_step_m >= (uint64_t{1} << e)))
    c.fail("neuron.act_step", std::to_string(q.act_step_m) + " / 2^" + std::to_string(q.act_step_f),
           "0 < act_step < 2^" + std::to_string(tb - 1) + " (signed " + std::to_string(tb) +
               "-bit range, as the threshold)");
}

// Akida 2.0 (semantics.md `akida2`), a Dense1D layer.
void parse_akida2(const JsonCtx& c, const json& n, int n_out, Akida2Params& q) {
  c.check_object(n, "neuron", {"model", "input_shift", "bias", "bias_shift", "buffer_bits", "relu", "max_value",
                               "max_value_shift", "output_scale", "output_shift", "output_bits"});
  q.input_shift = static_cast<int>(c.get_int_or(n, "input_shift", 0, 32, 0, "neuron."));
  if (n.contains("bias")) q.bias = get_per_neuron(c, n, "bias", n_out, -128, 127, "an int8 bias");
  q.bias_shift = static_cast<int>(c.get_int_or(n, "bias_shift", 0, 32, 0, "neuron."));
  q.buffer_bits = static_cast<int>(c.get_int_or(n, "buffer_bits", 2, 32, 28, "neuron."));
  q.relu = c.get_bool_or(n, "relu", false, "neuron.");
  q.has_max_value = n.contains("max_value");
  if (q.has_max_value && !q.relu)
    c.fail("neuron.max_value", "a value with relu false", "max_value only with relu true (it bounds the ReLU)");
  if (q.has_max_value) q.max_value = c.get_int(n, "max_value", 0, 255, "neuron.");
  if (n.contains("max_value_shift") && !q.has_max_value)
    c.fail("neuron.max_value_shift", "a value without max_value", "max_value_shift only with max_value");
  q.max_value_shift = static_cast<int>(c.get_int_or(n, "max_value_shift", 0, 32, 0, "neuron."));
  q.output_scale = get_per_neuron(c, n, "output_scale", n_out, 0, 255, "a uint8 output scale");
  q.output_shift = static_cast<int>(c.get_int_or(n, "output_shift", -128, 127, 0, "neuron."));
  q.output_bits = static_cast<int>(c.get_int(n, "output_bits", 4, 8, "neuron."));
  if (q.output_bits != 4 && q.output_bits != 8)
    c.fail("neuron.output_bits", std::to_string(q.output_bits), "4 or 8 (Akida 2.0 activation bits)");
}

NeuronSpec parse_neuron(const JsonCtx& c, const json& layer, int n_out) {
  const json& n = c.require(layer, "neuron");
  if (!n.is_object()) c.fail("neuron", describe(n), "an object");
  NeuronSpec spec;
  std::string model = c.get_enum(n, "model", {"if", "lif", "loihi2", "akida", "akida2"}, nullptr, "neuron.");
  if (model == "akida") {
    spec.model = NeuronModel::Akida;
    parse_akida(c, n, n_out, spec.akida);
    return spec;
  }
  if (model == "akida2") {
    spec.model = NeuronModel::Akida2;
    parse_akida2(c, n, n_out, spec.akida2);
    return spec;
  }
  if (model == "loihi2") {
    // Ranges of Lava's registers (docs/semantics.md, loihi2); the golden model
    // checks them again, this names the file and field.
    c.check_object(n, "neuron", {"model", "du", "dv", "vth", "bias_exp", "weight_exp"});
    spec.model = NeuronModel::Loihi2;
    Loihi2Params& q = spec.loihi2;
    q.du = static_cast<int>(c.get_int(n, "du", 0, 4095, "neuron."));
    q.dv = static_cast<int>(c.get_int(n, "dv", 0, 4095, "neuron."));
    q.vth = c.get_int(n, "vth", 0, (int64_t{1} << 17) - 1, "neuron.");
    q.bias_exp = static_cast<int>(c.get_int_or(n, "bias_exp", 0, 7, 0, "neuron."));
    q.weight_exp = static_cast<int>(c.get_int_or(n, "weight_exp", -8, 7, 0, "neuron."));
    return spec;
  }
  c.check_object(n, "neuron", {"model", "threshold", "v_bits", "fire", "reset", "v_reset", "leak"});
  spec.model = model == "if" ? NeuronModel::If : NeuronModel::Lif;
  IfLifParams& p = spec.iflif;
  p.v_bits = static_cast<int>(c.get_int(n, "v_bits", 2, 32, "neuron."));
  p.threshold = c.get_int(n, "threshold", 1, signed_max(p.v_bits), "neuron.");
  p.fire = c.get_enum(n, "fire", {"ge", "gt"}, "ge", "neuron.") == std::string("ge") ? FireRule::Ge
                                                                                     : FireRule::Gt;
  std::string reset =
      c.get_enum(n, "reset", {"subtract", "zero", "none", "subtract_deferred"}, "subtract", "neuron.");
  if (reset == "subtract") p.reset = ResetMode::Subtract;
  if (reset == "zero") p.reset = ResetMode::Zero;
  if (reset == "none") p.reset = ResetMode::None;
  if (reset == "subtract_deferred") {
    if (spec.model != NeuronModel::Lif)
      c.fail("neuron.reset", "\"subtract_deferred\" with model \"if\"",
             "subtract_deferred only with model \"lif\" (semantics.md)");
    p.reset = ResetMode::SubtractDeferred;
  }
  if (n.contains("v_reset") && p.reset != ResetMode::Zero)
    c.fail("neuron.v_reset", "a value with reset \"" + reset + "\"", "v_reset only with reset \"zero\"");
  p.v_reset = c.get_int_or(n, "v_reset", signed_min(p.v_bits), signed_max(p.v_bits), 0, "neuron.");
  p.leak = parse_leak(c, n, p.v_bits);
  if (spec.model == NeuronModel::If && p.leak.kind != LeakKind::None)
    c.fail("neuron.leak", "a leak with model \"if\"", "no leak (use model \"lif\")");
  if (spec.model == NeuronModel::Lif && !n.contains("leak"))
    c.fail("neuron.leak", "nothing (missing)", "a leak for model \"lif\"");
  return spec;
}

std::vector<int32_t> read_weight_file(const JsonCtx& c, const std::string& net_path,
                                      const json& v, const Layer& l) {
  if (!v.is_string()) c.fail("weights_file", describe(v), "a file name relative to the network file");
  auto dir = std::filesystem::path(net_path).parent_path();
  auto file = dir / v.get<std::string>();
  const int bytes = l.weight_bits <= 8 ? 1 : 2;
  const size_t count = static_cast<size_t>(l.n_out) * l.n_in;
  std::ifstream in(file, std::ios::binary);
  if (!in) c.fail("weights_file", "\"" + file.string() + "\" (cannot open)", "a readable file");
  std::vector<char> raw(count * bytes);
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  if (static_cast<size_t>(in.gcount()) != raw.size() || in.peek() != EOF)
    c.fail("weights_file", "a file of a different size",
           std::to_string(raw.size()) + " bytes (" + std::to_string(count) + " little-endian int" +
               std::to_string(8 * bytes) + ", [out][in])");
  std::vector<int32_t> w(count);
  for (size_t k = 0; k < count; ++k) {
    int32_t x = bytes == 1 ? static_cast<int8_t>(raw[k])
                           : static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint8_t>(raw[2 * k])) |
                                                  static_cast<uint16_t>(static_cast<uint8_t>(raw[2 * k + 1])) << 8);
    w[k] = x;
  }
  return w;
}

// The weights a layer may hold: weight_bits two's complement; akida: symmetric
// |w| <= 2^(b-1) - 1, and binary {0, 1} for b = 1.
struct WeightLimits {
  int64_t lo = 0, hi = 0;
  std::string text;
};
WeightLimits weight_limits(const Layer& l) {
  WeightLimits w;
  const std::string b = std::to_string(l.weight_bits);
  if (l.neuron.model == NeuronModel::Akida) {
    w.hi = l.weight_bits == 1 ? 1 : signed_max(l.weight_bits);
    w.lo = l.weight_bits == 1 ? 0 : -w.hi;
    w.text = l.weight_bits == 1 ? std::string("a 1-bit akida weight (binary 0..1)")
                                : "a " + b + "-bit symmetric akida weight (" + std::to_string(w.lo) + ".." +
                                      std::to_string(w.hi) + ")";
    return w;
  }
  w.lo = signed_min(l.weight_bits);
  w.hi = signed_max(l.weight_bits);
  w.text = "a " + b + "-bit signed integer (" + signed_range_text(l.weight_bits) + ")";
  return w;
}

void check_weight_range(const JsonCtx& c, const Layer& l) {
  const WeightLimits lim = weight_limits(l);
  for (int o = 0; o < l.n_out; ++o)
    for (int i = 0; i < l.n_in; ++i) {
      int64_t x = l.w(o, i);
      if (x < lim.lo || x > lim.hi)
        c.fail("weight[" + std::to_string(o) + "][" + std::to_string(i) + "]", std::to_string(x), lim.text);
    }
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

Layer parse_layer(const std::string& path, const json& lj, size_t index, int n_in_expected) {
  JsonCtx c0(path, "layers[" + std::to_string(index) + "]");
  c0.check_object(lj, "", {"name", "type", "in", "out", "weight_bits", "weights", "weights_file",
                           "bias", "neuron", "hardware"});
  Layer l;
  l.name = c0.get_string(lj, "name");
  if (!is_identifier(l.name))
    c0.fail("name", describe(lj.at("name")),
            "an identifier of at most 64 characters: a letter or '_', then letters, digits or '_' "
            "(layer names become file and Verilog signal names)");
  JsonCtx c(path, "layer '" + l.name + "'");
  c.get_enum(lj, "type", {"dense"}, nullptr);
  l.n_in = static_cast<int>(c.get_int(lj, "in", 1, kMaxNeurons));
  l.n_out = static_cast<int>(c.get_int(lj, "out", 1, kMaxNeurons));
  if (l.n_in != n_in_expected)
    c.fail("in", std::to_string(l.n_in),
           std::to_string(n_in_expected) + " (the size of the previous layer or the input)");
  if (int64_t{l.n_in} * l.n_out > kMaxSynapses)
    c.fail("in*out", std::to_string(int64_t{l.n_in} * l.n_out),
           "at most " + std::to_string(kMaxSynapses) + " synapses per layer");
  l.weight_bits = static_cast<int>(c.get_int(lj, "weight_bits", 1, 16));
  l.neuron = parse_neuron(c, lj, l.n_out);
  const bool loihi2 = l.neuron.model == NeuronModel::Loihi2;
  const bool akida = l.neuron.model == NeuronModel::Akida, akida2 = l.neuron.model == NeuronModel::Akida2;
  if (loihi2 && l.weight_bits > 9)
    c.fail("weight_bits", std::to_string(l.weight_bits),
           "2..9 for model \"loihi2\" (prepared Loihi weights lie in -256..255)");
  if (akida) {
    const int b = l.weight_bits;
    const bool ok = b == 1 || b == 2 || b == 4 || (b == 8 && l.neuron.akida.input_layer);
    if (!ok)
      c.fail("weight_bits", std::to_string(b),
             "1, 2 or 4 for model \"akida\" (8 only with neuron.input_layer true)");
  } else if (akida2) {
    if (l.weight_bits != 4 && l.weight_bits != 8)
      c.fail("weight_bits", std::to_string(l.weight_bits), "4 or 8 for model \"akida2\" (int4 / int8 weights)");
  } else if (l.weight_bits < 2) {
    c.fail("weight_bits", std::to_string(l.weight_bits),
           "an integer in 2..16 (1-bit binary weights only with model \"akida\")");
  }

  const bool inline_w = lj.contains("weights"), file_w = lj.contains("weights_file");
  if (inline_w == file_w)
    c.fail("weights", inline_w ? "both weights and weights_file" : "neither weights nor weights_file",
           "exactly one of them");
  if (inline_w) {
    const WeightLimits lim = weight_limits(l);
    const json& w = lj.at("weights");
    if (!w.is_array() || w.size() != static_cast<size_t>(l.n_out))
      c.fail("weights", w.is_array() ? std::to_string(w.size()) + " rows" : describe(w),
             std::to_string(l.n_out) + " rows (weights[out][in])");
    l.weights.resize(static_cast<size_t>(l.n_out) * l.n_in);
    for (int o = 0; o < l.n_out; ++o) {
      const json& row = w[o];
      std::string f = "weights[" + std::to_string(o) + "]";
      if (!row.is_array() || row.size() != static_cast<size_t>(l.n_in))
        c.fail(f, row.is_array() ? std::to_string(row.size()) + " entries" : describe(row),
               std::to_string(l.n_in) + " entries");
      for (int i = 0; i < l.n_in; ++i)
        l.weights[static_cast<size_t>(o) * l.n_in + i] = static_cast<int32_t>(
            c.as_int(row[i], "weight[" + std::to_string(o) + "][" + std::to_string(i) + "]", lim.lo, lim.hi,
                     lim.text));
    }
  } else {
    l.weights = read_weight_file(c, path, lj.at("weights_file"), l);
    check_weight_range(c, l);
  }

  if (lj.contains("bias") && (akida || akida2))
    c.fail("bias", "a layer bias with model \"" + std::string(to_string(l.neuron.model)) + "\"",
           akida ? "no layer bias (akida folds it into neuron.threshold)"
                 : "no layer bias (akida2 takes its int8 bias in neuron.bias)");
  if (lj.contains("bias")) {
    const json& b = lj.at("bias");
    // if/lif: a v_bits value; loihi2: bias_mant, a 13-bit signed mantissa
    const int vb = loihi2 ? 13 : l.neuron.iflif.v_bits;
    const std::string what = loihi2 ? "a 13-bit signed bias_mant (" : "a v_bits signed integer (";
    if (!b.is_array() || b.size() != static_cast<size_t>(l.n_out))
      c.fail("bias", b.is_array() ? std::to_string(b.size()) + " entries" : describe(b),
             std::to_string(l.n_out) + " entries");
    for (int o = 0; o < l.n_out; ++o)
      l.bias.push_back(c.as_int(b[o], "bias[" + std::to_string(o) + "]", signed_min(vb),
                                signed_max(vb), what + signed_range_text(vb) + ")"));
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
        l.parallel = static_cast<int>(
            c.as_int(p, "hardware.parallel", 1, l.n_out, "\"auto\" or 1.." + std::to_string(l.n_out)));
    }
  }
  return l;
}

bool akida_model(NeuronModel m) { return m == NeuronModel::Akida || m == NeuronModel::Akida2; }

// The rules of an akida / akida2 network for its layer k (just parsed): one
// model for the whole network, and inputs each layer can take (semantics.md).
void check_akida_family(const std::string& path, const Network& net, size_t k) {
  const Layer& l = net.layers[k];
  JsonCtx c(path, "layer '" + l.name + "'");
  const NeuronModel first = net.layers.front().neuron.model;
  if (akida_model(l.neuron.model) != akida_model(first) || (akida_model(first) && l.neuron.model != first))
    c.fail("neuron.model", std::string("\"") + to_string(l.neuron.model) + "\" after \"" + to_string(first) + "\" layers",
           "one model for the whole network (\"akida\" and \"akida2\" layers are stateless with "
           "multi-bit events; they mix neither with each other nor with other models)");
  if (l.neuron.model == NeuronModel::Akida) {
    if (l.neuron.akida.input_layer && k > 0)
      c.fail("neuron.input_layer", "true on layer " + std::to_string(k),
             "false: only the first layer is an input layer (InputConvolutional)");
    if (k == 0) {
      const int b = net.input_payload_bits;
      const bool ok = b == 1 || b == 2 || b == 4 || (b == 8 && l.neuron.akida.input_layer);
      if (net.input_payload_signed || !ok)
        JsonCtx(path, "").fail("input.payload_bits",
                               std::to_string(b) + (net.input_payload_signed ? " signed" : " unsigned"),
                               "unsigned 1, 2 or 4 bits for an \"akida\" network (8 when its first layer has "
                               "input_layer true)");
    }
  }
  if (l.neuron.model == NeuronModel::Akida2 && k == 0 && net.input_payload_bits != 4 && net.input_payload_bits != 8)
    JsonCtx(path, "").fail("input.payload_bits", std::to_string(net.input_payload_bits),
                           "4 or 8 for an \"akida2\" network (Akida 2.0 input bits)");
}

}  // namespace

PayloadFormat layer_input_payload(const Network& net, size_t k) {
  if (k == 0) return {net.input_payload_bits, net.input_payload_signed};
  return layer_output_payload(net.layers[k - 1]);
}

PayloadFormat layer_output_payload(const Layer& layer) {
  switch (layer.neuron.model) {
    case NeuronModel::Akida: return {layer.neuron.akida.act_bits, false};
    case NeuronModel::Akida2: return {layer.neuron.akida2.output_bits, !layer.neuron.akida2.relu};
    default: return {1, false};
  }
}

int64_t layer_output_max(const Layer& layer) {
  const PayloadFormat f = layer_output_payload(layer);
  if (layer.neuron.model != NeuronModel::Akida2 || !layer.neuron.akida2.relu) return f.max();
  // akida2 with ReLU: y is nondecreasing in acc, which is at most the ReLU cap
  // and the saturated buffer's maximum
  const Akida2Params& p = layer.neuron.akida2;
  int64_t cap = (int64_t{1} << (p.buffer_bits - 1)) - 1;
  if (p.has_max_value && p.max_value_shift < 40) cap = std::min(cap, p.max_value << p.max_value_shift);
  int64_t y_max = 0;
  for (int64_t s : p.output_scale) {
    const int64_t y = cap * s;  // < 2^31 · 2^8
    int64_t r;
    if (p.output_shift >= 0)
      r = p.output_shift >= 24 && y > 0 ? f.max() : y << p.output_shift;
    else if (-p.output_shift >= 62)
      r = 0;
    else
      r = (y + (int64_t{1} << (-p.output_shift - 1))) >> -p.output_shift;
    y_max = std::max(y_max, std::min(r, f.max()));
  }
  return y_max;
}

int64_t Network::payload_max() const { return (int64_t{1} << (input_payload_bits - (input_payload_signed ? 1 : 0))) - 1; }
int64_t Network::payload_min() const {
  return input_payload_signed ? -(int64_t{1} << (input_payload_bits - 1)) : 0;
}

const char* to_string(NeuronModel m) {
  switch (m) {
    case NeuronModel::If: return "if";
    case NeuronModel::Lif: return "lif";
    case NeuronModel::Loihi2: return "loihi2";
    case NeuronModel::Akida: return "akida";
    case NeuronModel::Akida2: return "akida2";
  }
  return "?";
}
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
  if (!ver.is_number_integer() || ver.get<int64_t>() != kFormatVersion)
    c.fail("version", describe(ver), std::to_string(kFormatVersion) + " (the versions this build reads)");
  Network net;
  net.name = c.get_string(doc, "name");
  if (!is_plain_name(net.name))
    c.fail("name", describe(doc.at("name")),
           "1 to 128 characters from letters, digits, '_', '-' and '.'");
  if (doc.contains("description")) c.get_string(doc, "description");
  net.timesteps = static_cast<int>(c.get_int_or(doc, "timesteps", 1, kMaxTimesteps, 1));

  const json& in = c.require(doc, "input");
  c.check_object(in, "input", {"size", "payload_bits", "payload_signed"});
  net.input_size = static_cast<int>(c.get_int(in, "size", 1, kMaxNeurons, "input."));
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
  int n_in = net.input_size;
  for (size_t k = 0; k < layers.size(); ++k) {
    net.layers.push_back(parse_layer(path, layers[k], k, n_in));
    n_in = net.layers.back().n_out;
    check_akida_family(path, net, k);
    if (net.layers.back().neuron.model == NeuronModel::Loihi2 && k > 0 && !net.is_loihi2())
      JsonCtx(path, "layer '" + net.layers.back().name + "'")
          .fail("neuron.model", "\"loihi2\" after \"if\"/\"lif\" layers",
                "one family for the whole network: \"loihi2\" everywhere, or \"if\"/\"lif\" "
                "everywhere (loihi2 has a one-step synaptic delay per layer, if/lif none)");
    if (net.is_loihi2() && net.layers.back().neuron.model != NeuronModel::Loihi2)
      JsonCtx(path, "layer '" + net.layers.back().name + "'")
          .fail("neuron.model", std::string("\"") + to_string(net.layers.back().neuron.model) +
                                    "\" after \"loihi2\" layers",
                "\"loihi2\" (one model family for the whole network)");
    for (size_t j = 0; j + 1 < net.layers.size(); ++j)
      if (net.layers[j].name == net.layers.back().name)
        JsonCtx(path, "layer '" + net.layers.back().name + "'")
            .fail("name", "a duplicate of layers[" + std::to_string(j) + "]", "a unique name");
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
  doc["version"] = kFormatVersion;
  doc["name"] = net.name;
  doc["timesteps"] = net.timesteps;
  doc["input"] = {{"size", net.input_size},
                  {"payload_bits", net.input_payload_bits},
                  {"payload_signed", net.input_payload_signed}};
  doc["output"] = {{"decoding", to_string(net.decoding)}};
  json layers = json::array();
  for (const Layer& l : net.layers) {
    json lj;
    lj["name"] = l.name;
    lj["type"] = "dense";
    lj["in"] = l.n_in;
    lj["out"] = l.n_out;
    lj["weight_bits"] = l.weight_bits;
    json w = json::array();
    for (int o = 0; o < l.n_out; ++o) {
      json row = json::array();
      for (int i = 0; i < l.n_in; ++i) row.push_back(l.w(o, i));
      w.push_back(std::move(row));
    }
    lj["weights"] = std::move(w);
    if (l.has_bias()) lj["bias"] = l.bias;
    if (l.neuron.model == NeuronModel::Akida) {
      const AkidaParams& q = l.neuron.akida;
      lj["neuron"] = {{"model", "akida"},
                      {"act_bits", q.act_bits},
                      {"act_step", {{"mantissa", q.act_step_m}, {"frac_bits", q.act_step_f}}},
                      {"threshold", q.threshold},
                      {"input_layer", q.input_layer}};
    } else if (l.neuron.model == NeuronModel::Akida2) {
      const Akida2Params& q = l.neuron.akida2;
      json n = {{"model", "akida2"},       {"input_shift", q.input_shift}, {"bias_shift", q.bias_shift},
                {"buffer_bits", q.buffer_bits}, {"relu", q.relu},        {"output_scale", q.output_scale},
                {"output_shift", q.output_shift}, {"output_bits", q.output_bits}};
      if (!q.bias.empty()) n["bias"] = q.bias;
      if (q.has_max_value) n["max_value"] = q.max_value, n["max_value_shift"] = q.max_value_shift;
      lj["neuron"] = std::move(n);
    }
    if (l.neuron.model == NeuronModel::Akida || l.neuron.model == NeuronModel::Akida2) {
      save_hardware(l, lj);
      layers.push_back(std::move(lj));
      continue;
    }
    if (l.neuron.model == NeuronModel::Loihi2) {
      const Loihi2Params& q = l.neuron.loihi2;
      lj["neuron"] = {{"model", "loihi2"}, {"du", q.du},         {"dv", q.dv},
                      {"vth", q.vth},      {"bias_exp", q.bias_exp}, {"weight_exp", q.weight_exp}};
      save_hardware(l, lj);
      layers.push_back(std::move(lj));
      continue;
    }
    const IfLifParams& p = l.neuron.iflif;
    json n = {{"model", to_string(l.neuron.model)},
              {"threshold", p.threshold},
              {"v_bits", p.v_bits},
              {"fire", to_string(p.fire)},
              {"reset", to_string(p.reset)}};
    if (p.reset == ResetMode::Zero) n["v_reset"] = p.v_reset;
    switch (p.leak.kind) {
      case LeakKind::None: break;
      case LeakKind::Shift: n["leak"] = {{"kind", "shift"}, {"shift", p.leak.shift}}; break;
      case LeakKind::Mult: n["leak"] = {{"kind", "mult"}, {"beta", p.leak.beta}, {"frac", p.leak.frac}}; break;
      case LeakKind::Sub: n["leak"] = {{"kind", "sub"}, {"lambda", p.leak.lambda}}; break;
    }
    lj["neuron"] = std::move(n);
    save_hardware(l, lj);
    layers.push_back(std::move(lj));
  }
  doc["layers"] = std::move(layers);
  std::ofstream out(path);
  if (!out) throw InputError(path + ": cannot write file");
  out << doc.dump() << "\n";
}

}  // namespace sf
