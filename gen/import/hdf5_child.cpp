// Shared HDF5 plumbing for netx_reader and nir_reader. See hdf5_child.h.
#include "import/hdf5_child.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <stdexcept>
#include <system_error>

#include <zlib.h>

#include "ir/error.h"

namespace sf::import::h5 {

Hid& Hid::operator=(Hid&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = kNoId;
  }
  return *this;
}

void Hid::reset() {
  if (id_ >= 0 && close_ != nullptr) close_(id_);
  id_ = kNoId;
}

SilenceHdf5::SilenceHdf5() {
  saved_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

SilenceHdf5::~SilenceHdf5() {
  H5Eclear2(H5E_DEFAULT);
  if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

namespace {

herr_t innermost_error(unsigned n, const H5E_error2_t* e, void* data) {
  if (n == 0 && e != nullptr && e->desc != nullptr) *static_cast<std::string*>(data) = e->desc;
  return 0;
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

// The objects of one global heap collection: index -> size. Parsed the way
// HDF5's H5HG__cache_heap_deserialize does; fails on anything HDF5 would
// misread (an object that does not fit, a zero-sized free-space object).
std::map<uint64_t, uint64_t> heap_objects(uint64_t heap, uint64_t userblock, const Ctx& c,
                                          const std::string& field, const std::string& bad,
                                          const std::string& want) {
  std::vector<unsigned char> h;
  if (heap > c.file_size || !read_bytes(c.path, userblock + heap, 16, h) ||
      std::string(h.begin(), h.begin() + 4) != "GCOL" || h[4] != 1) {
    fail(c, field, bad + " (no global heap object there)", want);
  }
  const uint64_t size = le(&h[8], 8);
  if (size < 16 || size > c.file_size || userblock + heap + size > c.file_size ||
      !read_bytes(c.path, userblock + heap, static_cast<size_t>(size), h)) {
    fail(c, field, bad + " (global heap collection size " + std::to_string(size) + ")", want);
  }
  std::map<uint64_t, uint64_t> objects;
  uint64_t p = 16;
  while (p < size) {
    if (p + 16 > size) break;  // HDF5: too small for an object header, free space
    const uint64_t obj_idx = le(&h[p], 2), obj_size = le(&h[p + 8], 8);
    const uint64_t need = obj_idx > 0 ? 16 + ((obj_size + 7) & ~uint64_t{7}) : obj_size;
    if (obj_size > size || need < 16 || need > size - p) {
      fail(c, field, bad + " (global heap object " + std::to_string(obj_idx) + " of size " +
                         std::to_string(obj_size) + " does not fit)", want);
    }
    if (obj_idx > 0) objects[obj_idx] = obj_size;
    p += need;
  }
  return objects;
}

// Checks variable-length string descriptors (16 bytes each: length, global
// heap collection address, object index) against the heap collections they
// point to, reading each collection once.
class DescriptorCheck {
 public:
  DescriptorCheck(const Ctx& c, const std::string& field, uint64_t userblock)
      : c_(c), field_(field), userblock_(userblock) {}

  void check(const unsigned char* p) {
    const uint64_t len = le(p, 4), heap = le(p + 4, 8), idx = le(p + 12, 4);
    if (len == 0 && heap == 0) return;  // an empty (nil) string: no heap access
    if (idx == 0 || idx > 0xffff) fail(c_, field_, kBad + " (no global heap object there)", kWant);
    auto it = heaps_.find(heap);
    if (it == heaps_.end()) {
      it = heaps_.emplace(heap, heap_objects(heap, userblock_, c_, field_, kBad, kWant)).first;
    }
    const auto obj = it->second.find(idx);
    if (obj == it->second.end()) {
      fail(c_, field_, kBad + " (global heap object " + std::to_string(idx) + " missing)", kWant);
    }
    if (obj->second != len) {
      fail(c_, field_, kBad + " (length " + std::to_string(len) + ", heap object " +
                           std::to_string(obj->second) + " bytes)", kWant);
    }
  }
  [[noreturn]] void bad(const std::string& why) const { fail(c_, field_, kBad + " (" + why + ")", kWant); }

  inline static const std::string kBad = "a corrupt variable-length string";
  inline static const std::string kWant = "a variable-length string (8-byte addresses; contiguous, or "
                                          "chunked with deflate, shuffle or fletcher32 filters)";

 private:
  const Ctx& c_;
  const std::string& field_;
  uint64_t userblock_;
  std::map<uint64_t, std::map<uint64_t, uint64_t>> heaps_;  // collection address -> objects
};

// The descriptors of a contiguous dataset lie in the file as they are.
void check_contiguous(hid_t ds, hsize_t count, const Ctx& c, uint64_t userblock, DescriptorCheck& check) {
  const haddr_t off = H5Dget_offset(ds);
  if (off == HADDR_UNDEF) check.bad("no storage");
  if (count > c.file_size / 16) check.bad("more descriptors than the file holds");
  std::vector<unsigned char> d;
  if (!read_bytes(c.path, userblock + off, static_cast<size_t>(16 * count), d)) check.bad("descriptor past the end");
  for (hsize_t i = 0; i < count; ++i) check.check(&d[16 * i]);
}

// Undoes HDF5's shuffle filter for elements of `size` bytes.
std::vector<unsigned char> unshuffle(const std::vector<unsigned char>& in, size_t size) {
  std::vector<unsigned char> out(in);
  const size_t n = in.size() / size;
  for (size_t b = 0; b < size; ++b) {
    for (size_t i = 0; i < n; ++i) out[i * size + b] = in[b * n + i];
  }
  return out;
}

// Chunked storage (gzip-compressed edges): each chunk is read raw, its
// filters undone here (deflate with zlib, shuffle, fletcher32), and the
// descriptors of the elements inside the dataset's extent checked.
void check_chunked(hid_t ds, hid_t dcpl, const Ctx& c, DescriptorCheck& check) {
#if H5_VERSION_GE(1, 10, 5)
  hsize_t cdims[H5S_MAX_RANK];
  const int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, cdims);
  Hid space(H5Dget_space(ds), H5Sclose);
  hsize_t dims[H5S_MAX_RANK];
  if (rank <= 0 || !space.valid() || H5Sget_simple_extent_dims(space.get(), dims, nullptr) != rank) {
    check.bad("unreadable chunk layout");
  }
  hsize_t chunk_elems = 1;
  for (int k = 0; k < rank; ++k) {
    if (cdims[k] == 0 || chunk_elems > kMaxElements / cdims[k]) check.bad("chunks of implausible size");
    chunk_elems *= cdims[k];
  }
  std::vector<H5Z_filter_t> filters;
  for (int i = 0, n = H5Pget_nfilters(dcpl); i < n; ++i) {
    unsigned flags = 0, config = 0, values[8];
    size_t nvalues = 8;
    const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nvalues, values, 0,
                                           nullptr, &config);
    if (id != H5Z_FILTER_DEFLATE && id != H5Z_FILTER_SHUFFLE && id != H5Z_FILTER_FLETCHER32) {
      check.bad("stored with HDF5 filter " + std::to_string(id) + ", which cannot be checked");
    }
    filters.push_back(id);
  }
  hsize_t nchunks = 0;
  if (H5Dget_num_chunks(ds, space.get(), &nchunks) < 0) check.bad("unreadable chunk index (" + hdf5_detail() + ")");
  for (hsize_t ci = 0; ci < nchunks; ++ci) {
    hsize_t offset[H5S_MAX_RANK] = {0};
    unsigned mask = 0;
    haddr_t addr = 0;
    hsize_t size = 0;
    if (H5Dget_chunk_info(ds, space.get(), ci, offset, &mask, &addr, &size) < 0 || size > c.file_size) {
      check.bad("unreadable chunk " + std::to_string(ci));
    }
    std::vector<unsigned char> bytes(static_cast<size_t>(size));
    uint32_t read_mask = 0;
    if (H5Dread_chunk(ds, H5P_DEFAULT, offset, &read_mask, bytes.data()) < 0) {
      check.bad("unreadable chunk " + std::to_string(ci) + " (" + hdf5_detail() + ")");
    }
    const size_t want = static_cast<size_t>(chunk_elems * 16);
    for (size_t j = filters.size(); j-- > 0;) {
      if (read_mask & (1u << j)) continue;  // this filter was skipped for this chunk
      if (filters[j] == H5Z_FILTER_FLETCHER32) {
        if (bytes.size() < 4) check.bad("chunk too short for its checksum");
        bytes.resize(bytes.size() - 4);
      } else if (filters[j] == H5Z_FILTER_SHUFFLE) {
        bytes = unshuffle(bytes, 16);
      } else {
        std::vector<unsigned char> out(want);
        uLongf len = static_cast<uLongf>(want);
        if (::uncompress(out.data(), &len, bytes.data(), static_cast<uLong>(bytes.size())) != Z_OK) {
          check.bad("chunk " + std::to_string(ci) + " does not inflate");
        }
        out.resize(len);
        bytes.swap(out);
      }
    }
    if (bytes.size() != want) check.bad("chunk " + std::to_string(ci) + " of " + std::to_string(bytes.size()) + " bytes");
    for (hsize_t e = 0; e < chunk_elems; ++e) {
      bool inside = true;  // edge chunks reach past the extent
      hsize_t rest = e;
      for (int k = rank - 1; k >= 0; --k) {
        inside = inside && offset[k] + rest % cdims[k] < dims[k];
        rest /= cdims[k];
      }
      if (inside) check.check(&bytes[static_cast<size_t>(16 * e)]);
    }
  }
#else
  (void)ds;
  (void)dcpl;
  (void)c;
  (void)check;
#endif
}

// HDF5 1.10's H5HG_read trusts the variable-length descriptor in the dataset
// and the heap collection it points to: a corrupt index or length makes it
// memcpy out of bounds (the netx fuzz test found this segfault), a
// zero-sized free-space object makes its heap parser loop forever, and a
// corrupt address made it read for seconds. So before HDF5 reads
// variable-length strings we parse the descriptors and the collections
// ourselves (DescriptorCheck). This needs 8-byte addresses and lengths
// (HDF5's default) and contiguous storage (what h5py writes without
// compression), or, with VlenLayouts::kAnyLayout, chunked storage too.
void check_vlen_strings(hid_t ds, hsize_t count, const Ctx& c, const std::string& field,
                        VlenLayouts layouts) {
  Hid dcpl(H5Dget_create_plist(ds), H5Pclose);
  Hid file(H5Iget_file_id(ds), H5Fclose);
  Hid fcpl(file.valid() ? H5Fget_create_plist(file.get()) : kNoId, H5Pclose);
  size_t sizeof_addr = 0, sizeof_size = 0;
  hsize_t userblock = 0;
  if (!dcpl.valid() || !fcpl.valid() || H5Pget_sizes(fcpl.get(), &sizeof_addr, &sizeof_size) < 0 ||
      H5Pget_userblock(fcpl.get(), &userblock) < 0) {
    fail(c, field, "an unreadable dataset (" + hdf5_detail() + ")", DescriptorCheck::kWant);
  }
  const H5D_layout_t layout = H5Pget_layout(dcpl.get());
  const bool checkable =
      sizeof_addr == 8 && sizeof_size == 8 &&
      (layout == H5D_CONTIGUOUS || (layout == H5D_CHUNKED && layouts == VlenLayouts::kAnyLayout));
  if (!checkable) {
    if (layouts == VlenLayouts::kAnyLayout) return;  // compact or other: the child contains the risk
    fail(c, field, "a variable-length string in another storage layout",
         "a variable-length string in contiguous storage with 8-byte addresses");
  }
  if (count == 0) return;
  DescriptorCheck check(c, field, userblock);
  if (layout == H5D_CONTIGUOUS) {
    check_contiguous(ds, count, c, userblock, check);
  } else {
    check_chunked(ds, dcpl.get(), c, check);
  }
}

// Every filter (compression) the dataset was written with must be one this
// HDF5 library can decode; otherwise name it (HDF5's own error would only say
// that its plugin directory has no such plugin).
void check_filters(hid_t dcpl, const Ctx& c, const std::string& field) {
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    size_t nvalues = 8;
    unsigned values[8] = {0};
    char name[64] = {0};
    const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nvalues, values,
                                           sizeof name, name, &config);
    if (id < 0) fail(c, field, "an unreadable filter pipeline (" + hdf5_detail() + ")", "a readable dataset");
    if (H5Zfilter_avail(id) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      fail(c, field, "data stored with HDF5 filter " + std::to_string(id) +
                         (name[0] != '\0' ? " '" + std::string(name) + "'" : std::string()) +
                         ", which this HDF5 library cannot decode",
           "uncompressed or gzip (DEFLATE) data");
    }
  }
}

