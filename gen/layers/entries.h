// The entries table.cpp lists. Only gen/layers/ includes this header;
// everything else reads the table through layer_kind.h.
#pragma once

#include "layers/layer_kind.h"

namespace sf {

extern const LayerKindInfo kDenseKind;
extern const LayerKindInfo kConv2dKind;
extern const LayerKindInfo kSumPool2dKind;

}  // namespace sf
