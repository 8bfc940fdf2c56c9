// data/mnist.hpp — MNIST and Fashion-MNIST from their IDX files.
//
//   auto train = tg::data::load_mnist(tg::data::fashion_mnist_default_dir());
//   train.inputs;    // [60000, 28, 28] f32 in [0, 1]
//   train.targets;   // [60000] i64 class indices 0..9
//   auto test = tg::data::load_mnist(dir, tg::data::Split::test, {.flatten = true, .limit = 500});
//   test.inputs;     // [500, 784]: the first 500 test images
//   tg::data::fashion_mnist_classes()[test.targets.at({0})];   // "Ankle boot"
//
// The folder holds the four files under their distributed names, each
// gzip-compressed (".gz") or plain:
//   train-images-idx3-ubyte  train-labels-idx1-ubyte   (60000 examples)
//   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte    (10000 examples)
// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747) uses the same
// names and format as MNIST (LeCun et al. 1998), so one loader serves both,
// and any other dataset in that layout (KMNIST, ...). Images may have any
// height and width; nothing here assumes 28 x 28 or 10 classes.
//
// Throws tg::Error: the folder is missing (the message says how to install
// Fashion-MNIST or where to point --data); neither the plain nor the .gz
// file exists (naming both); every read_idx error (data/idx.hpp); an images
// file that is not 3-d or a labels file that is not 1-d; image and label
// counts that differ; a limit below -1.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "data/dataset.hpp"

namespace tg::data {

/// Which files load_mnist reads: train-* (60000 examples in MNIST) or t10k-* (10000).
enum class Split { train, test };

/// Shape, scaling and size of what load_mnist returns.
struct MnistOptions {
  /// [N, H * W] instead of [N, H, W] (for MLPs).
  bool flatten = false;
  /// Divide the raw 0..255 values by 255, to [0, 1] (what torchvision's
  /// ToTensor does). With false, inputs hold the raw values as f32 (Keras).
  bool scale = true;
  /// Keep only the first `limit` examples (for smoke tests); -1 keeps all,
  /// and a limit beyond the split's size keeps all too.
  std::int64_t limit = -1;
};

/// The `split` of the MNIST-format dataset in `dir`: inputs [N, H, W] (or
/// [N, H * W]) f32, targets [N] i64, example_axis 0.
Dataset load_mnist(const std::string& dir, Split split = Split::train,
                   const MnistOptions& options = {});

/// Where Debian's `dataset-fashion-mnist` package installs the files:
/// "/usr/share/datasets/fashion-mnist".
std::string fashion_mnist_default_dir();

/// The ten Fashion-MNIST class names, by label: "T-shirt/top", "Trouser",
/// "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot".
const std::array<std::string_view, 10>& fashion_mnist_classes();

}  // namespace tg::data
