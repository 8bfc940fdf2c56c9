// tapegrad.hpp — everything, in one include.
//
//   #include <tapegrad.hpp>      // with: pkg-config --cflags --libs tapegrad
#pragma once

#include "autodiff/autodiff.hpp"
#include "data/data.hpp"
#include "nn/nn.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"
#include "tensor/dtype.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"
#include "tensor/gemm.hpp"
#include "tensor/im2col.hpp"
#include "tensor/indexing.hpp"
#include "tensor/linalg.hpp"
#include "tensor/npy.hpp"
#include "tensor/parallel.hpp"
#include "tensor/print.hpp"
#include "tensor/random.hpp"
#include "tensor/reduce.hpp"
#include "tensor/shape.hpp"
#include "tensor/softmax.hpp"
#include "tensor/tensor.hpp"

/// @namespace tg
/// tapegrad: the tensor (tg::Tensor and its ops, in tensor/) and reverse-mode
/// automatic differentiation over it (tg::Var, the tape, backward and grad, in
/// autodiff/). Layers live in tg::nn, optimizers in tg::optim, datasets in
/// tg::data. Every user mistake throws tg::Error naming the op and the shapes.

/// @namespace tg::data
/// Datasets and batching: the IDX reader (MNIST, Fashion-MNIST), synthetic
/// tasks (the addition problem, spirals, teacher-student regression) and a
/// seeded DataLoader.

/// @namespace tg::optim
/// Optimizers as chains of gradient transforms (optax's model): clipping,
/// weight decay, momentum, Adam, schedules and the non-finite guard, each one
/// small Transform; Optimizer applies a chain and reports every step.
