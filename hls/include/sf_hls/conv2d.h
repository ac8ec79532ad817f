// sf_hls/conv2d.h - one conv2d (or sumpool2d: a depthwise all-ones kernel) layer: integrate a
// timestep's input events by scattering each over exactly its output window, then fire every
// neuron in ascending order (docs/semantics.md, "Layer kinds of the hardware network").
//
// Input index i = (ci * h_in + y) * w_in + x; neuron n = (co * h_out + oy) * w_out + ox. An event
// reaches (co, oy, ox) of its channel's group for every kernel cell (ky, kx) with
// oy * sh - ph + ky * dh = y and ox * sw - pw + kx * dw = x. The kernel is stored once,
// w[co][ci_l][ky][kx]; the bias is per output channel.
#ifndef SF_HLS_CONV2D_H
#define SF_HLS_CONV2D_H

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
//   int c_in, h_in, w_in, c_out, h_out, w_out   shapes (h_out, w_out as the output formula gives)
//   int kh, kw, sh, sw, ph, pw, dh, dw, groups   kernel, stride, padding, dilation, groups
//   int w_bits, acc_bits, bias_bits, sum_bits; bool has_bias   as in dense.h (bias per channel)
//   int in_idx_bits, out_idx_bits, pay_bits; bool pay_signed; int parallel (lanes over channels)
//   using neuron = ...                          as in dense.h
template <class CFG>
struct conv2d {
    using neuron = typename CFG::neuron;
    using weight_t = int_t<CFG::w_bits>;
    using acc_t = int_t<CFG::acc_bits>;
    using bias_t = int_t<CFG::bias_bits>;
    using sum_t = int_t<CFG::sum_bits>;
    using state_t = typename neuron::state_t;
    using in_t = event<CFG::in_idx_bits, CFG::pay_bits, CFG::pay_signed>;
    using out_t = event<CFG::out_idx_bits, 1, false>;

    static constexpr int n_in = CFG::c_in * CFG::h_in * CFG::w_in;
    static constexpr int n_out = CFG::c_out * CFG::h_out * CFG::w_out;
    static constexpr int cig = CFG::c_in / CFG::groups;   // input channels per group
    static constexpr int cog = CFG::c_out / CFG::groups;  // output channels per group
    static constexpr int positions = CFG::h_out * CFG::w_out;
    static constexpr int weight_count = CFG::c_out * cig * CFG::kh * CFG::kw;
    static constexpr int bias_count = CFG::has_bias ? CFG::c_out : 1;

private:
    using pay_t = typename in_t::payload_t;
    static constexpr int lanes = CFG::parallel;
    static constexpr int prod_bits = CFG::w_bits + CFG::pay_bits + 1;
    static constexpr int add_bits = max_int(CFG::acc_bits, prod_bits) + 1;
    static constexpr int bsum_bits = max_int(CFG::acc_bits, CFG::bias_bits) + 1;
    using prod_t = int_t<prod_bits>;
    using add_t = int_t<add_bits>;
    using bsum_t = int_t<bsum_bits>;

    static_assert(CFG::c_in >= 1 && CFG::h_in >= 1 && CFG::w_in >= 1 && CFG::c_out >= 1,
                  "conv2d: shapes must be >= 1");
    static_assert(CFG::kh >= 1 && CFG::kw >= 1 && CFG::sh >= 1 && CFG::sw >= 1 && CFG::dh >= 1 && CFG::dw >= 1 &&
                      CFG::ph >= 0 && CFG::pw >= 0,
                  "conv2d: kernel, stride, dilation >= 1 and padding >= 0");
    static_assert(CFG::groups >= 1 && CFG::c_in % CFG::groups == 0 && CFG::c_out % CFG::groups == 0,
                  "conv2d: groups must divide c_in and c_out");
    static_assert(CFG::h_out == (CFG::h_in + 2 * CFG::ph - CFG::dh * (CFG::kh - 1) - 1) / CFG::sh + 1 &&
                      CFG::w_out == (CFG::w_in + 2 * CFG::pw - CFG::dw * (CFG::kw - 1) - 1) / CFG::sw + 1 &&
                      CFG::h_out >= 1 && CFG::w_out >= 1,
                  "conv2d: h_out / w_out must follow from the input, kernel, stride, padding and dilation");
    static_assert(CFG::parallel >= 1 && CFG::parallel <= cog, "conv2d: parallel must be 1..c_out / groups");
    static_assert((1LL << CFG::in_idx_bits) >= n_in && (1LL << CFG::out_idx_bits) >= n_out,
                  "conv2d: index widths must address every input and neuron");
    static_assert(add_bits <= max_bits && bsum_bits <= max_bits, "conv2d: accumulator wider than 63 bits");
    static_assert(neuron::in_bits >= CFG::sum_bits, "conv2d: the neuron's in_bits must hold sum_bits");

