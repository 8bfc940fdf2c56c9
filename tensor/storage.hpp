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

/// Alignment in bytes of every buffer Storage allocates (one cache line, one AVX-512 register).
inline constexpr std::size_t kStorageAlignment = 64;

// --- the caching allocator ----------------------------------------------------
// Note [caching allocator]
// A training loop allocates the same shapes every step. Returning those
// buffers to the operating system and asking for them again costs a page
// fault per 4 KiB touched (a 64 MB output: ~16000 faults, more time than the
// arithmetic). So a freed buffer goes into a cache keyed by its size class and
// the next request of that class reuses it. The cache holds at most
// `cache_limit` bytes (default 1 GiB); anything beyond is freed at once.
// Buffers of at most kInlineStorageBytes skip the allocator altogether: they
// live inside the Storage object (Note [inline storage]).

/// Buffers up to this many bytes (a 0-d value, a short vector) are stored
/// inside the Storage object itself and never reach the caching allocator.
inline constexpr std::size_t kInlineStorageBytes = 64;

/// Counters of the caching allocator (Note [caching allocator]); inline
/// buffers (kInlineStorageBytes or less) are not counted. Byte counts
/// are in size classes (requests rounded up: 64-byte steps below 64 KiB, then
/// four classes per power of two).
struct AllocatorStats {
  std::size_t cached_bytes = 0;  ///< held in the cache, free for reuse
  std::size_t live_bytes = 0;    ///< handed out and not yet returned
  std::size_t hits = 0;          ///< requests served from the cache
  std::size_t misses = 0;        ///< requests that went to the system allocator
};

/// A snapshot of the allocator's counters (thread-safe).
AllocatorStats allocator_stats();
/// Frees every cached buffer (live buffers are untouched).
void empty_cache();
/// Caps the bytes kept in the cache; 0 disables caching. Also empties the
/// cache, so buffers cached under the old limit are freed at once.
void set_cache_limit(std::size_t bytes);

// Note [inline storage]
// A one-element op allocates its result's Storage object anyway (through
// std::make_shared); a 64-byte buffer inside that object costs nothing more,
// while a trip to the caching allocator takes a lock and a hash lookup, as
// long as the arithmetic itself. Small buffers therefore live inline.

/// One 64-byte-aligned buffer shared (through std::shared_ptr) by every tensor
/// that looks at it; either owned (inline when small, else from the caching
/// allocator) or wrapping external memory with a release callback.
class Storage {
 public:
  /// Allocates `nbytes` of uninitialised, 64-byte-aligned memory: inside this
  /// object up to kInlineStorageBytes, otherwise from the caching allocator.
  /// @throws std::bad_alloc if the system is out of memory.
  explicit Storage(std::size_t nbytes);
  /// Wraps external memory; `release` runs when the last handle goes away
  /// (an empty `release` makes a non-owning view).
  Storage(void* data, std::size_t nbytes, std::function<void()> release);
  ~Storage();

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// Start of the buffer.
  void* data() const { return data_; }
  /// Size of the buffer in bytes, as requested.
  std::size_t nbytes() const { return nbytes_; }

  /// Bumped by every in-place write through a tensor on this storage; autodiff
  /// uses it to detect a saved tensor that was modified before backward.
  std::size_t version() const { return version_; }
  /// Records one in-place write (see version()).
  void bump_version() { ++version_; }

 private:
  void* data_ = nullptr;
  std::size_t nbytes_ = 0;
  std::size_t version_ = 0;
  std::function<void()> release_;  // empty: we own data_
  bool is_inline_ = false;         // data_ points into inline_
  // Note [inline storage]: room for kInlineStorageBytes at a 64-byte boundary.
  // (Over-aligning the whole object instead would make std::make_shared use
  // the aligned operator new, which is slower than the whole op.)
  unsigned char inline_[kInlineStorageBytes + kStorageAlignment - 1];
};

}  // namespace tg
