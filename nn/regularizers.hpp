// nn/regularizers.hpp — penalties that are ordinary nodes of the graph.
//
// A regularizer here is a function that returns a scalar Var, built from the
// differentiable ops of autodiff/functional.hpp. You add it to the loss, and
// its gradient flows through backward() like any other term; no optimizer
// has to know about it, and nn/attribution.hpp can tell how much of each
// parameter's gradient it contributed.
//
//   auto model = std::make_shared<Mlp>();
//   tg::Var loss = tg::nn::cross_entropy(model->forward(x), y)
//                + tg::nn::l2(tg::nn::weights_only(*model), 1e-4);
//   loss.backward();
//
// Note [three kinds of decay]
// tapegrad names three different things that are all called "weight decay":
//   - an L2 *penalty node*, l2(params, lambda) below: (lambda/2) sum w^2 is
//     part of the loss, so it shows up in the loss value, in gradient
//     attribution, and in anything that differentiates the loss;
//   - *coupled* L2 in the optimizer: g <- g + lambda w, applied to the
//     gradient (what torch.optim.SGD(weight_decay=...) and Adam do);
//   - *decoupled* weight decay: w <- w - lr * lambda * w, applied to the
//     weights outside the gradient (AdamW, Loshchilov & Hutter 2019).
// With plain SGD the first two give identical updates (the gradient of
// (lambda/2) w^2 is lambda w); with Adam they differ, because the penalty's
// gradient is rescaled by the adaptive denominator and decoupled decay is not.
//
// A *selection* is the list of tensors a regularizer applies to: a
// ParameterList (e.g. weights_only(model), whose names appear in error
// messages) or plain Vars ({w1, w2}). Every regularizer of an empty selection
// is a 0-d zero; all tensors of a selection must share one floating dtype.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "autodiff/var.hpp"
#include "nn/module.hpp"
#include "nn/parameter.hpp"

namespace tg::nn {

// ------------------------------------------------------------- selections

/// The tensors a regularizer applies to, with names for error messages.
/// Converts implicitly from a ParameterList or from Vars.
///
/// A regularizer of a selection throws tg::Error, naming the tensor, if a
/// tensor of the selection is undefined or not floating, or if the tensors
/// do not all have the same dtype; an empty selection gives a 0-d zero (f32).
class Selection {
 public:
  /// The parameters' Vars, named by their dotted names.
  Selection(const ParameterList& params);             // NOLINT: implicit on purpose
  /// Plain Vars, named "tensor 0", "tensor 1", ...
  Selection(const std::vector<Var>& vars);            // NOLINT
  /// Plain Vars ({w1, w2}), named "tensor 0", "tensor 1", ...
  Selection(std::initializer_list<Var> vars);         // NOLINT

  /// The selected tensors, in order.
  const std::vector<Var>& vars() const { return vars_; }
  /// "fc1.weight" for a named parameter, "tensor 2" for a plain Var.
  const std::string& name(std::size_t i) const { return names_[i]; }
  /// The number of selected tensors.
  std::size_t size() const { return vars_.size(); }

