// Tests for the lava-dl netx `.net` reader (gen/import/netx_reader.h):
// the three corpus files, bad files built here with the HDF5 C API (copies of
// oxford/network.net edited in place), and a seeded fuzz loop.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <iostream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "import/netx_reader.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using sf::import::NetxLayer;
using sf::import::NetxModel;
using sf::import::read_netx;
using sf::import::unsupported_reason;

namespace {

const std::string kCorpus = NETX_CORPUS_DIR;
const std::string kConformance = NETX_CONFORMANCE_DIR;

// A missing corpus must fail (not skip) the tests: they are the evidence that
// the reader handles real lava-dl files.
#define REQUIRE_CORPUS()                                                                 \
  ASSERT_TRUE(fs::is_directory(kCorpus))                                                 \
      << "netx corpus folder missing: " << kCorpus                                       \
      << " (expected the vendored tests/data/third_party/netx-corpus, see its README.md)"

std::string oxford() { return kCorpus + "/oxford/network.net"; }
std::string mnist() { return kCorpus + "/mnist/trained_mnist_network.net"; }
std::string tiny() { return kCorpus + "/tiny/tiny.net"; }

std::vector<char> slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& p, const std::vector<char>& bytes, size_t n) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(std::min(n, bytes.size())));
  if (!out) throw std::runtime_error("cannot write " + p);
}

// A fresh folder under the system temp folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("netx_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// Edits a copy of a .net file with the HDF5 C API, to build the bad fixtures.
// Any HDF5 failure here is a broken test, reported as an exception.
class H5Edit {
 public:
  explicit H5Edit(const std::string& path) : f_(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {
    if (f_ < 0) throw std::runtime_error("fixture: cannot open " + path);
  }
  ~H5Edit() { H5Fclose(f_); }
  H5Edit(const H5Edit&) = delete;
  H5Edit& operator=(const H5Edit&) = delete;

  void remove(const std::string& name) {
    if (H5Ldelete(f_, name.c_str(), H5P_DEFAULT) < 0) throw std::runtime_error("fixture: delete " + name);
  }
  void remove_if_there(const std::string& name) {
    if (H5Lexists(f_, name.c_str(), H5P_DEFAULT) > 0) remove(name);
  }
  void floats(const std::string& name, const std::vector<hsize_t>& dims, float value) {
    remove_if_there(name);
    hsize_t n = 1;
    for (hsize_t d : dims) n *= d;
    std::vector<float> data(n, value);
    write(name, dims, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, data.data());
  }
  void int64(const std::string& name, long long v) {
    remove_if_there(name);
    write(name, {}, H5T_STD_I64LE, H5T_NATIVE_LLONG, &v);
  }
  // A fixed-length string of shape (1,), as h5py writes layer/i/type.
  void string(const std::string& name, const std::string& s) {
    remove_if_there(name);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, s.size());
    std::vector<char> buf(s.begin(), s.end());
    write(name, {1}, t, t, buf.data());
    H5Tclose(t);
  }
  void group(const std::string& name) {
    remove_if_there(name);
    hid_t g = H5Gcreate2(f_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) throw std::runtime_error("fixture: group " + name);
    H5Gclose(g);
  }

