// The convolution engine (rtl_templates/sf_conv_engine.v), every configuration of
// CMakeLists.txt, against this file's own reference:
//   - the semantics: the input sums by direct loops over the output neurons (PyTorch's
//     cross-correlation with stride, padding, dilation and groups), then the neuron update of
//     docs/semantics.md (`if`, `lif`, `akida`, `loihi2` with its one-step synaptic delay);
//   - the emit order (rows, positions, chunks, lanes) and the flat output index;
//   - the state of every neuron after every step (the dbg_st port) and after the run (dbg_rd);
//   - the cycle of every accepted input word and every output marker, from the formulas of
//     docs/conv-engine.md (decode latency 3, three events in flight, one slot per window
//     position and chunk, one for an empty window; fire rows, clean rows, spikes), under random
//     input gaps, random fire_ok and random back-pressure on m_ready.
// Nothing here is shared with the RTL: the window sizes come from the defining equation
// oy*SH - PH + ky*DH == y, not from the engine's tables.

#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vsf_conv_configs.h"

namespace {

struct Cfg {
  const char* name;
  int model;  // 0 if, 1 lif, 2 akida, 3 loihi2
  int C_IN, H_IN, W_IN, C_OUT, KH, KW, SH, SW, PH, PW, DH, DW, GROUPS, SPARSE_FIRE, P;
  int PAY_BITS, PAY_SIGNED, W_BITS, ACC_BITS, V_BITS, BIAS_BITS, HAS_BIAS, THRESHOLD;
  int FIRE_GT, RESET_MODE, V_RESET, LEAK_MODE, LEAK_SHIFT, ACT_BITS, STEP_M, SPRAM;
  int DU, DV, VTH, BIAS_EXP, WEIGHT_EXP;
  int IN_IDX_W, OUT_IDX_W;
  const char* weight_file;
  const char* bias_file;
};

}  // namespace

#include "sf_conv_configs.h"