 private:
  std::vector<Var> vars_;
  std::vector<std::string> names_;
};

/// The parameters whose role is decayed by default (weight, embedding; see
/// decayed_by_default in nn/parameter.hpp): what L1/L2 usually apply to.
ParameterList weights_only(const Module& module);
/// The parameters with exactly this role.
ParameterList by_role(const Module& module, ParamRole role);
/// The parameters whose dotted name satisfies `keep`, e.g.
/// by_name(model, [](const std::string& n) { return n.starts_with("encoder."); }).
ParameterList by_name(const Module& module, const std::function<bool(const std::string&)>& keep);

// ------------------------------------------------------- weight penalties

/// lambda * sum_i |w_i| over every element of the selection (lasso).
/// The gradient is lambda * sign(w): exactly 0 at w = 0 (the minimum-norm
/// subgradient), so plain gradient descent oscillates around 0 rather than
/// reaching it; use a proximal L1 step in the optimizer for exact zeros.
/// Throws if lambda < 0 or is not finite.
Var l1(const Selection& params, double lambda);

/// (lambda / 2) * sum_i w_i^2 (ridge, Tikhonov).
/// Note [the 1/2 in l2]: with the 1/2 the gradient is exactly lambda * w, so
/// an L2 node of strength lambda equals coupled L2 decay of strength lambda
/// (g + lambda w) and torch.optim.SGD(weight_decay=lambda) — one number means
/// the same thing everywhere. Keras' L2(l) has no 1/2: Keras l = lambda / 2.
/// Throws if lambda < 0 or is not finite.
Var l2(const Selection& params, double lambda);

/// l1(params, l1_lambda) + l2(params, l2_lambda) (Zou & Hastie 2005, with
/// the 1/2 convention of l2). Throws if either lambda < 0 or is not finite.
Var elastic_net(const Selection& params, double l1_lambda, double l2_lambda);

/// Group lasso (Yuan & Lin 2006): lambda * sum_g c_g ||w_g||_2, where the
/// groups are the rows of each tensor viewed as a matrix
/// [size(0), numel / size(0)] (0-d: one group): for a Linear weight
/// [out, in] a group is one output unit, for a Conv2d kernel one filter, for
/// a 1-d tensor one element (L1). c_g = sqrt(row size) when
/// scale_by_group_size (the original paper's weighting, so that large groups
/// are not favoured), else 1. A row that is exactly 0 has gradient 0, never
/// NaN (Note [norm at zero] in autodiff/composite.cpp), so rows can stay
/// pruned. Throws if lambda < 0 or is not finite.
Var group_lasso(const Selection& params, double lambda, bool scale_by_group_size = false);

/// Soft orthogonality: lambda * sum_W ||G(W) - I||_F^2 for every tensor of
/// the selection, viewed as a matrix W [r, c] = [size(0), numel / size(0)]
/// (a Linear weight [out, in] as is, a Conv2d kernel [O, C*kh*kw]).
/// G is the Gram matrix of the shorter side: W^T W (c x c, columns
/// orthonormal) when r >= c, W W^T (r x r, rows orthonormal) when r < c. That
/// is the side whose vectors *can* be orthonormal, so the penalty can reach 0
/// (for a wide W, W^T W has rank r < c and could never equal I). For a square
/// W the two sides agree. Throws for tensors with fewer than 2 dimensions
/// (select them out with weights_only) and if lambda < 0 or is not finite.
Var orthogonal(const Selection& params, double lambda);

// -------------------------------------------- activations and inputs

/// Activity regularization: lambda * (1/N) sum |a|^p for p = 1 or 2, where N
/// = activations.size(0) is the batch size (1 for a 0-d Var), so the
/// penalty does not grow with the batch; as Keras' ActivityRegularization
/// (also without a 1/2 for p = 2). Throws for any other p, for undefined
/// activations, and if lambda < 0 or is not finite.
Var activity(const Var& activations, double lambda, int p = 1);

/// Gradient penalty: lambda * mean_i (||df/dx_i||_2 - target_norm)^2, where
/// x [N, ...] is a batch, i runs over its N samples (a 0-d x is one sample)
/// and df/dx_i is the gradient of sum(f(x)) with respect to sample i. With
/// target_norm = 1 it is WGAN-GP's penalty (Gulrajani et al. 2017, x the
/// interpolates); with 0 it is R1 (Mescheder et al. 2018, x the real data,
/// lambda = gamma / 2). Computed with double backward: df/dx is taken with
/// create_graph, so the penalty's gradient reaches the parameters of f.
/// f must treat samples independently (no batch statistics). If x requires
/// a gradient it is used as is (the penalty's gradient also flows into x);
/// otherwise a leaf copy is differentiated. Works inside NoGradGuard (the
/// inner derivative always records). Throws if lambda < 0 or is not finite,
/// target_norm < 0, x is undefined, or f returns an undefined Var.
Var gradient_penalty(const std::function<Var(const Var&)>& f, const Var& x, double lambda,
                     double target_norm = 0);

}  // namespace tg::nn