 private:
  void write(const std::string& name, const std::vector<hsize_t>& dims, hid_t ftype, hid_t mtype,
             const void* data) {
    hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                               : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    hid_t ds = H5Dcreate2(f_, name.c_str(), ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const bool ok = ds >= 0 && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (ds >= 0) H5Dclose(ds);
    H5Sclose(space);
    if (!ok) throw std::runtime_error("fixture: write " + name);
  }
  hid_t f_;
};

// A writable copy of oxford/network.net (the corpus file itself is read-only).
std::string oxford_copy(const TempDir& dir, const std::string& name) {
  const std::string p = dir.file(name);
  const auto bytes = slurp(oxford());
  spit(p, bytes, bytes.size());
  return p;
}

// read_netx must throw sf::InputError whose message starts with the path and
// holds every one of `parts`, and nothing may reach stderr (no HDF5 stack).
void expect_input_error(const std::string& path, const std::vector<std::string>& parts) {
  testing::internal::CaptureStderr();
  std::string msg, other;
  bool input_error = false;
  try {
    read_netx(path);
  } catch (const sf::InputError& e) {
    input_error = true;
    msg = e.what();
  } catch (const std::exception& e) {
    other = std::string("other exception: ") + e.what();
  } catch (...) {
    other = "non-std exception";
  }
  const std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(input_error) << path << ": no InputError; " << (other.empty() ? "no exception" : other);
  EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << msg;
  for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  EXPECT_EQ(err, "") << "stderr got output (HDF5 error stack?)";
}

// ---------------------------------------------------------------- corpus

TEST(NetxCorpus, OxfordTwoDenseCubaLayers) {
  REQUIRE_CORPUS();
  const NetxModel m = read_netx(oxford());
  ASSERT_EQ(m.layers.size(), 2u);
  const int in[] = {200, 256}, out[] = {256, 200};
  const double v_decay[] = {415, 409};
  for (size_t i = 0; i < 2; ++i) {
    const NetxLayer& L = m.layers[i];
    SCOPED_TRACE(L.name);
    EXPECT_EQ(L.name, "layer/" + std::to_string(i));
    EXPECT_EQ(L.type, "dense");
    EXPECT_EQ(L.neuron_type, "CUBA");
    EXPECT_TRUE(L.has_neuron);
    EXPECT_EQ(L.n_in, in[i]);
    EXPECT_EQ(L.n_out, out[i]);
    EXPECT_EQ(L.shape, std::vector<int>{out[i]});
    EXPECT_EQ(L.weight_dims, (std::vector<int>{out[i], in[i]}));
    EXPECT_EQ(L.weights.size(), static_cast<size_t>(in[i] * out[i]));
    EXPECT_TRUE(L.bias.empty());
    EXPECT_FALSE(L.has_delay);
    EXPECT_EQ(L.i_decay, 4096);
    EXPECT_EQ(L.v_decay, v_decay[i]);
    EXPECT_EQ(L.v_th_mant, 6);
    EXPECT_EQ(L.ref_delay, 1);
    EXPECT_TRUE(std::isnan(L.w_exp));
    EXPECT_TRUE(L.has_graded_spike);
    EXPECT_FALSE(L.graded_spike);
    // slayer's quantize_8bit exports even integers in [-256, 254] (notes §5).
    for (double w : L.weights) {
      ASSERT_TRUE(w == std::floor(w) && std::fmod(w, 2) == 0 && w >= -256 && w <= 254) << w;
    }
  }
  EXPECT_TRUE(std::isnan(m.sim_ts));
  EXPECT_EQ(unsupported_reason(m), "");
}

TEST(NetxCorpus, OxfordLayer0MatchesConformanceWeights) {
  REQUIRE_CORPUS();
  const std::string json_path = kConformance + "/loihi2-dense/layer.json";
  std::ifstream in(json_path);
  ASSERT_TRUE(in) << "conformance file missing: " << json_path;
  const auto j = nlohmann::json::parse(in);
  const auto& w = j.at("weights_out_by_in");
  const NetxLayer L = read_netx(oxford()).layers.at(0);
  ASSERT_EQ(w.size(), static_cast<size_t>(L.n_out));
  size_t k = 0;
  for (size_t o = 0; o < w.size(); ++o) {
    ASSERT_EQ(w[o].size(), static_cast<size_t>(L.n_in)) << "row " << o;
    for (size_t i = 0; i < w[o].size(); ++i, ++k) {
      ASSERT_EQ(L.weights[k], w[o][i].get<double>()) << "weight [" << o << "][" << i << "]";
    }
  }
  EXPECT_EQ(k, L.weights.size());
}

TEST(NetxCorpus, MnistThreeDenseCubaLayers) {
  REQUIRE_CORPUS();
  const NetxModel m = read_netx(mnist());
  ASSERT_EQ(m.layers.size(), 3u);
  const int sizes[] = {784, 128, 64, 10};
  size_t weights = 0;
  for (size_t i = 0; i < 3; ++i) {
    const NetxLayer& L = m.layers[i];
    SCOPED_TRACE(L.name);
    EXPECT_EQ(L.type, "dense");
    EXPECT_EQ(L.neuron_type, "CUBA");
    EXPECT_EQ(L.n_in, sizes[i]);
    EXPECT_EQ(L.n_out, sizes[i + 1]);
    EXPECT_EQ(L.i_decay, 410);
    EXPECT_EQ(L.v_decay, 410);
    EXPECT_EQ(L.v_th_mant, 64);
    EXPECT_FALSE(L.graded_spike);
    weights += L.weights.size();
  }
  EXPECT_EQ(weights, 784u * 128 + 128 * 64 + 64 * 10);  // 109184, "~109 k"
  EXPECT_EQ(unsupported_reason(m), "");
}

TEST(NetxCorpus, TinyReadsAndIsRejectedForConvAndLoihi) {
  REQUIRE_CORPUS();
  const NetxModel m = read_netx(tiny());
  ASSERT_EQ(m.layers.size(), 3u);
  EXPECT_EQ(m.sim_ts, 1);
  EXPECT_EQ(m.sim_t_sample, 64);

  const NetxLayer& in = m.layers[0];
  EXPECT_EQ(in.type, "input");
  EXPECT_EQ(in.shape, (std::vector<int>{3, 16, 16}));
  EXPECT_EQ(in.weights, std::vector<double>{36});
  EXPECT_EQ(in.bias, std::vector<double>{34});

  const NetxLayer& c1 = m.layers[1];
  EXPECT_EQ(c1.type, "conv");
  EXPECT_EQ(c1.neuron_type, "LOIHI");
  EXPECT_EQ(c1.shape, (std::vector<int>{24, 6, 6}));
  EXPECT_EQ(c1.weight_dims, (std::vector<int>{24, 3, 5, 5, 1}));
  EXPECT_EQ(c1.bias.size(), 24u);
  EXPECT_EQ(c1.params.at("kernelSize"), (std::vector<double>{5, 5}));
  EXPECT_EQ(c1.params.at("stride"), (std::vector<double>{2, 2}));
  EXPECT_EQ(c1.params.at("inChannels"), std::vector<double>{3});
  EXPECT_EQ(c1.params.at("outChannels"), std::vector<double>{24});
  EXPECT_EQ(c1.i_decay, 4096);
  EXPECT_EQ(c1.v_decay, 1024);
  EXPECT_EQ(c1.v_th_mant, 25);
  EXPECT_EQ(c1.w_exp, 0);
  EXPECT_FALSE(c1.has_graded_spike);
  EXPECT_EQ(c1.neuron_params.at("theta"), 1600);
  EXPECT_EQ(c1.neuron_params.at("tauRho"), 0.5);
  EXPECT_EQ(m.layers[2].weight_dims, (std::vector<int>{36, 24, 5, 5, 1}));

  // a leading input layer, conv layers and LOIHI neurons (netx maps them as
  // CUBA) are all inside the subset; the import decides about the input layer
  EXPECT_EQ(unsupported_reason(m), "");
  NetxModel moved = m;
  std::swap(moved.layers[0], moved.layers[1]);
  EXPECT_NE(unsupported_reason(moved).find("an input layer must be the first layer"), std::string::npos);
  NetxModel pool = m;
  pool.layers[2].type = "pool";
  EXPECT_NE(unsupported_reason(pool).find("not supported: layer/2 (type pool, neuron LOIHI): pool layers are out of scope"),
            std::string::npos)
      << unsupported_reason(pool);
}

// read_netx leaves the caller's HDF5 error printing as it was (HDF5 runs in a
// child process with printing off).
TEST(NetxCorpus, RestoresHdf5ErrorPrinting) {
  REQUIRE_CORPUS();
  H5E_auto2_t before = nullptr, after = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &before, &data);
  EXPECT_THROW(read_netx(kCorpus + "/README.md"), sf::InputError);
  H5Eget_auto2(H5E_DEFAULT, &after, &data);
  EXPECT_EQ(before, after);
  EXPECT_NE(after, nullptr);
}

