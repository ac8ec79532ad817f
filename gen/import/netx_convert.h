// lava-dl netx `.net` model -> SpikeForge network IR (`loihi2` layers), with
// netx's own parameter mapping (lava-dl netx/hdf5.py; docs/formats.md, netx):
//   CUBA (and LOIHI, which netx maps the same way) neuron: du = iDecay - 1,
//                dv = vDecay, vth = vThMant, bias_mant = bias, bias_exp = 6,
//                binary spikes
//   Dense weights: optimize_weight_bits (w << k, weight_exp = -k,
//                num_weight_bits), then Lava's Dense preparation (sign mode,
//                clip, LSB truncation) -> the IR's prepared weights.
//   Conv layers: Lava's Conv uses the stored weights as they are (netx does not
//                optimize them; weight_exp 0). netx flips the kernel and Lava
//                convolves, so a layer computes PyTorch's conv2d (a
//                correlation) of the stored (O, I/groups, kH, kW) weights over
//                a (C, H, W) input with the stored (y, x) stride, padding and
//                dilation. The IR has dense layers only: the convolution is
//                expanded into its dense matrix, neurons and inputs numbered
//                in C order over (c, y, x) (what netx's flatten feeds a dense
//                layer), and a per-channel bias repeated over the map.
//   Flatten layers: connect a conv layer to a dense one in that (c, y, x) order.
//   The netx input layer (a LIF per pixel driven through its bias by the
//                image) has no IR form; with skip_input the import starts after
//                it and the raster holds the input layer's spikes, (c, y, x).
#pragma once

#include <string>
#include <vector>

#include "ir/network.h"
#include "netx_reader.h"

namespace sf::import {

// What netx's weight optimisation chose for one layer, and what it cost.
struct NetxLayerReport {
  std::string name;             // IR layer name ("layer0", ...)
  std::string kind = "dense";   // "dense" | "conv ..." (its geometry)
  std::string sign_mode;        // "mixed" | "excitatory" | "inhibitory"
  int weight_exp = 0;           // -k
  int num_weight_bits = 8;
  int64_t weights_changed = 0;  // prepared weight != stored weight << k (clipping or truncation)
  int du = 0, dv = 0;
  int64_t vth = 0;
};

struct NetxImport {
  Network net;
  std::vector<NetxLayerReport> layers;
};

// Converts `m` (read by read_netx). Throws sf::InputError naming the file,
// layer and field for anything outside what the mapping supports: every
// reason unsupported_reason() gives, plus iDecay 0 (du = -1), vDecay 4096
// (dv = 4096) and vThMant >= 2^17 (outside Loihi 2's registers, see
// reference/loihi2/README.md), a bias outside 13 bits, weights outside
// [-256, 255], a conv geometry that does not give the stored shape, a conv
// whose summed input could leave Lava's 24-bit Conv output, a leading input
// layer without skip_input. `name` becomes the network's name.
struct NetxOptions {
  bool skip_input = false;  // import the layers after a leading netx input layer
};
NetxImport netx_to_network(const NetxModel& m, const std::string& name, const NetxOptions& opt = {});

}  // namespace sf::import
