// The caching allocator behind tensor storage (Note [caching allocator]) and
// the pool of small objects (Note [object pool]).
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/object_pool.hpp"
#include "tensor/storage.hpp"

using tg::DType;

TEST_CASE("storage: a freed buffer is reused by the next request of its size class") {
  tg::set_cache_limit(std::size_t{1} << 30);
  tg::empty_cache();
  const void* first = nullptr;
  {
    tg::Tensor a = tg::empty({1000, 100});
    first = a.storage()->data();
  }
  const auto before = tg::allocator_stats();
  CHECK(before.cached_bytes >= 400000);
  tg::Tensor b = tg::empty({1000, 100});
  CHECK(b.storage()->data() == first);
  const auto after = tg::allocator_stats();
  CHECK(after.hits == before.hits + 1);
  CHECK(after.cached_bytes == before.cached_bytes - (after.live_bytes - before.live_bytes));
  // A slightly larger request in the same class reuses it too; a live buffer is never shared.
  tg::Tensor c = tg::empty({1000, 100});
  CHECK(c.storage()->data() != b.storage()->data());
}

TEST_CASE("storage: buffers stay 64-byte aligned and the cache can be emptied or capped") {
  for (std::int64_t n : {1, 15, 16, 17, 4095, 70000, 300001}) {
    tg::Tensor t = tg::zeros({n});
    CHECK(reinterpret_cast<std::uintptr_t>(t.storage()->data()) % 64 == 0);
    CHECK(t.to_double_vector() == std::vector<double>(static_cast<std::size_t>(n), 0.0));
  }
  tg::empty_cache();
  CHECK(tg::allocator_stats().cached_bytes == 0);
  tg::set_cache_limit(0);
  { tg::Tensor t = tg::empty({1 << 20}); }
  CHECK(tg::allocator_stats().cached_bytes == 0);
  tg::set_cache_limit(std::size_t{1} << 30);
}

TEST_CASE("storage: a reused buffer holds what its new owner writes, nothing of the old one") {
  tg::Tensor a = tg::full({256}, 7.0);
  a = tg::Tensor();  // back to the cache
  tg::Tensor z = tg::zeros({256});
  for (double v : z.to_double_vector()) REQUIRE(v == 0.0);
}

TEST_CASE("storage: small buffers live inside the storage object, aligned, outside the cache") {
  const auto before = tg::allocator_stats();
  for (std::int64_t n : {0, 1, 16}) {  // up to kInlineStorageBytes (16 floats)
    tg::Tensor t = tg::full({n}, 2.0);
    CHECK(reinterpret_cast<std::uintptr_t>(t.storage()->data()) % tg::kStorageAlignment == 0);
    CHECK(t.to_double_vector() == std::vector<double>(static_cast<std::size_t>(n), 2.0));
  }
  const auto after = tg::allocator_stats();
  CHECK(after.hits == before.hits);
  CHECK(after.misses == before.misses);
  CHECK(after.live_bytes == before.live_bytes);
  // One element more goes to the caching allocator.
  tg::Tensor big = tg::empty({17});
  CHECK(tg::allocator_stats().live_bytes == before.live_bytes + 128);
}

TEST_CASE("object pool: a freed block is reused, on any thread, and arrays bypass it") {
  // Note [object pool]: single objects come back from a per-thread list.
  using Alloc = tg::detail::PoolAllocator<std::array<std::int64_t, 20>>;
  Alloc alloc;
  auto* a = alloc.allocate(1);
  alloc.deallocate(a, 1);
  auto* b = alloc.allocate(1);
  if (tg::detail::kPoolObjects) CHECK(b == a);  // LIFO: the block just freed
  auto* many = alloc.allocate(3);  // arrays always come from the system
  CHECK(many != b);
  alloc.deallocate(many, 3);
  // A block freed on another thread joins that thread's list, and that
  // thread's list is emptied when it exits (LeakSanitizer checks the rest).
  std::thread([&] { alloc.deallocate(b, 1); }).join();
  auto* c = alloc.allocate(1);
  alloc.deallocate(c, 1);
}

TEST_CASE("object pool: tensors built from recycled blocks hold their values") {
  // Run the same computation twice: the second reuses the freed blocks of
  // the first (Storage objects), and must compute exactly the same values.
  auto run = [] {
    tg::Tensor acc = tg::scalar(1.0, DType::f64);
    std::vector<tg::Tensor> keep;
    for (int i = 0; i < 1000; ++i) {
      acc = tg::add(tg::mul(acc, tg::scalar(1.001, DType::f64)), tg::scalar(0.5, DType::f64));
      if (i % 100 == 0) keep.push_back(acc);
    }
    std::vector<double> out;
    for (const tg::Tensor& t : keep) out.push_back(t.item());
    out.push_back(acc.item());
    return out;
  };
  const std::vector<double> first = run();
  CHECK(run() == first);
  // The closed form of x -> 1.001 x + 0.5 after 1000 steps from 1.
  const double r = 1.001, n = 1000;
  CHECK(first.back() == doctest::Approx(std::pow(r, n) + 0.5 * (std::pow(r, n) - 1) / (r - 1)));
}
