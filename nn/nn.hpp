// nn/nn.hpp — all of nn/ in one include: modules, layers, activations, losses,
// recurrent layers, initializers, regularizers, attribution, checkpoints.
//
//   #include "nn/nn.hpp"
//   tg::nn::Sequential mlp(std::make_shared<tg::nn::Linear>(784, 128),
//                          std::make_shared<tg::nn::ReLU>(),
//                          std::make_shared<tg::nn::Linear>(128, 10));
#pragma once

#include "nn/attribution.hpp"
#include "nn/avg_pool2d.hpp"
#include "nn/batch_norm.hpp"
#include "nn/batch_norm1d.hpp"
#include "nn/batch_norm2d.hpp"
#include "nn/checkpoint.hpp"
#include "nn/conv2d.hpp"
#include "nn/dropout.hpp"
#include "nn/embedding.hpp"
#include "nn/flatten.hpp"
#include "nn/gelu.hpp"
#include "nn/grad_monitor.hpp"
#include "nn/gru.hpp"
#include "nn/gru_cell.hpp"
#include "nn/init.hpp"
#include "nn/json_reader.hpp"
#include "nn/layer_norm.hpp"
#include "nn/leaky_relu.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/lstm.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/max_pool2d.hpp"
#include "nn/module.hpp"
#include "nn/parameter.hpp"
#include "nn/recurrent.hpp"
#include "nn/regularizers.hpp"
#include "nn/relu.hpp"
#include "nn/rnn.hpp"
#include "nn/rnn_cell.hpp"
#include "nn/safetensors.hpp"
#include "nn/sequential.hpp"
#include "nn/sigmoid.hpp"
#include "nn/softplus.hpp"
#include "nn/tanh.hpp"
#include "nn/unary_module.hpp"

/// @namespace tg::nn
/// Models and everything around them (PyTorch's torch.nn): Module and its
/// layers, activations, normalisations, recurrent layers, losses,
/// regularizers, gradient attribution and monitoring, and checkpoints.
/// `#include "nn/nn.hpp"` brings in all of it.
