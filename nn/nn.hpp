// nn/nn.hpp — every layer, activation, container and initializer, in one include.
//
//   #include "nn/nn.hpp"
//   tg::nn::Sequential mlp(std::make_shared<tg::nn::Linear>(784, 128),
//                          std::make_shared<tg::nn::ReLU>(),
//                          std::make_shared<tg::nn::Linear>(128, 10));
#pragma once

#include "nn/avg_pool2d.hpp"
#include "nn/batch_norm.hpp"
#include "nn/batch_norm1d.hpp"
#include "nn/batch_norm2d.hpp"
#include "nn/conv2d.hpp"
#include "nn/dropout.hpp"
#include "nn/embedding.hpp"
#include "nn/flatten.hpp"
#include "nn/gelu.hpp"
#include "nn/init.hpp"
#include "nn/layer_norm.hpp"
#include "nn/leaky_relu.hpp"
#include "nn/linear.hpp"
#include "nn/max_pool2d.hpp"
#include "nn/module.hpp"
#include "nn/parameter.hpp"
#include "nn/relu.hpp"
#include "nn/sequential.hpp"
#include "nn/sigmoid.hpp"
#include "nn/softplus.hpp"
#include "nn/tanh.hpp"
#include "nn/unary_module.hpp"
