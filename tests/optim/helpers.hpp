// Shared by the tests in tests/optim/: small parameter lists and gradients.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/parameter.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"

namespace optim_test {

inline tg::nn::NamedParameter param(const std::string& name, tg::Tensor value,
                                    tg::nn::ParamRole role = tg::nn::ParamRole::weight) {
  return {name, tg::Var(std::move(value), true), role};
}

/// Sets p's gradient to `g` (a constant Var).
inline void set_grad(tg::nn::NamedParameter& p, const tg::Tensor& g) { p.var.set_grad(tg::Var(g)); }

inline std::vector<double> values(const tg::nn::NamedParameter& p) {
  return p.var.value().to_double_vector();
}

inline std::vector<double> grads(const tg::nn::NamedParameter& p) {
  return p.var.grad().value().to_double_vector();
}

/// Bitwise equality of two tensors' contents (NaN == NaN when the bits agree).
inline bool same_bits(const tg::Tensor& a, const tg::Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const tg::Tensor ca = a.contiguous(), cb = b.contiguous();
  const auto bytes = static_cast<std::size_t>(a.numel()) * (a.dtype() == tg::DType::f32 ? 4 : 8);
  return std::memcmp(ca.raw_data(), cb.raw_data(), bytes) == 0;
}

}  // namespace optim_test