    static void accumulate(acc_t& acc, const weight_t& w, const pay_t& p, int n) {
        SF_HLS_INLINE
        const prod_t prod = prod_t(prod_t(w) * prod_t(p));
        const add_t sum = add_t(add_t(acc) + add_t(prod));
#ifndef __SYNTHESIS__
        if (!fits_signed<CFG::acc_bits>(sum)) {
            throw std::logic_error("sf_hls::conv2d: neuron " + std::to_string(n) + ": input sum " +
                                   std::to_string(to_i64(sum)) + " does not fit acc_bits = " +
                                   std::to_string(CFG::acc_bits) + " (the accumulator proof is wrong)");
        }
#endif
        (void)n;
        acc = acc_t(sum);
    }

public:
    static void reset(state_t st[n_out]) {
        SF_HLS_LOOP_LABEL(reset_loop)
        for (int n = 0; n < n_out; ++n) neuron::reset(st[n]);
    }

    // One timestep: integrate up to and including the eot word, then fire in ascending n,
    // writing one out_t per spike and then one eot word. spk[n] receives every neuron's spike.
    static void step(stream<in_t>& in, stream<out_t>& out, const weight_t w[weight_count],
                     const bias_t b[bias_count], state_t st[n_out], bool spk[n_out]) {
        acc_t acc[n_out];
        SF_HLS_LOOP_LABEL(clear)
        for (int n = 0; n < n_out; ++n) acc[n] = 0;

        bool done = false;
        SF_HLS_LOOP_LABEL(integrate)
        while (!done) {
            const in_t ev = in.read();
            if (ev.eot) {
                done = true;
            } else if (to_u64(ev.index) >= static_cast<unsigned long long>(n_in)) {
#ifndef __SYNTHESIS__
                throw std::logic_error("sf_hls::conv2d: input event index " + std::to_string(to_u64(ev.index)) +
                                       " >= n_in = " + std::to_string(n_in));
#endif
            } else {
                const int i = static_cast<int>(to_u64(ev.index));
                const int ci = i / (CFG::h_in * CFG::w_in), y = i / CFG::w_in % CFG::h_in, x = i % CFG::w_in;
                const int grp = ci / cig, ci_l = ci % cig;
                SF_HLS_LOOP_LABEL(rows)
                for (int ky = 0; ky < CFG::kh; ++ky) {
                    const int ny = y + CFG::ph - ky * CFG::dh;  // oy * sh
                    if (ny < 0 || ny % CFG::sh != 0 || ny / CFG::sh >= CFG::h_out) continue;
                    SF_HLS_LOOP_LABEL(cols)
                    for (int kx = 0; kx < CFG::kw; ++kx) {
                        const int nx = x + CFG::pw - kx * CFG::dw;
                        if (nx < 0 || nx % CFG::sw != 0 || nx / CFG::sw >= CFG::w_out) continue;
                        const int pos = (ny / CFG::sh) * CFG::w_out + nx / CFG::sw;
                        SF_HLS_LOOP_LABEL(channels)
                        for (int c = 0; c < cog; ++c) {
                            SF_HLS_PIPELINE(1)
                            const int co = grp * cog + c;
                            const int n = co * positions + pos;
                            accumulate(acc[n], w[((co * cig + ci_l) * CFG::kh + ky) * CFG::kw + kx], ev.payload, n);
                        }
                    }
                }
            }
        }

        SF_HLS_LOOP_LABEL(fire)
        for (int n = 0; n < n_out; ++n) {
            SF_HLS_PIPELINE(1)
            bsum_t x = bsum_t(acc[n]);
            if (CFG::has_bias) x = bsum_t(x + bsum_t(b[CFG::has_bias ? n / positions : 0]));
#ifndef __SYNTHESIS__
            if (!fits_signed<CFG::sum_bits>(x)) {
                throw std::logic_error("sf_hls::conv2d: neuron " + std::to_string(n) + ": I + b = " +
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

#endif  // SF_HLS_CONV2D_H
