// NIR graph reader on the HDF5 C API. See nir_reader.h and NIR.md.
//
// Three stages, each of which stops at the first problem with an InputError
// "PATH: node NAME: FIELD: found X, expected Y":
//   1. read (in a forked child, hdf5_child.h): every node group, its fields
//      checked against the node catalogue below; nested graphs recursively;
//   2. resolve every edge end to a node (exact key, then SUBGRAPH.PORT, then a
//      bare subgraph name meaning its single Input / Output node);
//   3. infer shapes from the Input nodes along the edges (NIR's infer_types),
//      checking that both ends of every edge agree.
#include "import/nir_reader.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <deque>
#include <set>
#include <utility>

#include "import/hdf5_child.h"
#include "ir/error.h"

namespace sf::import {

using Shape = std::vector<int64_t>;

const NirNode* NirGraph::find(const std::string& key) const {
  const auto it = std::lower_bound(nodes.begin(), nodes.end(), key,
                                   [](const NirNode& n, const std::string& k) { return n.name < k; });
  return it != nodes.end() && it->name == key ? &*it : nullptr;
}

const NirArray* NirNode::param(const std::string& field) const {
  const auto it = params.find(field);
  return it == params.end() ? nullptr : &it->second;
}

namespace {

using h5::Ctx;
using h5::DsInfo;
using h5::fail;
using h5::fmt_number;
using h5::Hid;

const char* const kWhat = "a NIR graph file (HDF5, written by nir.write)";
constexpr int kMaxDepth = 32;             // nested NIRGraph levels
constexpr hsize_t kMaxMembers = 100000;   // members of one group
constexpr size_t kMaxNodes = 1000000;     // nodes in the whole file
constexpr int64_t kMaxDim = int64_t{1} << 31;
constexpr int64_t kMaxCount = int64_t{1} << 53;  // elements of an inferred shape

// ---------------------------------------------------------------- catalogue

enum class Kind {
  kArray,        // numbers, any shape, finite (weight, bias)
  kNeuron,       // numbers, finite, the node's elementwise shape (0-d / one value broadcasts)
  kTimeConst,    // kNeuron, > 0 (tau, tau_syn, tau_mem)
  kNonNegative,  // kNeuron, >= 0 (delay)
  kInts,         // integers, 0-d or [1] or [n], >= min (stride, dilation, kernel_size, input_shape)
  kPadding,      // kInts with min 0, or the string "same" / "valid"
  kIntScalar,    // one integer, >= min (groups, start_dim, end_dim)
  kDims,         // a shape: [k] integers >= 1 (Input/Output shape, Flatten input_type)
};

struct Field {
  const char* name;
  Kind kind;
  bool required;
  int n = 1;                 // kInts / kPadding: the tuple length
  long long min = INT32_MIN; // kInts / kIntScalar
};

struct TypeSpec {
  const char* type;
  std::vector<Field> fields;
};

constexpr long long kAny = INT32_MIN;

const std::vector<TypeSpec>& catalogue() {
  static const std::vector<TypeSpec> c = {
      {"Affine", {{"weight", Kind::kArray, true}, {"bias", Kind::kArray, true}}},
      {"AvgPool2d",
       {{"kernel_size", Kind::kInts, true, 2, 1}, {"stride", Kind::kInts, true, 2, 1},
        {"padding", Kind::kInts, true, 2, 0}}},
      {"Conv1d",
       {{"weight", Kind::kArray, true}, {"bias", Kind::kArray, true},
        {"stride", Kind::kInts, true, 1, 1}, {"padding", Kind::kPadding, true, 1, 0},
        {"dilation", Kind::kInts, true, 1, 1}, {"groups", Kind::kIntScalar, true, 1, 1},
        {"input_shape", Kind::kInts, false, 1, 1}}},
      {"Conv2d",
       {{"weight", Kind::kArray, true}, {"bias", Kind::kArray, true},
        {"stride", Kind::kInts, true, 2, 1}, {"padding", Kind::kPadding, true, 2, 0},
        {"dilation", Kind::kInts, true, 2, 1}, {"groups", Kind::kIntScalar, true, 1, 1},
        {"input_shape", Kind::kInts, false, 2, 1}}},
      {"CubaLI",
       {{"tau_syn", Kind::kTimeConst, true}, {"tau_mem", Kind::kTimeConst, true},
        {"r", Kind::kNeuron, true}, {"v_leak", Kind::kNeuron, true},
        {"w_in", Kind::kNeuron, false}}},
      {"CubaLIF",
       {{"tau_syn", Kind::kTimeConst, true}, {"tau_mem", Kind::kTimeConst, true},
        {"r", Kind::kNeuron, true}, {"v_leak", Kind::kNeuron, true},
        {"v_threshold", Kind::kNeuron, true}, {"v_reset", Kind::kNeuron, false},
        {"w_in", Kind::kNeuron, false}}},
      {"Delay", {{"delay", Kind::kNonNegative, true}}},
      {"Flatten",
       {{"start_dim", Kind::kIntScalar, false, 1, kAny}, {"end_dim", Kind::kIntScalar, false, 1, kAny},
        {"input_type", Kind::kDims, false}}},
      {"I", {{"r", Kind::kNeuron, true}}},
      {"IF",
       {{"r", Kind::kNeuron, true}, {"v_threshold", Kind::kNeuron, true},
        {"v_reset", Kind::kNeuron, false}}},
      {"Input", {{"shape", Kind::kDims, true}}},
      {"LI",
       {{"tau", Kind::kTimeConst, true}, {"r", Kind::kNeuron, true}, {"v_leak", Kind::kNeuron, true}}},
      {"LIF",
       {{"tau", Kind::kTimeConst, true}, {"r", Kind::kNeuron, true}, {"v_leak", Kind::kNeuron, true},
        {"v_threshold", Kind::kNeuron, true}, {"v_reset", Kind::kNeuron, false}}},
      {"Linear", {{"weight", Kind::kArray, true}}},
      {"NIRGraph", {}},  // nodes/ and edges: read_graph
      {"Output", {{"shape", Kind::kDims, true}}},
      {"Scale", {{"scale", Kind::kNeuron, true}}},
      {"SumPool2d",
       {{"kernel_size", Kind::kInts, true, 2, 1}, {"stride", Kind::kInts, true, 2, 1},
        {"padding", Kind::kInts, true, 2, 0}}},
      {"Threshold", {{"threshold", Kind::kNeuron, true}}},
  };
  return c;
}

const TypeSpec* find_type(const std::string& type) {
  for (const TypeSpec& t : catalogue()) {
    if (type == t.type) return &t;
  }
  return nullptr;
}

bool is_elementwise(const std::string& t) {
  static const std::set<std::string> s = {"Scale", "Delay", "Threshold", "I",     "LI",
                                          "IF",    "LIF",   "CubaLI",    "CubaLIF"};
  return s.count(t) > 0;
}

// ---------------------------------------------------------------- formatting

std::string fmt_shape(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

std::string fmt_array(const NirArray& a) {
  if (a.is_string()) return "string '" + a.text + "'";
  return a.dtype + " " + (a.shape.empty() ? std::string("scalar") : fmt_shape(a.shape));
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string join(const std::vector<std::string>& v, size_t max_items = 24) {
  std::string s;
  for (size_t i = 0; i < v.size() && i < max_items; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > max_items) s += ", ... (" + std::to_string(v.size()) + " in all)";
  return s;
}

std::string where_of(const std::string& node_path) {
  return node_path.empty() ? "root graph" : "node " + node_path;
}

// ---------------------------------------------------------------- reading fields

NirArray read_array(hid_t grp, const std::string& name, const Ctx& c) {
  Hid obj = h5::open_object(grp, name, c, name, false, true);
  const DsInfo d = h5::inspect(obj.get(), c, name);
  NirArray a;
  a.dtype = h5::fmt_type(d);
  for (hsize_t n : d.dims) a.shape.push_back(static_cast<int64_t>(n));
  if (d.cls == H5T_STRING) {
    if (d.count != 1) fail(c, name, h5::describe(d), "numbers or a single string");
    a.text = h5::read_strings(obj.get(), d, c, name, h5::VlenLayouts::kAnyLayout).at(0);
  } else if (h5::is_numeric(d)) {
    a.values = h5::read_numbers(obj.get(), d, c, name);
  } else {
    fail(c, name, h5::describe(d), "numbers (an integer or float dataset)");
  }
  return a;
}

void require_numbers(const NirArray& a, const Ctx& c, const std::string& field) {
  if (a.is_string()) fail(c, field, fmt_array(a), "numbers");
}

void require_nonempty(const NirArray& a, const Ctx& c, const std::string& field) {
  if (a.values.empty()) fail(c, field, fmt_array(a) + " (no values)", "a non-empty array");
}

void require_finite(const NirArray& a, const Ctx& c, const std::string& field) {
  for (size_t i = 0; i < a.values.size(); ++i) {
    if (!std::isfinite(a.values[i])) {
      fail(c, field, fmt_number(a.values[i]) + " at index " + std::to_string(i), "finite numbers");
    }
  }
}

// Integer values of a kInts / kIntScalar / kDims field (checked integral, in range).
std::vector<int64_t> int_values(const NirArray& a, const Ctx& c, const std::string& field,
                                long long min) {
  require_numbers(a, c, field);
  std::vector<int64_t> out;
  for (size_t i = 0; i < a.values.size(); ++i) {
    const double v = a.values[i];
    if (!std::isfinite(v) || v != std::floor(v) || v < static_cast<double>(min) ||
        std::fabs(v) > static_cast<double>(kMaxDim)) {
      const std::string lo = min == kAny ? "" : " >= " + std::to_string(min);
      fail(c, field, fmt_number(v) + (a.values.size() > 1 ? " at index " + std::to_string(i) : ""),
           "integers" + lo);
    }
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}

// A kInts field as its n-tuple (a single value serves every dimension).
std::vector<int64_t> tuple_of(const NirArray& a, const Ctx& c, const std::string& field, int n,
                              long long min) {
  const std::vector<int64_t> v = int_values(a, c, field, min);
  const std::string want = n == 1 ? "one integer (scalar or [1])"
                                  : "one integer or " + std::to_string(n) + " (shape [" +
                                        std::to_string(n) + "])";
  if (a.shape.size() > 1 || (v.size() != 1 && v.size() != static_cast<size_t>(n))) {
    fail(c, field, fmt_array(a), want);
  }
  return v.size() == 1 ? std::vector<int64_t>(static_cast<size_t>(n), v[0]) : v;
}

void check_field(const Field& f, const NirArray& a, const Ctx& c) {
  const std::string field = f.name;
  switch (f.kind) {
    case Kind::kArray:
    case Kind::kNeuron:
    case Kind::kTimeConst:
    case Kind::kNonNegative:
      require_numbers(a, c, field);
      require_nonempty(a, c, field);
      require_finite(a, c, field);
      for (size_t i = 0; i < a.values.size(); ++i) {
        if (f.kind == Kind::kTimeConst && a.values[i] <= 0) {
          fail(c, field, fmt_number(a.values[i]) + " at index " + std::to_string(i),
               "time constants > 0 (seconds)");
        }
        if (f.kind == Kind::kNonNegative && a.values[i] < 0) {
          fail(c, field, fmt_number(a.values[i]) + " at index " + std::to_string(i), "delays >= 0 (seconds)");
        }
      }
      break;
    case Kind::kPadding:
      if (a.is_string()) {
        if (a.text != "same" && a.text != "valid") fail(c, field, quote(a.text), "'same', 'valid' or integers >= 0");
        break;
      }
      tuple_of(a, c, field, f.n, f.min);
      break;
    case Kind::kInts:
      tuple_of(a, c, field, f.n, f.min);
      break;
    case Kind::kIntScalar:
      int_values(a, c, field, f.min);
      if (a.values.size() != 1 || a.shape.size() > 1) fail(c, field, fmt_array(a), "one integer");
      break;
    case Kind::kDims:
      int_values(a, c, field, 1);
      if (a.shape.size() != 1 || a.values.empty()) fail(c, field, fmt_array(a), "a shape: [k] integers >= 1, k >= 1");
      break;
  }
}

// The values of one field as a Shape (for kDims fields).
Shape dims_of(const NirArray& a) {
  Shape s;
  for (double v : a.values) s.push_back(static_cast<int64_t>(v));
  return s;
}

int64_t count_of(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n = (d != 0 && n > kMaxCount / d) ? kMaxCount + 1 : n * d;
  return n;
}

// Shape checks that involve several fields of one node; also the defaults.
void check_node(NirNode& n, const TypeSpec& spec, const Ctx& c) {
  // Defaults NIR's reader fills in for fields older files lack.
  auto like = [&](const char* field, const char* ref, double value) {
    if (n.params.count(field) || !n.params.count(ref)) return;
    NirArray a = n.params.at(ref);
    std::fill(a.values.begin(), a.values.end(), value);
    n.params[field] = a;
    n.defaulted.push_back(field);
  };
  if (n.type == "IF" || n.type == "LIF" || n.type == "CubaLIF") like("v_reset", "v_threshold", 0.0);
  if (n.type == "CubaLIF") like("w_in", "v_threshold", 1.0);
  if (n.type == "CubaLI") like("w_in", "v_leak", 1.0);
  if (n.type == "Flatten") {
    for (const auto& [field, value] : {std::pair<const char*, double>{"start_dim", 1}, {"end_dim", -1}}) {
      if (n.params.count(field)) continue;
      n.params[field] = NirArray{"int64", {}, {value}, ""};
      n.defaulted.push_back(field);
    }
  }

  if (is_elementwise(n.type)) {
    // Every parameter with more than one value has the layer's shape; the
    // others (0-d or [1]: scalar exports) broadcast to it.
    const NirArray* full = nullptr;
    std::string full_name;
    for (const Field& f : spec.fields) {
      const NirArray* a = n.param(f.name);
      if (a == nullptr || a->values.size() == 1) continue;
      if (full == nullptr) {
        full = a;
        full_name = f.name;
      } else if (a->shape != full->shape) {
        fail(c, f.name, fmt_array(*a), "shape " + fmt_shape(full->shape) + " (that of " + full_name +
                                           ") or a single value");
      }
    }
  }

  if (n.type == "Affine" || n.type == "Linear" || n.type == "Conv1d" || n.type == "Conv2d") {
    const NirArray& w = n.params.at("weight");
    const size_t rank = n.type == "Conv1d" ? 3 : n.type == "Conv2d" ? 4 : 2;
    const std::string want = n.type == "Conv1d"   ? "[C_out, C_in/groups, K] (rank 3)"
                             : n.type == "Conv2d" ? "[C_out, C_in/groups, K_h, K_w] (rank 4)"
                                                  : "[..., M, N] (rank >= 2: out M, in N)";
    if (rank == 2 ? w.shape.size() < 2 : w.shape.size() != rank) fail(c, "weight", fmt_array(w), want);
    if (const NirArray* b = n.param("bias")) {
      Shape want_b = n.type == "Affine" ? Shape(w.shape.begin(), w.shape.end() - 1) : Shape{w.shape[0]};
      if (b->values.size() != 1 && b->shape != want_b) {
        fail(c, "bias", fmt_array(*b), "shape " + fmt_shape(want_b) +
                                           (n.type == "Affine" ? " (weight's shape without the last)"
                                                               : " (C_out)") + " or a single value");
      }
    }
    if (rank > 2) {
      const int64_t groups = static_cast<int64_t>(n.params.at("groups").values[0]);
      if (w.shape[0] % groups != 0) {
        fail(c, "groups", std::to_string(groups), "a divisor of C_out = " + std::to_string(w.shape[0]));
      }
    }
  }
}

// ---------------------------------------------------------------- reading nodes

// Identifies an HDF5 object within its file, to find node groups linked twice
// (a hard-link cycle would otherwise nest forever).
std::string object_id(hid_t obj, const Ctx& c, const std::string& field) {
#if H5_VERSION_GE(1, 12, 0)
  H5O_info2_t info;
  if (H5Oget_info3(obj, &info, H5O_INFO_BASIC) < 0) {
    fail(c, field, "an unreadable object (" + h5::hdf5_detail() + ")", "a group");
  }
  return std::string(reinterpret_cast<const char*>(&info.token), sizeof info.token);
#else
  H5O_info_t info;
  if (H5Oget_info2(obj, &info, H5O_INFO_BASIC) < 0) {
    fail(c, field, "an unreadable object (" + h5::hdf5_detail() + ")", "a group");
  }
  return std::string(reinterpret_cast<const char*>(&info.addr), sizeof info.addr);
#endif
}

struct ReadState {
  std::string path;
  hsize_t file_size = 0;
  std::map<std::string, std::string> groups_seen;  // object id -> node path
  size_t nodes = 0;
};

void read_node_group(hid_t grp, NirNode& n, ReadState& st, int depth);

void read_graph(hid_t grp, NirNode& n, ReadState& st, int depth) {
  const Ctx c{st.path, where_of(n.path), st.file_size};
  if (depth > kMaxDepth) {
    fail(c, "nodes", "graphs nested " + std::to_string(depth) + " deep",
         "at most " + std::to_string(kMaxDepth) + " levels of NIRGraph nodes");
  }
  Hid nodes = h5::open_object(grp, "nodes", c, "nodes", true, true);
  for (const std::string& key : h5::member_names(nodes.get(), c, "nodes", kMaxMembers)) {
    if (++st.nodes > kMaxNodes) fail(c, "nodes", "more than " + std::to_string(kMaxNodes) + " nodes in the file", "fewer");
    Hid g = h5::open_object(nodes.get(), key, c, "nodes/" + key, true, true);
    NirNode child;
    child.name = key;
    child.path = n.path.empty() ? key : n.path + "/" + key;
    const std::string id = object_id(g.get(), c, "nodes/" + key);
    const auto [it, fresh] = st.groups_seen.emplace(id, child.path);
    if (!fresh) {
      fail(c, "nodes/" + key, "the group of " + where_of(it->second) + " linked here again",
           "each node stored once (no HDF5 hard links between node groups)");
    }
    read_node_group(g.get(), child, st, depth + 1);
    n.graph.nodes.push_back(std::move(child));
  }
  // NirGraph::find relies on name order (HDF5 lists names in that order, but a
  // corrupt group need not), and on unique names.
  auto& nodes_v = n.graph.nodes;
  std::stable_sort(nodes_v.begin(), nodes_v.end(), [](const NirNode& a, const NirNode& b) { return a.name < b.name; });
  for (size_t i = 1; i < nodes_v.size(); ++i) {
    if (nodes_v[i].name == nodes_v[i - 1].name) {
      fail(c, "nodes", "two nodes named " + quote(nodes_v[i].name), "unique node names");
    }
  }

  Hid e = h5::open_object(grp, "edges", c, "edges", false, true);
  const DsInfo d = h5::inspect(e.get(), c, "edges");
  n.graph.edges_stored = h5::describe(d);
  const std::string want = "an [E, 2] array of node-name strings (or an empty float array)";
  if (d.count == 0 && (h5::is_numeric(d) || d.cls == H5T_STRING)) return;  // no edges
  if (d.cls != H5T_STRING || d.dims.size() != 2 || d.dims[1] != 2) fail(c, "edges", h5::describe(d), want);
  const std::vector<std::string> s =
      h5::read_strings(e.get(), d, c, "edges", h5::VlenLayouts::kAnyLayout);
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    NirEdge edge;
    edge.src = s[i];
    edge.dst = s[i + 1];
    n.graph.edges.push_back(std::move(edge));
  }
}

void read_node_group(hid_t grp, NirNode& n, ReadState& st, int depth) {
  const Ctx c{st.path, where_of(n.path), st.file_size};
  {
    Hid t = h5::open_object(grp, "type", c, "type", false, true);
    n.type = h5::read_string(t.get(), c, "type", h5::VlenLayouts::kAnyLayout);
  }
  const TypeSpec* spec = find_type(n.type);
  if (spec == nullptr) fail(c, "type", quote(n.type), "a NIR node type (" + join(nir_node_types(), 99) + ")");

  std::vector<std::string> allowed;
  for (const Field& f : spec->fields) allowed.push_back(f.name);
  if (n.type == "NIRGraph") allowed = {"nodes", "edges"};

  for (const std::string& name : h5::member_names(grp, c, "", kMaxMembers)) {
    if (name == "type" || (n.type == "NIRGraph" && (name == "nodes" || name == "edges"))) continue;
    if (name == "metadata") {  // free-form, "no backend should rely on" it: not read
      n.has_metadata = true;
      continue;
    }
    const Field* field = nullptr;
    for (const Field& f : spec->fields) {
      if (name == f.name) field = &f;
    }
    if (field == nullptr && (name == "input_type" || name == "output_type")) {
      // Some NIR versions store the types NIR derives anyway (a dataset or a
      // {input: ...} group); they are recomputed here, as NIR does.
      continue;
    }
    if (field == nullptr) {
      fail(c, name, "an unknown field", "only the fields of " + n.type + " (" + join(allowed) + ", metadata)");
    }
    NirArray a = read_array(grp, name, c);
    check_field(*field, a, c);
    n.params[name] = std::move(a);
  }
  for (const Field& f : spec->fields) {
    if (f.required && !n.params.count(f.name)) {
      fail(c, f.name, "nothing", std::string("a dataset (") + n.type + " requires " + f.name + ")");
    }
  }
  check_node(n, *spec, c);
  if (n.type == "NIRGraph") read_graph(grp, n, st, depth);
}

int leading_number(const std::string& s, size_t& pos) {
  size_t end = pos;
  while (end < s.size() && end - pos < 6 && s[end] >= '0' && s[end] <= '9') ++end;
  if (end == pos) return -1;
  const int v = std::stoi(s.substr(pos, end - pos));
  pos = end;
  return v;
}

// The HDF5 part of read_nir; runs in the child process.
NirGraph read_in_process(const std::string& path) {
  Ctx c{path, "", 0};
  h5::SilenceHdf5 silence;  // declared before every Hid: restored after they all close
  Hid file = h5::open_file(c, kWhat);

  NirGraph g;
  g.path = path;
  if (h5::has_member(file.get(), "version", c, "version")) {
    Hid v = h5::open_object(file.get(), "version", c, "version", false, true);
    g.version = h5::read_string(v.get(), c, "version", h5::VlenLayouts::kAnyLayout);
    size_t pos = 0;
    g.version_major = leading_number(g.version, pos);
    if (g.version_major >= 0 && pos < g.version.size() && g.version[pos] == '.') {
      ++pos;
      g.version_minor = leading_number(g.version, pos);
    }
  }
  if (!h5::has_member(file.get(), "node", c, "node")) {
    if (h5::has_member(file.get(), "nodes", c, "nodes") && h5::has_member(file.get(), "edges", c, "edges")) {
      fail(c, "node", "nothing, but root nodes/ and edges: the pre-0.1 NIR layout (NIR 0.0.x, 2023)",
           "the NIR 0.1+ layout with the root graph in group node (re-export with NIR >= 0.1)");
    }
    fail(c, "node", "nothing", "a group (the root NIRGraph of a NIR file)");
  }
  Hid root = h5::open_object(file.get(), "node", c, "node", true, true);

  NirNode top;  // holds the root graph while reading
  top.type = "NIRGraph";
  ReadState st{path, c.file_size, {}, 0};
  const Ctx rc{path, where_of(""), c.file_size};
  {
    Hid t = h5::open_object(root.get(), "type", rc, "type", false, true);
    const std::string type = h5::read_string(t.get(), rc, "type", h5::VlenLayouts::kAnyLayout);
    if (type != "NIRGraph") {
      fail(rc, "type", quote(type) + (find_type(type) ? " (a single node, not a graph)" : ""),
           "'NIRGraph' (the root of a NIR file must be a graph)");
    }
  }
  st.groups_seen.emplace(object_id(root.get(), rc, "node"), "");
  read_node_group(root.get(), top, st, 0);
  g.nodes = std::move(top.graph.nodes);
  g.edges = std::move(top.graph.edges);
  g.edges_stored = std::move(top.graph.edges_stored);
  return g;
}

// ---------------------------------------------------------------- serialization (child -> parent)

void put_graph(h5::Writer& w, const NirGraph& g);

void put_node(h5::Writer& w, const NirNode& n) {
  w.str(n.name);
  w.str(n.path);
  w.str(n.type);
  w.u64(n.params.size());
  for (const auto& [k, a] : n.params) {
    w.str(k);
    w.str(a.dtype);
    w.i64s(a.shape);
    w.f64s(a.values);
    w.str(a.text);
  }
  w.strs(n.defaulted);
  w.u64(n.has_metadata);
  w.i64s(n.input_type);
  w.i64s(n.output_type);
  put_graph(w, n.graph);
}

void put_graph(h5::Writer& w, const NirGraph& g) {
  w.str(g.path);
  w.str(g.version);
  w.i64(g.version_major);
  w.i64(g.version_minor);
  w.strs(g.warnings);
  w.u64(g.nodes.size());
  for (const NirNode& n : g.nodes) put_node(w, n);
  w.u64(g.edges.size());
  for (const NirEdge& e : g.edges) {
    w.str(e.src);
    w.str(e.dst);
    w.strs(e.src_path);
    w.strs(e.dst_path);
    w.u64(e.back_edge);
  }
  w.str(g.edges_stored);
  w.strs(g.order);
}

void get_graph(h5::Reader& r, NirGraph& g);

void get_node(h5::Reader& r, NirNode& n) {
  n.name = r.str();
  n.path = r.str();
  n.type = r.str();
  for (size_t k = r.count(8); k > 0; --k) {
    const std::string key = r.str();
    NirArray& a = n.params[key];
    a.dtype = r.str();
    a.shape = r.i64s();
    a.values = r.f64s();
    a.text = r.str();
  }
  n.defaulted = r.strs();
  n.has_metadata = r.u64() != 0;
  n.input_type = r.i64s();
  n.output_type = r.i64s();
  get_graph(r, n.graph);
}

void get_graph(h5::Reader& r, NirGraph& g) {
  g.path = r.str();
  g.version = r.str();
  g.version_major = static_cast<int>(r.i64());
  g.version_minor = static_cast<int>(r.i64());
  g.warnings = r.strs();
  g.nodes.resize(r.count(8));
  for (NirNode& n : g.nodes) get_node(r, n);
  g.edges.resize(r.count(8));
  for (NirEdge& e : g.edges) {
    e.src = r.str();
    e.dst = r.str();
    e.src_path = r.strs();
    e.dst_path = r.strs();
    e.back_edge = r.u64() != 0;
  }
  g.edges_stored = r.str();
  g.order = r.strs();
}

// ---------------------------------------------------------------- edges

// The single Input (dst) or Output (!dst) node of `g`, appended to `path`;
// "" on success, else why not.
std::string descend(const NirGraph& g, const std::string& g_name, bool dst, std::vector<std::string>& path) {
  const char* want = dst ? "Input" : "Output";
  std::vector<std::string> ports;
  for (const NirNode& n : g.nodes) {
    if (n.type == want) ports.push_back(n.name);
  }
  if (ports.size() != 1) {
    return "subgraph " + quote(g_name) + " with " + std::to_string(ports.size()) + " " + want + " nodes" +
           (ports.empty() ? "" : " (" + join(ports) + ")") + ", not one (name the port as " + g_name +
           ".PORT)";
  }
  path.push_back(ports[0]);
  return "";
}

// Resolves one end of an edge in `g` (see NirEdge): an exact key first, then
// SUBGRAPH.PORT split at each dot in turn. "" on success, else what was found.
std::string resolve(const NirGraph& g, const std::string& name, bool dst, std::vector<std::string>& path) {
  path.clear();
  if (const NirNode* n = g.find(name)) {
    path.push_back(name);
    return n->type == "NIRGraph" ? descend(n->graph, name, dst, path) : "";
  }
  std::string why;
  for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    const std::string sub = name.substr(0, dot), port = name.substr(dot + 1);
    const NirNode* s = g.find(sub);
    if (s == nullptr || s->type != "NIRGraph") continue;
    const NirNode* p = s->graph.find(port);
    const char* want = dst ? "Input" : "Output";
    if (p != nullptr && p->type == want) {
      path = {sub, port};
      return "";
    }
    why = "subgraph " + quote(sub) + " without an " + want + " node " + quote(port);
  }
  if (!why.empty()) return why;
  std::vector<std::string> keys;
  for (const NirNode& n : g.nodes) keys.push_back(n.name);
  return "no node " + quote(name) + " (this graph has " + join(keys) + ")";
}

// Topological order and back edges of one graph level (subgraphs count as one node).
void order_graph(NirGraph& g) {
  const size_t n = g.nodes.size();
  auto index = [&](const std::string& key) {
    return static_cast<size_t>(g.find(key) - g.nodes.data());
  };
  std::vector<std::vector<size_t>> out(n);  // edge indices leaving each node, stored order
  for (size_t i = 0; i < g.edges.size(); ++i) out[index(g.edges[i].src_path[0])].push_back(i);
  std::vector<size_t> roots;
  for (size_t i = 0; i < n; ++i) {
    if (g.nodes[i].type == "Input") roots.push_back(i);
  }
  for (size_t i = 0; i < n; ++i) roots.push_back(i);
  enum { kWhite, kGray, kBlack };
  std::vector<int> color(n, kWhite);
  std::vector<size_t> post;
  for (size_t root : roots) {
    if (color[root] != kWhite) continue;
    std::vector<std::pair<size_t, size_t>> stack = {{root, 0}};  // node, next edge
    color[root] = kGray;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next == out[v].size()) {
        color[v] = kBlack;
        post.push_back(v);
        stack.pop_back();
        continue;
      }
      NirEdge& e = g.edges[out[v][next++]];
      const size_t w = index(e.dst_path[0]);
      if (color[w] == kGray) {
        e.back_edge = true;
      } else if (color[w] == kWhite) {
        color[w] = kGray;
        stack.emplace_back(w, 0);
      }
    }
  }
  g.order.clear();
  for (auto it = post.rbegin(); it != post.rend(); ++it) g.order.push_back(g.nodes[*it].name);
}

void resolve_edges(NirGraph& g, const std::string& graph_path, const std::string& file) {
  const Ctx c{file, where_of(graph_path), 0};
  for (size_t i = 0; i < g.edges.size(); ++i) {
    NirEdge& e = g.edges[i];
    const std::string label = "edge " + quote(e.src) + " -> " + quote(e.dst);
    const std::string want = "a node of this graph or SUBGRAPH.PORT (edges row " + std::to_string(i) + ")";
    std::string why = resolve(g, e.src, false, e.src_path);
    if (!why.empty()) fail(c, label, "as its source " + why, want);
    why = resolve(g, e.dst, true, e.dst_path);
    if (!why.empty()) fail(c, label, "as its target " + why, want);
  }
  order_graph(g);
  for (NirNode& n : g.nodes) {
    if (n.type == "NIRGraph") resolve_edges(n.graph, n.path, file);
  }
}

// ---------------------------------------------------------------- shape inference

struct Slot {
  NirNode* node = nullptr;
  bool has_in = false, has_out = false;
  Shape in, out;
  std::string in_why;  // where `in` came from, for messages
};

struct Link {
  size_t src, dst;
  std::string label;  // "edge 'a' -> 'b' of node g" (no "of" part in the root graph)
};

class Inference {
 public:
  Inference(NirGraph& root, const std::string& file) : root_(root), file_(file) {}

