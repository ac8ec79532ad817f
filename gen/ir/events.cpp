#include "ir/events.h"

#include <algorithm>
#include <set>

#include "ir/error.h"
#include "ir/json_reader.h"
#include "util/files.h"

namespace sf {

namespace {

constexpr int kVersion = 1;
constexpr int64_t kMaxTimesteps = 1 << 24;
constexpr int64_t kMaxSize = 1 << 20;

void check_header(const JsonCtx& c, const json& doc, const char* format) {
  if (c.get_string(doc, "format") != format)
    c.fail("format", describe(doc.at("format")), std::string("\"") + format + "\"");
  const json& ver = c.require(doc, "version");
  if (!ver.is_number_integer() || ver.get<int64_t>() != kVersion)
    c.fail("version", describe(ver), std::to_string(kVersion) + " (the versions this build reads)");
}

Raster parse_sample(const JsonCtx& c, const json& s, const Network* net) {
  Raster r;
  r.timesteps = static_cast<int>(c.get_int(s, "timesteps", 1, kMaxTimesteps));
  r.size = static_cast<int>(c.get_int(s, "size", 1, kMaxSize));
  if (net && r.size != net->input_size)
    c.fail("size", std::to_string(r.size), std::to_string(net->input_size) + " (the network's input size)");
  if (s.contains("label")) r.label = static_cast<int>(c.get_int(s, "label", 0, kMaxSize));
  const json& ev = c.require(s, "events");
  if (!ev.is_array()) c.fail("events", describe(ev), "an array of [t, i] or [t, i, p]");
  const int64_t pmin = net ? net->payload_min() : INT32_MIN;
  const int64_t pmax = net ? net->payload_max() : INT32_MAX;
  const std::string prange = "an integer in " + std::to_string(pmin) + ".." + std::to_string(pmax) +
                             (net ? " (the network's input payload_bits)" : "");
  r.events.reserve(ev.size());
  for (size_t k = 0; k < ev.size(); ++k) {
    const json& e = ev[k];
    std::string f = "events[" + std::to_string(k) + "]";
    if (!e.is_array() || e.size() < 2 || e.size() > 3)
      c.fail(f, describe(e), "[t, i] or [t, i, p]");
    InputEvent x;
    x.t = static_cast<int>(c.as_int(e[0], f + ".t", 0, r.timesteps - 1));
    x.index = static_cast<int>(c.as_int(e[1], f + ".i", 0, r.size - 1));
    x.payload = e.size() == 3 ? c.as_int(e[2], f + ".p", pmin, pmax, prange) : 1;
    if (e.size() == 2 && pmax < 1) c.fail(f, describe(e), "a payload (binary spikes need payload 1)");
    r.events.push_back(x);
  }
  std::stable_sort(r.events.begin(), r.events.end(), [](const InputEvent& a, const InputEvent& b) {
    return a.t != b.t ? a.t < b.t : a.index < b.index;
  });
  for (size_t k = 1; k < r.events.size(); ++k)
    if (r.events[k].t == r.events[k - 1].t && r.events[k].index == r.events[k - 1].index)
      c.fail("events", "two events for t=" + std::to_string(r.events[k].t) +
                           ", i=" + std::to_string(r.events[k].index),
             "at most one event per (t, i)");
  return r;
}

}  // namespace

std::vector<Raster> load_rasters(const std::string& path, const Network* net) {
  json doc = read_json_file(path);
  JsonCtx c(path, "");
  if (!doc.is_object()) c.fail("document", describe(doc), "a spikeforge-raster object");
  check_header(c, doc, "spikeforge-raster");
  std::vector<Raster> out;
  if (doc.contains("samples")) {
    c.check_object(doc, "", {"format", "version", "samples"});
    const json& s = doc.at("samples");
    if (!s.is_array() || s.empty()) c.fail("samples", describe(s), "a non-empty array of samples");
    for (size_t k = 0; k < s.size(); ++k) {
      JsonCtx sc(path, "samples[" + std::to_string(k) + "]");
      sc.check_object(s[k], "", {"timesteps", "size", "events", "label"});
      out.push_back(parse_sample(sc, s[k], net));
    }
  } else {
    c.check_object(doc, "", {"format", "version", "timesteps", "size", "events", "label"});
    out.push_back(parse_sample(c, doc, net));
  }
  return out;
}

static json sample_json(const Raster& r) {
  json s;
  s["timesteps"] = r.timesteps;
  s["size"] = r.size;
  if (r.label) s["label"] = *r.label;
  json ev = json::array();
  for (const InputEvent& e : r.events)
    ev.push_back(e.payload == 1 ? json::array({e.t, e.index}) : json::array({e.t, e.index, e.payload}));
  s["events"] = std::move(ev);
  return s;
}

void save_rasters(const std::vector<Raster>& samples, const std::string& path) {
  json doc = {{"format", "spikeforge-raster"}, {"version", kVersion}};
  if (samples.size() == 1) {
    doc.update(sample_json(samples[0]));
  } else {
    json arr = json::array();
    for (const Raster& r : samples) arr.push_back(sample_json(r));
    doc["samples"] = std::move(arr);
  }
  write_file_atomic(path, doc.dump() + "\n");
}

void save_trace(const Trace& trace, const std::string& path) {
  json doc = {{"format", "spikeforge-trace"},
              {"version", kVersion},
              {"network", trace.network},
              {"semantics", trace.semantics},
              {"timesteps", trace.timesteps}};
  json layers = json::array();
  for (const LayerTrace& l : trace.layers) {
    json spikes = json::array();
    for (const Spike& s : l.spikes)
      spikes.push_back(l.graded ? json::array({s.t, s.neuron, s.payload}) : json::array({s.t, s.neuron}));
    json state = json::object();
    for (const auto& [name, rows] : l.state) state[name] = rows;
    layers.push_back({{"name", l.name}, {"spikes", std::move(spikes)}, {"state", std::move(state)}});
  }
  doc["layers"] = std::move(layers);
  if (!trace.cycles.empty()) doc["cycles"] = trace.cycles;
  write_file_atomic(path, doc.dump() + "\n");
}

Trace load_trace(const std::string& path) {
  json doc = read_json_file(path);
  JsonCtx c(path, "");
  c.check_object(doc, "", {"format", "version", "network", "semantics", "timesteps", "layers", "cycles"});
  check_header(c, doc, "spikeforge-trace");
  Trace t;
  t.network = c.get_string(doc, "network");
  t.semantics = c.get_string(doc, "semantics");
  t.timesteps = static_cast<int>(c.get_int(doc, "timesteps", 0, kMaxTimesteps));
  const json& layers = c.require(doc, "layers");
  if (!layers.is_array()) c.fail("layers", describe(layers), "an array");
  for (size_t k = 0; k < layers.size(); ++k) {
    JsonCtx lc(path, "layers[" + std::to_string(k) + "]");
    const json& lj = layers[k];
    lc.check_object(lj, "", {"name", "spikes", "state"});
    LayerTrace l;
    l.name = lc.get_string(lj, "name");
    const json& sp = lc.require(lj, "spikes");
    if (!sp.is_array()) lc.fail("spikes", describe(sp), "an array");
    for (size_t i = 0; i < sp.size(); ++i) {
      std::string f = "spikes[" + std::to_string(i) + "]";
      if (!sp[i].is_array() || sp[i].size() < 2 || sp[i].size() > 3)
        lc.fail(f, describe(sp[i]), "[t, neuron] or [t, neuron, payload]");
      Spike s;
      s.t = static_cast<int>(lc.as_int(sp[i][0], f + ".t", 0, t.timesteps - 1));
      s.neuron = static_cast<int>(lc.as_int(sp[i][1], f + ".neuron", 0, kMaxSize - 1));
      if (sp[i].size() == 3) {
        l.graded = true;
        s.payload = lc.as_int(sp[i][2], f + ".payload", INT64_MIN, INT64_MAX);
      }
      l.spikes.push_back(s);
    }
    if (lj.contains("state")) {
      const json& st = lj.at("state");
      if (!st.is_object()) lc.fail("state", describe(st), "an object of state variables");
      for (auto it = st.begin(); it != st.end(); ++it) {
        const std::string f = "state." + it.key();
        if (!it.value().is_array()) lc.fail(f, describe(it.value()), "[timestep][neuron] integers");
        auto& rows = l.state[it.key()];
        for (size_t r = 0; r < it.value().size(); ++r) {
          const json& row = it.value()[r];
          const std::string fr = f + "[" + std::to_string(r) + "]";
          if (!row.is_array()) lc.fail(fr, describe(row), "an array of integers");
          rows.emplace_back();
          for (size_t n = 0; n < row.size(); ++n)
            rows.back().push_back(lc.as_int(row[n], fr + "[" + std::to_string(n) + "]", INT64_MIN, INT64_MAX));
        }
      }
    }
    t.layers.push_back(std::move(l));
  }
  if (doc.contains("cycles")) {
    const json& cy = doc.at("cycles");
    if (!cy.is_array()) c.fail("cycles", describe(cy), "an array of non-negative integers");
    for (size_t i = 0; i < cy.size(); ++i)
      t.cycles.push_back(static_cast<uint64_t>(c.as_int(cy[i], "cycles[" + std::to_string(i) + "]", 0, INT64_MAX)));
  }
  return t;
}

std::string diff_traces(const Trace& a, const Trace& b) {
  if (a.layers.size() != b.layers.size())
    return "layer count: " + std::to_string(a.layers.size()) + " vs " + std::to_string(b.layers.size());
  if (a.timesteps != b.timesteps)
    return "timesteps: " + std::to_string(a.timesteps) + " vs " + std::to_string(b.timesteps);
  for (size_t k = 0; k < a.layers.size(); ++k)
    if (a.layers[k].name != b.layers[k].name)
      return "layer " + std::to_string(k) + ": name '" + a.layers[k].name + "' vs '" + b.layers[k].name + "'";
  // Walk time first, then layers in network order, so the report names the
  // earliest difference: the one a reader should look at.
  std::vector<size_t> ia(a.layers.size(), 0), ib(b.layers.size(), 0);
  for (int t = 0; t < a.timesteps; ++t) {
    const std::string when = "timestep " + std::to_string(t) + ", ";
    for (size_t k = 0; k < a.layers.size(); ++k) {
      const LayerTrace& la = a.layers[k];
      const LayerTrace& lb = b.layers[k];
      const std::string where = when + "layer '" + la.name + "'";
      size_t& i = ia[k];
      size_t& j = ib[k];
      while ((i < la.spikes.size() && la.spikes[i].t == t) || (j < lb.spikes.size() && lb.spikes[j].t == t)) {
        const bool ha = i < la.spikes.size() && la.spikes[i].t == t;
        const bool hb = j < lb.spikes.size() && lb.spikes[j].t == t;
        if (ha && hb && la.spikes[i] == lb.spikes[j]) {
          ++i, ++j;
          continue;
        }
        // The lower neuron index is the one that is missing on the other side.
        if (ha && (!hb || la.spikes[i].neuron < lb.spikes[j].neuron))
          return where + ", neuron " + std::to_string(la.spikes[i].neuron) + ": spike (payload " +
                 std::to_string(la.spikes[i].payload) + ") vs none";
        if (hb && (!ha || lb.spikes[j].neuron < la.spikes[i].neuron))
          return where + ", neuron " + std::to_string(lb.spikes[j].neuron) + ": none vs spike (payload " +
                 std::to_string(lb.spikes[j].payload) + ")";
        return where + ", neuron " + std::to_string(la.spikes[i].neuron) + ": spike payload " +
               std::to_string(la.spikes[i].payload) + " vs " + std::to_string(lb.spikes[j].payload);
      }
      for (const auto& [var, rows] : la.state) {
        auto it = lb.state.find(var);
        if (it == lb.state.end()) continue;  // a trace may omit state
        const auto& other = it->second;
        const size_t tt = static_cast<size_t>(t);
        if (tt >= rows.size() || tt >= other.size()) {
          if (rows.size() != other.size())
            return where + ": state " + var + " has " + std::to_string(rows.size()) + " vs " +
                   std::to_string(other.size()) + " timesteps";
          continue;
        }
        if (rows[tt].size() != other[tt].size())
          return where + ": state " + var + " has " + std::to_string(rows[tt].size()) + " vs " +
                 std::to_string(other[tt].size()) + " neurons";
        for (size_t n = 0; n < rows[tt].size(); ++n)
          if (rows[tt][n] != other[tt][n])
            return where + ", neuron " + std::to_string(n) + ": state " + var + " " + std::to_string(rows[tt][n]) +
                   " vs " + std::to_string(other[tt][n]);
      }
    }
  }
  for (size_t k = 0; k < a.layers.size(); ++k) {
    const size_t extra_a = a.layers[k].spikes.size() - ia[k], extra_b = b.layers[k].spikes.size() - ib[k];
    if (extra_a || extra_b)
      return "layer '" + a.layers[k].name + "': " + std::to_string(extra_a) + " vs " + std::to_string(extra_b) +
             " spikes outside the timesteps or out of order";
  }
  if (!a.cycles.empty() && !b.cycles.empty()) {
    for (size_t t = 0; t < a.cycles.size() && t < b.cycles.size(); ++t)
      if (a.cycles[t] != b.cycles[t])
        return "cycles at t=" + std::to_string(t) + ": " + std::to_string(a.cycles[t]) + " vs " +
               std::to_string(b.cycles[t]);
    if (a.cycles.size() != b.cycles.size())
      return "cycles: " + std::to_string(a.cycles.size()) + " vs " + std::to_string(b.cycles.size()) + " timesteps";
  }
  return "";
}

}  // namespace sf
