// autodiff/gradcheck.hpp — checking a backward formula against finite differences.
//
// gradcheck(f, inputs) compares, entry by entry, the Jacobian that backward
// computes with the one measured by central differences in f64:
//
//   J_numeric[j][i] = (f(x + eps e_i)_j - f(x - eps e_i)_j) / (2 eps)
//
// and passes when |J_analytic - J_numeric| <= atol + rtol |J_numeric| for
// every entry (the criterion of torch.autograd.gradcheck). The error of the
// central difference is O(eps^2) for smooth f, so stay 10*eps away from kinks
// (relu at 0, |x| at 0) and inside each domain (log needs x > 0).
//
// gradgradcheck checks second derivatives the same way, by gradchecking the
// function x -> grad(f(x), x, u, create_graph=true) for a fixed random u.
//
//   auto r = tg::gradcheck([](const std::vector<tg::Var>& v) { return tg::tanh(v[0]) * v[1]; },
//                          {tg::randn({3}, gen, tg::DType::f64), tg::randn({3}, gen, tg::DType::f64)});
//   if (!r) std::cerr << r.report;
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autodiff/var.hpp"

namespace tg {

/// Step and tolerances of gradcheck / gradgradcheck.
struct GradcheckOptions {
  double eps = 1e-6;   ///< finite-difference step (central differences, in f64)
  double atol = 1e-5;  ///< absolute tolerance: pass if |analytic - numeric| <= atol + rtol |numeric|
  double rtol = 1e-3;  ///< relative tolerance (see atol)
};

/// The outcome of a gradient check; converts to bool (passed).
struct GradcheckResult {
  bool passed = false;       ///< every Jacobian entry within tolerance
  double max_abs_error = 0;  ///< largest |analytic - numeric| seen
  std::string report;        ///< on failure: the first mismatching entry, with both values
  /// `passed`.
  explicit operator bool() const { return passed; }
};

/// The function under test: Vars in (one per input tensor), one Var of any shape out.
using VarFunction = std::function<Var(const std::vector<Var>&)>;

/// Compares the Jacobian from backward (one backward per output element) with
/// central differences, entry by entry (criterion at the top of this file).
/// Inputs are copied to f64 leaves that require gradients; they must not
/// share memory with each other (error). f may return any shape.
/// @throws tg::Error if an input is undefined, not floating, shares memory with
///         another input, or is an expanded (stride-0) view; errors from f propagate.
GradcheckResult gradcheck(const VarFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

/// Checks the derivatives of the gradient (second order) of f: gradcheck of
/// x -> grad(f(x), x, u, create_graph=true) for a fixed random u (seed 1234).
/// @throws tg::Error on the same input errors as gradcheck.
GradcheckResult gradgradcheck(const VarFunction& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});

}  // namespace tg
