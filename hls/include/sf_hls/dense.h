// sf_hls/dense.h - one dense layer: integrate a timestep's input events, then fire every neuron.
//
// Neurons are processed in chunks of `parallel` lanes, neuron n in lane n % parallel of chunk
// n / parallel (the same split as the RTL engine, docs/cycle-model.md), so cyclic partitioning
// of acc and st by `parallel` gives each lane its own bank.
#ifndef SF_HLS_DENSE_H
#define SF_HLS_DENSE_H

#include "event.h"
#include "pragmas.h"
#include "stream.h"
#include "types.h"

#ifndef __SYNTHESIS__
#include <stdexcept>
#include <string>
#endif

namespace sf_hls {

// CFG (all static constexpr):
//   int n_in, n_out          fan-in and neuron count (>= 1)
//   int w_bits               weight width, signed
//   int acc_bits             signed width that holds every step sum I[n] (proved by the generator)
//   bool has_bias; int bias_bits   per-neuron bias b[n] and its signed width
//   int sum_bits             signed width that holds I[n] + b[n]
//   int in_idx_bits, out_idx_bits  index widths of the input and output events
//   int pay_bits; bool pay_signed  input payload width and signedness
//   int parallel             lanes: unroll / partition factor, 1..n_out
//   using neuron = ...       a neuron model with state_t, reset(state_t&), in_bits and
//                            bool update(state_t&, int_t<in_bits>), e.g. neuron_iflif<...>
template <class CFG>
struct dense {
    using neuron = typename CFG::neuron;
    using weight_t = int_t<CFG::w_bits>;
    using acc_t = int_t<CFG::acc_bits>;
    using bias_t = int_t<CFG::bias_bits>;
    using sum_t = int_t<CFG::sum_bits>;
    using state_t = typename neuron::state_t;
    using in_t = event<CFG::in_idx_bits, CFG::pay_bits, CFG::pay_signed>;
    using out_t = event<CFG::out_idx_bits, 1, false>;

    static constexpr int n_out = CFG::n_out;
    static constexpr int weight_count = CFG::n_out * CFG::n_in;  // w[n][i]
    static constexpr int bias_count = CFG::has_bias ? CFG::n_out : 1;

private:
    using pay_t = typename in_t::payload_t;
    static constexpr int lanes = CFG::parallel;
    static constexpr int chunks = (CFG::n_out + CFG::parallel - 1) / CFG::parallel;
    // |w * p| <= 2^(w_bits-1) * 2^pay_bits (unsigned payload, the wider case) < 2^(w_bits+pay_bits).
    static constexpr int prod_bits = CFG::w_bits + CFG::pay_bits + 1;
    // acc + product, before the (C-sim checked) narrowing to acc_bits.
    static constexpr int add_bits = max_int(CFG::acc_bits, prod_bits) + 1;
    // acc + bias, before the (C-sim checked) narrowing to sum_bits.
    static constexpr int bsum_bits = max_int(CFG::acc_bits, CFG::bias_bits) + 1;
    using prod_t = int_t<prod_bits>;
    using add_t = int_t<add_bits>;
    using bsum_t = int_t<bsum_bits>;

    static_assert(CFG::n_in >= 1 && CFG::n_out >= 1, "dense: n_in and n_out must be >= 1");
    static_assert(CFG::parallel >= 1 && CFG::parallel <= CFG::n_out, "dense: parallel must be 1..n_out");
    static_assert(CFG::w_bits >= 1 && CFG::bias_bits >= 1, "dense: w_bits and bias_bits must be >= 1");
    static_assert(CFG::acc_bits >= 1 && CFG::sum_bits >= 1, "dense: acc_bits and sum_bits must be >= 1");
    static_assert(CFG::in_idx_bits >= 1 && CFG::in_idx_bits < max_bits - 1 &&
                      (1LL << CFG::in_idx_bits) >= CFG::n_in,
                  "dense: in_idx_bits must address every input (2^in_idx_bits >= n_in)");
    static_assert(CFG::out_idx_bits >= 1 && CFG::out_idx_bits < max_bits - 1 &&
                      (1LL << CFG::out_idx_bits) >= CFG::n_out,
                  "dense: out_idx_bits must address every neuron (2^out_idx_bits >= n_out)");
    static_assert(add_bits <= max_bits && bsum_bits <= max_bits, "dense: accumulator wider than 63 bits");
    static_assert(neuron::in_bits >= CFG::sum_bits, "dense: the neuron's in_bits must hold sum_bits");