// ---------------------------------------------------------------- unsupported subset

TEST(NetxSupport, NamesEachReason) {
  REQUIRE_CORPUS();
  const NetxModel base = read_netx(oxford());
  auto reason = [&](auto edit) {
    NetxModel m = base;
    edit(m);
    return unsupported_reason(m);
  };
  auto has = [](const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
  };
  std::string r = reason([](NetxModel& m) { m.layers[1].graded_spike = true; });
  EXPECT_TRUE(has(r, "not supported: layer/1 (type dense, neuron CUBA): gradedSpike is true")) << r;
  EXPECT_FALSE(has(r, "layer/0")) << r;
  r = reason([](NetxModel& m) { m.layers[0].neuron_type = "SDNN"; });
  EXPECT_TRUE(has(r, "layer/0 (type dense, neuron SDNN): neuron type SDNN is out of scope")) << r;
  r = reason([](NetxModel& m) { m.layers[0].message_bits = 16; });
  EXPECT_TRUE(has(r, "messageBits 16")) << r;
  r = reason([](NetxModel& m) { m.layers[0].has_neuron = false; m.layers[0].neuron_type.clear(); });
  EXPECT_TRUE(has(r, "layer/0 (type dense, neuron none): no neuron group")) << r;
  r = reason([](NetxModel& m) { m.layers[0].weights[7] = 0.5; });
  EXPECT_TRUE(has(r, "weight 7 is 0.5, not an integer")) << r;
  r = reason([](NetxModel& m) { m.layers[1].n_in = 255; });
  EXPECT_TRUE(has(r, "inFeatures 255 differs from layer/0's outFeatures 256")) << r;
  r = reason([](NetxModel& m) { m.layers[0].has_delay = true; });
  EXPECT_TRUE(has(r, "synaptic delays")) << r;
  r = reason([](NetxModel& m) { m.layers[0].ref_delay = 2; });
  EXPECT_TRUE(has(r, "refDelay 2")) << r;
  r = reason([](NetxModel& m) { m.layers[0].v_decay = 5000; });
  EXPECT_TRUE(has(r, "vDecay 5000 is not an integer in 0..4096")) << r;
  r = reason([](NetxModel& m) { m.layers.clear(); });
  EXPECT_EQ(r, "not supported: the model has no layers");
}