  void run() {
    collect(root_);
    out_.resize(slots_.size());
    links_of(root_, "");
    // Breadth-first from the Input nodes, so that a disagreement is reported
    // at the first node (seen from the inputs) where it shows; then from any
    // node whose shape its own fields fix but that no Input reaches.
    std::vector<bool> queued(slots_.size(), false);
    std::deque<size_t> ready;
    for (size_t i = 0; i < slots_.size(); ++i) {
      init(slots_[i]);
      if (slots_[i].has_in && !slots_[i].has_out) transfer(slots_[i]);
      if (slots_[i].node->type == "Input") {
        queued[i] = true;
        ready.push_back(i);
      }
    }
    for (size_t next = 0;; ++next) {
      propagate(ready, queued);
      while (next < slots_.size() && (queued[next] || !slots_[next].has_out)) ++next;
      if (next == slots_.size()) break;
      queued[next] = true;
      ready.push_back(next);
    }
    for (Slot& s : slots_) {
      if (!s.has_in || !s.has_out) {
        fail(ctx(s), "input_type",
             "no shape (no edge brings one from an Input node" +
                 std::string(is_elementwise(s.node->type) ? "; its parameters have one value each, so its "
                                                            "shape comes from its input)"
                                                          : ")"),
             "a shape inferable from the graph's Input nodes");
      }
      s.node->input_type = s.in;
      s.node->output_type = s.out;
    }
    graph_types(root_);
  }

