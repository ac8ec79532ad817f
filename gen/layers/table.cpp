// The layer-kind table: one line per kind. A new kind adds its file in
// gen/layers/ and one line here (docs/architecture.md).
#include "layers/entries.h"

namespace sf {

const std::vector<const LayerKindInfo*>& layer_kinds() {
  static const std::vector<const LayerKindInfo*> table = {&kDenseKind, &kConv2dKind, &kSumPool2dKind};
  return table;
}

const LayerKindInfo& kind_info(LayerType t) {
  for (const LayerKindInfo* k : layer_kinds())
    if (k->id == t) return *k;
  throw std::logic_error("layer kind " + std::to_string(static_cast<int>(t)) + " has no table entry");
}

const LayerKindInfo* find_kind(const std::string& name) {
  for (const LayerKindInfo* k : layer_kinds())
    if (name == k->name) return k;
  return nullptr;
}

}  // namespace sf
