// lava-dl netx `.net` reader on the HDF5 C API. See netx_reader.h and README.md.
//
// Every HDF5 call is checked and every failure becomes an sf::InputError that
// names the file, the layer and the field. HDF5's automatic error printing is
// switched off for the duration of read_netx (and restored afterwards), so a
// corrupt file never dumps an HDF5 error stack on stderr; instead the innermost
// HDF5 error description is quoted in the exception message.
#include "import/netx_reader.h"

#include <hdf5.h>

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "ir/error.h"

namespace sf::import {
namespace {

constexpr hid_t kNoId = -1;

// Owns one HDF5 id and closes it with the matching H5?close, so that the early
// exits through exceptions leak nothing (the fuzz test opens hundreds of files).
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Hid() { reset(); }
  Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = kNoId; }
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = kNoId;
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = kNoId;
  }

 private:
  hid_t id_ = kNoId;
  Closer close_ = nullptr;
};

// Turns HDF5's automatic error-stack printing off and restores whatever the
// caller had when the read is over (a library should not change global state).
class SilenceHdf5 {
 public:
  SilenceHdf5() {
    saved_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~SilenceHdf5() {
    H5Eclear2(H5E_DEFAULT);
    if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
  }
  SilenceHdf5(const SilenceHdf5&) = delete;
  SilenceHdf5& operator=(const SilenceHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ = false;
};

herr_t innermost_error(unsigned n, const H5E_error2_t* e, void* data) {
  if (n == 0 && e != nullptr && e->desc != nullptr) *static_cast<std::string*>(data) = e->desc;
  return 0;
}

// The most specific description on HDF5's error stack (walked upwards, entry 0
// is where the error was raised, e.g. "file signature not found"); clears it.
std::string hdf5_detail() {
  std::string s;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_error, &s);
  H5Eclear2(H5E_DEFAULT);
  return s.empty() ? "HDF5 error" : "HDF5: " + s;
}

// Where we are, for messages: the file, the layer ("layer/3", or "" at file
// level) and the file size (bounds the data a dataset may claim to hold).
struct Ctx {
  std::string path;
  std::string layer;
  hsize_t file_size = 0;
};

[[noreturn]] void fail(const Ctx& c, const std::string& field, const std::string& found,
                       const std::string& expected) {
  std::string msg = c.path + ": ";
  if (!c.layer.empty()) msg += c.layer + ": ";
  if (!field.empty()) msg += field + ": ";
  msg += "found " + found + ", expected " + expected;
  throw InputError(msg);
}

std::string fmt_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string fmt_dims(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return "scalar";
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(static_cast<unsigned long long>(dims[i]));
  }
  return s + "]";
}

// What a dataset is, read from its type and dataspace (no data read yet).
struct DsInfo {
  H5T_class_t cls = H5T_NO_CLASS;
  size_t type_size = 0;
  bool is_signed = true;
  std::vector<hsize_t> dims;  // empty for a scalar
  hsize_t count = 0;          // number of elements
  bool count_overflow = false;
};

std::string fmt_type(const DsInfo& d) {
  switch (d.cls) {
    case H5T_INTEGER:
      return std::string(d.is_signed ? "int" : "uint") + std::to_string(8 * d.type_size);
    case H5T_FLOAT: return "float" + std::to_string(8 * d.type_size);
    case H5T_STRING: return "string";
    case H5T_ENUM: return "enum";
    case H5T_COMPOUND: return "compound";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "vlen";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    default: return "HDF5 type class " + std::to_string(static_cast<int>(d.cls));
  }
}

std::string describe(const DsInfo& d) { return fmt_type(d) + " " + fmt_dims(d.dims); }

// A dataset read in whole must not claim more elements than this (a corrupt
// dataspace could otherwise ask for terabytes).
constexpr hsize_t kMaxElements = hsize_t{1} << 26;

