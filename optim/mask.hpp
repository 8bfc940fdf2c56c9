// optim/mask.hpp — choosing which parameters a transform applies to.
//
// A Mask is a predicate on a named parameter (optim/transform.hpp). Masks use
// the parameter's *role* (nn/parameter.hpp) or its dotted name, never its
// position in the list. Used by masked(), decoupled_weight_decay and the
// presets' weight decay.
//
//   decay_mask()          weights and embeddings: no decay on biases and
//                         normalisation parameters (BERT, GPT, timm convention;
//                         tg::nn::decayed_by_default)
//   decay_mask(true)      every parameter (what torch.optim does with one group)
#pragma once

#include <string>
#include <vector>

#include "nn/parameter.hpp"
#include "optim/transform.hpp"

namespace tg::optim {

/// The default weight-decay mask; `include_bias_and_norm` switches to all parameters.
Mask decay_mask(bool include_bias_and_norm = false);
/// Every parameter.
Mask all_parameters();
/// Parameters whose role is one of `roles`.
Mask mask_by_roles(std::vector<nn::ParamRole> roles);
/// Parameters whose dotted name is one of `names` (exact match).
Mask mask_by_names(std::vector<std::string> names);
/// The parameters `mask` leaves out.
Mask invert(Mask mask);

}  // namespace tg::optim