 private:
  void propagate(std::deque<size_t>& ready, std::vector<bool>& queued) {
    while (!ready.empty()) {
      const size_t s = ready.front();
      ready.pop_front();
      for (size_t li : out_[s]) {
        const Link& l = links_[li];
        Slot& d = slots_[l.dst];
        if (!d.has_in) {
          d.in = slots_[s].out;
          d.has_in = true;
          d.in_why = "from " + l.label;
        } else {
          check_agree(slots_[s], d, l);
        }
        if (!d.has_out) transfer(d);
        if (!queued[l.dst]) {
          queued[l.dst] = true;
          ready.push_back(l.dst);
        }
      }
    }
  }

  Ctx ctx(const Slot& s) const { return Ctx{file_, where_of(s.node->path), 0}; }

  void collect(NirGraph& g) {
    for (NirNode& n : g.nodes) {
      if (n.type == "NIRGraph") {
        collect(n.graph);
      } else {
        index_[&n] = slots_.size();
        Slot s;
        s.node = &n;
        slots_.push_back(s);
      }
    }
  }

  static const NirNode* walk(const NirGraph& g, const std::vector<std::string>& path) {
    const NirGraph* cur = &g;
    const NirNode* n = nullptr;
    for (const std::string& key : path) {
      n = cur->find(key);
      cur = &n->graph;
    }
    return n;
  }

