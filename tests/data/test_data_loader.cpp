// Tests for DataLoader: coverage of every example per epoch, reproducible
// seeded orders, batch sizes with and without drop_last, time-major
// datasets, the batch stream and every error.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "data/data_loader.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"
#include "tensor/random.hpp"

using namespace tg;
using namespace tg::data;

#define CHECK_ERROR(expr, text) CHECK_THROWS_WITH_AS((void)(expr), doctest::Contains(text), tg::Error)

namespace {

// Example k: inputs row [3k, 3k+1, 3k+2] (f32), target k (i64).
Dataset numbered(std::int64_t n) {
  return Dataset{arange(n * 3).reshape({n, 3}).to(DType::f32), arange(n), 0};
}

// The targets of every batch of one epoch, in order; checks that each
// batch's inputs are the rows of its targets.
std::vector<std::int64_t> visit(const DataLoader& loader, std::int64_t epoch,
                                std::vector<std::int64_t>* sizes = nullptr) {
  std::vector<std::int64_t> seen;
  for (const Batch& b : loader.epoch(epoch)) {
    if (sizes) sizes->push_back(b.targets.size(0));
    const std::vector<std::int64_t> y = b.targets.to_vector<std::int64_t>();
    for (std::size_t i = 0; i < y.size(); ++i) {
      CHECK(b.inputs.at({std::int64_t(i), 0}) == 3 * y[i]);
      CHECK(b.inputs.at({std::int64_t(i), 2}) == 3 * y[i] + 2);
    }
    seen.insert(seen.end(), y.begin(), y.end());
  }
  return seen;
}

std::vector<std::int64_t> iota(std::int64_t n) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

}  // namespace

TEST_CASE("data: DataLoader without shuffle visits examples in order, last batch partial") {
  const DataLoader loader(numbered(10), 4);
  CHECK(loader.size() == 10);
  CHECK(loader.num_batches() == 3);
  std::vector<std::int64_t> sizes;
  CHECK(visit(loader, 0, &sizes) == iota(10));
  CHECK(sizes == std::vector<std::int64_t>{4, 4, 2});
  CHECK(loader.order(5).to_vector<std::int64_t>() == iota(10));
}

TEST_CASE("data: DataLoader drop_last skips the partial batch") {
  const DataLoader loader(numbered(10), 4, {.shuffle = true, .seed = 1, .drop_last = true});
  CHECK(loader.num_batches() == 2);
  std::vector<std::int64_t> sizes;
  const std::vector<std::int64_t> seen = visit(loader, 0, &sizes);
  CHECK(sizes == std::vector<std::int64_t>{4, 4});
  // The 8 examples seen are the first 8 of the epoch's order.
  std::vector<std::int64_t> order = loader.order(0).to_vector<std::int64_t>();
  order.resize(8);
  CHECK(seen == order);
  // An exact multiple loses nothing; fewer examples than a batch give no batches.
  CHECK(DataLoader(numbered(12), 4, {.drop_last = true}).num_batches() == 3);
  const DataLoader tiny(numbered(3), 4, {.drop_last = true});
  CHECK(tiny.num_batches() == 0);
  CHECK(visit(tiny, 0).empty());
}

TEST_CASE("data: DataLoader shuffles every example exactly once per epoch, reproducibly") {
  const DataLoader loader(numbered(103), 10, {.shuffle = true, .seed = 42});
  const DataLoader same(numbered(103), 10, {.shuffle = true, .seed = 42});
  const DataLoader other(numbered(103), 10, {.shuffle = true, .seed = 43});
  std::vector<std::vector<std::int64_t>> epochs;
  for (std::int64_t e = 0; e < 3; ++e) {
    std::vector<std::int64_t> seen = visit(loader, e);
    CHECK(seen == visit(same, e));
    CHECK(seen != visit(other, e));
    epochs.push_back(seen);
    std::sort(seen.begin(), seen.end());
    CHECK(seen == iota(103));
  }
  CHECK(epochs[0] != epochs[1]);
  CHECK(epochs[1] != epochs[2]);
  CHECK(epochs[0] != iota(103));
}