    // acc += w * p. The generator proves acc_bits holds every step sum; C-sim checks that proof.
    static void accumulate(acc_t& acc, const weight_t& w, const pay_t& p, int n) {
        SF_HLS_INLINE
        const prod_t prod = prod_t(prod_t(w) * prod_t(p));
        const add_t sum = add_t(add_t(acc) + add_t(prod));
#ifndef __SYNTHESIS__
        if (!fits_signed<CFG::acc_bits>(sum)) {
            throw std::logic_error("sf_hls::dense: neuron " + std::to_string(n) + ": input sum " +
                                   std::to_string(to_i64(sum)) + " does not fit acc_bits = " +
                                   std::to_string(CFG::acc_bits) + " (the accumulator proof is wrong)");
        }
#endif
        (void)n;
        acc = acc_t(sum);
    }

public:
    // Every neuron to its power-up state.
    static void reset(state_t st[CFG::n_out]) {
        SF_HLS_LOOP_LABEL(reset_loop)
        for (int n = 0; n < CFG::n_out; ++n) {
            SF_HLS_UNROLL(lanes)
            neuron::reset(st[n]);
        }
    }

    // One timestep: integrate up to and including the eot word, then fire in ascending n,
    // writing one out_t per spike and then one eot word. spk[n] receives every neuron's spike.
    static void step(stream<in_t>& in, stream<out_t>& out, const weight_t w[CFG::n_out * CFG::n_in],
                     const bias_t b[CFG::has_bias ? CFG::n_out : 1], state_t st[CFG::n_out],
                     bool spk[CFG::n_out]) {
        // Lane l reads w[(c * parallel + l) * n_in + i]: cyclic banks are conflict-free only when
        // gcd(n_in, parallel) = 1; otherwise the tool raises the row loop's II (slower, still exact).
        SF_HLS_ARRAY_PARTITION_CYCLIC(w, lanes)
        SF_HLS_ARRAY_PARTITION_CYCLIC(st, lanes)
        SF_HLS_ARRAY_PARTITION_CYCLIC(spk, lanes)

        acc_t acc[CFG::n_out];
        SF_HLS_ARRAY_PARTITION_CYCLIC(acc, lanes)
        SF_HLS_LOOP_LABEL(clear)
        for (int n = 0; n < CFG::n_out; ++n) {
            SF_HLS_UNROLL(lanes)
            acc[n] = 0;
        }

        bool done = false;
        SF_HLS_LOOP_LABEL(integrate)
        while (!done) {
            const in_t ev = in.read();
            if (ev.eot) {
                done = true;
            } else if (to_u64(ev.index) >= static_cast<unsigned long long>(CFG::n_in)) {
                // A caller bug; synthesis ignores the word, C-sim stops at it.
#ifndef __SYNTHESIS__
                throw std::logic_error("sf_hls::dense: input event index " + std::to_string(to_u64(ev.index)) +
                                       " >= n_in = " + std::to_string(CFG::n_in));
#endif
            } else {
                const int i = static_cast<int>(to_u64(ev.index));
                SF_HLS_LOOP_LABEL(row)
                for (int c = 0; c < chunks; ++c) {
                    SF_HLS_PIPELINE(1)
                    SF_HLS_LOOP_LABEL(lane)
                    for (int l = 0; l < lanes; ++l) {
                        SF_HLS_UNROLL(lanes)
                        const int n = c * lanes + l;
                        if (n < CFG::n_out) accumulate(acc[n], w[n * CFG::n_in + i], ev.payload, n);
                    }
                }
            }
        }

        SF_HLS_LOOP_LABEL(fire)
        for (int n = 0; n < CFG::n_out; ++n) {
            SF_HLS_PIPELINE(1)
            bsum_t x = bsum_t(acc[n]);
            // Index 0 when there is no bias keeps the (unused) read inside b[1].
            if (CFG::has_bias) x = bsum_t(x + bsum_t(b[CFG::has_bias ? n : 0]));
#ifndef __SYNTHESIS__
            if (!fits_signed<CFG::sum_bits>(x)) {
                throw std::logic_error("sf_hls::dense: neuron " + std::to_string(n) + ": I + b = " +
                                       std::to_string(to_i64(x)) + " does not fit sum_bits = " +
                                       std::to_string(CFG::sum_bits));
            }
#endif
            const bool s = neuron::update(st[n], sum_t(x));
            spk[n] = s;
            if (s) out.write(out_t::data(typename out_t::index_t(n), typename out_t::payload_t(1)));
        }
        out.write(out_t::end_of_step());
    }
};

}  // namespace sf_hls

#endif  // SF_HLS_DENSE_H