  void links_of(NirGraph& g, const std::string& graph_path) {
    for (const NirEdge& e : g.edges) {
      Link l;
      l.src = index_.at(walk(g, e.src_path));
      l.dst = index_.at(walk(g, e.dst_path));
      l.label = "edge " + quote(e.src) + " -> " + quote(e.dst) +
                (graph_path.empty() ? "" : " of node " + graph_path);
      out_[l.src].push_back(links_.size());
      links_.push_back(std::move(l));
    }
    for (NirNode& n : g.nodes) {
      if (n.type == "NIRGraph") links_of(n.graph, n.path);
    }
  }

  // What the node's own fields fix.
  void init(Slot& s) {
    const NirNode& n = *s.node;
    const Ctx c = ctx(s);
    auto set_in = [&](Shape sh, const std::string& why) {
      s.in = std::move(sh);
      s.has_in = true;
      s.in_why = why;
    };
    if (n.type == "Input" || n.type == "Output") {
      set_in(dims_of(n.params.at("shape")), "its shape");
      s.out = s.in;
      s.has_out = true;
    } else if (n.type == "Affine" || n.type == "Linear") {
      const Shape& w = n.params.at("weight").shape;
      Shape in(w.begin(), w.end() - 2);
      in.push_back(w.back());
      set_in(in, "its weight " + fmt_shape(w));
      s.out = Shape(w.begin(), w.end() - 1);
      s.has_out = true;
    } else if (is_elementwise(n.type)) {
      for (const auto& [k, a] : n.params) {
        if (a.values.size() != 1) {
          set_in(a.shape, "its " + k + " " + fmt_shape(a.shape));
          s.out = a.shape;
          s.has_out = true;
          break;
        }
      }
    } else if (n.type == "Conv1d" || n.type == "Conv2d") {
      if (const NirArray* is = n.param("input_shape")) {
        const size_t dims = n.type == "Conv1d" ? 1 : 2;
        Shape in = {in_channels(n)};
        for (int64_t v : tuple_of(*is, c, "input_shape", static_cast<int>(dims), 1)) in.push_back(v);
        set_in(in, "its input_shape and weight");
      }
    } else if (n.type == "Flatten") {
      if (const NirArray* it = n.param("input_type")) set_in(dims_of(*it), "its input_type");
    }
  }