DsInfo inspect(hid_t ds, const Ctx& c, const std::string& field) {
  DsInfo d;
  Hid type(H5Dget_type(ds), H5Tclose);
  if (!type.valid()) fail(c, field, "an unreadable datatype (" + hdf5_detail() + ")", "a dataset");
  d.cls = H5Tget_class(type.get());
  d.type_size = H5Tget_size(type.get());
  if (d.cls == H5T_INTEGER) d.is_signed = H5Tget_sign(type.get()) != H5T_SGN_NONE;
  Hid space(H5Dget_space(ds), H5Sclose);
  if (!space.valid()) fail(c, field, "an unreadable dataspace (" + hdf5_detail() + ")", "a dataset");
  const H5S_class_t sc = H5Sget_simple_extent_type(space.get());
  if (sc == H5S_SCALAR) {
    d.count = 1;
  } else if (sc == H5S_NULL) {
    d.count = 0;
  } else {
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > H5S_MAX_RANK) {
      fail(c, field, "an unreadable dataspace (" + hdf5_detail() + ")", "a dataset");
    }
    d.dims.resize(static_cast<size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), d.dims.data(), nullptr) < 0) {
      fail(c, field, "an unreadable dataspace (" + hdf5_detail() + ")", "a dataset");
    }
    d.count = 1;
    for (hsize_t n : d.dims) {
      if (n != 0 && d.count > kMaxElements / n) d.count_overflow = true;
      d.count = d.count_overflow ? kMaxElements + 1 : d.count * n;
    }
  }
  return d;
}

// Opens whatever `name` (one path component, known to exist) is below `loc`.
Hid open_any(hid_t loc, const std::string& name, const Ctx& c, const std::string& field) {
  Hid obj(H5Oopen(loc, name.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj.valid()) fail(c, field, "an unreadable object (" + hdf5_detail() + ")", "a readable file");
  return obj;
}

// Opens `name` (one path component) below `loc`. Returns an invalid Hid when it
// does not exist and !required. `want_group` selects group or dataset.
Hid open_object(hid_t loc, const std::string& name, const Ctx& c, const std::string& field,
                bool want_group, bool required) {
  const htri_t exists = H5Lexists(loc, name.c_str(), H5P_DEFAULT);
  if (exists < 0) fail(c, field, "an unreadable link (" + hdf5_detail() + ")", "a readable file");
  if (exists == 0) {
    if (!required) return Hid();
    fail(c, field, "nothing", want_group ? "a group" : "a dataset");
  }
  Hid obj = open_any(loc, name, c, field);
  const H5I_type_t t = H5Iget_type(obj.get());
  if (want_group && t != H5I_GROUP) {
    fail(c, field, t == H5I_DATASET ? "a dataset" : "an object that is not a group", "a group");
  }
  if (!want_group && t != H5I_DATASET) {
    fail(c, field, t == H5I_GROUP ? "a group" : "an object that is not a dataset", "a dataset");
  }
  return obj;
}

// Reads a numeric (integer or float) dataset of any shape as doubles, in C
// order. HDF5 converts int64/float32 to double exactly for the values netx
// files hold (|x| < 2^53).
std::vector<double> read_numbers(hid_t ds, const DsInfo& d, const Ctx& c, const std::string& field) {
  if (d.cls != H5T_INTEGER && d.cls != H5T_FLOAT) fail(c, field, describe(d), "a number");
  if (d.count > kMaxElements) {
    fail(c, field, describe(d), "at most " + std::to_string(kMaxElements) + " values");
  }
  // Without filters (compression), the data lies in the file as is: a dataset
  // bigger than the file is a corrupt header, not something to allocate.
  Hid dcpl(H5Dget_create_plist(ds), H5Pclose);
  if (dcpl.valid() && H5Pget_nfilters(dcpl.get()) == 0 && c.file_size > 0 &&
      d.count * d.type_size > c.file_size) {
    fail(c, field, describe(d) + " (" + std::to_string(d.count * d.type_size) +
                       " bytes, more than the file's " + std::to_string(c.file_size) + ")",
         "a dataset that fits in the file");
  }
  std::vector<double> out(static_cast<size_t>(d.count));
  if (d.count > 0 &&
      H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
    fail(c, field, "unreadable data (" + hdf5_detail() + ")", describe(d) + " values");
  }
  return out;
}

double read_scalar(hid_t ds, const Ctx& c, const std::string& field) {
  const DsInfo d = inspect(ds, c, field);
  if (d.cls != H5T_INTEGER && d.cls != H5T_FLOAT) fail(c, field, describe(d), "a number");
  if (d.count != 1) fail(c, field, describe(d), "a single number");
  return read_numbers(ds, d, c, field)[0];
}

uint64_t le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool read_bytes(const std::string& path, uint64_t at, size_t n, std::vector<unsigned char>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in.seekg(static_cast<std::streamoff>(at))) return false;
  out.assign(n, 0);
  return static_cast<bool>(in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n)));
}

