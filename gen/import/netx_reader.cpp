// lava-dl netx `.net` reader on the HDF5 C API. See netx_reader.h and README.md.
//
// Every HDF5 call is checked and every failure becomes an sf::InputError that
// names the file, the layer and the field. The HDF5 work runs in a forked child
// process with HDF5's automatic error printing off (hdf5_child.h), so a corrupt
// file never dumps an HDF5 error stack on stderr; instead the innermost HDF5
// error description is quoted in the exception message.
#include "import/netx_reader.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <set>

#include "import/hdf5_child.h"
#include "ir/error.h"

namespace sf::import {
namespace {

using h5::Ctx;
using h5::DsInfo;
using h5::fail;
using h5::fmt_dims;
using h5::fmt_number;
using h5::hdf5_detail;
using h5::Hid;
using h5::describe;
using h5::inspect;
using h5::open_any;
using h5::open_object;
using h5::read_numbers;
using h5::read_scalar;
using h5::read_string;
using h5::to_int;

// The member names of a netx group (at most 100000).
std::vector<std::string> member_names(hid_t grp, const Ctx& c, const std::string& field) {
  return h5::member_names(grp, c, field, 100000);
}

// neuron/gradedSpike: h5py writes numpy bools as an HDF5 enum {FALSE, TRUE}
// over int8, which HDF5 will not convert to an integer; read it in its own
// type and look the value's name up. Plain integers 0/1 are accepted too.
bool read_bool(hid_t ds, const Ctx& c, const std::string& field) {
  const DsInfo d = inspect(ds, c, field);
  if (d.count != 1) fail(c, field, describe(d), "a single boolean");
  if (d.cls == H5T_INTEGER) {
    const double v = read_numbers(ds, d, c, field)[0];
    if (v != 0 && v != 1) fail(c, field, fmt_number(v), "a boolean (0 or 1)");
    return v != 0;
  }
  if (d.cls != H5T_ENUM) fail(c, field, describe(d), "a boolean");
  Hid ftype(H5Dget_type(ds), H5Tclose);
  if (!ftype.valid()) fail(c, field, "an unreadable datatype (" + hdf5_detail() + ")", "a boolean");
  Hid mtype(H5Tget_native_type(ftype.get(), H5T_DIR_ASCEND), H5Tclose);
  if (!mtype.valid() || H5Tget_size(mtype.get()) > 8) {
    fail(c, field, "an enum that is not a boolean", "a boolean");
  }
  unsigned char value[8] = {0};
  if (H5Dread(ds, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0) {
    fail(c, field, "unreadable data (" + hdf5_detail() + ")", "a boolean");
  }
  char name[32] = {0};
  if (H5Tenum_nameof(mtype.get(), value, name, sizeof name) < 0) {
    H5Eclear2(H5E_DEFAULT);
    fail(c, field, "an enum value without a name", "FALSE or TRUE");
  }
  const std::string n = name;
  if (n == "TRUE" || n == "True" || n == "true") return true;
  if (n == "FALSE" || n == "False" || n == "false") return false;
  fail(c, field, "enum value '" + n + "'", "FALSE or TRUE");
}

// Layer types lava-dl writes (netx/hdf5.py handles or explicitly rejects them).
const std::set<std::string>& known_types() {
  static const std::set<std::string> t = {"dense", "dense_rec", "dense_comp", "conv", "convT",
                                          "input", "flatten",   "pool",       "average",
                                          "concat", "unpool"};
  return t;
}

std::string known_types_list() {
  std::string s;
  for (const auto& t : known_types()) s += (s.empty() ? "" : ", ") + t;
  return "a netx layer type (" + s + ")";
}

void read_neuron(hid_t layer_grp, const Ctx& c, NetxLayer& L) {
  Hid ng = open_object(layer_grp, "neuron", c, "neuron", true, false);
  if (!ng.valid()) return;
  L.has_neuron = true;
  {
    Hid ds = open_object(ng.get(), "type", c, "neuron/type", false, true);
    L.neuron_type = read_string(ds.get(), c, "neuron/type");
  }
  // netx reads these three unconditionally for CUBA (and LOIHI, same mapping).
  const bool cuba_like = L.neuron_type == "CUBA" || L.neuron_type == "LOIHI";
  struct Field {
    const char* name;
    double* dst;
    bool required;
  };
  const Field fields[] = {{"iDecay", &L.i_decay, cuba_like},
                          {"vDecay", &L.v_decay, cuba_like},
                          {"vThMant", &L.v_th_mant, cuba_like},
                          {"refDelay", &L.ref_delay, false},
                          {"wgtExp", &L.w_exp, false},
                          {"messageBits", &L.message_bits, false}};
  std::set<std::string> handled = {"type", "gradedSpike"};
  for (const Field& f : fields) {
    handled.insert(f.name);
    const std::string field = std::string("neuron/") + f.name;
    Hid ds = open_object(ng.get(), f.name, c, field, false, f.required);
    if (ds.valid()) *f.dst = read_scalar(ds.get(), c, field);
  }
  {
    Hid ds = open_object(ng.get(), "gradedSpike", c, "neuron/gradedSpike", false, false);
    if (ds.valid()) {
      L.has_graded_spike = true;
      L.graded_spike = read_bool(ds.get(), c, "neuron/gradedSpike");
    }
  }
  // Keep the other numeric scalars (LOIHI's theta, tauRho, scaleRho) as stored.
  for (const std::string& name : member_names(ng.get(), c, "neuron")) {
    if (handled.count(name)) continue;
    const std::string field = "neuron/" + name;
    Hid obj = open_any(ng.get(), name, c, field);
    if (H5Iget_type(obj.get()) != H5I_DATASET) continue;
    const DsInfo d = inspect(obj.get(), c, field);
    if ((d.cls == H5T_INTEGER || d.cls == H5T_FLOAT) && d.count == 1) {
      L.neuron_params[name] = read_numbers(obj.get(), d, c, field)[0];
    }
  }
}

NetxLayer read_layer(hid_t grp, const Ctx& c) {
  NetxLayer L;
  L.name = c.where;
  {
    Hid ds = open_object(grp, "type", c, "type", false, true);
    L.type = read_string(ds.get(), c, "type");
  }
  if (!known_types().count(L.type)) fail(c, "type", "'" + L.type + "'", known_types_list());

  std::set<std::string> handled = {"type", "shape", "weight", "bias", "delay", "neuron"};
  // netx reads `shape` for every layer.
  {
    Hid ds = open_object(grp, "shape", c, "shape", false, true);
    const DsInfo d = inspect(ds.get(), c, "shape");
    if (d.dims.size() > 1 || d.count == 0 || d.count > 8) {
      fail(c, "shape", describe(d), "1 to 8 integers");
    }
    for (double v : read_numbers(ds.get(), d, c, "shape")) L.shape.push_back(to_int(v, c, "shape", 0));
  }
  {
    const htri_t has_w = H5Lexists(grp, "weight", H5P_DEFAULT);
    if (has_w < 0) fail(c, "weight", "an unreadable link (" + hdf5_detail() + ")", "a readable file");
    if (has_w > 0) {
      Hid w = open_any(grp, "weight", c, "weight");
      if (H5Iget_type(w.get()) == H5I_GROUP) {
        // lava-dl writes complex weights as weight/real + weight/imag (RF neurons).
        fail(c, "weight", "a group (complex weight/real, weight/imag)", "a real-valued dataset");
      }
      if (H5Iget_type(w.get()) != H5I_DATASET) fail(c, "weight", "an object that is not a dataset", "a dataset");
      const DsInfo d = inspect(w.get(), c, "weight");
      for (hsize_t n : d.dims) {
        if (n > static_cast<hsize_t>(INT_MAX)) fail(c, "weight", describe(d), "dimensions below 2^31");
      }
      L.weights = read_numbers(w.get(), d, c, "weight");
      for (hsize_t n : d.dims) L.weight_dims.push_back(static_cast<int>(n));
      if (d.dims.empty()) L.weight_dims.push_back(1);
    }
  }
  {
    Hid b = open_object(grp, "bias", c, "bias", false, false);
    if (b.valid()) {
      const DsInfo d = inspect(b.get(), c, "bias");
      if (d.dims.size() > 1) fail(c, "bias", describe(d), "a vector");
      L.bias = read_numbers(b.get(), d, c, "bias");
    }
  }
  L.has_delay = H5Lexists(grp, "delay", H5P_DEFAULT) > 0;

  if (L.type == "dense") {
    handled.insert("inFeatures");
    handled.insert("outFeatures");
    {
      Hid ds = open_object(grp, "inFeatures", c, "inFeatures", false, true);
      L.n_in = to_int(read_scalar(ds.get(), c, "inFeatures"), c, "inFeatures", 1);
    }
    {
      Hid ds = open_object(grp, "outFeatures", c, "outFeatures", false, true);
      L.n_out = to_int(read_scalar(ds.get(), c, "outFeatures"), c, "outFeatures", 1);
    }
    const std::string want = "[" + std::to_string(L.n_out) + ", " + std::to_string(L.n_in) +
                             "] (outFeatures x inFeatures)";
    if (!H5Lexists(grp, "weight", H5P_DEFAULT)) fail(c, "weight", "nothing", "a dataset " + want);
    if (L.weight_dims != std::vector<int>{L.n_out, L.n_in}) {
      std::vector<hsize_t> dims(L.weight_dims.begin(), L.weight_dims.end());
      fail(c, "weight", fmt_dims(dims), want);
    }
    if (!L.bias.empty() && static_cast<int>(L.bias.size()) != L.n_out) {
      fail(c, "bias", std::to_string(L.bias.size()) + " values",
           std::to_string(L.n_out) + " (outFeatures)");
    }
    // netx sizes the layer as prod(shape); it must agree with outFeatures.
    long long prod = 1;
    for (int s : L.shape) prod = std::min<long long>(prod * s, 1LL << 40);
    if (prod != L.n_out) {
      fail(c, "shape", "product " + std::to_string(prod), std::to_string(L.n_out) + " (outFeatures)");
    }
  }

  read_neuron(grp, c, L);

  // Small numeric datasets we do not interpret (conv geometry) are kept as stored.
  for (const std::string& name : member_names(grp, c, "")) {
    if (handled.count(name)) continue;
    Hid obj = open_any(grp, name, c, name);
    if (H5Iget_type(obj.get()) != H5I_DATASET) continue;
    const DsInfo d = inspect(obj.get(), c, name);
    if ((d.cls == H5T_INTEGER || d.cls == H5T_FLOAT) && d.count <= 16) {
      L.params[name] = read_numbers(obj.get(), d, c, name);
    }
  }
  return L;
}

const char* const kWhat = "a lava-dl netx .net (HDF5) file";

// The HDF5 part of read_netx; runs in the child process (see read_netx).
NetxModel read_in_process(const std::string& path) {
  Ctx c{path, "", 0};
  const std::string what = kWhat;
  h5::SilenceHdf5 silence;  // declared before every Hid: restored after they all close
  Hid file = h5::open_file(c, what);

  NetxModel m;
  m.path = path;
  Hid layers = open_object(file.get(), "layer", c, "layer", true, true);
  const std::vector<std::string> names = member_names(layers.get(), c, "layer");
  if (names.empty()) fail(c, "layer", "an empty group", "layers layer/0 .. layer/N-1");
  // netx walks layer/0 .. layer/len-1 (hdf5.py); require exactly those names.
  for (size_t i = 0; i < names.size(); ++i) {
    Ctx lc = c;
    lc.where = "layer/" + std::to_string(i);
    if (H5Lexists(layers.get(), std::to_string(i).c_str(), H5P_DEFAULT) <= 0) {
      std::string found;
      for (const auto& n : names) found += (found.empty() ? "" : ", ") + n;
      fail(c, "layer", "members {" + found + "}", "layer/0 .. layer/" + std::to_string(names.size() - 1));
    }
    Hid g = open_object(layers.get(), std::to_string(i), lc, "", true, true);
    m.layers.push_back(read_layer(g.get(), lc));
  }

  Hid sim = open_object(file.get(), "simulation", c, "simulation", true, false);
  if (sim.valid()) {
    Hid ts = open_object(sim.get(), "Ts", c, "simulation/Ts", false, false);
    if (ts.valid()) m.sim_ts = read_scalar(ts.get(), c, "simulation/Ts");
    Hid tsample = open_object(sim.get(), "tSample", c, "simulation/tSample", false, false);
    if (tsample.valid()) m.sim_t_sample = read_scalar(tsample.get(), c, "simulation/tSample");
  }
  return m;
}

// ---- passing a NetxModel (or an error) from the child to the parent.
// Plain native-endian bytes: both ends are the same binary.

std::string serialize(const NetxModel& m) {
  h5::Writer w;
  w.str(m.path);
  w.f64(m.sim_ts);
  w.f64(m.sim_t_sample);
  w.u64(m.layers.size());
  for (const NetxLayer& L : m.layers) {
    w.str(L.name); w.str(L.type); w.ints(L.shape);
    w.u64(static_cast<uint64_t>(L.n_in)); w.u64(static_cast<uint64_t>(L.n_out));
    w.f64s(L.weights); w.ints(L.weight_dims); w.f64s(L.bias); w.u64(L.has_delay);
    w.u64(L.params.size());
    for (const auto& [k, v] : L.params) { w.str(k); w.f64s(v); }
    w.u64(L.has_neuron); w.str(L.neuron_type);
    for (double v : {L.i_decay, L.v_decay, L.v_th_mant, L.ref_delay, L.w_exp, L.message_bits}) w.f64(v);
    w.u64(L.has_graded_spike); w.u64(L.graded_spike);
    w.u64(L.neuron_params.size());
    for (const auto& [k, v] : L.neuron_params) { w.str(k); w.f64(v); }
  }
  return w.out;
}

NetxModel deserialize(const std::string& s, size_t pos) {
  h5::Reader r{s, pos};
  NetxModel m;
  m.path = r.str();
  m.sim_ts = r.f64();
  m.sim_t_sample = r.f64();
  m.layers.resize(r.count(8));
  for (NetxLayer& L : m.layers) {
    L.name = r.str(); L.type = r.str(); L.shape = r.ints();
    L.n_in = static_cast<int>(r.u64()); L.n_out = static_cast<int>(r.u64());
    L.weights = r.f64s(); L.weight_dims = r.ints(); L.bias = r.f64s(); L.has_delay = r.u64() != 0;
    for (size_t n = r.count(8); n > 0; --n) { std::string k = r.str(); L.params[k] = r.f64s(); }
    L.has_neuron = r.u64() != 0; L.neuron_type = r.str();
    for (double* v : {&L.i_decay, &L.v_decay, &L.v_th_mant, &L.ref_delay, &L.w_exp, &L.message_bits}) {
      *v = r.f64();
    }
    L.has_graded_spike = r.u64() != 0; L.graded_spike = r.u64() != 0;
    for (size_t n = r.count(8); n > 0; --n) { std::string k = r.str(); L.neuron_params[k] = r.f64(); }
  }
  return m;
}

// How long a read may take before we call the file pathological.
constexpr int kTimeoutMs = 60 * 1000;

}  // namespace

// The HDF5 part runs in a forked child process (h5::run_in_child): a file that
// crashes or hangs HDF5 1.10 becomes an InputError here, and this process
// never calls HDF5. (POSIX only, like the rest of SpikeForge's tooling.)
NetxModel read_netx(const std::string& path) {
  return deserialize(h5::run_in_child(path, kWhat, kTimeoutMs,
                                      [&path] { return serialize(read_in_process(path)); }),
                     0);
}

namespace {

bool is_int_in(double v, double lo, double hi) {
  return std::isfinite(v) && v == std::floor(v) && v >= lo && v <= hi;
}

// Why one layer is outside the supported subset; "" if it is inside.
std::string layer_problem(const NetxLayer& L, const NetxLayer* prev, bool first) {
  std::vector<std::string> why;
  if (L.type == "flatten") return "";
  if (L.type == "input") {
    // the import decides (netx_convert.h: --skip-input)
    return first ? "" : "an input layer must be the first layer";
  }
  const bool mapped = L.type == "dense" || L.type == "conv";
  if (!mapped) {
    why.push_back(L.type + " layers are out of scope (dense, conv, flatten and a leading input layer are supported" +
                  (L.type == "pool" || L.type == "average" || L.type == "concat" || L.type == "convT" ||
                           L.type == "unpool"
                       ? std::string("; netx itself raises NotImplementedError for ") + L.type + ")"
                       : std::string(")")));
  }
  // netx maps LOIHI (the older export) and CUBA neurons alike (hdf5.py get_neuron_params)
  const bool cuba = L.neuron_type == "CUBA" || L.neuron_type == "LOIHI";
  if (!L.has_neuron) {
    why.push_back("no neuron group (netx makes that a non-spiking layer)");
  } else if (!cuba) {
    why.push_back("neuron type " + L.neuron_type + " is out of scope (only CUBA and LOIHI)");
  }
  if (L.graded_spike) why.push_back("gradedSpike is true (only binary spikes are supported)");
  if (!std::isnan(L.message_bits) && L.message_bits != 0) {
    why.push_back("messageBits " + fmt_number(L.message_bits) + " means graded spikes (only binary)");
  }
  if (mapped && L.has_neuron && cuba) {
    if (!is_int_in(L.i_decay, 0, 4096)) why.push_back("iDecay " + fmt_number(L.i_decay) + " is not an integer in 0..4096");
    if (!is_int_in(L.v_decay, 0, 4096)) why.push_back("vDecay " + fmt_number(L.v_decay) + " is not an integer in 0..4096");
    if (!is_int_in(L.v_th_mant, 0, 1 << 18)) {
      why.push_back("vThMant " + fmt_number(L.v_th_mant) + " is not an integer in 0..2^18");
    }
    if (!std::isnan(L.ref_delay) && L.ref_delay != 1) {
      why.push_back("refDelay " + fmt_number(L.ref_delay) + " (only 1 is supported)");
    }
  }
  if (L.has_delay) why.push_back("synaptic delays (a delay dataset) are not supported");
  if (mapped) {
    for (size_t i = 0; i < L.weights.size(); ++i) {
      if (!std::isfinite(L.weights[i]) || L.weights[i] != std::floor(L.weights[i])) {
        why.push_back("weight " + std::to_string(i) + " is " + fmt_number(L.weights[i]) +
                      ", not an integer");
        break;
      }
    }
    for (double b : L.bias) {
      if (!std::isfinite(b) || b != std::floor(b)) {
        why.push_back("bias " + fmt_number(b) + " is not an integer");
        break;
      }
    }
    if (L.type == "dense" && prev != nullptr && prev->type == "dense" && prev->n_out != L.n_in) {
      why.push_back("inFeatures " + std::to_string(L.n_in) + " differs from " + prev->name +
                    "'s outFeatures " + std::to_string(prev->n_out));
    }
  }
  std::string s;
  for (const auto& w : why) s += (s.empty() ? "" : "; ") + w;
  return s;
}

}  // namespace

std::string unsupported_reason(const NetxModel& m) {
  if (m.layers.empty()) return "not supported: the model has no layers";
  std::string out;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const NetxLayer& L = m.layers[i];
    const std::string why = layer_problem(L, i > 0 ? &m.layers[i - 1] : nullptr, i == 0);
    if (why.empty()) continue;
    if (!out.empty()) out += '\n';
    out += "not supported: " + L.name + " (type " + L.type + ", neuron " +
           (L.has_neuron ? L.neuron_type : std::string("none")) + "): " + why;
  }
  return out;
}

}  // namespace sf::import