  static int64_t in_channels(const NirNode& n) {
    return n.params.at("weight").shape[1] * static_cast<int64_t>(n.params.at("groups").values[0]);
  }

  // Output spatial size of a convolution / pooling window along one dimension.
  static int64_t window_out(int64_t in, int64_t pad, int64_t dil, int64_t k, int64_t stride) {
    const int64_t num = in + 2 * pad - dil * (k - 1) - 1;
    return num < 0 ? 0 : num / stride + 1;
  }

  // Computes s.out from s.in (known), checking that s.in suits the node.
  void transfer(Slot& s) {
    const NirNode& n = *s.node;
    const Ctx c = ctx(s);
    if (count_of(s.in) > kMaxCount) fail(c, "input_type", fmt_shape(s.in), "fewer than 2^53 elements");
    const std::string got = fmt_shape(s.in) + " (" + s.in_why + ")";
    if (n.type == "Conv1d" || n.type == "Conv2d" || n.type == "SumPool2d" || n.type == "AvgPool2d") {
      const bool conv = n.type[0] == 'C';
      const size_t dims = n.type == "Conv1d" ? 1 : 2;
      const int64_t channels = conv ? in_channels(n) : (s.in.empty() ? 0 : s.in[0]);
      if (s.in.size() != dims + 1 || s.in[0] != channels) {
        std::string want = dims == 1 ? "[C, L]" : "[C, H, W]";
        if (conv) want += " with C = " + std::to_string(channels) + " (weight's C_in x groups)";
        fail(c, "input_type", got, want);
      }
      if (conv && n.param("input_shape") != nullptr) {
        const Shape is = tuple_of(n.params.at("input_shape"), c, "input_shape", static_cast<int>(dims), 1);
        if (!std::equal(is.begin(), is.end(), s.in.begin() + 1)) {
          fail(c, "input_type", got, "spatial size " + fmt_shape(is) + " (its input_shape)");
        }
      }
      const char* kname = conv ? "weight" : "kernel_size";
      const Shape k = conv ? Shape(n.params.at("weight").shape.begin() + 2, n.params.at("weight").shape.end())
                           : tuple_of(n.params.at("kernel_size"), c, "kernel_size", 2, 1);
      const Shape stride = tuple_of(n.params.at("stride"), c, "stride", static_cast<int>(dims), 1);
      const Shape dil = conv ? tuple_of(n.params.at("dilation"), c, "dilation", static_cast<int>(dims), 1)
                             : Shape(dims, 1);
      const NirArray& pa = n.params.at("padding");
      Shape out = {conv ? n.params.at("weight").shape[0] : channels};
      for (size_t i = 0; i < dims; ++i) {
        const int64_t in = s.in[i + 1];
        int64_t o;
        if (pa.is_string() && pa.text == "same") {
          o = in;  // NIR's calculate_conv_output: the input size, whatever the stride
        } else {
          const int64_t p = pa.is_string() ? 0 : tuple_of(pa, c, "padding", static_cast<int>(dims), 0)[i];
          o = window_out(in, p, dil[i], k[i], stride[i]);
        }
        if (o < 1) {
          fail(c, "input_type", got, std::string("a size that its ") + kname + ", padding and dilation fit in");
        }
        out.push_back(o);
      }
      s.out = out;
    } else if (n.type == "Flatten") {
      const int64_t rank = static_cast<int64_t>(s.in.size());
      int64_t start = static_cast<int64_t>(n.params.at("start_dim").values[0]);
      int64_t end = static_cast<int64_t>(n.params.at("end_dim").values[0]);
      const int64_t start0 = start, end0 = end;
      if (start < 0) start += rank;
      if (end < 0) end += rank;
      if (start < 0 || end >= rank || start > end) {
        fail(c, "input_type", got,
             "a shape whose dims start_dim " + std::to_string(start0) + " .. end_dim " + std::to_string(end0) +
                 " exist, in order (negative dims count from the end)");
      }
      Shape out(s.in.begin(), s.in.begin() + start);
      out.push_back(count_of(Shape(s.in.begin() + start, s.in.begin() + end + 1)));
      out.insert(out.end(), s.in.begin() + end + 1, s.in.end());
      s.out = out;
    } else {
      s.out = s.in;  // elementwise with broadcast parameters
    }
    s.has_out = true;
  }

