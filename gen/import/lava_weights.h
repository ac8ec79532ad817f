// Lava's weight preparation as the netx importer applies it (lava
// weightutils and lava-dl netx): the sign mode of a weight matrix, netx's
// weight exponent and weight precision, and Dense's clipping and truncation.
// The importer's own copy: the golden model (reference/loihi2) keeps its
// independent one, and both are pinned to Lava's numbers by tests
// (tests/import/test_lava_weights.cpp, tests/reference/loihi2/test_weights.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace sf::import::lava {

enum class SignMode { Excitatory, Inhibitory, Mixed };

// Over the whole matrix (never per row): excitatory if no weight is negative
// (an empty or all-zero matrix included), inhibitory if none is positive,
// mixed otherwise.
SignMode sign_mode(const std::vector<int64_t>& w);
const char* sign_mode_name(SignMode m);

// netx's weight exponent (_determine_weight_exp): the left shift k that brings
// the matrix's extreme into the 8-bit mantissa range; weight_exp = -k.
// `w` must not be empty.
int weight_shift(const std::vector<int64_t>& w, SignMode mode);

// netx's num_weight_bits (optimize_weight_bits): 8 - k - n, where n is the
// number of low zero bits common to the stored weights `w` (one fewer when
// mixed), so that the truncation of the shifted weights drops only zeros.
int num_weight_bits(const std::vector<int64_t>& w, int k, SignMode mode);

// Lava's Dense: clip to the mode's range (mixed [-256, 255], excitatory
// [0, 255], inhibitory [-255, 0]), then zero 8 - num_weight_bits low bits (one
// more when mixed): rounding down for excitatory and mixed weights, toward
// zero for inhibitory ones (Lava truncates their magnitude).
// std::invalid_argument when num_weight_bits is outside 1..8 or a weight
// outside int32 (Lava's weight Var type).
std::vector<int32_t> prepare_weights(const std::vector<int64_t>& w, int num_weight_bits, SignMode mode);

}  // namespace sf::import::lava