TEST_CASE("data: DataLoader epoch e's order is the e-th randperm of Generator(seed)") {
  // Any epoch is reproducible on its own: asking for epoch 3 first gives
  // what drawing epochs 0, 1, 2, 3 in turn from one generator gives.
  const DataLoader loader(numbered(50), 8, {.shuffle = true, .seed = 7});
  const Tensor epoch3 = loader.order(3);
  Generator gen(7);
  Tensor drawn;
  for (int e = 0; e <= 3; ++e) drawn = randperm(50, gen);
  CHECK(epoch3.to_vector<std::int64_t>() == drawn.to_vector<std::int64_t>());
  CHECK(loader.epoch(3).order().to_vector<std::int64_t>() == drawn.to_vector<std::int64_t>());
  const Batch b = loader.batch(3, 6);  // the last batch: examples 48 and 49 of the order
  const std::vector<std::int64_t> all = drawn.to_vector<std::int64_t>();
  const std::vector<std::int64_t> want(all.begin() + 48, all.end());
  CHECK(b.targets.to_vector<std::int64_t>() == want);
}

TEST_CASE("data: DataLoader next() streams batches across epochs") {
  DataLoader loader(numbered(7), 3, {.shuffle = true, .seed = 5});
  std::vector<std::int64_t> stream;
  for (int i = 0; i < 6; ++i) {
    CHECK(loader.stream_epoch() == i / 3);
    CHECK(loader.stream_index() == i % 3);
    const std::vector<std::int64_t> y = loader.next().targets.to_vector<std::int64_t>();
    stream.insert(stream.end(), y.begin(), y.end());
  }
  std::vector<std::int64_t> want = visit(loader, 0);
  const std::vector<std::int64_t> second = visit(loader, 1);
  want.insert(want.end(), second.begin(), second.end());
  CHECK(stream == want);
  CHECK(loader.stream_epoch() == 2);
}

TEST_CASE("data: DataLoader batches time-major sequences along axis 1") {
  // inputs [T=4, N=5, 2] with inputs[t, n, c] = 100 t + 10 n + c; target n.
  std::vector<float> values;
  for (int t = 0; t < 4; ++t)
    for (int n = 0; n < 5; ++n)
      for (int c = 0; c < 2; ++c) values.push_back(float(100 * t + 10 * n + c));
  const Dataset seqs{from_vector(values, {4, 5, 2}), arange(5).reshape({5, 1}), 1};
  const DataLoader loader(seqs, 2, {.shuffle = true, .seed = 0});
  CHECK(loader.size() == 5);
  std::int64_t checked = 0;
  for (const Batch& b : loader.epoch(0)) {
    REQUIRE(b.inputs.dim() == 3);
    CHECK(b.inputs.size(0) == 4);
    CHECK(b.inputs.size(2) == 2);
    for (std::int64_t i = 0; i < b.targets.size(0); ++i, ++checked) {
      const double n = b.targets.at({i, 0});
      for (std::int64_t t = 0; t < 4; ++t) CHECK(b.inputs.at({t, i, 1}) == 100 * t + 10 * n + 1);
    }
  }
  CHECK(checked == 5);
}

TEST_CASE("data: DataLoader rejects bad sizes, mismatched datasets and indices") {
  CHECK_ERROR(DataLoader(numbered(5), 0), "DataLoader: batch_size must be >= 1, got 0");
  CHECK_ERROR(DataLoader(numbered(5), -2), "DataLoader: batch_size must be >= 1, got -2");
  CHECK_ERROR(DataLoader(Dataset{zeros({100, 2}), arange(99)}, 8),
              "DataLoader: inputs [100, 2] hold 100 examples (axis 0) but targets [99] hold 99");
  CHECK_ERROR(DataLoader(Dataset{zeros({4, 6, 2}), arange(4), 1}, 2),
              "inputs [4, 6, 2] hold 6 examples (axis 1) but targets [4] hold 4");
  CHECK_ERROR(DataLoader(Dataset{zeros({4}), arange(4), 1}, 2),
              "DataLoader: example_axis 1 is not an axis of inputs [4] (valid: 0..0)");
  CHECK_ERROR(DataLoader(Dataset{zeros({4}), Tensor()}, 2), "needs both inputs and targets");
  CHECK_ERROR(DataLoader(Dataset{zeros({4}), scalar(1)}, 2), "targets must have a leading axis");
  const DataLoader loader(numbered(10), 4);
  CHECK_ERROR(loader.batch(0, 3), "DataLoader: batch index 3 is out of range (3 batches of 4 from 10 examples)");
  CHECK_ERROR(loader.batch(-1, 0), "DataLoader: epoch must be >= 0, got -1");
  DataLoader empty(numbered(3), 4, {.drop_last = true});
  CHECK_ERROR(empty.next(), "DataLoader: next: an epoch has no batches (3 examples, batch_size 4, drop_last)");
  DataLoader none(numbered(0), 4);
  CHECK(none.num_batches() == 0);
  CHECK_ERROR(none.next(), "no batches (0 examples, batch_size 4)");
}
