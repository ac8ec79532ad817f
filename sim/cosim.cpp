#include "cosim.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ir/error.h"
#include "run_util.h"
#include "util/files.h"
#include "util/process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace sf::sim {

namespace {

json expect_json(const CosimDesign& design, const Raster& r, const Trace& g,
                 const std::vector<uint64_t>& cycles) {
  json s;
  s["timesteps"] = g.timesteps;
  json in = json::array();
  for (const InputEvent& e : r.events) in.push_back({e.t, e.index, e.payload});
  s["input"] = std::move(in);
  json layers = json::array();
  for (size_t k = 0; k < design.layers.size(); ++k) {
    const LayerTrace& lt = g.layers[k];
    const std::vector<int>& slots = design.layers[k].slots;
    // the order the engine emits a step's events in: its slot order
    std::vector<int> rank;
    if (!slots.empty()) {
      rank.assign(static_cast<size_t>(design.layers[k].n_out), -1);
      for (size_t s = 0; s < slots.size(); ++s)
        if (slots[s] >= 0) rank[static_cast<size_t>(slots[s])] = static_cast<int>(s);
    }
    std::vector<Spike> ordered = lt.spikes;
    if (!rank.empty())
      std::stable_sort(ordered.begin(), ordered.end(), [&](const Spike& a, const Spike& b) {
        return a.t != b.t ? a.t < b.t : rank[static_cast<size_t>(a.neuron)] < rank[static_cast<size_t>(b.neuron)];
      });
    std::vector<std::vector<int>> spikes(static_cast<size_t>(g.timesteps));
    std::vector<std::vector<int64_t>> payloads(static_cast<size_t>(g.timesteps));
    for (const Spike& sp : ordered) {
      spikes[static_cast<size_t>(sp.t)].push_back(sp.neuron);
      payloads[static_cast<size_t>(sp.t)].push_back(sp.payload);
    }
    // the fields of the lane's state word (the design says where they lie)
    json state = json::array();
    for (const CosimStateField& f : design.layers[k].state)
      state.push_back({{"name", f.name}, {"lo", f.lo}, {"bits", f.bits}, {"expect", lt.state.at(f.name)}});
    json layer = {{"name", design.layers[k].name},
                  {"n_out", design.layers[k].n_out},
                  {"P", design.layers[k].P},
                  {"lane_bits", design.layers[k].lane_bits},
                  {"spikes", spikes},
                  {"state", std::move(state)}};
    if (!slots.empty()) layer["slots"] = slots;
    if (design.graded) {  // events carry values; the layers keep no state to read back
      layer["payloads"] = payloads;
      layer["pay_bits"] = design.layers[k].pay_bits;
      layer["pay_signed"] = design.layers[k].pay_signed;
      layer["readback"] = false;
    }
    layers.push_back(std::move(layer));
  }
  s["layers"] = std::move(layers);
  s["cycles"] = cycles;
  return s;
}

}  // namespace

std::string log_tail(const std::string& path, size_t n) {
  std::string s;
  try {
    s = read_text_file(path);
  } catch (const InputError&) {
    return "";
  }
  return s.size() > n ? s.substr(s.size() - n) : s;
}

