// tensor/storage.hpp — the bytes behind one or more tensors.
//
// A Storage owns one 64-byte-aligned buffer (one cache line, and the width of
// an AVX-512 register) and is shared by every Tensor handle and view that
// looks at it, through std::shared_ptr. It can also wrap memory owned by
// someone else (xtensor, a user buffer) with a release callback.
#pragma once

#include <cstddef>
#include <functional>

namespace tg {

inline constexpr std::size_t kStorageAlignment = 64;

class Storage {
 public:
  /// Allocates `nbytes` of uninitialised, 64-byte-aligned memory.
  explicit Storage(std::size_t nbytes);
  /// Wraps external memory; `release` runs when the last handle goes away.
  Storage(void* data, std::size_t nbytes, std::function<void()> release);
  ~Storage();

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }

  /// Bumped by every in-place write through a tensor on this storage; autodiff
  /// uses it to detect a saved tensor that was modified before backward.
  std::size_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
  std::size_t version_ = 0;
  std::function<void()> release_;  // empty: we own data_
};

}  // namespace tg
