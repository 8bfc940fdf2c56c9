#include "tensor/storage.hpp"

#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace tg {

namespace {

// Sizes are rounded up to a class so that nearby sizes share buffers: 64-byte
// steps below 64 KiB, and above that four classes per power of two (at most
// 25% slack).
std::size_t size_class(std::size_t nbytes) {
  if (nbytes == 0) return kStorageAlignment;
  if (nbytes <= (std::size_t{1} << 16))
    return (nbytes + kStorageAlignment - 1) / kStorageAlignment * kStorageAlignment;
  std::size_t power = std::size_t{1} << 16;
  while (power * 2 < nbytes) power *= 2;
  const std::size_t step = power / 4;
  return (nbytes + step - 1) / step * step;
}

class CachingAllocator {
 public:
  void* allocate(std::size_t nbytes) {
    const std::size_t size = size_class(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.live_bytes += size;
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        stats_.cached_bytes -= size;
        ++stats_.hits;
        return p;
      }
      ++stats_.misses;
    }
    void* p = std::aligned_alloc(kStorageAlignment, size);
    if (p == nullptr) {
      empty();  // give the cache back and try once more before failing
      p = std::aligned_alloc(kStorageAlignment, size);
      if (p == nullptr) throw std::bad_alloc();
    }
    return p;
  }

  void release(void* p, std::size_t nbytes) {
    const std::size_t size = size_class(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.live_bytes -= size;
      if (stats_.cached_bytes + size <= limit_) {
        free_[size].push_back(p);
        stats_.cached_bytes += size;
        return;
      }
    }
    std::free(p);
  }

  void empty() {
    std::unordered_map<std::size_t, std::vector<void*>> dropped;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      dropped.swap(free_);
      stats_.cached_bytes = 0;
    }
    for (auto& [size, blocks] : dropped)
      for (void* p : blocks) std::free(p);
  }

  void set_limit(std::size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      limit_ = bytes;
    }
    empty();
  }

  AllocatorStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::size_t, std::vector<void*>> free_;
  AllocatorStats stats_;
  std::size_t limit_ = std::size_t{1} << 30;
};

// Never destroyed: tensors held in static objects may be freed after main()
// returns, and must still find the allocator alive.
CachingAllocator& allocator() {
  static auto* instance = new CachingAllocator();
  return *instance;
}

}  // namespace

AllocatorStats allocator_stats() { return allocator().stats(); }
void empty_cache() { allocator().empty(); }
void set_cache_limit(std::size_t bytes) { allocator().set_limit(bytes); }

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  if (nbytes > kInlineStorageBytes) {
    data_ = allocator().allocate(nbytes);
    return;
  }
  std::size_t room = sizeof(inline_);
  data_ = inline_;
  is_inline_ = true;
  std::align(kStorageAlignment, kInlineStorageBytes, data_, room);  // always fits
}

Storage::Storage(void* data, std::size_t nbytes, std::function<void()> release)
    : data_(data), nbytes_(nbytes), release_(std::move(release)) {
  if (!release_) release_ = [] {};  // non-owning view with nothing to release
}

Storage::~Storage() {
  if (release_) release_();
  else if (!is_inline_) allocator().release(data_, nbytes_);
}

}  // namespace tg
