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

}  // namespace sf::conv