CosimResult cosimulate(const Network& net, const CosimDesign& design, const std::vector<Raster>& inputs,
                       const std::vector<Trace>& golden, const std::vector<std::vector<uint64_t>>& expected_cycles,
                       const CosimOptions& opt) {
  CosimResult res;
  const std::string work = absolute_path(opt.work_dir);
  const std::string& rtl = design.rtl_dir;

  json expect = {{"samples", json::array()}};
  for (size_t n = 0; n < inputs.size(); ++n)
    expect["samples"].push_back(expect_json(design, inputs[n], golden[n], expected_cycles.at(n)));
  const std::string expect_path = work + "/expect.json";
  write_file_atomic(expect_path, expect.dump());

  // Build: verilator generates and compiles the model together with the harness.
  const std::string obj = work + "/obj";
  const std::string build_log = work + "/verilator_build.log";
  // Both flavours share the checks (sf_check.h); SystemC links Debian's libsystemc.
  std::string cflags = "-std=c++17 -O2 -I" + rtl + " -I" + opt.source_dir + "/sim/harness";
  if (opt.systemc) cflags += " -DSF_SYSTEMC";
  std::vector<std::string> argv = {
      "verilator", opt.systemc ? "--sc" : "--cc", "--exe", "--build", "-j", std::to_string(opt.jobs),
      "--trace-fst", "--top-module", "sf_top", "--prefix", "Vsf_top", "-Mdir", obj, "-o", "sf_harness",
      "-O3", "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal", "-CFLAGS", cflags};
  if (opt.systemc) argv.insert(argv.end(), {"-LDFLAGS", "-lsystemc"});
  for (const std::string& f : design.rtl_files) argv.push_back(f);
  argv.push_back(opt.source_dir + "/sim/harness/" + (opt.systemc ? "sf_sc_harness.cpp" : "sf_harness.cpp"));
  if (std::getenv("OBJCACHE") == nullptr && program_on_path("ccache")) setenv("OBJCACHE", "ccache", 0);
  fs::remove(build_log);  // run_process appends: keep only this build's messages
  auto t0 = std::chrono::steady_clock::now();
  ProcessResult b = run_process(argv, build_log, work, 1800);
  res.build_seconds = seconds_since(t0);
  if (b.not_found)
    throw ToolError("verilator: not found on PATH (install it: apt-get install verilator)");
  if (b.timed_out || b.exit_code != 0)
    throw ToolError("verilator: building the " + std::string(opt.systemc ? "SystemC " : "") +
                    "co-simulation model failed (" + build_log + ")" +
                    (opt.systemc ? " (SystemC comes from Debian: apt-get install libsystemc-dev)" : "") +
                    ":\n" + log_tail(build_log));

  const std::string result_path = work + "/result.json";
  std::vector<std::string> run = {obj + "/sf_harness", "--expect", expect_path, "--result", result_path};
  if (!opt.waves.empty()) run.insert(run.end(), {"--waves", absolute_path(opt.waves)});
  const std::string run_log = work + "/harness.log";
  t0 = std::chrono::steady_clock::now();
  ProcessResult r = run_process(run, run_log, rtl, 3600);
  res.run_seconds = seconds_since(t0);
  if (r.timed_out || (r.exit_code != 0 && r.exit_code != 1))
    throw ToolError("co-simulation harness failed (exit " + std::to_string(r.exit_code) + "): " +
                    run_log + "\n" + log_tail(run_log));
  json result;
  try {
    std::ifstream in(result_path);
    result = json::parse(in);
  } catch (const std::exception& e) {
    throw ToolError("co-simulation harness wrote no readable result (" + result_path + "): " + e.what());
  }
  res.ok = r.exit_code == 0;
  if (!res.ok) res.message = log_tail(run_log, 4000);
  res.total_cycles = result.value("total_cycles", uint64_t{0});
  res.sim_seconds = result.value("sim_seconds", 0.0);
  const auto& samples = result.at("samples");
  for (size_t n = 0; n < samples.size(); ++n) {
    Trace t;
    t.network = net.name;
    t.semantics = golden[n].semantics;
    t.timesteps = golden[n].timesteps;
    t.cycles = samples[n].at("cycles").get<std::vector<uint64_t>>();
    const auto& layers = samples[n].at("layers");
    for (size_t k = 0; k < layers.size(); ++k) {
      LayerTrace lt;
      lt.name = design.layers[k].name;
      lt.graded = design.graded;
      for (const auto& s : layers[k].at("spikes"))
        lt.spikes.push_back({s[0].get<int>(), s[1].get<int>(), design.graded ? s[2].get<int64_t>() : 1});
      // a trace lists events by (t, neuron); the harness has checked the engine's own order
      std::stable_sort(lt.spikes.begin(), lt.spikes.end(),
                       [](const Spike& a, const Spike& b) { return a.t != b.t ? a.t < b.t : a.neuron < b.neuron; });
      for (const auto& [name, rows] : layers[k].at("state").items())
        lt.state[name] = rows.get<std::vector<std::vector<int64_t>>>();
      t.layers.push_back(std::move(lt));
    }
    res.observed.push_back(std::move(t));
  }
  return res;
}

}  // namespace sf::sim