namespace {

// The geometry every part of the test derives from a Cfg.
struct Geo {
  int H_OUT, W_OUT, COG, CIG, CG, CH, NPOS, SDEPTH, WDEPTH, N_IN, N_OUT;
  explicit Geo(const Cfg& c) {
    H_OUT = (c.H_IN + 2 * c.PH - c.DH * (c.KH - 1) - 1) / c.SH + 1;
    W_OUT = (c.W_IN + 2 * c.PW - c.DW * (c.KW - 1) - 1) / c.SW + 1;
    COG = c.C_OUT / c.GROUPS;
    CIG = c.C_IN / c.GROUPS;
    CG = (COG + c.P - 1) / c.P;
    CH = c.GROUPS * CG;
    NPOS = H_OUT * W_OUT;
    SDEPTH = NPOS * CH;
    WDEPTH = c.C_IN * c.KH * c.KW * CG;
    N_IN = c.C_IN * c.H_IN * c.W_IN;
    N_OUT = c.C_OUT * NPOS;
  }
};

/* ---------------------------------------------------------------- ports */

struct Ports {
  std::function<void(uint64_t)> rst, s_valid, s_eot, s_index, s_payload, fire_ok, m_ready,
      dbg_rd_en, dbg_rd_addr, ld_we, ld_addr, ld_data;
  std::function<uint64_t()> s_ready, m_valid, m_eot, m_index, m_payload, dbg_st_we, dbg_st_addr,
      dbg_st_data, dbg_rd_valid, dbg_rd_data;
};

#define SF_SET(m, n, p) [m](uint64_t v) { m->n##_##p = v; }
#define SF_GET(m, n, p) [m]() -> uint64_t { return static_cast<uint64_t>(m->n##_##p); }
#define SF_PORTS(m, n)                                                                          \
  Ports{SF_SET(m, n, rst),       SF_SET(m, n, s_valid),     SF_SET(m, n, s_eot),               \
        SF_SET(m, n, s_index),   SF_SET(m, n, s_payload),   SF_SET(m, n, fire_ok),             \
        SF_SET(m, n, m_ready),   SF_SET(m, n, dbg_rd_en),   SF_SET(m, n, dbg_rd_addr),         \
        SF_SET(m, n, ld_we),     SF_SET(m, n, ld_addr),     SF_SET(m, n, ld_data),             \
        SF_GET(m, n, s_ready),   SF_GET(m, n, m_valid),     SF_GET(m, n, m_eot),               \
        SF_GET(m, n, m_index),   SF_GET(m, n, m_payload),   SF_GET(m, n, dbg_st_we),           \
        SF_GET(m, n, dbg_st_addr), SF_GET(m, n, dbg_st_data), SF_GET(m, n, dbg_rd_valid),      \
        SF_GET(m, n, dbg_rd_data)}

struct Entry {
  Cfg cfg;
  Ports (*ports)(Vsf_conv_configs*);
};

#define SF_ENTRY(n, c) Entry{c, [](Vsf_conv_configs* m) { return SF_PORTS(m, n); }},
const std::vector<Entry>& entries() {
  static const std::vector<Entry> e = {SF_CONV_CONFIGS(SF_ENTRY)};
  return e;
}

#define SF_HOLD(n, c) m->n##_rst = 1;
void hold_all_in_reset(Vsf_conv_configs* m) { SF_CONV_CONFIGS(SF_HOLD) }

/* ---------------------------------------------------------------- arithmetic helpers */

int64_t sat(int64_t x, int bits) {
  const int64_t hi = (int64_t{1} << (bits - 1)) - 1, lo = -hi - 1;
  return std::min(std::max(x, lo), hi);
}
int64_t sext(uint64_t x, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  x &= (bits == 64) ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
  return static_cast<int64_t>((x ^ m) - m);
}
uint64_t field(int64_t v, int bits) { return static_cast<uint64_t>(v) & ((uint64_t{1} << bits) - 1); }
// trunc0(v / 2^k): toward zero
int64_t trunc0_shift(int64_t v, int k) {
  if (k >= 63) return 0;
  return v < 0 ? -((-v) >> k) : (v >> k);
}

// deterministic per-cycle coin: fire_ok and m_ready patterns of a trial
uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
struct Coin {
  uint64_t seed = 0;
  int percent = 100;  // chance of 1
  bool operator()(int64_t cycle) const {
    if (percent >= 100) return true;
    return static_cast<int>(splitmix(seed ^ static_cast<uint64_t>(cycle) * 0x100000001b3ULL) % 100) < percent;
  }
};

/* ---------------------------------------------------------------- the layer and its reference */

struct Layer {
  Cfg c;
  Geo g;
  std::vector<int> w;     // W[co][ci_l][ky][kx]
  std::vector<int> bias;  // per output channel: bias (if/lif) or threshold (akida); 0 without
  Layer(const Cfg& cfg) : c(cfg), g(cfg) {}
  int W(int co, int cil, int ky, int kx) const { return w[((co * g.CIG + cil) * c.KH + ky) * c.KW + kx]; }
};

// One step of the reference: sums by direct loops over the output neurons, then the model.
struct NeuronState {
  std::vector<int64_t> v;       // if/lif/loihi2: v; akida: this step's potential p
  std::vector<int64_t> u;       // loihi2: u
  std::vector<int64_t> a_prev;  // loihi2: the previous step's input sum (one-step delay)
  std::vector<int> pend;        // RESET_MODE 3
  void init(int n) {
    v.assign(n, 0);
    u.assign(n, 0);
    a_prev.assign(n, 0);
    pend.assign(n, 0);
  }
  // the lane's state word as the dbg ports show it
  uint64_t word(const Cfg& c, int n) const {
    if (c.model == 3) return (field(u[n], 24) << 24) | field(v[n], 24);
    return field(v[n], c.V_BITS);
  }
};

int64_t wrap(int64_t x, int bits) { return sext(static_cast<uint64_t>(x), bits); }
struct StepRef {
  std::vector<std::pair<int, int>> out;  // (flat index n, payload) in emit order
  std::vector<int> emitted;              // per neuron: its event value (0: none)
};

StepRef reference_step(const Layer& L, const std::vector<int>& x /* [ci][y][x] */, NeuronState& st) {
  const Cfg& c = L.c;
  const Geo& g = L.g;
  StepRef r;
  r.emitted.assign(g.N_OUT, 0);
  for (int co = 0; co < c.C_OUT; ++co) {
    const int grp = co / g.COG;
    for (int oy = 0; oy < g.H_OUT; ++oy) {
      for (int ox = 0; ox < g.W_OUT; ++ox) {
        int64_t I = 0;
        for (int cil = 0; cil < g.CIG; ++cil) {
          const int ci = grp * g.CIG + cil;
          for (int ky = 0; ky < c.KH; ++ky) {
            const int iy = oy * c.SH - c.PH + ky * c.DH;
            if (iy < 0 || iy >= c.H_IN) continue;
            for (int kx = 0; kx < c.KW; ++kx) {
              const int ix = ox * c.SW - c.PW + kx * c.DW;
              if (ix < 0 || ix >= c.W_IN) continue;
              I += static_cast<int64_t>(L.W(co, cil, ky, kx)) * x[(ci * c.H_IN + iy) * c.W_IN + ix];
            }
          }
        }
        // the generator proves the sum fits the accumulator; so must this test's choice
        EXPECT_EQ(I, sat(I, c.ACC_BITS)) << c.name << ": the test's ACC_BITS is too small";
        const int n = (co * g.H_OUT + oy) * g.W_OUT + ox;
        const int64_t b = c.HAS_BIAS ? L.bias[co] : 0;
        if (c.model == 3) {
          // loihi2: A = last step's sum, scaled by weight_exp; u wraps at 24 bits, v clamps;
          // both decays round toward zero; spike when v > vth << 6, then v = 0
          int64_t A = st.a_prev[n];
          st.a_prev[n] = I;
          A = c.WEIGHT_EXP >= 0 ? A * (int64_t{1} << c.WEIGHT_EXP) : (A >> -c.WEIGHT_EXP);
          const int64_t u = wrap(trunc0_shift(st.u[n] * (4096 - (c.DU + 1)), 12) + A * 64, 24);
          int64_t v = trunc0_shift(st.v[n] * (4096 - c.DV), 12) + u + b * (int64_t{1} << c.BIAS_EXP);
          v = std::min<int64_t>(std::max<int64_t>(v, -((1 << 23) - 1)), (1 << 23) - 1);
          const bool s = v > (int64_t{c.VTH} << 6);
          if (s) v = 0;
          st.u[n] = u;
          st.v[n] = v;
          r.emitted[n] = s ? 1 : 0;
        } else if (c.model == 2) {
          // akida: y = 0 if p <= T, else min(ceil((p - T) / s_eff), 2^ab - 1), s_eff = STEP_M * 2^(4 - ab)
          const int64_t s_eff = static_cast<int64_t>(c.STEP_M) << (4 - c.ACT_BITS);
          const int64_t cap = (int64_t{1} << c.ACT_BITS) - 1;
          int64_t y = 0;
          if (I > b) y = std::min((I - b + s_eff - 1) / s_eff, cap);
          st.v[n] = I;
          r.emitted[n] = static_cast<int>(y);
        } else {
          // if / lif: v = sat(L(v) - θ·d + I + b); s = v >= θ (gt: >); reset
          int64_t base = st.v[n];
          if (c.model == 1 && c.LEAK_MODE == 1) base = base - trunc0_shift(base, c.LEAK_SHIFT);
          if (c.RESET_MODE == 3 && st.pend[n]) base -= c.THRESHOLD;
          int64_t v = sat(base + I + b, c.V_BITS);
          const bool s = c.FIRE_GT ? v > c.THRESHOLD : v >= c.THRESHOLD;
          if (s) {
            if (c.RESET_MODE == 0) v -= c.THRESHOLD;
            else if (c.RESET_MODE == 1) v = c.V_RESET;
          }
          if (c.RESET_MODE == 3) st.pend[n] = s ? 1 : 0;
          st.v[n] = v;
          r.emitted[n] = s ? 1 : 0;
        }
      }
    }
  }
  // emit order: rows, positions in the row, chunks (g, cg), lanes j; co = g*COG + cg*P + j
  for (int oy = 0; oy < g.H_OUT; ++oy)
    for (int ox = 0; ox < g.W_OUT; ++ox)
      for (int grp = 0; grp < c.GROUPS; ++grp)
        for (int cg = 0; cg < g.CG; ++cg)
          for (int j = 0; j < c.P; ++j) {
            if (cg * c.P + j >= g.COG) continue;
            const int co = grp * g.COG + cg * c.P + j;
            const int n = (co * g.H_OUT + oy) * g.W_OUT + ox;
            if (r.emitted[n] != 0) r.out.push_back({n, r.emitted[n]});
          }
  return r;
}

// nr(y) and the output rows an input row reaches, from the defining equation (columns alike)
std::vector<int> axis_reach(int coord, int K, int S, int Pd, int D, int OUT) {
  std::vector<int> outs;
  for (int k = 0; k < K; ++k)
    for (int o = 0; o < OUT; ++o)
      if (o * S - Pd + k * D == coord) outs.push_back(o);
  return outs;
}

/* ---------------------------------------------------------------- stimulus */

struct Word {
  bool eot = false;
  int index = 0;
  int payload = 0;
  int gap = 0;  // idle cycles before it is offered (after the previous word's acceptance)
};
struct Trial {
  int steps = 0;
  std::vector<std::vector<Word>> words;  // per step: events, then the marker
  Coin fire_ok, m_ready;
  bool ideal = false;  // no gaps, fire_ok and m_ready always high
};

Trial make_trial(const Layer& L, std::mt19937_64& rng, bool ideal) {
  const Cfg& c = L.c;
  Trial t;
  t.ideal = ideal;
  t.steps = 5 + static_cast<int>(rng() % 4);
  const double densities[] = {0.0, 0.04, 0.12, 0.3, 0.6};
  std::uniform_real_distribution<double> u(0, 1);
  for (int s = 0; s < t.steps; ++s) {
    const double d = densities[(s == 0 && ideal) ? 3 : rng() % 5];
    std::vector<Word> ws;
    for (int i = 0; i < L.g.N_IN; ++i) {
      if (u(rng) >= d) continue;
      Word w;
      w.index = i;
      if (c.PAY_BITS == 1 && !c.PAY_SIGNED) w.payload = 1;
      else if (c.PAY_SIGNED) w.payload = static_cast<int>(rng() % (1u << c.PAY_BITS)) - (1 << (c.PAY_BITS - 1));
      else w.payload = static_cast<int>(rng() % (1u << c.PAY_BITS));
      ws.push_back(w);
    }
    if (!ideal && rng() % 3 == 0) std::shuffle(ws.begin(), ws.end(), rng);  // any order is legal
    Word eot;
    eot.eot = true;
    ws.push_back(eot);
    for (auto& w : ws) w.gap = (ideal || rng() % 10 < 7) ? 0 : 1 + static_cast<int>(rng() % 4);
    t.words.push_back(ws);
  }
  t.fire_ok = Coin{rng(), ideal ? 100 : static_cast<int>(std::vector<int>{100, 70, 40}[rng() % 3])};
  t.m_ready = Coin{rng(), ideal ? 100 : static_cast<int>(std::vector<int>{100, 80, 50}[rng() % 3])};
  return t;
}

void make_layer(Layer& L, std::mt19937_64& rng) {
  const Cfg& c = L.c;
  const int wmax = (1 << (c.W_BITS - 1)) - 1;
  L.w.resize(static_cast<size_t>(c.C_OUT) * L.g.CIG * c.KH * c.KW);
  for (auto& v : L.w) v = (rng() % 4 == 0) ? 0 : static_cast<int>(rng() % (2 * wmax + 2)) - (wmax + 1);
  L.bias.assign(c.C_OUT, 0);
  if (c.HAS_BIAS) {
    const int bmax = (1 << (c.BIAS_BITS - 1)) - 1;
    for (auto& b : L.bias) {
      if (c.model == 2) b = static_cast<int>(rng() % 40) - 5;         // akida thresholds
      else if (c.model == 3) b = static_cast<int>(rng() % 201) - 100;  // loihi2 bias_mant
      else b = static_cast<int>(rng() % (2 * bmax + 2)) - (bmax + 1);
    }
  }
}

// weight word ((ci*KH + ky)*KW + kx)*CG + cg, lane j at bits j*W_BITS:
// W[g*COG + cg*P + j][ci - g*CIG][ky][kx], 0 for lanes past COG
std::vector<uint64_t> weight_words(const Layer& L) {
  const Cfg& c = L.c;
  const Geo& g = L.g;
  std::vector<uint64_t> words(g.WDEPTH, 0);
  for (int ci = 0; ci < c.C_IN; ++ci) {
    const int grp = ci / g.CIG;
    for (int ky = 0; ky < c.KH; ++ky)
      for (int kx = 0; kx < c.KW; ++kx)
        for (int cg = 0; cg < g.CG; ++cg) {
          uint64_t word = 0;
          for (int j = 0; j < c.P; ++j) {
            if (cg * c.P + j >= g.COG) continue;
            const int co = grp * g.COG + cg * c.P + j;
            word |= field(L.W(co, ci - grp * g.CIG, ky, kx), c.W_BITS) << (j * c.W_BITS);
          }
          words[((ci * c.KH + ky) * c.KW + kx) * g.CG + cg] = word;
        }
  }
  return words;
}

// bias word g*CG + cg, lane j at bits j*BIAS_BITS
std::vector<uint64_t> bias_words(const Layer& L) {
  const Cfg& c = L.c;
  const Geo& g = L.g;
  std::vector<uint64_t> words(g.CH, 0);
  for (int grp = 0; grp < c.GROUPS; ++grp)
    for (int cg = 0; cg < g.CG; ++cg)
      for (int j = 0; j < c.P; ++j) {
        if (cg * c.P + j >= g.COG) continue;
        words[grp * g.CG + cg] |= field(L.bias[grp * g.COG + cg * c.P + j], c.BIAS_BITS) << (j * c.BIAS_BITS);
      }
  return words;
}

void write_hex(const std::string& path, const std::vector<uint64_t>& words, int bits) {
  std::ofstream f(path);
  ASSERT_TRUE(f.good()) << "cannot write " << path;
  char buf[32];
  for (uint64_t w : words) {
    std::snprintf(buf, sizeof buf, "%0*llx\n", (bits + 3) / 4, static_cast<unsigned long long>(w));
    f << buf;
  }
}

// Every engine of the wrapper reads its files when the model is built: give the others
// zero files of their sizes, and the one under test its layer.
void write_files(const Layer& L) {
  for (const Entry& e : entries()) {
    const Geo g(e.cfg);
    if (std::string(e.cfg.name) == L.c.name) {
      if (!L.c.SPRAM) write_hex(L.c.weight_file, weight_words(L), L.c.P * L.c.W_BITS);
      if (L.c.HAS_BIAS) write_hex(L.c.bias_file, bias_words(L), L.c.P * L.c.BIAS_BITS);
    } else {
      if (!e.cfg.SPRAM) write_hex(e.cfg.weight_file, std::vector<uint64_t>(g.WDEPTH, 0), e.cfg.P * e.cfg.W_BITS);
      if (e.cfg.HAS_BIAS) write_hex(e.cfg.bias_file, std::vector<uint64_t>(g.CH, 0), e.cfg.P * e.cfg.BIAS_BITS);
    }
  }
}

/* ---------------------------------------------------------------- expected behaviour of a trial */

struct Expect {
  std::vector<StepRef> steps;
  std::vector<std::vector<uint64_t>> state;    // per step: every neuron's state word after it
  std::vector<std::vector<int>> visited_rows;  // per step: the rows the fire phase visits
  std::vector<uint64_t> final_state;
};

Expect expected(const Layer& L, const Trial& t) {
  const Cfg& c = L.c;
  const Geo& g = L.g;
  Expect e;
  NeuronState st;
  st.init(g.N_OUT);
  std::vector<int> spiked_rows(g.H_OUT, 0);
  for (int s = 0; s < t.steps; ++s) {
    std::vector<int> x(g.N_IN, 0);
    std::vector<int> dirty(g.H_OUT, 0);
    for (const Word& w : t.words[s]) {
      if (w.eot) continue;
      x[w.index] += w.payload;
      // a row is dirty when an event issues an update into it (a non-empty window)
      const int yy = (w.index / c.W_IN) % c.H_IN, xx = w.index % c.W_IN;
      if (axis_reach(xx, c.KW, c.SW, c.PW, c.DW, g.W_OUT).empty()) continue;
      for (int oy : axis_reach(yy, c.KH, c.SH, c.PH, c.DH, g.H_OUT)) dirty[oy] = 1;
    }
    StepRef r = reference_step(L, x, st);
    std::vector<int> rows;
    for (int oy = 0; oy < g.H_OUT; ++oy)
      if (!c.SPARSE_FIRE || dirty[oy] || spiked_rows[oy]) rows.push_back(oy);
    std::fill(spiked_rows.begin(), spiked_rows.end(), 0);
    for (const auto& ev : r.out) spiked_rows[(ev.first % g.NPOS) / g.W_OUT] = 1;
    e.steps.push_back(r);
    std::vector<uint64_t> words(g.N_OUT);
    for (int n = 0; n < g.N_OUT; ++n) words[n] = st.word(c, n);
    e.state.push_back(words);
    e.visited_rows.push_back(rows);
  }
  e.final_state = e.state.back();
  return e;
}

// docs/conv-engine.md, "Cycle formulas", given the trial's gaps, fire_ok and m_ready:
// the cycle each input word is accepted, and the cycle each output marker is taken.
struct Timing {
  std::vector<std::vector<int64_t>> accept;  // per step, per word
  std::vector<int64_t> eot;                  // per step
};

Timing predict(const Layer& L, const Trial& t, const Expect& e) {
  const Cfg& c = L.c;
  const Geo& g = L.g;
  Timing tm;
  int64_t ready = g.SDEPTH;  // the clear sweep takes cycles 0 .. SDEPTH-1
  int64_t prev_accept = -1;  // the previous word's acceptance (the first is offered from its gap)
  for (int s = 0; s < t.steps; ++s) {
    const auto& ws = t.words[s];
    std::vector<int64_t> a, D, slots;
    std::vector<int64_t> acc_step;
    int64_t last_issue = -1;
    for (size_t j = 0; j < ws.size(); ++j) {
      const int64_t arr = prev_accept + 1 + ws[j].gap;
      if (!ws[j].eot) {
        // an event: a_j = max(arr, ready, a_{j-1} + 1, D_{j-3}); D_j = max(a_j + 3, D_{j-1} + s_{j-1})
        int64_t aj = std::max(arr, ready);
        if (!a.empty()) aj = std::max(aj, a.back() + 1);
        if (a.size() >= 3) aj = std::max(aj, D[a.size() - 3]);
        int64_t dj = aj + 3;
        if (!D.empty()) dj = std::max(dj, D.back() + slots.back());
        const int yy = (ws[j].index / c.W_IN) % c.H_IN, xx = ws[j].index % c.W_IN;
        const int64_t n = static_cast<int64_t>(axis_reach(yy, c.KH, c.SH, c.PH, c.DH, g.H_OUT).size()) *
                          static_cast<int64_t>(axis_reach(xx, c.KW, c.SW, c.PW, c.DW, g.W_OUT).size()) * g.CG;
        a.push_back(aj);
        D.push_back(dj);
        slots.push_back(std::max<int64_t>(n, 1));
        last_issue = dj + slots.back();
        acc_step.push_back(aj);
        prev_accept = aj;
      } else {
        // the marker: m = max(arr, ready, I); fire from the first y >= max(m + 1, I + 2) with fire_ok
        int64_t m = std::max(arr, ready);
        int64_t y0 = m + 1;
        if (!a.empty()) {
          m = std::max(m, last_issue);
          y0 = std::max(m + 1, last_issue + 2);
        }
        acc_step.push_back(m);
        prev_accept = m;
        int64_t y = y0;
        while (!t.fire_ok(y)) ++y;
        // fire: word = 2 cycles + one per spike (each waits for m_ready); clean row 1 cycle
        const auto& rows = e.visited_rows[s];
        int64_t cyc = y + 1;
        size_t vi = 0;
        for (int oy = 0; oy < g.H_OUT; ++oy) {
          const bool visit = vi < rows.size() && rows[vi] == oy;
          if (!visit) {
            cyc += 1;
            continue;
          }
          ++vi;
          for (int ox = 0; ox < g.W_OUT; ++ox)
            for (int ch = 0; ch < g.CH; ++ch) {
              cyc += 2;
              const int grp = ch / g.CG, cg = ch % g.CG;
              for (int j = 0; j < c.P; ++j) {
                if (cg * c.P + j >= g.COG) continue;
                const int n = ((grp * g.COG + cg * c.P + j) * g.H_OUT + oy) * g.W_OUT + ox;
                if (e.steps[s].emitted[n] == 0) continue;
                while (!t.m_ready(cyc)) ++cyc;
                ++cyc;
              }
            }
        }
        while (!t.m_ready(cyc)) ++cyc;
        tm.eot.push_back(cyc);
        ready = cyc + 1;
      }
    }
    tm.accept.push_back(acc_step);
  }
  return tm;
}

/* ---------------------------------------------------------------- the simulation */

struct Observed {
  std::vector<std::vector<int64_t>> accept;
  std::vector<int64_t> eot;
  std::string failure;  // first functional difference
};

class Bench {
 public:
  Bench(const Layer& L) : L_(L), c_(L.c), g_(L.c) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);
    m_ = std::make_unique<Vsf_conv_configs>(ctx_.get());
    for (const Entry& e : entries())
      if (std::string(e.cfg.name) == c_.name) p_ = e.ports(m_.get());
    hold_all_in_reset(m_.get());
    m_->clk = 0;
    m_->eval();
  }
  ~Bench() { m_->final(); }

  void tick() {
    m_->clk = 1;
    m_->eval();
    m_->clk = 0;
    m_->eval();
  }

  // reset (loading the weights through the load port when they live in SPRAM), then release:
  // the next cycle is cycle 0
  void reset() {
    p_.rst(1);
    if (c_.SPRAM) {
      const auto words = weight_words(L_);
      for (size_t a = 0; a < words.size(); ++a) {
        p_.ld_we(1);
        p_.ld_addr(a);
        p_.ld_data(words[a]);
        tick();
      }
      p_.ld_we(0);
    }
    for (int k = 0; k < 3; ++k) tick();
    p_.rst(0);
  }

  Observed run(const Trial& t, const Expect& e) {
    Observed o;
    std::vector<uint64_t> shadow(g_.SDEPTH, 0);  // the state words, as the dbg_st port wrote them
    size_t step_in = 0, word = 0;
    size_t step_out = 0;
    int64_t offered_from = t.words[0][0].gap;
    std::vector<std::pair<int, int>> got;
    o.accept.assign(t.steps, {});
    const int64_t limit = 400000;
    for (int64_t cyc = 0; cyc < limit && step_out < static_cast<size_t>(t.steps); ++cyc) {
      const bool offer = step_in < static_cast<size_t>(t.steps) && cyc >= offered_from;
      const Word* w = offer ? &t.words[step_in][word] : nullptr;
      p_.s_valid(offer);
      p_.s_eot(offer && w->eot);
      p_.s_index(offer ? static_cast<uint64_t>(w->index) : 0);
      p_.s_payload(offer ? field(w->payload, c_.PAY_BITS) : 0);
      const bool fo = t.fire_ok(cyc), mr = t.m_ready(cyc);
      p_.fire_ok(fo);
      p_.m_ready(mr);
      p_.dbg_rd_en(0);
      m_->eval();
      if (offer && p_.s_ready()) {
        o.accept[step_in].push_back(cyc);
        if (++word == t.words[step_in].size()) {
          word = 0;
          ++step_in;
        }
        if (step_in < static_cast<size_t>(t.steps)) offered_from = cyc + 1 + t.words[step_in][word].gap;
      }
      if (p_.dbg_st_we()) {
        const uint64_t a = p_.dbg_st_addr();
        if (a >= shadow.size()) return fail(o, "dbg_st write to word " + std::to_string(a) + " past the state memory");
        shadow[a] = p_.dbg_st_data();
      }
      if (p_.m_valid() && mr) {
        if (p_.m_eot()) {
          o.eot.push_back(cyc);
          const std::string d = compare_step(step_out, got, shadow, e);
          if (!d.empty()) return fail(o, "step " + std::to_string(step_out) + ": " + d);
          got.clear();
          ++step_out;
        } else {
          got.push_back({static_cast<int>(p_.m_index()), static_cast<int>(p_.m_payload())});
        }
      }
      tick();
    }
    if (step_out < static_cast<size_t>(t.steps)) return fail(o, "the run did not finish (" + std::to_string(step_out) + " markers)");
    // read every state word back through the debug read port
    for (int a = 0; a < g_.SDEPTH; ++a) {
      p_.s_valid(0);
      p_.dbg_rd_en(1);
      p_.dbg_rd_addr(static_cast<uint64_t>(a));
      m_->eval();
      tick();
      p_.dbg_rd_en(0);
      m_->eval();
      if (!p_.dbg_rd_valid()) return fail(o, "dbg_rd of word " + std::to_string(a) + " not answered");
      const uint64_t want = c_.model == 2 ? 0 : pack_word(a, e.final_state);
      if (p_.dbg_rd_data() != want)
        return fail(o, "dbg_rd of word " + std::to_string(a) + ": got " + hex(p_.dbg_rd_data()) + ", expected " + hex(want));
      tick();
    }
    return o;
  }

 private:
  static std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
  }
  Observed& fail(Observed& o, const std::string& what) {
    o.failure = what;
    return o;
  }
  // neuron of lane j of state word a (-1: idle lane)
  int neuron(int a, int j) const {
    const int pos = a / g_.CH, ch = a % g_.CH, grp = ch / g_.CG, cg = ch % g_.CG;
    if (cg * c_.P + j >= g_.COG) return -1;
    return (grp * g_.COG + cg * c_.P + j) * g_.NPOS + pos;
  }
  uint64_t pack_word(int a, const std::vector<uint64_t>& words) const {
    uint64_t w = 0;
    for (int j = 0; j < c_.P; ++j) {
      const int n = neuron(a, j);
      if (n >= 0) w |= words[n] << (j * c_.V_BITS);
    }
    return w;
  }
  std::string compare_step(size_t s, const std::vector<std::pair<int, int>>& got,
                           const std::vector<uint64_t>& shadow, const Expect& e) const {
    const auto& want = e.steps[s].out;
    for (size_t k = 0; k < std::max(got.size(), want.size()); ++k) {
      if (k < got.size() && k < want.size() && got[k] == want[k]) continue;
      std::ostringstream m;
      m << "output event " << k << ": got ";
      if (k < got.size()) m << "n=" << got[k].first << " value " << got[k].second;
      else m << "none";
      m << ", expected ";
      if (k < want.size()) m << "n=" << want[k].first << " value " << want[k].second;
      else m << "none";
      m << " (" << got.size() << " events, expected " << want.size() << ")";
      return m.str();
    }
    for (int a = 0; a < g_.SDEPTH; ++a)
      for (int j = 0; j < c_.P; ++j) {
        const int n = neuron(a, j);
        if (n < 0) continue;
        const uint64_t gw = field(static_cast<int64_t>(shadow[a] >> (j * c_.V_BITS)), c_.V_BITS);
        if (gw != e.state[s][n]) {
          std::ostringstream m;
          m << "state word of neuron " << n << " (word " << a << ", lane " << j << "): got "
            << hex(gw) << " (" << sext(gw, c_.V_BITS) << "), expected " << hex(e.state[s][n])
            << " (" << sext(e.state[s][n], c_.V_BITS) << ")";
          return m.str();
        }
      }
    return "";
  }

  const Layer& L_;
  const Cfg& c_;
  Geo g_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vsf_conv_configs> m_;
  Ports p_;
};