// HDF5 1.10's H5HG_read trusts the variable-length descriptor in the dataset
// (length, global heap address, object index) and the heap collection it points
// to: a corrupt index or length makes it memcpy out of bounds (our fuzz test
// found this segfault), and a zero-sized free-space object makes its heap
// parser loop forever. So before HDF5 reads a variable-length string we parse
// both ourselves, the way HDF5's H5HG__cache_heap_deserialize does, and check
// that the object exists, fits its collection and is exactly as long as the
// descriptor says. This needs contiguous storage (what h5py writes) and
// 8-byte addresses and lengths (HDF5's default).
void check_vlen_string(hid_t ds, hid_t file, const Ctx& c, const std::string& field) {
  const std::string bad = "a corrupt variable-length string";
  const std::string want = "a variable-length string in contiguous storage with 8-byte addresses";
  Hid dcpl(H5Dget_create_plist(ds), H5Pclose);
  Hid fcpl(H5Fget_create_plist(file), H5Pclose);
  size_t sizeof_addr = 0, sizeof_size = 0;
  hsize_t userblock = 0;
  if (!dcpl.valid() || !fcpl.valid() || H5Pget_sizes(fcpl.get(), &sizeof_addr, &sizeof_size) < 0 ||
      H5Pget_userblock(fcpl.get(), &userblock) < 0) {
    fail(c, field, "an unreadable dataset (" + hdf5_detail() + ")", want);
  }
  if (H5Pget_layout(dcpl.get()) != H5D_CONTIGUOUS || sizeof_addr != 8 || sizeof_size != 8) {
    fail(c, field, "a variable-length string in another storage layout", want);
  }
  const haddr_t off = H5Dget_offset(ds);
  if (off == HADDR_UNDEF) fail(c, field, bad + " (no storage)", want);
  std::vector<unsigned char> d;
  if (!read_bytes(c.path, userblock + off, 16, d)) fail(c, field, bad + " (descriptor past the end)", want);
  const uint64_t len = le(&d[0], 4), heap = le(&d[4], 8), idx = le(&d[12], 4);
  if (len == 0 && heap == 0) return;  // an empty (nil) string: no heap access
  std::vector<unsigned char> h;
  if (idx == 0 || idx > 0xffff || heap > c.file_size || !read_bytes(c.path, userblock + heap, 16, h) ||
      std::string(h.begin(), h.begin() + 4) != "GCOL" || h[4] != 1) {
    fail(c, field, bad + " (no global heap object there)", want);
  }
  const uint64_t size = le(&h[8], 8);
  if (size < 16 || size > c.file_size || userblock + heap + size > c.file_size ||
      !read_bytes(c.path, userblock + heap, static_cast<size_t>(size), h)) {
    fail(c, field, bad + " (global heap collection size " + std::to_string(size) + ")", want);
  }
  bool found = false;
  uint64_t p = 16;
  while (p < size) {
    if (p + 16 > size) break;  // HDF5: too small for an object header, free space
    const uint64_t obj_idx = le(&h[p], 2), obj_size = le(&h[p + 8], 8);
    const uint64_t need = obj_idx > 0 ? 16 + ((obj_size + 7) & ~uint64_t{7}) : obj_size;
    if (obj_size > size || need < 16 || need > size - p) {
      fail(c, field, bad + " (global heap object " + std::to_string(obj_idx) + " of size " +
                         std::to_string(obj_size) + " does not fit)", want);
    }
    if (obj_idx == idx) {
      if (obj_size != len) {
        fail(c, field, bad + " (length " + std::to_string(len) + ", heap object " +
                           std::to_string(obj_size) + " bytes)", want);
      }
      found = true;
    }
    p += need;
  }
  if (!found) fail(c, field, bad + " (global heap object " + std::to_string(idx) + " missing)", want);
}

