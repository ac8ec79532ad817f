// Golden vs RTL on random networks: each seed becomes a network and a raster,
// co-simulated by `spikeforge sim`. Any mismatch fails with the seed, so the
// case can be replayed: cosim_random --spikeforge BIN --first SEED --count 1 --keep DIR.
// --backend verilator|systemc|hls picks the simulator `spikeforge sim` holds to
// the golden model (default verilator); --model loihi2 / akida / akida2 draws
// networks of that model; --conv 1 draws conv2d / sumpool2d networks of it.
// With --lint VERILATOR it only generates each network's RTL and lints it with
// `verilator --lint-only -Wall` (every random parameter set must be clean).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ir/events.h"
#include "random_net.h"
#include "util/files.h"
#include "util/process.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string spikeforge, keep, verilator, backend = "verilator", model = "iflif";
  bool conv = false;
  uint64_t first = 0, count = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--spikeforge") spikeforge = argv[i + 1];
    else if (a == "--first") first = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--count") count = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--keep") keep = argv[i + 1];
    else if (a == "--lint") verilator = argv[i + 1];
    else if (a == "--backend") backend = argv[i + 1];
    else if (a == "--model") model = argv[i + 1];
    else if (a == "--conv") conv = std::string(argv[i + 1]) == "1";
  }
  if (model != "iflif" && model != "loihi2" && model != "akida" && model != "akida2") {
    std::fprintf(stderr, "cosim_random: --model %s: expected iflif, loihi2, akida or akida2\n", model.c_str());
    return 2;
  }
  if (spikeforge.empty()) {
    std::fprintf(stderr, "usage: cosim_random --spikeforge BIN [--first S] [--count N] [--keep DIR] [--lint VERILATOR] [--backend B] [--model iflif|loihi2|akida|akida2]\n");
    return 2;
  }
  const fs::path base = keep.empty() ? fs::temp_directory_path() / ("sf-random-" + model + "-" + std::to_string(first))
                                     : fs::path(keep);
  int failed = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    sf::test::RandomNet rn = conv                ? sf::test::random_conv_net(seed, model)
                             : model == "loihi2" ? sf::test::random_loihi2_net(seed)
                             : model == "akida"  ? sf::test::random_akida_net(seed)
                             : model == "akida2" ? sf::test::random_akida2_net(seed)
                                                 : sf::test::random_net(seed);
    const fs::path dir = base / ("seed" + std::to_string(seed));
    fs::create_directories(dir);
    const std::string net = (dir / "net.json").string(), in = (dir / "in.json").string();
    sf::save_network(rn.net, net);
    sf::save_rasters({rn.raster}, in);
    const std::string log = (dir / "sim.log").string();
    sf::ProcessResult r;
    if (verilator.empty()) {
      std::vector<std::string> argv = {spikeforge, "sim", net, "--input", in, "--backend", backend,
                                       "--work", (dir / "work").string()};
      if (backend != "hls") argv.insert(argv.end(), {"--waves", (dir / "fail.fst").string()});
      r = sf::run_process(argv, log, "", 900);
    } else {
      const std::string rtl = (dir / "rtl").string();
      r = sf::run_process({spikeforge, "gen", net, "-o", rtl}, log, "", 120);
      if (r.exit_code == 0)
        r = sf::run_process({verilator, "--lint-only", "-Wall", "-f", rtl + "/files.f", "--top-module", "sf_top"},
                            (dir / "lint.log").string(), "", 120);
      if (r.exit_code != 0) fs::copy_file(dir / "lint.log", log, fs::copy_options::overwrite_existing);
    }
    std::string layers;
    for (const auto& l : rn.net.layers)
      layers += " " + std::to_string(l.n_out) + "(" +
                (l.is_conv() ? std::string(l.type == sf::LayerType::SumPool2d ? "pool" : "conv") + " k" +
                                   std::to_string(l.conv.kh) + "x" + std::to_string(l.conv.kw) + " s" +
                                   std::to_string(l.conv.sh) + " p" + std::to_string(l.conv.ph) + " d" +
                                   std::to_string(l.conv.dh) + " g" + std::to_string(l.conv.groups) + ","
                             : std::string()) +
                sf::to_string(l.neuron.model) + ",P" +
                std::to_string(l.parallel) + (l.weight_pack > 0 ? ",pack" + std::to_string(l.weight_pack) : "") + ")";
    if (r.exit_code == 0) {
      std::printf("seed %llu: pass [%d inputs ->%s, %d steps]\n", static_cast<unsigned long long>(seed),
                  rn.net.input_size, layers.c_str(), rn.net.timesteps);
      if (keep.empty()) fs::remove_all(dir);
    } else {
      ++failed;
      std::printf("seed %llu: FAIL (exit %d), see %s\n", static_cast<unsigned long long>(seed), r.exit_code,
                  log.c_str());
      const std::string text = sf::read_text_file(log);
      std::printf("%s\n", text.substr(text.size() > 3000 ? text.size() - 3000 : 0).c_str());
    }
  }
  std::printf("%llu passed, %d failed\n", static_cast<unsigned long long>(count - failed), failed);
  return failed == 0 ? 0 : 1;
}