/* ---------------------------------------------------------------- the tests */

class ConvEngine : public ::testing::TestWithParam<size_t> {};

// The closed form of docs/conv-engine.md for one engine fed back to back, always ready:
// cycles[t] = 7 + Σ s_j + 2·W_OUT·CH·D + S + (H_OUT - D) for a step with events (+ SDEPTH at t = 0),
// 3 + 2·W_OUT·CH·D + S + (H_OUT - D) for a step without.
int64_t closed_form(const Layer& L, const Trial& t, const Expect& e, int s) {
  const Cfg& c = L.c;
  const Geo& g = L.g;
  int64_t slots = 0, events = 0;
  for (const Word& w : t.words[s]) {
    if (w.eot) continue;
    ++events;
    const int yy = (w.index / c.W_IN) % c.H_IN, xx = w.index % c.W_IN;
    const int64_t n = static_cast<int64_t>(axis_reach(yy, c.KH, c.SH, c.PH, c.DH, g.H_OUT).size()) *
                      static_cast<int64_t>(axis_reach(xx, c.KW, c.SW, c.PW, c.DW, g.W_OUT).size()) * g.CG;
    slots += std::max<int64_t>(n, 1);
  }
  const int64_t D = static_cast<int64_t>(e.visited_rows[s].size());
  const int64_t S = static_cast<int64_t>(e.steps[s].out.size());
  const int64_t fire = 2 * g.W_OUT * g.CH * D + S + (g.H_OUT - D);
  return (events > 0 ? 7 + slots : 3) + fire + (s == 0 ? g.SDEPTH : 0);
}