// ---------------------------------------------------------------- bad files

TEST(NetxBadFile, Missing) {
  TempDir dir;
  expect_input_error(dir.file("nope.net"), {"found no such file", "expected a lava-dl netx .net"});
}

TEST(NetxBadFile, Directory) {
  TempDir dir;
  expect_input_error(dir.file(""), {"found a directory"});
}

TEST(NetxBadFile, NotHdf5) {
  TempDir dir;
  const std::string p = dir.file("text.net");
  const std::string text = "this is not an HDF5 file\n";
  spit(p, std::vector<char>(text.begin(), text.end()), text.size());
  expect_input_error(p, {"found a file HDF5 cannot open", "signature", "expected a lava-dl netx .net"});
  spit(dir.file("empty.net"), {}, 0);
  expect_input_error(dir.file("empty.net"), {"found a file HDF5 cannot open"});
}

TEST(NetxBadFile, Truncated) {
  REQUIRE_CORPUS();
  TempDir dir;
  const auto bytes = slurp(oxford());
  for (size_t n : {size_t{8}, size_t{100}, size_t{2048}, bytes.size() / 2, bytes.size() - 1}) {
    SCOPED_TRACE(n);
    const std::string p = dir.file("cut" + std::to_string(n) + ".net");
    spit(p, bytes, n);
    expect_input_error(p, {"found a file HDF5 cannot open", "expected a lava-dl netx .net"});
  }
}

