#include "optim/mask.hpp"

#include <algorithm>
#include <utility>

namespace tg::optim {

Mask decay_mask(bool include_bias_and_norm) {
  if (include_bias_and_norm) return all_parameters();
  return [](const nn::NamedParameter& p) { return nn::decayed_by_default(p.role); };
}

Mask all_parameters() {
  return [](const nn::NamedParameter&) { return true; };
}

Mask mask_by_roles(std::vector<nn::ParamRole> roles) {
  return [roles = std::move(roles)](const nn::NamedParameter& p) {
    return std::find(roles.begin(), roles.end(), p.role) != roles.end();
  };
}

Mask mask_by_names(std::vector<std::string> names) {
  return [names = std::move(names)](const nn::NamedParameter& p) {
    return std::find(names.begin(), names.end(), p.name) != names.end();
  };
}

Mask invert(Mask mask) {
  return [mask = std::move(mask)](const nn::NamedParameter& p) { return !mask(p); };
}

}  // namespace tg::optim
