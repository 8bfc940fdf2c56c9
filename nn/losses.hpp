// nn/losses.hpp — loss functions, each returning a Var you call backward() on.
//
// Every loss is a composite: it is written with the differentiable ops of
// autodiff/functional.hpp, so its gradient comes from the engine and no loss
// has a hand-written backward. Numerical stability comes from the form of the
// formula, not from clamping:
//   - cross_entropy uses log_softmax (x - logsumexp(x), a stable primitive),
//     so logits of +-1e4 give finite losses and gradients;
//   - binary_cross_entropy_with_logits uses max(x, 0) - x y + log(1 + e^-|x|),
//     where exp never overflows.
//
//   tg::Var logits = model.forward(x);                     // [N, C]
//   tg::Var loss = tg::nn::cross_entropy(logits, labels);  // labels: i64 [N]
//   loss.backward();
//
// Reductions follow PyTorch: `mean` averages over every element (for the
// class losses: a weighted average over the samples that are not ignored),
// `sum` adds them, `none` returns one loss per element (per sample).
//
// Errors (tg::Error) name the loss, the shapes or values, and what was
// expected: labels that are not i64, a label outside [0, C) (with its value
// and position), label and logit counts that differ, ranks that do not fit,
// input/target shapes that differ, options out of range.
#pragma once

#include <cstdint>
#include <optional>

#include "autodiff/var.hpp"

namespace tg::nn {

/// How a loss combines the per-element (or per-sample) losses, as PyTorch's
/// `reduction`: `none` returns them all, `mean` averages them (for the class
/// losses: a weighted average over the samples that are not ignored), `sum`
/// adds them.
enum class Reduction { none, mean, sum };

/// "none", "mean" or "sum".
const char* reduction_name(Reduction reduction);

// ------------------------------------------------------------ class losses

/// Options of nll_loss.
struct NllLossOptions {
  Reduction reduction = Reduction::mean;  ///< none, mean (default) or sum
  /// Samples whose label equals this value contribute nothing, neither to the
  /// loss nor to the mean's denominator (PyTorch's default is -100; here
  /// nothing is ignored unless you ask). The value may lie outside [0, C).
  std::optional<std::int64_t> ignore_index{};
  /// Per-class weights [C] (constants), or undefined for all ones.
  Tensor weight{};
};

/// Negative log-likelihood of the labels under log-probabilities.
///
///   loss_n = -w[y_n] log_probs[n, y_n]
///   mean:   sum_n loss_n / sum_n w[y_n]     (ignored samples excluded from both)
///
/// Shapes: log_probs [N, C] with labels [N], or log_probs [N, C, d1, ...]
/// with labels [N, d1, ...] (per-pixel classification); `none` returns
/// labels' shape. labels are i64. As in PyTorch, a mean over zero samples
/// (all ignored) is 0/0 = NaN.
/// Throws tg::Error if log_probs has fewer than 2 axes, labels are not i64,
/// labels' shape is not log_probs' shape without axis 1, a label that is
/// not ignored lies outside [0, C) (naming its value and position), or
/// options.weight is defined and not a floating [C] tensor.
/// Reference: torch.nn.functional.nll_loss.
Var nll_loss(const Var& log_probs, const Tensor& labels, const NllLossOptions& options = {});

/// Options of cross_entropy.
struct CrossEntropyOptions {
  Reduction reduction = Reduction::mean;  ///< none, mean (default) or sum
  /// eps in [0, 1]: the target becomes (1 - eps) one_hot(y) + eps / C.
  double label_smoothing = 0.0;
  std::optional<std::int64_t> ignore_index{};  ///< as in NllLossOptions
  Tensor weight{};                            ///< [C] or undefined
};

/// Cross-entropy between the softmax of `logits` and the labels:
///
///   logp     = log_softmax(logits, class axis)
///   nll_n    = -w[y_n] logp[n, y_n]
///   smooth_n = -sum_c w[c] logp[n, c]
///   loss     = (1 - eps) reduce(nll) + (eps / C) reduce(smooth)
///
/// where reduce is the chosen reduction, and for `mean` both terms are divided
/// by sum_n w[y_n] over the samples that are not ignored (PyTorch's
/// label-smoothing formula, Szegedy et al. 2016, "Rethinking the Inception
/// architecture", section 7). Shapes as nll_loss: logits [N, C] or
/// [N, C, d1, ...], labels i64 [N] or [N, d1, ...].
/// Throws what nll_loss throws, and tg::Error if label_smoothing is not in [0, 1].
/// Reference: torch.nn.functional.cross_entropy.
Var cross_entropy(const Var& logits, const Tensor& labels, const CrossEntropyOptions& options = {});

// ------------------------------------------------------------ regression losses
// input and target must have the same shape (no broadcasting: a [N, 1]
// prediction against [N] targets silently makes an [N, N] loss in PyTorch).
// target may be a constant or a Var that requires a gradient.

/// (input - target)^2, reduced.  Reference: torch.nn.functional.mse_loss.
/// Throws tg::Error if input and target shapes differ.
Var mse_loss(const Var& input, const Var& target, Reduction reduction = Reduction::mean);

/// |input - target|, reduced; gradient 0 where they are equal.
/// Throws tg::Error if input and target shapes differ.
/// Reference: torch.nn.functional.l1_loss.
Var l1_loss(const Var& input, const Var& target, Reduction reduction = Reduction::mean);

/// With d = input - target and delta > 0:
///   0.5 d^2                 if |d| < delta
///   delta (|d| - 0.5 delta) otherwise
/// quadratic near 0, linear (gradient +-delta) in the tails (Huber 1964).
/// Throws tg::Error if input and target shapes differ or delta is not > 0.
/// Reference: torch.nn.functional.huber_loss.
Var huber_loss(const Var& input, const Var& target, double delta = 1.0,
               Reduction reduction = Reduction::mean);

/// huber_loss(delta = beta) / beta: 0.5 d^2 / beta if |d| < beta, else
/// |d| - 0.5 beta; beta = 0 is l1_loss. beta >= 0.
/// Throws tg::Error if input and target shapes differ or beta is not >= 0.
/// Reference: torch.nn.functional.smooth_l1_loss.
Var smooth_l1_loss(const Var& input, const Var& target, double beta = 1.0,
                   Reduction reduction = Reduction::mean);

// ------------------------------------------------------------ binary losses

/// Options of binary_cross_entropy_with_logits.
struct BCEWithLogitsOptions {
  Reduction reduction = Reduction::mean;  ///< none, mean (default) or sum
  /// Weight p of the positive term, broadcast against the logits (usually
  /// [C] for C independent labels); undefined for 1. p > 1 raises recall.
  Tensor pos_weight{};
  /// Per-element weight, broadcast against the logits; undefined for 1.
  Tensor weight{};
};

/// Binary cross-entropy of sigmoid(x) against targets y in [0, 1]:
///
///   loss = -w [p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]
///        =  w [(1 - y) x + (1 + (p - 1) y) softplus(-x)]
///
/// with softplus(-x) = max(-x, 0) + log(1 + e^-|x|); for p = 1 this is
/// max(x, 0) - x y + log(1 + e^-|x|). Finite for any x.
/// Shapes: logits and targets identical. Reference:
/// torch.nn.functional.binary_cross_entropy_with_logits.
/// The targets' range is not checked. Throws tg::Error if logits and targets
/// shapes differ, or pos_weight or weight does not broadcast to the logits'
/// shape (or would enlarge it).
Var binary_cross_entropy_with_logits(const Var& logits, const Var& targets,
                                     const BCEWithLogitsOptions& options = {});

}  // namespace tg::nn
