// nn/embedding.hpp — a lookup table of learned vectors (torch.nn.Embedding).
//
//   tg::nn::Embedding emb(10000, 64);              // weight [10000, 64] ~ N(0, 1)
//   tg::Var v = emb.forward(tokens);               // tokens i64 [B, T] -> [B, T, 64]
//
// out[..., :] = weight[index[...], :]. The input is an i64 tensor of any
// shape (indices are not differentiable, so forward takes a Tensor); the
// result is differentiable in the weight: the lookup is tg::gather, whose
// backward scatter-adds each row's gradient, so an index used twice gets
// the sum.
// Parameter: "weight" [num_embeddings, embedding_dim] (role embedding),
// initialised N(0, 1) as in PyTorch.
// Throws: a non-i64 index, an index outside [0, num_embeddings) (naming the
// index and the range), non-positive sizes.
#pragma once

#include <cstdint>
#include <optional>

#include "nn/module.hpp"
#include "tensor/random.hpp"

namespace tg::nn {

/// Options of Embedding beyond the two sizes.
struct EmbeddingOptions {
  DType dtype = DType::f32;  ///< dtype of the weight table (default f32)
  /// Where the initial values come from (see init::layer_generator).
  Generator* generator = nullptr;
  /// Seed of a fresh Generator for the initial values, used when `generator`
  /// is null; nullopt (default): tg::default_generator().
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// The lookup as a function (torch.nn.functional.embedding): indices (i64,
/// any shape) into the rows of weight [num, dim] -> indices.shape + [dim].
///
/// out[..., :] = weight[indices[...], :], differentiable in the weight (an
/// index used twice receives the sum of both gradients). Throws tg::Error if
/// weight is undefined or not 2-d, indices is undefined or not i64, or an
/// index is outside [0, num) (naming the index and the range).
Var embedding(const Tensor& indices, const Var& weight);

/// A lookup table of learned vectors (torch.nn.Embedding).
///
///     out[..., :] = weight[index[...], :]
///
/// The indices are an i64 Tensor of any shape (they are not differentiable,
/// so forward takes a Tensor, not a Var); the result is differentiable in the
/// weight: the lookup is tg::gather, whose backward scatter-adds each row's
/// gradient, so an index used twice gets the sum.
/// Shapes: indices [...] -> [..., embedding_dim].
/// Parameter: "weight" [num_embeddings, embedding_dim] (role embedding),
/// initialised N(0, 1) as in PyTorch.
class Embedding : public Module {
 public:
  /// Registers and initialises the table. Throws tg::Error if num_embeddings
  /// or embedding_dim < 1, or (from the initializer) if options.dtype is not floating.
  Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim,
            const EmbeddingOptions& options = {});

  /// The rows of the table named by `indices`: [...] -> [..., embedding_dim].
  /// Throws tg::Error if indices is undefined or not i64, or an index is
  /// outside [0, num_embeddings).
  Var forward(const Tensor& indices);
  /// The same as forward(indices).
  Var operator()(const Tensor& indices) { return forward(indices); }

  /// The table, [num_embeddings, embedding_dim].
  const Var& weight() const { return weight_; }
  /// The number of rows (valid indices are 0 .. num_embeddings - 1).
  std::int64_t num_embeddings() const { return weight_.shape()[0]; }
  /// The length of each vector.
  std::int64_t embedding_dim() const { return weight_.shape()[1]; }

 private:
  Var weight_;
};

}  // namespace tg::nn
