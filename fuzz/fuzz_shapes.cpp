// libFuzzer target: shapes, strides and axes. The input bytes are read as a
// little program of view and reduction ops applied to a small tensor with
// random extents; every op either works or throws tg::Error. After each
// step, invariants that must hold for any valid tensor are checked:
// reading every element stays inside the storage (ASan would report it),
// and a full sum equals the sum of the elements read one by one.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"
#include "tensor/indexing.hpp"
#include "tensor/linalg.hpp"
#include "tensor/reduce.hpp"
#include "tensor/softmax.hpp"

namespace {

class Bytes {
 public:
  Bytes(const std::uint8_t* d, std::size_t n) : d_(d), n_(n) {}
  bool empty() const { return i_ >= n_; }
  int next() { return i_ < n_ ? d_[i_++] : 0; }
  std::int64_t small() { return next() % 6; }                  // an extent 0..5
  std::int64_t axis() { return static_cast<std::int8_t>(next()) % 6; }  // -5..5: some out of range
  tg::Shape shape() {
    tg::Shape s(static_cast<std::size_t>(next() % 5));
    for (auto& d : s) d = small();
    return s;
  }

 private:
  const std::uint8_t* d_;
  std::size_t n_, i_ = 0;
};

void check_invariants(const tg::Tensor& t) {
  const std::vector<double> v = t.to_double_vector();
  double expect = 0;
  for (double x : v) expect += x;
  const double got = tg::sum(t.to(tg::DType::f64)).item();
  if (std::abs(got - expect) > 1e-6 * (1 + std::abs(expect))) std::abort();
}

tg::Tensor step(const tg::Tensor& x, Bytes& in) {
  switch (in.next() % 14) {
    case 0: return x.reshape(in.shape());
    case 1: return x.transpose(in.axis(), in.axis());
    case 2: return x.slice(in.axis(), in.axis(), in.axis(), 1 + in.next() % 3);
    case 3: return x.expand(in.shape());
    case 4: return x.unsqueeze(in.axis());
    case 5: return x.squeeze();
    case 6: return tg::add(x, tg::ones(in.shape()));
    case 7: return tg::sum(x, {in.axis()}, in.next() % 2);
    case 8: return tg::max(x, {in.axis(), in.axis()}, in.next() % 2);
    case 9: return tg::argmax(x, in.axis(), in.next() % 2).to(tg::DType::f32);
    case 10: return tg::matmul(x, tg::ones(in.shape()));
    case 11: return tg::cat({x, x}, in.axis());
    case 12: return tg::log_softmax(x, in.axis());
    default: return x.permute({in.axis(), in.axis(), in.axis()});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  tg::Tensor x;
  try {
    const tg::Shape shape = in.shape();
    x = tg::arange(0.0, static_cast<double>(tg::shape_numel(shape)), 1.0).reshape(shape);
  } catch (const tg::Error&) {
    return 0;
  }
  for (int i = 0; i < 8 && !in.empty(); ++i) {
    try {
      x = step(x, in);
      if (x.numel() > 4096) return 0;  // keep each run small
      check_invariants(x);
    } catch (const tg::Error&) {
    }
  }
  return 0;
}
