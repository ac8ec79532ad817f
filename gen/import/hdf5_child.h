// Shared HDF5 plumbing for the importers that read HDF5 files (netx_reader,
// nir_reader): checked HDF5 C API calls that turn every failure into an
// sf::InputError "PATH: WHERE: FIELD: found X, expected Y", and a forked child
// process that does the HDF5 work, so that a corrupt file that crashes or hangs
// the HDF5 library becomes a clean InputError in the caller.
//
// Internal to gen/import (it includes hdf5.h); the public reader headers do not
// include it.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sf::import::h5 {

constexpr hid_t kNoId = -1;

// Owns one HDF5 id and closes it with the matching H5?close, so that the early
// exits through exceptions leak nothing (the fuzz tests open hundreds of files).
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Hid() { reset(); }
  Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = kNoId; }
  Hid& operator=(Hid&& o) noexcept;
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = kNoId;
  Closer close_ = nullptr;
};

// Turns HDF5's automatic error-stack printing off and restores whatever the
// caller had when the read is over (a library should not change global state).
class SilenceHdf5 {
 public:
  SilenceHdf5();
  ~SilenceHdf5();
  SilenceHdf5(const SilenceHdf5&) = delete;
  SilenceHdf5& operator=(const SilenceHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ = false;
};

// The most specific description on HDF5's error stack ("HDF5: file signature
// not found"); clears the stack.
std::string hdf5_detail();

// Where we are, for messages: the file, the object ("layer/3", "node lif1", or
// "" at file level) and the file size (bounds the data a dataset may claim).
struct Ctx {
  std::string path;
  std::string where;
  hsize_t file_size = 0;
};

// Throws InputError "PATH: WHERE: FIELD: found FOUND, expected EXPECTED" (empty
// parts and their separators left out).
[[noreturn]] void fail(const Ctx& c, const std::string& field, const std::string& found,
                       const std::string& expected);

std::string fmt_number(double v);                      // 3, -1, 0.0025
std::string fmt_dims(const std::vector<hsize_t>& dims);  // "scalar" or "[3, 2]"

// What a dataset is, read from its type and dataspace (no data read yet).
struct DsInfo {
  H5T_class_t cls = H5T_NO_CLASS;
  size_t type_size = 0;
  bool is_signed = true;
  std::vector<hsize_t> dims;  // empty for a scalar
  hsize_t count = 0;          // number of elements
  bool count_overflow = false;
};

std::string fmt_type(const DsInfo& d);  // numpy-style: "float32", "int64", "string", ...
std::string describe(const DsInfo& d);  // "float32 [3, 2]"
bool is_numeric(const DsInfo& d);       // integer or float class

// A dataset read in whole must not claim more elements than this (a corrupt
// dataspace could otherwise ask for terabytes).
inline constexpr hsize_t kMaxElements = hsize_t{1} << 26;

DsInfo inspect(hid_t ds, const Ctx& c, const std::string& field);

// Opens whatever `name` (one path component, known to exist) is below `loc`.
Hid open_any(hid_t loc, const std::string& name, const Ctx& c, const std::string& field);

// Opens `name` (one path component) below `loc`. Returns an invalid Hid when it
// does not exist and !required. `want_group` selects group or dataset.
Hid open_object(hid_t loc, const std::string& name, const Ctx& c, const std::string& field,
                bool want_group, bool required);

// Whether `name` is a link below `loc` (an unreadable link is an InputError).
bool has_member(hid_t loc, const std::string& name, const Ctx& c, const std::string& field);

// Reads a numeric (integer or float) dataset of any shape as doubles, in C
// order (exact for float32/float64 and for integers up to 2^53).
std::vector<double> read_numbers(hid_t ds, const DsInfo& d, const Ctx& c, const std::string& field);
double read_scalar(hid_t ds, const Ctx& c, const std::string& field);

// Where variable-length strings may be stored. HDF5 1.10 trusts the string
// descriptors and the global heap blindly (a corrupt one crashes or hangs it),
// so they are checked byte by byte before HDF5 reads them. kContiguousOnly:
// contiguous storage only, anything else is an error. kAnyLayout: chunked
// storage is checked too (chunks inflated here; deflate, shuffle and
// fletcher32 filters), and other layouts (compact) are read unchecked: the
// forked child still contains a crash or a hang.
enum class VlenLayouts { kContiguousOnly, kAnyLayout };

// Reads a string dataset (fixed- or variable-length, any shape) in C order.
// Trailing NULs and spaces of each string are dropped.
std::vector<std::string> read_strings(hid_t ds, const DsInfo& d, const Ctx& c, const std::string& field,
                                      VlenLayouts layouts);
// A scalar or one-element string dataset.
std::string read_string(hid_t ds, const Ctx& c, const std::string& field,
                        VlenLayouts layouts = VlenLayouts::kContiguousOnly);

int to_int(double v, const Ctx& c, const std::string& field, int min);

// The member names of a group in name order (at most `max_members`).
std::vector<std::string> member_names(hid_t grp, const Ctx& c, const std::string& field,
                                      hsize_t max_members);

// Opens `c.path` read-only with error printing already off (the caller holds a
// SilenceHdf5) and sets c.file_size. `what` names the expected kind of file.
Hid open_file(Ctx& c, const std::string& what);

// ---- passing results from the child to the parent: plain native-endian
// bytes (both ends are the same binary).
struct Writer {
  std::string out;
  void raw(const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void i64(int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(const std::string& s);
  void f64s(const std::vector<double>& v);
  void ints(const std::vector<int>& v);
  void i64s(const std::vector<int64_t>& v);
  void strs(const std::vector<std::string>& v);
};

struct Reader {
  const std::string& in;
  size_t pos = 0;
  void raw(void* p, size_t n);
  uint64_t u64() { uint64_t v; raw(&v, sizeof v); return v; }
  int64_t i64() { int64_t v; raw(&v, sizeof v); return v; }
  double f64() { double v; raw(&v, sizeof v); return v; }
  size_t count(size_t elem);  // a length that the rest of the message can hold
  std::string str();
  std::vector<double> f64s();
  std::vector<int> ints();
  std::vector<int64_t> i64s();
  std::vector<std::string> strs();
};

// Runs `body` (the HDF5 part of a reader) in a forked child process and returns
// what it returned. An InputError thrown by `body` is rethrown here with its
// message; a child that dies on a signal or runs past `timeout_ms` becomes an
// InputError "PATH: found a file the HDF5 library crashed on (signal 11, ...),
// expected WHAT". A missing file or a directory is an InputError before any
// fork. The calling process never calls HDF5. (POSIX only.)
std::string run_in_child(const std::string& path, const std::string& what, int timeout_ms,
                         const std::function<std::string()>& body);

}  // namespace sf::import::h5