// A string stored as HDF5 fixed-length (h5py: numpy 'S10' arrays, as in
// layer/i/type) or variable-length (h5py: Python str/bytes, as in neuron/type),
// scalar or one-element. Trailing NULs and spaces are dropped.
std::string read_string(hid_t ds, const Ctx& c, const std::string& field) {
  const DsInfo d = inspect(ds, c, field);
  if (d.cls != H5T_STRING) fail(c, field, describe(d), "a string");
  if (d.count != 1) fail(c, field, describe(d), "a single string");
  Hid ftype(H5Dget_type(ds), H5Tclose);
  if (!ftype.valid()) fail(c, field, "an unreadable datatype (" + hdf5_detail() + ")", "a string");
  const htri_t vlen = H5Tis_variable_str(ftype.get());
  if (vlen < 0) fail(c, field, "an unreadable datatype (" + hdf5_detail() + ")", "a string");
  Hid mtype(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!mtype.valid()) fail(c, field, "an HDF5 failure (" + hdf5_detail() + ")", "a string");
  // HDF5 converts no string between ASCII and UTF-8 (h5py writes Python str as
  // UTF-8): read the bytes in the file's own character set.
  const H5T_cset_t cset = H5Tget_cset(ftype.get());
  if (cset < 0 || H5Tset_cset(mtype.get(), cset) < 0) {
    fail(c, field, "a string of an unknown character set (" + hdf5_detail() + ")", "a string");
  }
  std::string s;
  if (vlen > 0) {
    Hid file(H5Iget_file_id(ds), H5Fclose);
    if (!file.valid()) fail(c, field, "an HDF5 failure (" + hdf5_detail() + ")", "a string");
    check_vlen_string(ds, file.get(), c, field);
    H5Tset_size(mtype.get(), H5T_VARIABLE);
    char* p = nullptr;
    if (H5Dread(ds, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0) {
      fail(c, field, "unreadable data (" + hdf5_detail() + ")", "a string");
    }
    if (p != nullptr) {
      s = p;
      H5free_memory(p);  // HDF5 allocated it; free it with HDF5's allocator
    }
  } else {
    const size_t n = d.type_size;
    if (n == 0 || n > 4096) fail(c, field, "a string of size " + std::to_string(n), "a short string");
    H5Tset_size(mtype.get(), n);
    std::vector<char> buf(n + 1, '\0');
    if (H5Dread(ds, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) {
      fail(c, field, "unreadable data (" + hdf5_detail() + ")", "a string");
    }
    s.assign(buf.data());
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
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

int to_int(double v, const Ctx& c, const std::string& field, int min) {
  if (!std::isfinite(v) || v != std::floor(v) || v < min || v > 2147483647.0) {
    fail(c, field, fmt_number(v), "an integer >= " + std::to_string(min));
  }
  return static_cast<int>(v);
}

// The member names of a group, through H5Lget_name_by_idx rather than
// H5Literate, whose callback type changed between HDF5 1.10 and 1.12.
std::vector<std::string> member_names(hid_t grp, const Ctx& c, const std::string& field) {
  H5G_info_t info;
  if (H5Gget_info(grp, &info) < 0) fail(c, field, "an unreadable group (" + hdf5_detail() + ")", "a group");
  if (info.nlinks > 100000) fail(c, field, std::to_string(info.nlinks) + " members", "a netx group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len =
        H5Lget_name_by_idx(grp, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0 || len > 4096) {
      fail(c, field, "an unreadable member name (" + hdf5_detail() + ")", "a group");
    }
    std::vector<char> buf(static_cast<size_t>(len) + 1, '\0');
    if (H5Lget_name_by_idx(grp, ".", H5_INDEX_NAME, H5_ITER_INC, i, buf.data(), buf.size(),
                           H5P_DEFAULT) < 0) {
      fail(c, field, "an unreadable member name (" + hdf5_detail() + ")", "a group");
    }
    names.emplace_back(buf.data());
  }
  return names;
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
  L.name = c.layer;
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
  SilenceHdf5 silence;  // declared before every Hid: restored after they all close
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.valid()) fail(c, "", "an HDF5 failure (" + hdf5_detail() + ")", what);
  // Closing the file closes anything still open in it.
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
#if H5_VERSION_GE(1, 10, 7)
  // Reading needs no lock; some file systems (and read-only mounts) refuse one.
  H5Pset_file_locking(fapl.get(), false, true);
#endif
  Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
  if (!file.valid()) fail(c, "", "a file HDF5 cannot open (" + hdf5_detail() + ")", what);
  if (H5Fget_filesize(file.get(), &c.file_size) < 0) c.file_size = 0;

  NetxModel m;
  m.path = path;
  Hid layers = open_object(file.get(), "layer", c, "layer", true, true);
  const std::vector<std::string> names = member_names(layers.get(), c, "layer");
  if (names.empty()) fail(c, "layer", "an empty group", "layers layer/0 .. layer/N-1");
  // netx walks layer/0 .. layer/len-1 (hdf5.py); require exactly those names.
  for (size_t i = 0; i < names.size(); ++i) {
    Ctx lc = c;
    lc.layer = "layer/" + std::to_string(i);
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

struct Writer {
  std::string out;
  void raw(const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(const std::string& s) { u64(s.size()); raw(s.data(), s.size()); }
  void f64s(const std::vector<double>& v) { u64(v.size()); raw(v.data(), v.size() * sizeof(double)); }
  void ints(const std::vector<int>& v) {
    u64(v.size());
    for (int x : v) u64(static_cast<uint64_t>(static_cast<int64_t>(x)));
  }
};

struct Reader {
  const std::string& in;
  size_t pos = 0;
  void raw(void* p, size_t n) {
    if (n > in.size() - pos) throw std::runtime_error("netx reader: short message from child");
    std::memcpy(p, in.data() + pos, n);
    pos += n;
  }
  uint64_t u64() { uint64_t v; raw(&v, sizeof v); return v; }
  double f64() { double v; raw(&v, sizeof v); return v; }
  size_t count(size_t elem) {
    const uint64_t n = u64();
    if (n > (in.size() - pos) / elem) throw std::runtime_error("netx reader: bad message from child");
    return static_cast<size_t>(n);
  }
  std::string str() { std::string s(count(1), '\0'); raw(s.data(), s.size()); return s; }
  std::vector<double> f64s() { std::vector<double> v(count(8)); raw(v.data(), v.size() * 8); return v; }
  std::vector<int> ints() {
    std::vector<int> v(count(8));
    for (int& x : v) x = static_cast<int>(static_cast<int64_t>(u64()));
    return v;
  }
};

std::string serialize(const NetxModel& m) {
  Writer w;
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
  Reader r{s, pos};
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

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// How long a read may take before we call the file pathological.
constexpr int kTimeoutMs = 60 * 1000;

}  // namespace

// HDF5 1.10 is not robust against corrupt metadata: our fuzz test made it
// segfault inside H5Oopen (decoding a damaged datatype message) and inside
// H5HG_read, and its heap parser can loop forever. We cannot validate every
// HDF5 structure ourselves, so the HDF5 part runs in a forked child process:
// the child sends back the model or the InputError message through a pipe, and
// a child that dies or runs past kTimeoutMs becomes an InputError here. The
// parent never calls HDF5. (POSIX only, like the rest of SpikeForge's tooling.)
NetxModel read_netx(const std::string& path) {
  const Ctx c{path, "", 0};
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) fail(c, "", "no such file", kWhat);
  if (std::filesystem::is_directory(st)) fail(c, "", "a directory", kWhat);

  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("netx reader: pipe failed");
  std::fflush(nullptr);  // do not let the child flush the parent's buffers twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("netx reader: fork failed");
  }
  if (pid == 0) {
    ::close(fds[0]);
    const struct rlimit no_core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // a crash on a bad file leaves no core file
    std::string msg;
    try {
      msg = "M" + serialize(read_in_process(path));
    } catch (const InputError& e) {
      msg = std::string("E") + e.what();
    } catch (const std::bad_alloc&) {
      msg = "E" + path + ": found a file that needs more memory than there is, expected " + kWhat;
    } catch (const std::exception& e) {
      msg = std::string("X") + e.what();
    } catch (...) {
      msg = "Xunknown exception";
    }
    write_all(fds[1], msg);
    ::close(fds[1]);
    ::_exit(0);  // no atexit handlers, no HDF5 shutdown: the parent owns those
  }

  ::close(fds[1]);
  std::string msg;
  bool timed_out = false;
  char buf[65536];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) { timed_out = true; break; }
    struct pollfd pfd = {fds[0], POLLIN, 0};
    const int pr = ::poll(&pfd, 1, static_cast<int>(left));
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) { timed_out = true; break; }
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    msg.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    fail(c, "", "a file HDF5 did not finish reading in " + std::to_string(kTimeoutMs / 1000) + " s", kWhat);
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    fail(c, "", "a file the HDF5 library crashed on (signal " + std::to_string(sig) + ", " +
                    ::strsignal(sig) + "; corrupt HDF5 metadata)", kWhat);
  }
  if (msg.empty()) fail(c, "", "a file the reader stopped on without an answer", kWhat);
  if (msg[0] == 'E') throw InputError(msg.substr(1));
  if (msg[0] == 'X') throw std::runtime_error("netx reader: " + msg.substr(1));
  return deserialize(msg, 1);
}

namespace {

bool is_int_in(double v, double lo, double hi) {
  return std::isfinite(v) && v == std::floor(v) && v >= lo && v <= hi;
}

// Why one layer is outside the supported subset; "" if it is inside.
std::string layer_problem(const NetxLayer& L, const NetxLayer* prev) {
  std::vector<std::string> why;
  if (L.type != "dense") {
    why.push_back(L.type + " layers are out of scope (only dense layers are supported)");
  }
  if (!L.has_neuron) {
    why.push_back("no neuron group (netx makes that a non-spiking layer)");
  } else if (L.neuron_type != "CUBA") {
    if (L.neuron_type == "LOIHI") {
      why.push_back("neuron type LOIHI (the older Loihi 1 export) is out of scope (only CUBA)");
    } else {
      why.push_back("neuron type " + L.neuron_type + " is out of scope (only CUBA)");
    }
  }
  if (L.graded_spike) why.push_back("gradedSpike is true (only binary spikes are supported)");
  if (!std::isnan(L.message_bits) && L.message_bits != 0) {
    why.push_back("messageBits " + fmt_number(L.message_bits) + " means graded spikes (only binary)");
  }
  if (L.type == "dense" && L.has_neuron && L.neuron_type == "CUBA") {
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
  if (L.type == "dense") {
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
    if (prev != nullptr && prev->type == "dense" && prev->n_out != L.n_in) {
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
    const std::string why = layer_problem(L, i > 0 ? &m.layers[i - 1] : nullptr);
    if (why.empty()) continue;
    if (!out.empty()) out += '\n';
    out += "not supported: " + L.name + " (type " + L.type + ", neuron " +
           (L.has_neuron ? L.neuron_type : std::string("none")) + "): " + why;
  }
  return out;
}

}  // namespace sf::import
