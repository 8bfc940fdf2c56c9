// Loss functions as composites of differentiable ops: no backward here.
#include "nn/losses.hpp"

#include <sstream>
#include <vector>

#include "autodiff/functional.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/reduce.hpp"

namespace tg::nn {

const char* reduction_name(Reduction reduction) {
  switch (reduction) {
    case Reduction::none: return "none";
    case Reduction::mean: return "mean";
    case Reduction::sum: return "sum";
  }
  return "?";
}

namespace {

Var constant(Tensor t) { return Var(std::move(t), false); }

Var reduce(const Var& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::none: return loss;
    case Reduction::sum: return sum(loss);
    case Reduction::mean: return mean(loss);
  }
  fail("loss: unknown reduction");
}

// --- class losses ---------------------------------------------------------

// Note [class axis last]
// A classification problem in one layout: every position a row of scores,
// the class axis last. [N, C, d1, ...] becomes [N*d1*..., C], so one gather
// and one row-wise log_softmax serve images and sequences alike.
struct ClassRows {
  Var scores;              // [M, C]
  Tensor index;            // [M, 1] i64 labels, ignored ones replaced by 0
  Tensor kept;             // [M] 1 for samples that count, 0 for ignored ones
  Tensor sample_weight;    // [M] w[y_m], 0 where ignored
  Tensor class_weight;     // [C], all ones without a weight option
  Shape label_shape;       // labels' shape, for Reduction::none
};

// The flat position m of a row-major `shape` as "[i, j, ...]".
std::string position_str(std::int64_t m, const Shape& shape) {
  std::vector<std::int64_t> index(shape.size());
  for (std::size_t a = shape.size(); a-- > 0;) {
    index[a] = m % shape[a];
    m /= shape[a];
  }
  std::ostringstream os;
  os << '[';
  for (std::size_t a = 0; a < index.size(); ++a) os << (a ? ", " : "") << index[a];
  os << ']';
  return os.str();
}

void check_class_shapes(const char* op, const Var& input, const Tensor& labels) {
  if (input.dim() < 2)
    fail(op, ": expected scores [N, C] or [N, C, d1, ...], got a ", input.dim(), "-d tensor ",
         shape_str(input.shape()));
  if (labels.dtype() != DType::i64)
    fail(op, ": labels must be i64 class indices, got ", dtype_name(labels.dtype()),
         " (convert with labels.to(tg::DType::i64))");
  Shape expected = input.shape();
  expected.erase(expected.begin() + 1);
  if (labels.shape() != expected)
    fail(op, ": labels ", shape_str(labels.shape()), " do not match scores ",
         shape_str(input.shape()), ": expected labels ", shape_str(expected),
         " (one label per sample; the class axis is axis 1)");
}

Tensor class_weight_or_ones(const char* op, const Tensor& weight, std::int64_t classes, DType dtype) {
  if (!weight.defined()) return ones({classes}, dtype);
  if (weight.shape() != Shape{classes})
    fail(op, ": weight must have one entry per class, shape [", classes, "], got ",
         shape_str(weight.shape()));
  if (!is_floating(weight.dtype()))
    fail(op, ": weight must be floating, got ", dtype_name(weight.dtype()));
  return weight.to(dtype);
}

ClassRows to_class_rows(const char* op, const Var& input, const Tensor& labels,
                        const std::optional<std::int64_t>& ignore_index, const Tensor& weight) {
  check_class_shapes(op, input, labels);
  const std::int64_t classes = input.shape()[1];
  ClassRows rows;
  rows.label_shape = labels.shape();
  rows.class_weight = class_weight_or_ones(op, weight, classes, input.dtype());
  // [N, C, d...] -> [N, d..., C] -> [M, C] (Note [class axis last]).
  Var scores = input;
  if (input.dim() > 2) {
    Axes order{0};
    for (std::int64_t a = 2; a < input.dim(); ++a) order.push_back(a);
    order.push_back(1);
    scores = permute(input, order);
  }
  rows.scores = reshape(scores, {-1, classes});

  const std::vector<std::int64_t> y = labels.to_vector<std::int64_t>();
  const std::vector<double> w = rows.class_weight.to_double_vector();
  std::vector<std::int64_t> index(y.size());
  std::vector<double> kept(y.size()), sample_weight(y.size());
  for (std::size_t m = 0; m < y.size(); ++m) {
    if (ignore_index && y[m] == *ignore_index) continue;  // index 0, weight 0
    if (y[m] < 0 || y[m] >= classes)
      fail(op, ": label ", y[m], " at position ", position_str(static_cast<std::int64_t>(m), labels.shape()),
           " is out of range for ", classes, " classes (valid: [0, ", classes, "))");
    index[m] = y[m];
    kept[m] = 1.0;
    sample_weight[m] = w[static_cast<std::size_t>(y[m])];
  }
  const auto m_rows = static_cast<std::int64_t>(y.size());
  rows.index = from_vector(index, {m_rows, 1});
  rows.kept = from_vector(kept, {m_rows}).to(input.dtype());
  rows.sample_weight = from_vector(sample_weight, {m_rows}).to(input.dtype());
  return rows;
}

// Reduces per-row losses; `mean` divides by the total weight of the samples
// that count, not by M (PyTorch's weighted mean).
Var reduce_rows(const Var& per_row, const ClassRows& rows, Reduction reduction) {
  switch (reduction) {
    case Reduction::none: return reshape(per_row, rows.label_shape);
    case Reduction::sum: return sum(per_row);
    case Reduction::mean: return sum(per_row) / constant(tg::sum(rows.sample_weight));
  }
  fail("loss: unknown reduction");
}

// -w[y_m] scores[m, y_m] for every row.
Var picked_nll(const ClassRows& rows) {
  const Var picked = reshape(gather(rows.scores, 1, rows.index), {-1});
  return -(picked * constant(rows.sample_weight));
}

// --- regression losses ------------------------------------------------------

void check_same_shape(const char* op, const Var& input, const Var& target) {
  if (input.shape() != target.shape())
    fail(op, ": input ", shape_str(input.shape()), " and target ", shape_str(target.shape()),
         " must have the same shape (no broadcasting; reshape one of them)");
}

// Elementwise Huber loss of d (delta > 0, checked by the caller).
Var huber(const Var& d, double delta) {
  const Tensor inside = lt(tg::abs(d.value()), delta);
  return where(inside, 0.5 * square(d), delta * (abs(d) - 0.5 * delta));
}

}  // namespace

