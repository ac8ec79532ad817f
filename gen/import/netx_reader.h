// Reader for lava-dl netx `.net` network files (HDF5), the format lava-dl's
// slayer exports for Loihi 2 and netx (`netx/hdf5.py`) imports into Lava.
//
// This is only the reading half of the import: it gives the file's layers with
// their values exactly as stored (no netx mapping such as du = iDecay - 1 and no
// optimize_weight_bits). Turning a NetxModel into SpikeForge's network IR is a
// later step. Layout of the corpus files and what is left: README.md here.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace sf::import {

// A field that the file does not hold reads as NaN (test with std::isnan).
inline constexpr double kNetxAbsent = std::numeric_limits<double>::quiet_NaN();

struct NetxLayer {
  std::string name;         // "layer/0", ...
  std::string type;         // "dense", "conv", "input", ... as stored
  std::vector<int> shape;   // /layer/i/shape as stored (the corpus files are C-order:
                            // [n] for dense, [c, y, x] for tiny's input/conv layers)

  // Dense only (0 otherwise): inFeatures / outFeatures.
  int n_in = 0, n_out = 0;

  // The `weight` dataset of any layer that has one, as stored, flattened in
  // C order; weight_dims are its dimensions. Dense: [n_out][n_in] row-major.
  // float32 in the files, so the doubles hold the stored values exactly.
  std::vector<double> weights;
  std::vector<int> weight_dims;
  std::vector<double> bias;  // `bias`; empty if none
  bool has_delay = false;    // a `delay` dataset exists (not read: out of scope)

  // Other small numeric datasets of the layer group (conv's kernelSize, stride,
  // padding, dilation, groups, inChannels, outChannels), by name, as stored.
  std::map<std::string, std::vector<double>> params;

  // The `neuron` group. netx gives a dense layer without one a non-spiking
  // default neuron; has_neuron tells the two apart.
  bool has_neuron = false;
  std::string neuron_type;  // "CUBA", "LOIHI", ... as stored; "" without a neuron group
  double i_decay = kNetxAbsent;       // neuron/iDecay
  double v_decay = kNetxAbsent;       // neuron/vDecay
  double v_th_mant = kNetxAbsent;     // neuron/vThMant
  double ref_delay = kNetxAbsent;     // neuron/refDelay
  double w_exp = kNetxAbsent;         // neuron/wgtExp (older LOIHI exports)
  double message_bits = kNetxAbsent;  // neuron/messageBits (> 0: graded output in netx)
  bool has_graded_spike = false;      // neuron/gradedSpike exists
  bool graded_spike = false;          // its value (false when absent)
  // Other numeric neuron datasets (theta, tauRho, scaleRho in LOIHI exports).
  std::map<std::string, double> neuron_params;
};

struct NetxModel {
  std::string path;
  std::vector<NetxLayer> layers;  // /layer/0 .. /layer/n-1, in order
  // /simulation/{Ts, tSample}: optional (tiny.net has them), NaN when absent.
  double sim_ts = kNetxAbsent;
  double sim_t_sample = kNetxAbsent;
};

// Reads a `.net` file. Throws sf::InputError (gen/ir/error.h) on anything it
// cannot read, with a message "PATH: layer/N: FIELD: found X, expected Y" (or
// "PATH: found X, expected Y" for file-level problems). HDF5 runs in a forked
// child process with its error printing off (HDF5 1.10 can crash on corrupt
// metadata; a crash or a 60 s hang there becomes an InputError here), so no
// HDF5 error stack reaches stderr and the caller's HDF5 state is untouched.
NetxModel read_netx(const std::string& path);

// The subset SpikeForge can map: dense and conv layers with CUBA (or LOIHI,
// mapped alike by netx) neurons and binary spikes, integer weights, no delays,
// refDelay 1, chained dense sizes; flatten layers; an input layer first (whether
// it is skipped is the import's choice, netx_convert.h). Shapes and conv
// geometry are checked by netx_to_network.
// Returns "" when the whole model is supported, else one line per unsupported
// layer, each "not supported: layer/N (type T, neuron U): why", joined by '\n'.
std::string unsupported_reason(const NetxModel& m);

}  // namespace sf::import