TEST(NetxBadFile, MissingWeight) {
  REQUIRE_CORPUS();
  TempDir dir;
  const std::string p = oxford_copy(dir, "noweight.net");
  H5Edit(p).remove("layer/0/weight");
  expect_input_error(p, {"layer/0: weight: found nothing, expected a dataset [256, 200]"});
}

TEST(NetxBadFile, MissingFields) {
  REQUIRE_CORPUS();
  TempDir dir;
  struct Case {
    const char* link;
    const char* message;
  } cases[] = {
      {"layer/1/inFeatures", "layer/1: inFeatures: found nothing, expected a dataset"},
      {"layer/0/type", "layer/0: type: found nothing, expected a dataset"},
      {"layer/0/shape", "layer/0: shape: found nothing"},
      {"layer/1/neuron/iDecay", "layer/1: neuron/iDecay: found nothing, expected a dataset"},
      {"layer/1/neuron/type", "layer/1: neuron/type: found nothing"},
      {"layer", "layer: found nothing, expected a group"},
      {"layer/0", "layer: found members {1}, expected layer/0 .. layer/0"},
  };
  int i = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.link);
    const std::string p = oxford_copy(dir, "missing" + std::to_string(i++) + ".net");
    H5Edit(p).remove(c.link);
    expect_input_error(p, {c.message});
  }
}

TEST(NetxBadFile, WeightOfWrongShape) {
  REQUIRE_CORPUS();
  TempDir dir;
  std::string p = oxford_copy(dir, "shape2.net");
  H5Edit(p).floats("layer/1/weight", {200, 255}, 2.0f);
  expect_input_error(p, {"layer/1: weight: found [200, 255], expected [200, 256] (outFeatures x inFeatures)"});
  p = oxford_copy(dir, "shape3.net");
  H5Edit(p).floats("layer/0/weight", {256, 200, 1}, 2.0f);
  expect_input_error(p, {"layer/0: weight: found [256, 200, 1], expected [256, 200]"});
  p = oxford_copy(dir, "bias.net");
  H5Edit(p).floats("layer/0/bias", {255}, 1.0f);
  expect_input_error(p, {"layer/0: bias: found 255 values, expected 256 (outFeatures)"});
  p = oxford_copy(dir, "shapeprod.net");
  H5Edit(p).int64("layer/0/shape", 255);
  expect_input_error(p, {"layer/0: shape: found product 255, expected 256 (outFeatures)"});
}

TEST(NetxBadFile, WrongTypes) {
  REQUIRE_CORPUS();
  TempDir dir;
  std::string p = oxford_copy(dir, "str_vth.net");
  H5Edit(p).string("layer/0/neuron/vThMant", "six");
  expect_input_error(p, {"layer/0: neuron/vThMant: found string [1], expected a number"});
  p = oxford_copy(dir, "str_weight.net");
  H5Edit(p).string("layer/1/weight", "weights");
  expect_input_error(p, {"layer/1: weight: found string [1], expected a number"});
  p = oxford_copy(dir, "int_type.net");
  H5Edit(p).int64("layer/0/type", 3);
  expect_input_error(p, {"layer/0: type: found int64 scalar, expected a string"});
  p = oxford_copy(dir, "float_in.net");
  H5Edit(p).floats("layer/0/inFeatures", {}, 200.5f);
  expect_input_error(p, {"layer/0: inFeatures: found 200.5, expected an integer >= 1"});
  p = oxford_copy(dir, "str_graded.net");
  H5Edit(p).string("layer/0/neuron/gradedSpike", "no");
  expect_input_error(p, {"layer/0: neuron/gradedSpike: found string [1], expected a boolean"});
  p = oxford_copy(dir, "complex.net");
  {
    H5Edit e(p);
    e.group("layer/0/weight");
    e.floats("layer/0/weight/real", {256, 200}, 0.0f);
  }
  expect_input_error(p, {"layer/0: weight: found a group (complex weight/real, weight/imag)"});
  p = oxford_copy(dir, "neuron_ds.net");
  H5Edit(p).int64("layer/1/neuron", 1);
  expect_input_error(p, {"layer/1: neuron: found a dataset, expected a group"});
}