std::string trim_string(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
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

}  // namespace

std::string hdf5_detail() {
  std::string s;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_error, &s);
  H5Eclear2(H5E_DEFAULT);
  return s.empty() ? "HDF5 error" : "HDF5: " + s;
}

void fail(const Ctx& c, const std::string& field, const std::string& found, const std::string& expected) {
  std::string msg = c.path + ": ";
  if (!c.where.empty()) msg += c.where + ": ";
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

bool is_numeric(const DsInfo& d) { return d.cls == H5T_INTEGER || d.cls == H5T_FLOAT; }

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

Hid open_any(hid_t loc, const std::string& name, const Ctx& c, const std::string& field) {
  Hid obj(H5Oopen(loc, name.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj.valid()) fail(c, field, "an unreadable object (" + hdf5_detail() + ")", "a readable file");
  return obj;
}

bool has_member(hid_t loc, const std::string& name, const Ctx& c, const std::string& field) {
  const htri_t exists = H5Lexists(loc, name.c_str(), H5P_DEFAULT);
  if (exists < 0) fail(c, field, "an unreadable link (" + hdf5_detail() + ")", "a readable file");
  return exists > 0;
}

Hid open_object(hid_t loc, const std::string& name, const Ctx& c, const std::string& field,
                bool want_group, bool required) {
  if (!has_member(loc, name, c, field)) {
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

std::vector<double> read_numbers(hid_t ds, const DsInfo& d, const Ctx& c, const std::string& field) {
  if (!is_numeric(d)) fail(c, field, describe(d), "a number");
  if (d.count > kMaxElements) {
    fail(c, field, describe(d), "at most " + std::to_string(kMaxElements) + " values");
  }
  // Without filters (compression), the data lies in the file as is: a dataset
  // bigger than the file is a corrupt header, not something to allocate. With
  // filters, the stored (compressed) size bounds it: DEFLATE expands at most
  // about 1032 times.
  Hid dcpl(H5Dget_create_plist(ds), H5Pclose);
  const hsize_t bytes = d.count * d.type_size;
  if (dcpl.valid()) {
    check_filters(dcpl.get(), c, field);
    const int nfilters = H5Pget_nfilters(dcpl.get());
    if (nfilters == 0 && c.file_size > 0 && bytes > c.file_size) {
      fail(c, field, describe(d) + " (" + std::to_string(bytes) + " bytes, more than the file's " +
                         std::to_string(c.file_size) + ")",
           "a dataset that fits in the file");
    }
    if (nfilters > 0 && bytes > 4096 && bytes / 1100 > H5Dget_storage_size(ds)) {
      fail(c, field, describe(d) + " (" + std::to_string(bytes) + " bytes from " +
                         std::to_string(H5Dget_storage_size(ds)) + " stored bytes)",
           "a compressed dataset of plausible size");
    }
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
  if (!is_numeric(d)) fail(c, field, describe(d), "a number");
  if (d.count != 1) fail(c, field, describe(d), "a single number");
  return read_numbers(ds, d, c, field)[0];
}

std::vector<std::string> read_strings(hid_t ds, const DsInfo& d, const Ctx& c, const std::string& field,
                                      VlenLayouts layouts) {
  if (d.cls != H5T_STRING) fail(c, field, describe(d), "a string");
  if (d.count > kMaxElements) {
    fail(c, field, describe(d), "at most " + std::to_string(kMaxElements) + " strings");
  }
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
  std::vector<std::string> out;
  if (d.count == 0) return out;
  {
    Hid dcpl(H5Dget_create_plist(ds), H5Pclose);
    if (dcpl.valid()) check_filters(dcpl.get(), c, field);
  }
  const size_t count = static_cast<size_t>(d.count);
  if (vlen > 0) {
    // A variable-length string is a sequence of 1-byte characters. A corrupt
    // datatype message can make the element size huge, and HDF5 then spends
    // minutes converting each string: compare with the canonical type (same
    // character set and padding as the file's).
    {
      Hid canonical(H5Tcopy(H5T_C_S1), H5Tclose);
      const H5T_str_t pad = H5Tget_strpad(ftype.get());
      if (!canonical.valid() || H5Tset_size(canonical.get(), H5T_VARIABLE) < 0 ||
          H5Tset_cset(canonical.get(), cset) < 0 || pad < 0 || H5Tset_strpad(canonical.get(), pad) < 0 ||
          H5Tequal(ftype.get(), canonical.get()) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        fail(c, field, "a variable-length string type with characters of another size (corrupt datatype)",
             "a variable-length string of 1-byte characters");
      }
    }
    check_vlen_strings(ds, d.count, c, field, layouts);
    H5Tset_size(mtype.get(), H5T_VARIABLE);
    std::vector<char*> ptrs(count, nullptr);
    if (H5Dread(ds, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) {
      fail(c, field, "unreadable data (" + hdf5_detail() + ")", "a string");
    }
    out.reserve(count);
    for (char* p : ptrs) out.push_back(trim_string(p != nullptr ? std::string(p) : std::string()));
    Hid space(H5Dget_space(ds), H5Sclose);
    if (space.valid()) {
      H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, ptrs.data());
    } else {
      for (char* p : ptrs) H5free_memory(p);  // HDF5 allocated them
    }
  } else {
    const size_t n = d.type_size;
    if (n == 0 || n > 4096) fail(c, field, "a string of size " + std::to_string(n), "a short string");
    // Read with the file's own padding so that a string filling all n bytes
    // keeps its last byte (a NUL-terminated memory type would drop it).
    const H5T_str_t pad = H5Tget_strpad(ftype.get());
    H5Tset_size(mtype.get(), n);
    if (pad >= 0) H5Tset_strpad(mtype.get(), pad);
    std::vector<char> buf(n * count, '\0');
    if (H5Dread(ds, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) {
      fail(c, field, "unreadable data (" + hdf5_detail() + ")", "a string");
    }
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const char* s = buf.data() + i * n;
      out.push_back(trim_string(std::string(s, strnlen(s, n))));
    }
  }
  return out;
}

std::string read_string(hid_t ds, const Ctx& c, const std::string& field, VlenLayouts layouts) {
  const DsInfo d = inspect(ds, c, field);
  if (d.cls != H5T_STRING) fail(c, field, describe(d), "a string");
  if (d.count != 1) fail(c, field, describe(d), "a single string");
  return read_strings(ds, d, c, field, layouts).at(0);
}

int to_int(double v, const Ctx& c, const std::string& field, int min) {
  if (!std::isfinite(v) || v != std::floor(v) || v < min || v > 2147483647.0) {
    fail(c, field, fmt_number(v), "an integer >= " + std::to_string(min));
  }
  return static_cast<int>(v);
}

// Through H5Lget_name_by_idx rather than H5Literate, whose callback type
// changed between HDF5 1.10 and 1.12.
std::vector<std::string> member_names(hid_t grp, const Ctx& c, const std::string& field,
                                      hsize_t max_members) {
  H5G_info_t info;
  if (H5Gget_info(grp, &info) < 0) fail(c, field, "an unreadable group (" + hdf5_detail() + ")", "a group");
  if (info.nlinks > max_members) {
    fail(c, field, std::to_string(info.nlinks) + " members",
         "at most " + std::to_string(max_members) + " members");
  }
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

Hid open_file(Ctx& c, const std::string& what) {
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.valid()) fail(c, "", "an HDF5 failure (" + hdf5_detail() + ")", what);
  // Closing the file closes anything still open in it.
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
#if H5_VERSION_GE(1, 10, 7)
  // Reading needs no lock; some file systems (and read-only mounts) refuse one.
  H5Pset_file_locking(fapl.get(), false, true);
#endif
  Hid file(H5Fopen(c.path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
  if (!file.valid()) fail(c, "", "a file HDF5 cannot open (" + hdf5_detail() + ")", what);
  if (H5Fget_filesize(file.get(), &c.file_size) < 0) c.file_size = 0;
  return file;
}

// ---- Writer / Reader

void Writer::str(const std::string& s) {
  u64(s.size());
  raw(s.data(), s.size());
}
void Writer::f64s(const std::vector<double>& v) {
  u64(v.size());
  raw(v.data(), v.size() * sizeof(double));
}
void Writer::ints(const std::vector<int>& v) {
  u64(v.size());
  for (int x : v) i64(x);
}
void Writer::i64s(const std::vector<int64_t>& v) {
  u64(v.size());
  raw(v.data(), v.size() * sizeof(int64_t));
}
void Writer::strs(const std::vector<std::string>& v) {
  u64(v.size());
  for (const auto& s : v) str(s);
}

void Reader::raw(void* p, size_t n) {
  if (n > in.size() - pos) throw std::runtime_error("HDF5 reader: short message from child");
  std::memcpy(p, in.data() + pos, n);
  pos += n;
}
size_t Reader::count(size_t elem) {
  const uint64_t n = u64();
  if (n > (in.size() - pos) / elem) throw std::runtime_error("HDF5 reader: bad message from child");
  return static_cast<size_t>(n);
}
std::string Reader::str() {
  std::string s(count(1), '\0');
  raw(s.data(), s.size());
  return s;
}
std::vector<double> Reader::f64s() {
  std::vector<double> v(count(8));
  raw(v.data(), v.size() * 8);
  return v;
}
std::vector<int> Reader::ints() {
  std::vector<int> v(count(8));
  for (int& x : v) x = static_cast<int>(i64());
  return v;
}
std::vector<int64_t> Reader::i64s() {
  std::vector<int64_t> v(count(8));
  raw(v.data(), v.size() * 8);
  return v;
}
std::vector<std::string> Reader::strs() {
  std::vector<std::string> v(count(8));
  for (auto& s : v) s = str();
  return v;
}

// ---- the child process

// HDF5 1.10 is not robust against corrupt metadata: fuzz tests made it
// segfault inside H5Oopen (decoding a damaged datatype message) and inside
// H5HG_read, and its heap parser can loop forever. We cannot validate every
// HDF5 structure ourselves, so the HDF5 part runs in a forked child process:
// the child sends back the result or the InputError message through a pipe,
// and a child that dies or runs past the timeout becomes an InputError here.
std::string run_in_child(const std::string& path, const std::string& what, int timeout_ms,
                         const std::function<std::string()>& body) {
  const Ctx c{path, "", 0};
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) fail(c, "", "no such file", what);
  if (std::filesystem::is_directory(st)) fail(c, "", "a directory", what);

  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("HDF5 reader: pipe failed");
  std::fflush(nullptr);  // do not let the child flush the parent's buffers twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("HDF5 reader: fork failed");
  }
  if (pid == 0) {
    ::close(fds[0]);
    const struct rlimit no_core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // a crash on a bad file leaves no core file
    std::string msg;
    try {
      msg = "M" + body();
    } catch (const InputError& e) {
      msg = std::string("E") + e.what();
    } catch (const std::bad_alloc&) {
      msg = "E" + path + ": found a file that needs more memory than there is, expected " + what;
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
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
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
    const std::string t = timeout_ms % 1000 == 0 ? std::to_string(timeout_ms / 1000) + " s"
                                                 : std::to_string(timeout_ms) + " ms";
    fail(c, "", "a file HDF5 did not finish reading in " + t, what);
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    fail(c, "", "a file the HDF5 library crashed on (signal " + std::to_string(sig) + ", " +
                    ::strsignal(sig) + "; corrupt HDF5 metadata)", what);
  }
  if (msg.empty()) fail(c, "", "a file the reader stopped on without an answer", what);
  if (msg[0] == 'E') throw InputError(msg.substr(1));
  if (msg[0] == 'X') throw std::runtime_error("HDF5 reader: " + msg.substr(1));
  return msg.substr(1);
}

}  // namespace sf::import::h5
