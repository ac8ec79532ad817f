// Akida compatibility check: does a network fit BrainChip Akida's published
// hardware and converter rules (docs/semantics.md; the Akida notes' sections cited there)?
// Every violation names the layer (or node), the rule it breaks, and the source
// of the rule; a clean network has none. `spikeforge check NET --target akida|akida2`
// (docs/akida-check.md).
//
// The rules are BrainChip's documented limits (hardware constraint tables, the
// cnn2snn converter's checks), not measurements of silicon.
#pragma once

#include <string>
#include <vector>

#include "float_json.h"
#include "ir/network.h"

namespace sf::akida_check {

enum class Target { Akida1, Akida2 };
const char* to_string(Target t);  // "akida", "akida2"

struct Violation {
  std::string layer;  // the layer or node
  std::string rule;   // short id: "stateful", "fc-fan-in", "conv-kernel", ...
  std::string text;   // what is wrong, what the rule allows, where the rule comes from
};

struct CheckOptions {
  int weight_bits = 4;      // for a float network: the bits it would be converted to
  int act_bits = 0;         // 0: the target's natural choice (1.0: 1-bit spikes, 2.0: 4)
  double max_decay = 1e-3;  // a LIF whose per-step decay β exceeds this is stateful
};

// A float network (imported NIR graph): node kinds, graph shape (chain, no
// cycles), statefulness of the neurons, geometry of convolutions and pools,
// fan-in of dense layers, and the bit widths of CheckOptions.
std::vector<Violation> check(const ref::nir_float::FloatNetwork& net, Target target, const CheckOptions& opt);

// An integer network of the IR: the neuron model (if/lif/loihi2 are stateful;
// akida vs akida2 must match the target), the bit widths of weights, inputs
// and activations, threshold ranges and fan-in.
std::vector<Violation> check(const Network& net, Target target);

}  // namespace sf::akida_check
