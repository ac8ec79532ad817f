// spikeforge import MODEL -o NET.json: a lava-dl netx `.net` file becomes a
// `loihi2` network (gen/import/netx_convert.h); a NIR `.nir` graph becomes a
// float network. The output appears whole or not at all.
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "float_json.h"
#include "import/nir_to_float.h"
#include "import/netx_convert.h"
#include "import/netx_reader.h"
#include "ir/error.h"
#include "util/files.h"

namespace fs = std::filesystem;

namespace sf::app {

namespace {

struct ImportArgs {
  std::string model, out;
  bool skip_input = false;  // netx: the file's input layer
  // NIR: the discretization
  double dt = 1e-4;
  std::string method = "euler", reset = "zero", if_input = "euler";
};

// A network name from a file name: letters, digits, '_', '-', '.'.
std::string name_from_path(const std::string& path, const std::string& fallback) {
  std::string name = fs::path(path).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return name.empty() || name.size() > 128 ? fallback : name;
}

// spikeforge import MODEL.nir -o NET.json: the NIR graph and the chosen
// discretization as a float network (reference/nir_float/float_json.h).
int import_nir(const ImportArgs& a) {
  namespace nf = ref::nir_float;
  nf::FloatNetwork fnet;
  fnet.graph = import::load_nir_float(a.model);
  fnet.name = name_from_path(a.model, "nir_model");
  fnet.source = a.model;
  if (!(a.dt > 0) || !std::isfinite(a.dt))
    throw InputError("--dt: found " + std::to_string(a.dt) + ", expected a positive number of seconds");
  fnet.options.dt = a.dt;
  fnet.options.method = a.method == "exact" ? nf::Method::Exact
                        : a.method == "snntorch" ? nf::Method::SnnTorch : nf::Method::Euler;
  fnet.options.reset = a.reset == "subtract" ? nf::ResetMode::Subtract : nf::ResetMode::Zero;
  fnet.options.if_input = a.if_input == "impulse" ? nf::IfInput::Impulse : nf::IfInput::Euler;
  try {
    nf::Simulator check(fnet.graph, fnet.options);  // the options must suit the graph
  } catch (const std::invalid_argument& e) {
    throw InputError(a.model + ": " + e.what());
  }
  write_file_atomic(a.out, nf::to_json(fnet).dump() + "\n");
  size_t neurons = 0;
  for (const nf::FloatNode& n : fnet.graph.nodes()) neurons += nf::has_membrane(n.kind) ? 1 : 0;
  std::cout << "imported " << a.model << " (NIR) -> " << a.out << ": " << fnet.graph.nodes().size()
            << " nodes (" << neurons << " neuron layers), " << fnet.graph.edges().size() << " edges; dt "
            << a.dt << " s, " << nf::method_name(fnet.options.method) << ", reset "
            << nf::reset_name(fnet.options.reset) << " (a float network: `spikeforge quantize` makes it integer)\n";
  return 0;
}

int run(const ImportArgs& a) {
  const std::string ext = fs::path(a.model).extension().string();
  if (ext == ".nir") return import_nir(a);
  const import::NetxModel m = import::read_netx(a.model);
  const std::string name = name_from_path(a.model, "netx_model");
  import::NetxOptions no;
  no.skip_input = a.skip_input;
  const import::NetxImport imp = import::netx_to_network(m, name, no);
  StagedFile out(a.out);
  save_network(imp.net, out.tmp_path());
  out.commit();
  std::cout << "imported " << a.model << " (lava-dl netx) -> " << a.out << ": " << imp.net.input_size
            << " inputs";
  for (const Layer& l : imp.net.layers) std::cout << " -> " << l.n_out;
  std::cout << ", model loihi2\n";
  for (const import::NetxLayerReport& r : imp.layers)
    std::cout << "  " << r.name << " (" << r.kind << "): du " << r.du << ", dv " << r.dv << ", vth " << r.vth << ", weights "
              << r.sign_mode << ", weight_exp " << r.weight_exp
              << (r.kind == "dense" ? ", num_weight_bits " + std::to_string(r.num_weight_bits) : std::string())
              << (r.weights_changed ? ", " + std::to_string(r.weights_changed) +
                                          " weights changed by Lava's clipping/truncation"
                                    : std::string(", weights exact"))
              << "\n";
  return 0;
}

}  // namespace

Command register_import(CLI::App& app) {
  auto a = std::make_shared<ImportArgs>();
  auto* c = app.add_subcommand("import",
                               "lava-dl netx .net model -> network JSON (loihi2); NIR .nir graph -> float network JSON");
  c->add_option("model", a->model, "model file (.net or .nir, HDF5)")->required();
  c->add_option("-o,--out", a->out, "network JSON to write")->required();
  c->add_flag("--skip-input", a->skip_input,
              "netx: start after the file's input layer; the raster holds that layer's spikes, (c, y, x) order");
  c->add_option("--dt", a->dt, "NIR: time step in seconds (default 1e-4)");
  c->add_option("--method", a->method, "NIR: discretization euler (default) | exact | snntorch")
      ->check(CLI::IsMember({"euler", "exact", "snntorch"}));
  c->add_option("--reset", a->reset, "NIR: reset zero (to v_reset, default) | subtract")
      ->check(CLI::IsMember({"zero", "subtract"}));
  c->add_option("--if-input", a->if_input, "NIR: IF input euler (v += dt·r·x, default) | impulse (v += r·x)")
      ->check(CLI::IsMember({"euler", "impulse"}));
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