  static Shape squeezed(const Shape& s) {
    Shape out;
    for (int64_t d : s) {
      if (d != 1) out.push_back(d);
    }
    return out;
  }

  void check_agree(const Slot& src, const Slot& dst, const Link& l) {
    if (src.out == dst.in) return;
    // Batch dimensions leak into Input / Output shapes in some exports (NIR
    // #66, #69): at the graph's boundary, shapes equal but for size-1
    // dimensions are accepted with a warning.
    const bool boundary = src.node->type == "Input" || dst.node->type == "Output";
    if (boundary && squeezed(src.out) == squeezed(dst.in)) {
      root_.warnings.push_back(file_ + ": " + where_of(dst.node->path) + ": input_type: " + fmt_shape(dst.in) +
                               " (" + dst.in_why + ") and " + fmt_shape(src.out) + " from " + l.label +
                               " differ only in size-1 dimensions");
      return;
    }
    fail(ctx(dst), "input_type", fmt_shape(src.out) + " from " + l.label,
         fmt_shape(dst.in) + " (" + dst.in_why + ")");
  }

  // A NIRGraph node's types are those of its single Input / Output node.
  static void graph_types(NirGraph& g) {
    for (NirNode& n : g.nodes) {
      if (n.type != "NIRGraph") continue;
      graph_types(n.graph);
      std::vector<const NirNode*> ins, outs;
      for (const NirNode& m : n.graph.nodes) {
        if (m.type == "Input") ins.push_back(&m);
        if (m.type == "Output") outs.push_back(&m);
      }
      if (ins.size() == 1) n.input_type = ins[0]->output_type;
      if (outs.size() == 1) n.output_type = outs[0]->input_type;
    }
  }

  NirGraph& root_;
  std::string file_;
  std::vector<Slot> slots_;
  std::map<const NirNode*, size_t> index_;
  std::vector<Link> links_;
  std::vector<std::vector<size_t>> out_;  // link indices by source slot
};

// How long a read may take before we call the file pathological.
constexpr int kTimeoutMs = 60 * 1000;

}  // namespace

const std::vector<std::string>& nir_node_types() {
  static const std::vector<std::string> t = [] {
    std::vector<std::string> v;
    for (const TypeSpec& s : catalogue()) v.push_back(s.type);
    return v;
  }();
  return t;
}

NirGraph read_nir(const std::string& path) { return read_nir(path, NirReadOptions{}); }

NirGraph read_nir(const std::string& path, const NirReadOptions& options) {
  const std::string msg = h5::run_in_child(path, kWhat, options.timeout_ms > 0 ? options.timeout_ms : kTimeoutMs, [&path] {
    NirGraph g = read_in_process(path);
    h5::Writer w;
    put_graph(w, g);
    return w.out;
  });
  NirGraph g;
  h5::Reader r{msg, 0};
  get_graph(r, g);
  resolve_edges(g, "", path);
  Inference(g, path).run();
  return g;
}

}  // namespace sf::import
