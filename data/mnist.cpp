#include "data/mnist.hpp"

#include <filesystem>

#include "data/idx.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"

namespace tg::data {

namespace fs = std::filesystem;

namespace {

// The plain file if it exists, else the .gz one; the message names both.
std::string find_file(const fs::path& dir, const std::string& name) {
  const fs::path plain = dir / name;
  const fs::path gz = dir / (name + ".gz");
  std::error_code ec;
  if (fs::is_regular_file(plain, ec)) return plain.string();
  if (fs::is_regular_file(gz, ec)) return gz.string();
  fail("load_mnist: neither '", plain.string(), "' nor '", gz.string(), "' exists");
}

void check_folder(const std::string& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  fail("load_mnist: folder '", dir, "' ", fs::exists(dir, ec) ? "is not a folder" : "does not exist",
       "; for Fashion-MNIST run `apt-get install dataset-fashion-mnist` (installs it in ",
       fashion_mnist_default_dir(), "), or pass --data DIR with the IDX files");
}

}  // namespace

Dataset load_mnist(const std::string& dir, Split split, const MnistOptions& options) {
  if (options.limit < -1)
    fail("load_mnist: limit must be -1 (all) or a count >= 0, got ", options.limit);
  check_folder(dir);
  const std::string prefix = split == Split::train ? "train" : "t10k";
  const std::string images_path = find_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_file(dir, prefix + "-labels-idx1-ubyte");

  Tensor images = read_idx(images_path, DType::f32);
  Tensor labels = read_idx(labels_path, DType::i64);
  if (images.dim() != 3)
    fail("load_mnist: '", images_path, "': expected 3-d images [N, height, width], found ",
         images.dim(), "-d ", shape_str(images.shape()));
  if (labels.dim() != 1)
    fail("load_mnist: '", labels_path, "': expected 1-d labels [N], found ", labels.dim(), "-d ",
         shape_str(labels.shape()));
  if (images.size(0) != labels.size(0))
    fail("load_mnist: '", images_path, "' holds ", images.size(0), " images but '", labels_path,
         "' holds ", labels.size(0), " labels");

  if (options.limit >= 0 && options.limit < images.size(0)) {
    // Copy, so the rest of the split is freed rather than kept alive by a view.
    images = images.narrow(0, 0, options.limit).clone();
    labels = labels.narrow(0, 0, options.limit).clone();
  }
  if (options.scale) images = div(images, 255.0);
  if (options.flatten) images = images.reshape({images.size(0), images.size(1) * images.size(2)});
  return Dataset{images, labels, 0};
}

std::string fashion_mnist_default_dir() { return "/usr/share/datasets/fashion-mnist"; }

const std::array<std::string_view, 10>& fashion_mnist_classes() {
  static const std::array<std::string_view, 10> names = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

}  // namespace tg::data
