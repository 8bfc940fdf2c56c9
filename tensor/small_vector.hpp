// tensor/small_vector.hpp — a vector that keeps its first few elements inline.
//
// Note [inline dims]
// Per-axis bookkeeping (a shape, strides, an odometer index) rarely has more
// than six entries, but a std::vector allocates on the heap for even one. On
// a one-element op that allocation costs as much as the arithmetic, so the
// elementwise walk (tensor/iter.hpp) keeps its per-axis lists in a
// SmallVector: up to N elements live inside the object, more spill to the
// heap. Tape nodes keep their inputs, their inputs' storage versions and the
// gradients their backward returns the same way (autodiff/var.hpp): two
// allocations fewer for every recorded op.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace tg::detail {

/// A std::vector-like list that stores up to N elements inline and moves to
/// the heap beyond that (Note [inline dims]). Elements [0, size()) are live
/// objects; the rest of the buffer is raw memory, so a list of Vars holds no
/// references beyond its size.
template <class T, std::size_t N>
class SmallVector {
  static_assert(N > 0, "SmallVector needs room for at least one inline element");

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

  /// Replaces the elements by `count` copies of `value` (not from this list).
  void assign(std::size_t count, const T& value) {
    clear();
    reserve(count);
    std::uninitialized_fill_n(data_, count, value);
    size_ = count;
  }
  /// Replaces the elements by those of [first, last) (not from this list).
  void assign(const T* first, const T* last) {
    clear();
    reserve(static_cast<std::size_t>(last - first));
    std::uninitialized_copy(first, last, data_);
    size_ = static_cast<std::size_t>(last - first);
  }
  /// Appends one element, moving to a larger buffer when full.
  void push_back(const T& value) { emplace_back(value); }
  /// Appends one element, moving to a larger buffer when full.
  void push_back(T&& value) { emplace_back(std::move(value)); }
  /// Constructs one element at the end from `args`.
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == capacity_) {
      T item(std::forward<Args>(args)...);  // args may refer into the buffer we are leaving
      reserve(2 * capacity_);
      return *::new (data_ + size_++) T(std::move(item));
    }
    return *::new (data_ + size_++) T(std::forward<Args>(args)...);
  }
  /// Destroys every element (keeps the buffer).
  void clear() {
    std::destroy(data_, data_ + size_);
    size_ = 0;
  }
  /// Makes room for `count` elements without changing the contents.
  void reserve(std::size_t count) {
    if (count <= capacity_) return;
    T* bigger = std::allocator<T>().allocate(count);
    std::uninitialized_move(data_, data_ + size_, bigger);
    const std::size_t size = size_;
    release();
    data_ = bigger;
    capacity_ = count;
    size_ = size;
  }

  /// Number of elements.
  std::size_t size() const { return size_; }
  /// True when there are no elements.
  bool empty() const { return size_ == 0; }
  /// Elements that fit before the next move to a larger buffer.
  std::size_t capacity() const { return capacity_; }
  /// True while the elements live inside the object (no heap buffer).
  bool is_inline() const { return data_ == inline_data(); }

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
  T* inline_data() { return std::launder(reinterpret_cast<T*>(inline_)); }
  const T* inline_data() const { return std::launder(reinterpret_cast<const T*>(inline_)); }

  // Destroys the elements and gives back a heap buffer; the list is then
  // empty and inline.
  void release() {
    clear();
    if (!is_inline()) std::allocator<T>().deallocate(data_, capacity_);
    data_ = inline_data();
    capacity_ = N;
  }
  // Steals other's heap buffer, or moves its inline elements; leaves it empty.
  void take(SmallVector& other) {
    if (other.is_inline()) {
      std::uninitialized_move(other.begin(), other.end(), data_);
      size_ = other.size_;
      other.clear();
    } else {
      data_ = other.data_;
      capacity_ = other.capacity_;
      size_ = other.size_;
      other.data_ = other.inline_data();
      other.capacity_ = N;
      other.size_ = 0;
    }
  }

  alignas(T) unsigned char inline_[N * sizeof(T)];
  T* data_ = inline_data();
  std::size_t size_ = 0;
  std::size_t capacity_ = N;
};

}  // namespace tg::detail
