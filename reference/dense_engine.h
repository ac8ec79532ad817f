// Fast dense layer of the Simulator: weights transposed to [in][out] in type W
// so one presynaptic spike is a contiguous `acc[j] += row[j]` over the layer's
// outputs, which compilers vectorize. A holds one step's input I[n]; it is
// chosen wide enough for the layer's input bound, so every sum is exact
// (and even a wrapped partial sum would come back: two's complement addition
// is exact modulo 2^bits whenever the final value fits).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ir/network.h"
#include "neuron.h"

namespace sf::ref {

class LayerEngine {
 public:
  virtual ~LayerEngine() = default;
  // Adds the rows of inputs idx[0..n) with payload 1.
  virtual void add_spikes(const int32_t* idx, size_t n) = 0;
  // Adds the rows of inputs idx[0..n) scaled by their payloads.
  virtual void add_graded(const int32_t* idx, const int64_t* payload, size_t n) = 0;
  // Fire phase for every neuron on this step's input, then clears the input.
  virtual void fire(int64_t* v, uint8_t* pending, std::vector<int32_t>& spikes) = 0;
  virtual int weight_bytes() const = 0;
  virtual int accumulator_bytes() const = 0;
};

template <class W, class A>
class DenseEngine final : public LayerEngine {
 public:
  explicit DenseEngine(const Layer& l)
      : params_(l.neuron.iflif), n_out_(l.n_out), stride_(padded(l.n_out)) {
    weights_.assign(static_cast<size_t>(l.n_in) * stride_, W{0});
    for (int n = 0; n < l.n_out; ++n)
      for (int i = 0; i < l.n_in; ++i) weights_[static_cast<size_t>(i) * stride_ + n] = static_cast<W>(l.w(n, i));
    bias_.assign(l.n_out, 0);
    if (l.has_bias()) std::copy(l.bias.begin(), l.bias.end(), bias_.begin());
    acc_.assign(stride_, A{0});
  }

  void add_spikes(const int32_t* idx, size_t n) override {
    A* __restrict acc = acc_.data();
    const int len = stride_;
    size_t e = 0;
    // Four rows per pass: one load/store of acc per four rows of weights.
    for (; e + 4 <= n; e += 4) {
      const W* __restrict r0 = row(idx[e]);
      const W* __restrict r1 = row(idx[e + 1]);
      const W* __restrict r2 = row(idx[e + 2]);
      const W* __restrict r3 = row(idx[e + 3]);
      for (int j = 0; j < len; ++j)
        acc[j] = static_cast<A>(acc[j] + ((A{r0[j]} + A{r1[j]}) + (A{r2[j]} + A{r3[j]})));
    }
    for (; e < n; ++e) {
      const W* __restrict r = row(idx[e]);
      for (int j = 0; j < len; ++j) acc[j] = static_cast<A>(acc[j] + r[j]);
    }
  }

  void add_graded(const int32_t* idx, const int64_t* payload, size_t n) override {
    A* __restrict acc = acc_.data();
    for (size_t e = 0; e < n; ++e) {
      const W* __restrict r = row(idx[e]);
      const A p = static_cast<A>(payload[e]);
      for (int j = 0; j < stride_; ++j) acc[j] = static_cast<A>(acc[j] + static_cast<A>(r[j]) * p);
    }
  }

  void fire(int64_t* v, uint8_t* pending, std::vector<int32_t>& spikes) override {
    for (int n = 0; n < n_out_; ++n) {
      bool p = pending[n] != 0;
      if (fire_step(params_, v[n], p, int64_t{acc_[n]} + bias_[n])) spikes.push_back(n);
      pending[n] = p;
    }
    std::fill(acc_.begin(), acc_.end(), A{0});
  }

  int weight_bytes() const override { return sizeof(W); }
  int accumulator_bytes() const override { return sizeof(A); }

 private:
  // Rows padded to 64 bytes of accumulator so vector loops need no scalar tail.
  static int padded(int n) {
    constexpr int lanes = static_cast<int>(64 / sizeof(A));
    return (n + lanes - 1) / lanes * lanes;
  }
  const W* row(int32_t i) const { return weights_.data() + static_cast<size_t>(i) * stride_; }

  IfLifParams params_;
  int n_out_;
  int stride_;
  std::vector<W> weights_;  // [n_in][stride_], zero in the padding
  std::vector<int64_t> bias_;
  std::vector<A> acc_;
};

}  // namespace sf::ref