TEST_P(ConvEngine, MatchesReferenceAndCycleFormula) {
  const Cfg& cfg = entries()[GetParam()].cfg;
  const int trials = 8;
  int64_t total_events = 0, total_spikes = 0, empty_windows = 0, clean_rows = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const uint64_t seed = 1000 * (GetParam() + 1) + static_cast<uint64_t>(trial);
    SCOPED_TRACE(std::string(cfg.name) + " trial " + std::to_string(trial) + " seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Layer L(cfg);
    make_layer(L, rng);
    const Trial t = make_trial(L, rng, trial == 0);
    const Expect e = expected(L, t);
    if (::testing::Test::HasFailure()) return;
    write_files(L);
    if (::testing::Test::HasFailure()) return;

    Bench b(L);
    b.reset();
    const Observed o = b.run(t, e);
    ASSERT_TRUE(o.failure.empty()) << o.failure;

    const Timing tm = predict(L, t, e);
    for (int s = 0; s < t.steps; ++s) {
      ASSERT_EQ(o.accept[s].size(), tm.accept[s].size()) << "step " << s;
      for (size_t j = 0; j < tm.accept[s].size(); ++j)
        ASSERT_EQ(o.accept[s][j], tm.accept[s][j])
            << "step " << s << ": input word " << j << (t.words[s][j].eot ? " (marker)" : "")
            << " accepted in cycle " << o.accept[s][j] << ", formula says " << tm.accept[s][j];
      ASSERT_EQ(o.eot[s], tm.eot[s]) << "step " << s << ": output marker in cycle " << o.eot[s]
                                     << ", formula says " << tm.eot[s];
      if (t.ideal) {
        const int64_t prev = s == 0 ? -1 : o.eot[s - 1];
        EXPECT_EQ(o.eot[s] - prev, closed_form(L, t, e, s)) << "step " << s << ": closed form";
      }
    }
    for (int s = 0; s < t.steps; ++s) {
      for (const Word& w : t.words[s]) {
        if (w.eot) continue;
        ++total_events;
        const int yy = (w.index / cfg.W_IN) % cfg.H_IN, xx = w.index % cfg.W_IN;
        if (axis_reach(yy, cfg.KH, cfg.SH, cfg.PH, cfg.DH, L.g.H_OUT).empty() ||
            axis_reach(xx, cfg.KW, cfg.SW, cfg.PW, cfg.DW, L.g.W_OUT).empty())
          ++empty_windows;
      }
      total_spikes += static_cast<int64_t>(e.steps[s].out.size());
      clean_rows += L.g.H_OUT - static_cast<int64_t>(e.visited_rows[s].size());
    }
  }
  // a test that cannot fail is not a test: the configurations must exercise what they claim
  EXPECT_GT(total_events, 0);
  EXPECT_GT(total_spikes, 0) << cfg.name << ": no output event in any trial";
  if (cfg.SPARSE_FIRE) {
    EXPECT_GT(clean_rows, 0) << cfg.name << ": no clean row in any trial";
  }
  std::printf("[ %-11s ] %lld input events (%lld empty windows), %lld output events, %lld clean rows\n",
              cfg.name, static_cast<long long>(total_events), static_cast<long long>(empty_windows),
              static_cast<long long>(total_spikes), static_cast<long long>(clean_rows));
}