Var nll_loss(const Var& log_probs, const Tensor& labels, const NllLossOptions& options) {
  const ClassRows rows =
      to_class_rows("nll_loss", log_probs, labels, options.ignore_index, options.weight);
  return reduce_rows(picked_nll(rows), rows, options.reduction);
}

Var cross_entropy(const Var& logits, const Tensor& labels, const CrossEntropyOptions& options) {
  const double eps = options.label_smoothing;
  if (!(eps >= 0.0 && eps <= 1.0))
    fail("cross_entropy: label_smoothing must be in [0, 1], got ", eps);
  ClassRows rows =
      to_class_rows("cross_entropy", logits, labels, options.ignore_index, options.weight);
  rows.scores = log_softmax(rows.scores, -1);
  const Var nll = reduce_rows(picked_nll(rows), rows, options.reduction);
  if (eps == 0.0) return nll;
  // smooth_m = -sum_c w[c] logp[m, c], zero for ignored samples.
  const Var weighted = rows.scores * constant(rows.class_weight);
  const Var smooth = -(sum(weighted, {1}) * constant(rows.kept));
  const auto classes = static_cast<double>(logits.shape()[1]);
  return (1.0 - eps) * nll + (eps / classes) * reduce_rows(smooth, rows, options.reduction);
}

Var mse_loss(const Var& input, const Var& target, Reduction reduction) {
  check_same_shape("mse_loss", input, target);
  return reduce(square(input - target), reduction);
}

Var l1_loss(const Var& input, const Var& target, Reduction reduction) {
  check_same_shape("l1_loss", input, target);
  return reduce(abs(input - target), reduction);
}

Var huber_loss(const Var& input, const Var& target, double delta, Reduction reduction) {
  check_same_shape("huber_loss", input, target);
  if (!(delta > 0.0)) fail("huber_loss: delta must be > 0, got ", delta);
  return reduce(huber(input - target, delta), reduction);
}

Var smooth_l1_loss(const Var& input, const Var& target, double beta, Reduction reduction) {
  check_same_shape("smooth_l1_loss", input, target);
  if (!(beta >= 0.0)) fail("smooth_l1_loss: beta must be >= 0, got ", beta);
  if (beta == 0.0) return reduce(abs(input - target), reduction);
  return reduce(huber(input - target, beta) / beta, reduction);
}

Var binary_cross_entropy_with_logits(const Var& logits, const Var& targets,
                                     const BCEWithLogitsOptions& options) {
  const char* op = "binary_cross_entropy_with_logits";
  check_same_shape(op, logits, targets);
  const Var& x = logits;
  const Var& y = targets;
  // (1 - y) x + (1 + (p - 1) y) softplus(-x); softplus is the stable form.
  Var neg_log_sigmoid = softplus(-x);  // -log sigmoid(x)
  if (options.pos_weight.defined()) {
    const Tensor p_minus_1 = sub(options.pos_weight.to(x.dtype()), 1.0);
    neg_log_sigmoid = (1.0 + constant(p_minus_1) * y) * neg_log_sigmoid;
  }
  Var loss = (1.0 - y) * x + neg_log_sigmoid;
  if (options.weight.defined()) loss = loss * constant(options.weight.to(x.dtype()));
  if (loss.shape() != x.shape())
    fail(op, ": pos_weight/weight must broadcast to the logits ", shape_str(x.shape()),
         ", but the loss came out ", shape_str(loss.shape()));
  return reduce(loss, options.reduction);
}

}  // namespace tg::nn
