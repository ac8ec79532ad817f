// spikeforge quantize FLOAT.json -o NET.json: the integer network, and with
// --calib the float-vs-integer precision report (gen/quantize/quantize.h).
#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.h"
#include "float_json.h"
#include "ir/error.h"
#include "ir/json_reader.h"
#include "quantize/akida.h"
#include "quantize/quantize.h"
#include "util/files.h"

namespace sf::app {

namespace {

struct QuantizeArgs {
  std::string net, out, calib, report;
  int weight_bits = 0;  // 0: the target's default
  bool per_channel = false;
  int leak_frac = 16;
  std::string target = "ir";
  int timesteps = 0;
};

int run(const QuantizeArgs& a) {
  namespace nf = ref::nir_float;
  nf::FloatNetwork fnet;
  try {
    fnet = nf::from_json(read_json_file(a.net));
  } catch (const std::invalid_argument& e) {
    throw InputError(a.net + ": " + e.what());
  }
  if (fnet.source.empty()) fnet.source = a.net;
  quant::QuantizeOptions qo;
  qo.weight_bits = a.weight_bits > 0 ? a.weight_bits : 8;
  qo.per_channel = a.per_channel;
  qo.leak_frac = a.leak_frac;
  std::vector<Raster> samples;
  if (!a.calib.empty()) {
    samples = load_rasters(a.calib, nullptr);
    qo.timesteps = samples.front().timesteps;
    for (const Raster& r : samples) qo.timesteps = std::max(qo.timesteps, r.timesteps);
  }
  if (a.timesteps > 0) qo.timesteps = a.timesteps;
  quant::QuantizeResult q;
  const bool akida = a.target == "akida" || a.target == "akida2";
  if (akida) {
    quant::AkidaOptions ao;
    ao.generation = a.target == "akida2" ? quant::AkidaGeneration::V2 : quant::AkidaGeneration::V1;
    ao.weight_bits = a.weight_bits > 0 ? a.weight_bits : (ao.generation == quant::AkidaGeneration::V2 ? 8 : 4);
    ao.per_channel = a.per_channel;
    q = quant::quantize_akida(fnet, fnet.name, ao);
  } else {
    q = quant::quantize(fnet, fnet.name, qo);
  }
  std::vector<quant::SampleAgreement> agreement;
  for (const Raster& r : samples) {
    if (r.size != q.net.input_size)
      throw InputError(a.calib + ": raster size " + std::to_string(r.size) + ", expected the network's " +
                       std::to_string(q.net.input_size) + " inputs");
    for (const InputEvent& e : r.events)
      if (e.payload != 1)
        throw InputError(a.calib + ": event (t=" + std::to_string(e.t) + ", i=" + std::to_string(e.index) +
                         "): payload " + std::to_string(e.payload) + ", expected binary spikes (1)");
    agreement.push_back(quant::compare(fnet, q, r));
  }
  const std::string report = a.report.empty() ? "" : quant::report_json(fnet, q, qo, agreement);
  {
    // both files or neither: the network is staged and moved into place last
    StagedFile out(a.out);
    save_network(q.net, out.tmp_path());
    if (!report.empty()) write_file_atomic(a.report, report);
    out.commit();
  }
  std::cout << "quantized " << a.net << " -> " << a.out << ": " << q.net.input_size << " inputs";
  for (const Layer& l : q.net.layers) std::cout << " -> " << l.n_out;
  std::cout << ", " << q.net.layers.front().weight_bits << "-bit weights, "
            << (a.target == "akida"    ? std::string("akida (Akida 1.0) layers")
                : a.target == "akida2" ? std::string("akida2 (Akida 2.0) layers")
                                       : "state proved for " + std::to_string(qo.timesteps) + " timesteps")
            << "\n" << quant::report_text(q, agreement);
  if (!report.empty()) std::cout << "precision report: " << a.report << "\n";
  return 0;
}

}  // namespace

Command register_quantize(CLI::App& app) {
  auto a = std::make_shared<QuantizeArgs>();
  auto* c = app.add_subcommand("quantize", "float network (from import of a .nir) -> integer network JSON");
  c->add_option("network", a->net, "float network JSON (spikeforge-float-network)")->required();
  c->add_option("-o,--out", a->out, "integer network JSON to write")->required();
  c->add_option("--weight-bits", a->weight_bits,
                "signed weight bits B (ir: 2..16, default 8; akida: 2 or 4, default 4)");
  c->add_flag("--per-channel", a->per_channel, "one scale per output neuron (refused: see docs/quantize.md)");
  c->add_option("--leak-frac", a->leak_frac, "fraction bits of a multiplicative leak (default 16)");
  c->add_option("--calib", a->calib, "raster: compare float and integer spikes on it (precision report)");
  c->add_option("--report", a->report, "write the precision report (JSON) here");
  c->add_option("--target", a->target, "ir (if/lif layers, default) | akida (Akida 1.0 layers) | akida2")
      ->check(CLI::IsMember({"ir", "akida", "akida2"}));
  c->add_option("--timesteps", a->timesteps, "runs the state width must hold (default: the raster's, else 1000)");
  return {c, [a] { return run(*a); }};
}

}  // namespace sf::app
