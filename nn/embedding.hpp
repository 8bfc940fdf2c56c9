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

struct EmbeddingOptions {
  DType dtype = DType::f32;
  /// Where the initial values come from (see init::layer_generator).
  Generator* generator = nullptr;
  std::optional<std::uint64_t> seed = std::nullopt;
};

/// The lookup as a function (torch.nn.functional.embedding): indices (i64,
/// any shape) into the rows of weight [num, dim] -> indices.shape + [dim].
Var embedding(const Tensor& indices, const Var& weight);

class Embedding : public Module {
 public:
  Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim,
            const EmbeddingOptions& options = {});

  Var forward(const Tensor& indices);
  Var operator()(const Tensor& indices) { return forward(indices); }

  const Var& weight() const { return weight_; }
  std::int64_t num_embeddings() const { return weight_.shape()[0]; }
  std::int64_t embedding_dim() const { return weight_.shape()[1]; }

 private:
  Var weight_;
};

}  // namespace tg::nn
