// nn/parameter.hpp — a model's trainable tensors, with names and roles.
//
// A parameter is a leaf Var that requires a gradient. Modules register them
// under a name ("weight", "bias"); Module::named_parameters() prefixes the
// names of submodules ("encoder.fc1.weight"). The role says what kind of
// tensor it is, so that weight-decay masks and regularizer selections need
// no name matching: by default decay applies to weights, not to biases or
// normalisation scales (the convention of BERT, GPT, timm, ...).
#pragma once

#include <string>
#include <vector>

#include "autodiff/var.hpp"

namespace tg::nn {

/// What kind of tensor a parameter is; weight-decay masks and regularizer
/// selections (weights_only, by_role) choose parameters by role, not by name.
enum class ParamRole {
  weight,     ///< matrices and kernels of Linear, Conv2d, RNNs: decayed by default
  bias,       ///< additive offsets: not decayed
  norm,       ///< LayerNorm / BatchNorm scale and shift: not decayed
  embedding,  ///< embedding tables: decayed by default
};

/// The role's name as written in the enum: "weight", "bias", "norm", "embedding".
const char* role_name(ParamRole role);

/// A parameter with its dotted name and its role, as Module::named_parameters() lists it.
struct NamedParameter {
  std::string name;  ///< dotted path, e.g. "fc1.weight"
  Var var;           ///< a leaf with requires_grad
  ParamRole role;    ///< what kind of tensor it is (decides default weight decay)
};

/// Named parameters in registration order (Module::named_parameters()).
using ParameterList = std::vector<NamedParameter>;

/// True for roles that weight decay and weight regularizers apply to by default.
inline bool decayed_by_default(ParamRole role) {
  return role == ParamRole::weight || role == ParamRole::embedding;
}

}  // namespace tg::nn
