// What conv2d and sumpool2d share: their geometry fields in the format, the
// checks with the format's errors, and the planner facts of a convolution.
// Only gen/layers/ includes this header.
#pragma once

#include <cstdint>
#include <vector>

#include "layers/layer_kind.h"

namespace sf::conv {

constexpr int kMaxKernel = 64;
constexpr int kMaxStride = 64;
constexpr int kMaxPadding = 64;
constexpr int kMaxDilation = 64;

// A [h, w] field given as one integer (both) or a pair; `fallback` when absent.
void get_pair(const JsonCtx& c, const json& lj, const char* key, int lo, int hi, int fallback, int& h, int& w);
// The input shape as C, H, W (a conv reads [C, H, W]), with the format's error.
void input_chw(const JsonCtx& c, const graph::Shape& in, const char* kind, ConvGeom& g);
// The output size along one axis for size `n`; fails naming the field when
// the dilated kernel does not fit in the padded input.
int out_size(const JsonCtx& c, const char* axis, int n, int k, int s, int p, int d);
// Reads kernel/stride/padding/dilation (those the kind has) and derives the
// output shape. The stride defaults to 1, or to the kernel (pooling, as NIR
// and PyTorch) with pool_stride.
void parse_window(const JsonCtx& c, const json& lj, bool has_dilation, bool pool_stride, ConvGeom& g);
void save_window(const ConvGeom& g, bool has_dilation, json& lj);
graph::Shape output_shape(const ConvGeom& g);

// Planner: the range of any step's input sum (every output channel's kernel,
// each input at most once per step, payloads in [pmin, pmax]).
void input_sum_range(const Layer& l, int64_t pmin, int64_t pmax, int64_t& lo, int64_t& hi);

// ---- the engine (sf_conv_engine, docs/conv-engine.md) ----
// P lanes over the output channels of a group: CG = ceil(cog / P) chunks per
// group, CH = groups * CG per output position; state word pos * CH + g * CG + cg.
int state_words(const Layer& l, int P);
int neuron_at(const gen::LayerPlan& lp, int addr, int lane);
// weight word ((ci * kh + ky) * kw + kx) * CG + cg, lane j: W[g*cog + cg*P + j][ci - g*cig][ky][kx]
void weight_words(const Layer& l, const gen::LayerPlan& lp, const std::function<void(const std::vector<int64_t>&)>& f);
int param_words(const gen::LayerPlan& lp);                    // CH: one word per chunk, per channel
int param_entry(const gen::LayerPlan& lp, int word, int lane);  // the channel, or -1
std::string rtl_shape(const gen::LayerPlan& lp);
int64_t step_work(const gen::LayerPlan& lp);
std::vector<MemRequest> memories(const Layer& l, const NeuronModelInfo& model, const gen::LayerPlan& lp);
int engine_dsp(const gen::LayerPlan& lp);
// Fills the engine hooks of a conv kind entry (conv2d, sumpool2d).
void set_engine(LayerKindInfo& k);

}  // namespace sf::conv