// The worked example of docs/conv-engine.md, every number derived there by hand: the `sparse`
// configuration (1 x 8 x 8 -> 2 x 8 x 8, k3 s1 p1, P 2, SPARSE_FIRE 1, if, θ 9), every weight 5,
// fed back to back and always ready. Steps: {(0,0), (3,3)}, {}, {(1,1), (2,2)}, {}.
TEST(ConvEngineDoc, WorkedExample) {
  const Cfg* cfg = nullptr;
  for (const Entry& e : entries())
    if (std::string(e.cfg.name) == "sparse") cfg = &e.cfg;
  ASSERT_NE(cfg, nullptr);
  Layer L(*cfg);
  L.w.assign(static_cast<size_t>(cfg->C_OUT) * cfg->KH * cfg->KW, 5);
  L.bias.assign(cfg->C_OUT, 0);
  Trial t;
  t.steps = 4;
  t.ideal = true;
  const std::vector<std::vector<int>> events = {{0, 27}, {}, {9, 18}, {}};
  for (const auto& step : events) {
    std::vector<Word> ws;
    for (int i : step) ws.push_back(Word{false, i, 1, 0});
    ws.push_back(Word{true, 0, 0, 0});
    t.words.push_back(ws);
  }
  const Expect e = expected(L, t);
  write_files(L);
  Bench b(L);
  b.reset();
  const Observed o = b.run(t, e);
  ASSERT_TRUE(o.failure.empty()) << o.failure;
  // the hand-derived numbers of the document
  EXPECT_EQ(o.accept, (std::vector<std::vector<int64_t>>{{64, 65, 80}, {167}, {178, 179, 199}, {291}}));
  EXPECT_EQ(o.eot, (std::vector<int64_t>{166, 177, 290, 361}));
  EXPECT_EQ(e.steps[2].out.size(), 20u);
  EXPECT_EQ(e.visited_rows, (std::vector<std::vector<int>>{{0, 1, 2, 3, 4}, {}, {0, 1, 2, 3}, {0, 1, 2, 3}}));
  // and the formula agrees
  const Timing tm = predict(L, t, e);
  EXPECT_EQ(tm.accept, o.accept);
  EXPECT_EQ(tm.eot, o.eot);
}

INSTANTIATE_TEST_SUITE_P(Configs, ConvEngine, ::testing::Range<size_t>(0, entries().size()),
                         [](const ::testing::TestParamInfo<size_t>& i) { return std::string(entries()[i.param].cfg.name); });

}  // namespace
