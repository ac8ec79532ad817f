// Cycle-by-cycle co-simulation of a generated sf_top against the golden model,
// SystemC flavour: the RTL is verilated with --sc into an SC_MODULE, every
// port is bound to an sc_signal, and the SystemC kernel advances time (5 ns per
// clock level). The checks are those of the C++ harness (sf_check.h), so the
// two flavours cannot drift apart. With --waves the whole run is traced (the
// SystemC kernel cannot be restarted for a replay), up to the first mismatch.
#include <memory>

#include <systemc>

#include "Vsf_top.h"
#include "verilated.h"
#include "verilated_fst_sc.h"
// after the SystemC headers: sf_probe.h then knows the port types
#include "sf_check.h"
#include "sf_probes.h"

namespace {

using sf::sim::DutInputs;

class ScDut {
 public:
  explicit ScDut(SfTopSignals& sig) : sig_(sig) {}

  void drive(const DutInputs& in) {
    sig_.rst.write(in.rst);
    sig_.s_evt_valid.write(in.s_valid);
    sig_.s_evt_eot.write(in.s_eot);
    sig_.s_evt_index.write(in.s_index);
    sig_.s_evt_payload.write(in.s_payload);
    sig_.m_evt_ready.write(in.m_ready);
    sig_.dbg_rd_en.write(in.dbg_rd_en);
    sig_.dbg_rd_layer.write(in.dbg_rd_layer);
    sig_.dbg_rd_addr.write(in.dbg_rd_addr);
  }
  void clock(int level) {
    sig_.clk.write(level != 0);
    sc_core::sc_start(5, sc_core::SC_NS);
  }
  bool s_ready() const { return sig_.s_evt_ready.read(); }
  void read_probes(sf::sim::Probe* p) const { sf_read_probes(*top_, p); }
  void load(bool we, uint64_t addr, uint64_t data) { sig_.drive_load(we, addr, data); }
  bool dbg_rd_valid() const { return sig_.dbg_rd_valid.read(); }
  void dbg_rd_data(std::vector<uint32_t>& words) const { sf::sim::copy_bits(sig_.dbg_rd_data.read(), words); }
  void set_top(const Vsf_top* top) { top_ = top; }

 private:
  SfTopSignals& sig_;
  const Vsf_top* top_ = nullptr;
};

}  // namespace

int sc_main(int argc, char** argv) {
  sf::sim::HarnessArgs args;
  if (!args.parse(argc, argv)) return 2;
  sf::sim::json doc, result;
  if (!args.load(doc)) return 2;
  Verilated::commandArgs(argc, argv);
  if (!args.waves.empty()) Verilated::traceEverOn(true);
  Vsf_top top("sf_top");
  SfTopSignals sig;
  sig.bind(top);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate
  std::unique_ptr<VerilatedFstSc> fst;
  if (!args.waves.empty()) {
    fst = std::make_unique<VerilatedFstSc>();
    top.trace(fst.get(), 99);
    fst->open(args.waves.c_str());
  }
  ScDut dut(sig);
  dut.set_top(&top);
  std::string err;
  if (!sf::sim::load_weights(dut, sf_load_table(), kSfLdWordW, err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 2;
  }
  const int status = sf::sim::run_expectations(dut, doc, result,
                                               [&](size_t n, const sf::sim::Mismatch& mm, sf::sim::json& r) {
                                                 if (!fst) return;
                                                 std::printf("waveform: %s (up to cycle %llu of sample %zu)\n",
                                                             args.waves.c_str(),
                                                             static_cast<unsigned long long>(mm.cycle), n);
                                                 r["waves"] = args.waves;
                                               });
  top.final();
  if (fst) fst->close();
  args.write(result);
  return status;
}
