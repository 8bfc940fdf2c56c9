// autodiff/op_table.hpp — the one list of primitives.
//
// A primitive is an op with a hand-written backward; everything else
// (softmax, losses, norms, regularizers) is composed from these and gets its
// gradient from the engine. This X-macro list drives the OpId enum, the names
// shown in tape dumps and graph exports, and the completeness test that every
// primitive has a gradient-check row (tests/autodiff/test_gradcheck_table.cpp).
//
// Columns: name, arity (number of Var inputs; -1 = any), the file in
// autodiff/ops/ where its forward and backward sit side by side.
#pragma once

#include <cstdint>
#include <string_view>

#define TG_PRIMITIVES(X)                                                           \
  /* elementwise binary, broadcasting — autodiff/ops/arithmetic.cpp */              \
  X(add, 2)                                                                        \
  X(sub, 2)                                                                        \
  X(mul, 2)                                                                        \
  X(div, 2)                                                                        \
  X(pow, 2)                                                                        \
  X(maximum, 2)                                                                    \
  X(minimum, 2)                                                                    \
  /* elementwise unary — autodiff/ops/unary.cpp */                                  \
  X(neg, 1)                                                                        \
  X(pow_scalar, 1)                                                                 \
  X(exp, 1)                                                                        \
  X(log, 1)                                                                        \
  X(sqrt, 1)                                                                       \
  X(abs, 1)                                                                        \
  X(sign, 1)                                                                       \
  X(tanh, 1)                                                                       \
  X(sigmoid, 1)                                                                    \
  X(relu, 1)                                                                       \
  X(clamp, 1)                                                                      \
  X(where, 3)                                                                      \
  X(cast, 1)                                                                       \
  /* reductions — autodiff/ops/reduce.cpp */                                        \
  X(sum, 1)                                                                        \
  X(max, 1)                                                                        \
  X(log_softmax, 1)                                                                \
  /* shape and indexing — autodiff/ops/shape.cpp */                                 \
  X(reshape, 1)                                                                    \
  X(permute, 1)                                                                    \
  X(slice, 1)                                                                      \
  X(expand, 1)                                                                     \
  X(cat, -1)                                                                       \
  X(gather, 2)                                                                     \
  X(scatter_add, 3)                                                                \
  /* linear algebra and convolution — autodiff/ops/linalg.cpp */                    \
  X(matmul, 2)                                                                     \
  X(im2col, 1)                                                                     \
  X(col2im, 1)

namespace tg {

/// One value per primitive in TG_PRIMITIVES, in table order, after `leaf`.
enum class OpId : std::uint16_t {
  leaf,  ///< not an op: a variable created by the user
#define TG_OP_ENUM(name, arity) name,
  TG_PRIMITIVES(TG_OP_ENUM)
#undef TG_OP_ENUM
};

/// Number of primitives in the table.
inline constexpr int kNumPrimitives = 0
#define TG_OP_COUNT(name, arity) +1
    TG_PRIMITIVES(TG_OP_COUNT)
#undef TG_OP_COUNT
    ;

/// "add", "matmul", ... ("leaf" for user variables).
constexpr std::string_view op_name(OpId op) {
  switch (op) {
    case OpId::leaf: return "leaf";
#define TG_OP_NAME(name, arity) \
  case OpId::name: return #name;
    TG_PRIMITIVES(TG_OP_NAME)
#undef TG_OP_NAME
  }
  return "?";
}

/// Declared arity of a primitive (-1: variadic).
constexpr int op_arity(OpId op) {
  switch (op) {
    case OpId::leaf: return 0;
#define TG_OP_ARITY(name, arity) \
  case OpId::name: return arity;
    TG_PRIMITIVES(TG_OP_ARITY)
#undef TG_OP_ARITY
  }
  return 0;
}

}  // namespace tg
