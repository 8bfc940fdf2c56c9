// tg::detail::SmallVector, the inline-first list behind loop dims, node inputs,
// input versions and gradients (Note [inline dims] in tensor/small_vector.hpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "tensor/small_vector.hpp"

using Small = tg::detail::SmallVector<std::int64_t, 3>;

namespace {
std::vector<std::int64_t> to_std(const Small& v) { return {v.begin(), v.end()}; }
}  // namespace

TEST_CASE("small_vector: up to N elements stay inline, more move to the heap in order") {
  Small v;
  CHECK(v.empty());
  CHECK(v.is_inline());
  for (std::int64_t i = 0; i < 3; ++i) v.push_back(i * 10);
  CHECK(v.is_inline());
  CHECK(v.capacity() == 3);
  for (std::int64_t i = 3; i < 20; ++i) v.push_back(i * 10);
  CHECK_FALSE(v.is_inline());
  REQUIRE(v.size() == 20);
  for (std::size_t i = 0; i < v.size(); ++i) CHECK(v[i] == static_cast<std::int64_t>(i) * 10);
  CHECK(v.back() == 190);
}

TEST_CASE("small_vector: pushing an element of the list itself while it grows") {
  Small v{1, 2, 3};
  v.push_back(v[0]);  // the reference points into the buffer being replaced
  CHECK(to_std(v) == std::vector<std::int64_t>{1, 2, 3, 1});
}

TEST_CASE("small_vector: constructors and assignment") {
  CHECK(to_std(Small(4, 7)) == std::vector<std::int64_t>{7, 7, 7, 7});
  CHECK(to_std(Small{5, 6}) == std::vector<std::int64_t>{5, 6});
  Small v{1, 2};
  v = {9};
  CHECK(to_std(v) == std::vector<std::int64_t>{9});
  v.assign(2, 4);
  CHECK(to_std(v) == std::vector<std::int64_t>{4, 4});
}

TEST_CASE("small_vector: copies are independent, inline or on the heap") {
  for (std::size_t n : {2u, 8u}) {
    Small a(n, 1);
    Small b = a;
    b[0] = 5;
    CHECK(a[0] == 1);
    CHECK(b.size() == n);
    Small c;
    c = a;
    CHECK(c == a);
    c = c;  // self-assignment keeps the elements
    CHECK(c == a);
  }
}

TEST_CASE("small_vector: moves take the elements and leave the source empty") {
  for (std::size_t n : {2u, 8u}) {
    Small a(n, 3);
    Small b = std::move(a);
    CHECK(b == Small(n, 3));
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the documented state
    CHECK(a.is_inline());
    Small c{1};
    c = std::move(b);
    CHECK(c == Small(n, 3));
    CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
    b.push_back(2);    // a moved-from list is usable
    CHECK(to_std(b) == std::vector<std::int64_t>{2});
  }
}

TEST_CASE("small_vector: equality compares length and elements") {
  CHECK(Small{1, 2} == Small{1, 2});
  CHECK_FALSE(Small{1, 2} == Small{1, 2, 3});
  CHECK_FALSE(Small{1, 2} == Small{1, 3});
  CHECK(Small() == Small{});
  CHECK(Small(5, 0) == Small(5, 0));  // both on the heap
}

TEST_CASE("small_vector: elements with owners are copied, moved and destroyed exactly once") {
  // A shared_ptr's use count sees every live copy: the list must hold one
  // reference per element, inline or on the heap, and none beyond its size.
  using Owners = tg::detail::SmallVector<std::shared_ptr<int>, 2>;
  const auto item = std::make_shared<int>(7);
  {
    Owners v;
    for (int i = 0; i < 5; ++i) v.push_back(item);  // spills to the heap after 2
    CHECK_FALSE(v.is_inline());
    CHECK(item.use_count() == 6);
    Owners copy = v;
    CHECK(item.use_count() == 11);
    Owners moved = std::move(copy);
    CHECK(item.use_count() == 11);
    moved.clear();
    CHECK(item.use_count() == 6);
    Owners small{item};
    Owners taken = std::move(small);  // inline elements are moved one by one
    CHECK(item.use_count() == 7);
    CHECK(small.empty());  // NOLINT(bugprone-use-after-move)
    taken = v;
    CHECK(item.use_count() == 11);
    v.emplace_back(v[0]);  // an element of the list itself, while it may grow
    CHECK(item.use_count() == 12);
    CHECK(*v.back() == 7);
  }
  CHECK(item.use_count() == 1);
}
