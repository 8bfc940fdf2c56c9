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
