// Cycle-by-cycle co-simulation of a generated sf_top against the golden model,
// Verilator C++ flavour: the harness owns a VerilatedContext and steps the
// clock explicitly. `spikeforge sim` verilates the generated RTL together with
// this file and runs it with an expectation file written by the CLI; the
// checks themselves are in sf_check.h. On a mismatch the failing sample is
// replayed on a traced model so the waveform ends at the failing cycle.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "sf_check.h"
#include "sf_probes.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace {

using sf::sim::DutInputs;

// One verilated design, kept across samples.
class CppDut {
 public:
  explicit CppDut(const std::string& waves = "") : ctx_(std::make_unique<VerilatedContext>()) {
    if (!waves.empty()) ctx_->traceEverOn(true);
    top_ = std::make_unique<Vsf_top>(ctx_.get());
    if (!waves.empty()) {
      fst_ = std::make_unique<VerilatedFstC>();
      top_->trace(fst_.get(), 99);
      fst_->open(waves.c_str());
    }
  }
  ~CppDut() {
    if (fst_) fst_->close();
    top_->final();
  }
  CppDut(const CppDut&) = delete;
  CppDut& operator=(const CppDut&) = delete;

  void drive(const DutInputs& in) {
    top_->rst = in.rst;
    top_->s_evt_valid = in.s_valid;
    top_->s_evt_eot = in.s_eot;
    top_->s_evt_index = in.s_index;
    top_->s_evt_payload = in.s_payload;
    top_->m_evt_ready = in.m_ready;
    top_->dbg_rd_en = in.dbg_rd_en;
    top_->dbg_rd_layer = in.dbg_rd_layer;
    top_->dbg_rd_addr = in.dbg_rd_addr;
  }
  void clock(int level) {
    top_->clk = level;
    top_->eval();
    if (fst_) fst_->dump(sim_time_);
    sim_time_ += 5;
  }
  bool s_ready() const { return top_->s_evt_ready; }
  void read_probes(sf::sim::Probe* p) const { sf_read_probes(*top_, p); }
  void load(bool we, uint64_t addr, uint64_t data) { sf_drive_load(*top_, we, addr, data); }
  bool dbg_rd_valid() const { return top_->dbg_rd_valid; }
  void dbg_rd_data(std::vector<uint32_t>& words) const { sf::sim::copy_bits(top_->dbg_rd_data, words); }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vsf_top> top_;
  std::unique_ptr<VerilatedFstC> fst_;
  uint64_t sim_time_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  sf::sim::HarnessArgs args;
  if (!args.parse(argc, argv)) return 2;
  sf::sim::json doc, result;
  if (!args.load(doc)) return 2;
  CppDut dut;
  std::string err;
  if (!sf::sim::load_weights(dut, sf_load_table(), kSfLdWordW, err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 2;
  }
  const int status = sf::sim::run_expectations(
      dut, doc, result, [&](size_t n, const sf::sim::Mismatch& mm, sf::sim::json& r) {
        if (args.waves.empty()) return;
        // Replay from power-up on a traced model: the earlier samples untraced
        // (their state must not matter, but the replay is exact anyway), then
        // this one up to just after the mismatch.
        CppDut traced(args.waves);
        std::string load_err;
        if (!sf::sim::load_weights(traced, sf_load_table(), kSfLdWordW, load_err)) return;
        sf::sim::Observed again;
        const auto& samples = doc.at("samples");
        for (size_t i = 0; i < n; ++i) sf::sim::run_sample(traced, sf::sim::parse_sample(samples[i]), again, 0);
        sf::sim::run_sample(traced, sf::sim::parse_sample(samples[n]), again, mm.cycle + 2);
        std::printf("waveform: %s (cycles 0..%llu of sample %zu)\n", args.waves.c_str(),
                    static_cast<unsigned long long>(mm.cycle + 2), n);
        r["waves"] = args.waves;
      });
  args.write(result);
  return status;
}
