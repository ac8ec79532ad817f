// Fast conv2d / sumpool2d layer of the Simulator (if / lif). The kernel is
// transposed to [c_in][kh][kw][c_out / groups] and the sums laid out as
// [position][c_out], so one (event, kernel cell) pair is a contiguous
// `acc[c] += w[c]` over the output channels of the event's group. The valid
// (kernel row, output row) pairs of every input row, and the same for columns,
// are listed once when the engine is built, so an event visits exactly its
// window. Same arithmetic as run() (neuron.h): only the order of the adds differs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "dense_engine.h"

namespace sf::ref {

template <class W, class A>
class ConvEngine final : public LayerEngine {
 public:
  explicit ConvEngine(const Layer& l) : params_(l.neuron.iflif), g_(l.conv) {
    const int cog = g_.cog(), cig = g_.cig();
    weights_.assign(static_cast<size_t>(g_.c_in) * g_.kh * g_.kw * cog, W{0});
    for (int co = 0; co < g_.c_out; ++co)
      for (int cl = 0; cl < cig; ++cl)
        for (int ky = 0; ky < g_.kh; ++ky)
          for (int kx = 0; kx < g_.kw; ++kx) {
            const int ci = co / cog * cig + cl;
            weights_[((static_cast<size_t>(ci) * g_.kh + ky) * g_.kw + kx) * cog + co % cog] =
                static_cast<W>(l.weights[((static_cast<size_t>(co) * cig + cl) * g_.kh + ky) * g_.kw + kx]);
          }
    bias_.assign(static_cast<size_t>(g_.c_out), 0);
    if (l.has_bias()) std::copy(l.bias.begin(), l.bias.end(), bias_.begin());
    acc_.assign(static_cast<size_t>(g_.positions()) * g_.c_out, A{0});
    rows_ = axis(g_.h_in, g_.h_out, g_.kh, g_.sh, g_.ph, g_.dh);
    cols_ = axis(g_.w_in, g_.w_out, g_.kw, g_.sw, g_.pw, g_.dw);
  }

  void add_spikes(const int32_t* idx, size_t n) override {
    for (size_t e = 0; e < n; ++e) add(idx[e], [](W w) { return static_cast<A>(w); });
  }

  void add_graded(const int32_t* idx, const int64_t* payload, size_t n) override {
    for (size_t e = 0; e < n; ++e) {
      const A p = static_cast<A>(payload[e]);
      add(idx[e], [p](W w) { return static_cast<A>(static_cast<A>(w) * p); });
    }
  }

  void fire(int64_t* v, uint8_t* pending, std::vector<int32_t>& spikes) override {
    const int hw = g_.positions();
    int n = 0;
    for (int co = 0; co < g_.c_out; ++co)
      for (int pos = 0; pos < hw; ++pos, ++n) {
        bool p = pending[n] != 0;
        if (fire_step(params_, v[n], p, int64_t{acc_[static_cast<size_t>(pos) * g_.c_out + co]} + bias_[co]))
          spikes.push_back(n);
        pending[n] = p;
      }
    std::fill(acc_.begin(), acc_.end(), A{0});
  }

  int weight_bytes() const override { return sizeof(W); }
  int accumulator_bytes() const override { return sizeof(A); }

 private:
  // tap[y]: the (kernel cell, output coordinate) pairs input coordinate y reaches
  using Taps = std::vector<std::vector<std::pair<int, int>>>;
  static Taps axis(int n_in, int n_out, int k, int s, int p, int d) {
    Taps t(static_cast<size_t>(n_in));
    for (int o = 0; o < n_out; ++o)
      for (int c = 0; c < k; ++c) {
        const int y = o * s - p + c * d;
        if (y >= 0 && y < n_in) t[static_cast<size_t>(y)].emplace_back(c, o);
      }
    return t;
  }

  template <class Mul>
  void add(int32_t i, Mul mul) {
    const int hw_in = g_.h_in * g_.w_in;
    const int ci = i / hw_in, y = i / g_.w_in % g_.h_in, x = i % g_.w_in;
    const int cog = g_.cog(), base = ci / g_.cig() * cog;
    for (const auto& [ky, oy] : rows_[static_cast<size_t>(y)])
      for (const auto& [kx, ox] : cols_[static_cast<size_t>(x)]) {
        A* __restrict acc = acc_.data() + (static_cast<size_t>(oy) * g_.w_out + ox) * g_.c_out + base;
        const W* __restrict w = weights_.data() + ((static_cast<size_t>(ci) * g_.kh + ky) * g_.kw + kx) * cog;
        for (int c = 0; c < cog; ++c) acc[c] = static_cast<A>(acc[c] + mul(w[c]));
      }
  }

  IfLifParams params_;
  ConvGeom g_;
  std::vector<W> weights_;  // [c_in][kh][kw][c_out / groups]
  std::vector<int64_t> bias_;
  std::vector<A> acc_;      // [position][c_out]
  Taps rows_, cols_;
};

}  // namespace sf::ref
