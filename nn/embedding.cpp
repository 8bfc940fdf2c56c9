#include "nn/embedding.hpp"

#include "autodiff/functional.hpp"
#include "nn/init.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {
void check_indices(const Tensor& indices, std::int64_t num) {
  if (!indices.defined()) fail("Embedding: the index tensor is undefined");
  if (indices.dtype() != DType::i64)
    fail("Embedding: indices must be i64, got ", dtype_name(indices.dtype()), " of shape ",
         shape_str(indices.shape()));
  for (std::int64_t i : indices.to_vector<std::int64_t>())
    if (i < 0 || i >= num)
      fail("Embedding: index ", i, " is out of range [0, ", num, ") (num_embeddings = ", num, ")");
}
}  // namespace

Var embedding(const Tensor& indices, const Var& weight) {
  if (!weight.defined() || weight.dim() != 2)
    fail("Embedding: weight must be [num_embeddings, embedding_dim], got ",
         weight.defined() ? shape_str(weight.shape()) : std::string("undefined"));
  const std::int64_t num = weight.shape()[0], dim = weight.shape()[1];
  check_indices(indices, num);
  // gather along axis 0 with index[i, j] = indices[i] picks weight[indices[i], j].
  const std::int64_t n = indices.numel();
  const Tensor rows = indices.contiguous().reshape({n, 1}).expand({n, dim}).contiguous();
  Shape out_shape = indices.shape();
  out_shape.push_back(dim);
  return reshape(gather(weight, 0, rows), out_shape);
}

Embedding::Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim,
                     const EmbeddingOptions& options) {
  if (num_embeddings < 1 || embedding_dim < 1)
    fail("Embedding: num_embeddings and embedding_dim must be >= 1, got ", num_embeddings,
         " and ", embedding_dim);
  Generator local;
  Generator& gen = init::layer_generator(options.generator, options.seed, local);
  Tensor w = empty({num_embeddings, embedding_dim}, options.dtype);
  weight_ = register_parameter("weight", init::normal_(w, gen), ParamRole::embedding);
}

Var Embedding::forward(const Tensor& indices) { return embedding(indices, weight_); }

}  // namespace tg::nn