TEST(NetxBadFile, UnknownLayerType) {
  REQUIRE_CORPUS();
  TempDir dir;
  const std::string p = oxford_copy(dir, "spiral.net");
  H5Edit(p).string("layer/1/type", "spiral");
  expect_input_error(p, {"layer/1: type: found 'spiral', expected a netx layer type (", "dense"});
}

// ---------------------------------------------------------------- fuzz

// 200 seeded corruptions of oxford/network.net: byte flips anywhere, byte flips
// outside the two weight blocks (i.e. in HDF5 metadata: superblock, object
// headers, B-trees, heaps), and truncations. Each must read or throw
// InputError; any other exception is a failure, a crash or hang kills the test.
TEST(NetxFuzz, CorruptedOxfordReadsOrThrowsInputError) {
  REQUIRE_CORPUS();
  const auto original = slurp(oxford());
  // Where the weights lie, to aim flips at everything else.
  std::vector<std::pair<haddr_t, hsize_t>> data_blocks;
  {
    hid_t f = H5Fopen(oxford().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    for (const char* name : {"layer/0/weight", "layer/1/weight"}) {
      hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
      ASSERT_GE(ds, 0);
      data_blocks.emplace_back(H5Dget_offset(ds), H5Dget_storage_size(ds));
      H5Dclose(ds);
    }
    H5Fclose(f);
  }
  std::vector<size_t> meta;  // byte positions outside the weight blocks
  for (size_t i = 0; i < original.size(); ++i) {
    bool in_data = false;
    for (const auto& [off, len] : data_blocks) in_data |= i >= off && i < off + len;
    if (!in_data) meta.push_back(i);
  }
  ASSERT_GT(meta.size(), 1000u);
  ASSERT_LT(meta.size(), original.size() / 2);

  TempDir dir;
  int read_ok = 0, input_errors = 0, hdf5_crashes = 0;
  std::vector<std::string> failures;
  testing::internal::CaptureStderr();
  for (int seed = 0; seed < 200; ++seed) {
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::vector<char> bytes = original;
    size_t keep = bytes.size();
    const int mode = seed % 3;
    if (mode == 2) {
      keep = std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng);
    } else {
      const int flips = std::uniform_int_distribution<int>(1, 8)(rng);
      for (int k = 0; k < flips; ++k) {
        const size_t pos = mode == 0 ? std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng)
                                     : meta[std::uniform_int_distribution<size_t>(0, meta.size() - 1)(rng)];
        bytes[pos] = static_cast<char>(bytes[pos] ^ std::uniform_int_distribution<int>(1, 255)(rng));
      }
    }
    const std::string p = dir.file("fuzz" + std::to_string(seed) + ".net");
    spit(p, bytes, keep);
    try {
      const NetxModel m = read_netx(p);
      (void)unsupported_reason(m);
      ++read_ok;
    } catch (const sf::InputError& e) {
      ++input_errors;
      if (std::string(e.what()).find("crashed on") != std::string::npos) ++hdf5_crashes;
      if (std::string(e.what()).rfind(p + ": ", 0) != 0) {
        failures.push_back("seed " + std::to_string(seed) + ": message without path: " + e.what());
      }
    } catch (const std::exception& e) {
      failures.push_back("seed " + std::to_string(seed) + ": " + e.what());
    } catch (...) {
      failures.push_back("seed " + std::to_string(seed) + ": non-std exception");
    }
    fs::remove(p);
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "") << "stderr got output (HDF5 error stack?)";
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_EQ(read_ok + input_errors, 200);
  EXPECT_GT(input_errors, 0);
  std::cout << "fuzz: " << read_ok << " read, " << input_errors << " InputError (of which "
            << hdf5_crashes << " HDF5 crashes contained in the reader's child process)\n";
}

}  // namespace
