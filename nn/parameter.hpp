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

enum class ParamRole {
  weight,     // matrices and kernels of Linear, Conv2d, RNNs: decayed by default
  bias,       // additive offsets: not decayed
  norm,       // LayerNorm / BatchNorm scale and shift: not decayed
  embedding,  // embedding tables: decayed by default
};

const char* role_name(ParamRole role);

struct NamedParameter {
  std::string name;  // dotted path, e.g. "fc1.weight"
  Var var;           // a leaf with requires_grad
  ParamRole role;
};

using ParameterList = std::vector<NamedParameter>;

/// True for roles that weight decay and weight regularizers apply to by default.
inline bool decayed_by_default(ParamRole role) {
  return role == ParamRole::weight || role == ParamRole::embedding;
}

}  // namespace tg::nn
