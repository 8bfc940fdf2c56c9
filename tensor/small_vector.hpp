// tensor/small_vector.hpp — a vector that keeps its first few elements inline.
//
// Note [inline dims]
// Per-axis bookkeeping (a shape, strides, an odometer index) rarely has more
// than six entries, but a std::vector allocates on the heap for even one. On
// a one-element op that allocation costs as much as the arithmetic, so the
// elementwise walk (tensor/iter.hpp) keeps its per-axis lists in a
// SmallVector: up to N elements live inside the object, more spill to the
// heap. Tape nodes keep their inputs' storage versions the same way
// (autodiff/var.hpp). Only trivially copyable element types (integers) are
// supported.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <type_traits>

namespace tg::detail {

/// A std::vector-like list that stores up to N elements inline and moves to
/// the heap beyond that (Note [inline dims]). T must be trivially copyable.
template <class T, std::size_t N>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T>, "SmallVector holds trivially copyable types");

 public:
  /// An empty list.
  SmallVector() = default;
  /// `count` copies of `value`.
  SmallVector(std::size_t count, const T& value) { assign(count, value); }
  /// The listed elements.
  SmallVector(std::initializer_list<T> values) { assign(values.begin(), values.end()); }
  /// A copy of `other`'s elements.
  SmallVector(const SmallVector& other) { assign(other.begin(), other.end()); }
  /// Takes `other`'s elements (its heap buffer, if any); `other` is left empty.
  SmallVector(SmallVector&& other) noexcept { take(other); }
  /// Replaces the elements by a copy of `other`'s.
  SmallVector& operator=(const SmallVector& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  /// Replaces the elements by `other`'s; `other` is left empty.
  SmallVector& operator=(SmallVector&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  /// Replaces the elements by the listed ones.
  SmallVector& operator=(std::initializer_list<T> values) {
    assign(values.begin(), values.end());
    return *this;
  }
  ~SmallVector() { release(); }

  /// Replaces the elements by `count` copies of `value`.
  void assign(std::size_t count, const T& value) {
    size_ = 0;
    reserve(count);
    std::fill_n(data_, count, value);
    size_ = count;
  }
  /// Replaces the elements by those of [first, last) (not from this list).
  void assign(const T* first, const T* last) {
    const auto count = static_cast<std::size_t>(last - first);
    size_ = 0;
    reserve(count);
    std::copy(first, last, data_);
    size_ = count;
  }
  /// Appends one element, moving to a larger buffer when full.
  void push_back(const T& value) {
    if (size_ == capacity_) {
      const T copy = value;  // `value` may live in the buffer we are about to leave
      reserve(2 * capacity_);
      data_[size_++] = copy;
      return;
    }
    data_[size_++] = value;
  }
  /// Makes room for `count` elements without changing the contents.
  void reserve(std::size_t count) {
    if (count <= capacity_) return;
    auto bigger = std::make_unique<T[]>(count);
    std::copy(data_, data_ + size_, bigger.get());
    release();
    data_ = bigger.release();
    capacity_ = count;
  }

  /// Number of elements.
  std::size_t size() const { return size_; }
  /// True when there are no elements.
  bool empty() const { return size_ == 0; }
  /// Elements that fit before the next move to a larger buffer.
  std::size_t capacity() const { return capacity_; }
  /// True while the elements live inside the object (no heap buffer).
  bool is_inline() const { return data_ == inline_; }

  /// Element i (unchecked).
  T& operator[](std::size_t i) { return data_[i]; }
  /// Element i (unchecked).
  const T& operator[](std::size_t i) const { return data_[i]; }
  /// The last element (the list must not be empty).
  T& back() { return data_[size_ - 1]; }
  /// The last element (the list must not be empty).
  const T& back() const { return data_[size_ - 1]; }
  /// Start of the elements.
  T* data() { return data_; }
  /// Start of the elements.
  const T* data() const { return data_; }
  /// Iterator to the first element.
  T* begin() { return data_; }
  /// Iterator past the last element.
  T* end() { return data_ + size_; }
  /// Iterator to the first element.
  const T* begin() const { return data_; }
  /// Iterator past the last element.
  const T* end() const { return data_ + size_; }

  /// Same length and equal elements.
  friend bool operator==(const SmallVector& a, const SmallVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  void release() {
    if (!is_inline()) delete[] data_;
    data_ = inline_;
    capacity_ = N;
  }
  // Steals other's heap buffer, or copies its inline elements; leaves it empty.
  void take(SmallVector& other) {
    if (other.is_inline()) {
      std::copy(other.begin(), other.end(), inline_);
    } else {
      data_ = other.data_;
      capacity_ = other.capacity_;
      other.data_ = other.inline_;
      other.capacity_ = N;
    }
    size_ = other.size_;
    other.size_ = 0;
  }

  T inline_[N] = {};
  T* data_ = inline_;
  std::size_t size_ = 0;
  std::size_t capacity_ = N;
};

}  // namespace tg::detail
