// optim/detail.hpp — small helpers shared by the transforms: dtype dispatch
// for raw loops, norms, and the configuration checks.
//
// Transforms run under NoGradGuard on contiguous f32/f64 buffers, so their
// loops are plain `for (i < n)` over `data<T>()` inside tg::dispatch_floating
// (tensor/dtype.hpp); sums of squares accumulate in double whatever the
// element type.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "optim/transform.hpp"
#include "tensor/error.hpp"
#include "tensor/tensor.hpp"

namespace tg::optim::detail {

/// Σ x² over a contiguous tensor, accumulated in double.
double sum_squares(const Tensor& t);
/// θ += u and Σ u² in one pass over two contiguous tensors of one shape and
/// dtype (the optimizer's apply step); marks θ modified. Σ u² is summed chunk
/// by chunk (kFusedChunk), as the fused sweep does, so both give the same bits.
double add_and_sum_squares(const Tensor& theta, const Tensor& u);
/// The same on one chunk, with a scale folded in (Note [folded scales] in
/// optim/transform.hpp): v = c·u, θ[begin, begin + size) += v, returns Σ v²;
/// c is rounded to the dtype first, as mul_ rounds it. Does not mark θ modified.
double add_and_sum_squares(const Tensor& theta, const Chunk& chunk, double c = 1.0);
/// u ← c·g on one chunk (`g` the whole gradient, the chunk's piece of it is
/// read): the copy of the gradient into the update, with a scale folded in;
/// c = 1 copies the bits. With a finite λ, then u ← u + λ·θ in the same loop,
/// rounded as add_scaled_value rounds it (Note [folded scales]).
void copy_scaled(const Chunk& chunk, const Tensor& g, double c,
                 double lambda = std::numeric_limits<double>::quiet_NaN());
/// u += λ·θ on one chunk (coupled L2 and lr-scaled decoupled decay share
/// it); λ is rounded to the chunk's dtype first, as add_(u, θ, λ) rounds it.
void add_scaled_value(const Chunk& chunk, double lambda, const char* op);
/// Σ x² over each unit (row along axis 0 for dim ≥ 2, the whole tensor else).
std::vector<double> unit_sum_squares(const Tensor& t);
/// Number of elements in one unit (see unit_sum_squares).
std::int64_t unit_size(const Tensor& t);
/// False if any element is NaN or ±inf.
bool all_finite(const Tensor& t);
/// Marks a parameter written by a raw loop as modified (in-place check of
/// the tape: a graph recorded before the step refuses to backward).
void mark_modified(const Tensor& t);

// Configuration checks: each throws tg::Error "<op>: <field> must be ..., got <value>".
void require_positive(const char* op, const char* field, double value);
void require_non_negative(const char* op, const char* field, double value);
/// value in [0, 1).
void require_unit_interval(const char* op, const char* field, double value);
void require_at_least(const char* op, const char* field, std::int64_t value, std::int64_t min);

}  // namespace tg::optim::detail
