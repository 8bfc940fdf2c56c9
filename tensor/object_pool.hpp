// tensor/object_pool.hpp — recycling the small objects every op allocates.
//
// Note [object pool]
// Recording one op allocates three objects through std::make_shared: the
// result's Storage (with its inline buffer, Note [inline storage]), its
// VarImpl and, under grad mode, its Node; backward allocates two more per op.
// A graph allocates them in a burst of thousands and frees them in a burst
// when it is torn down. glibc keeps only seven freed blocks per size in its
// per-thread cache; past that, every free and malloc of these 150-400 byte
// blocks goes through the shared bins, which merge and split neighbours:
// about 260 instructions per malloc/free pair, a third of all instructions of
// a recorded op with its backward (callgrind, bench_autodiff's chain of
// 10,000 multiplications). PoolAllocator keeps freed blocks of each size on a
// per-thread free list instead: allocating pops one, freeing pushes one, a
// handful of instructions each. The lists hold at most kMaxPooledBlocks
// blocks per size; beyond that (or for arrays) blocks go back to the system.
// A block freed on another thread joins that thread's list, which is fine:
// each block is an independent allocation of ::operator new. The lists are
// emptied when their thread exits; a block freed after that (a static Var
// destroyed at program exit) goes straight back to the system.
//
// Internal header: used by tensor/ and autodiff/, not installed.
#pragma once

#include <cstddef>
#include <new>

namespace tg::detail {

/// Blocks kept per size and thread (at most ~25 MB of ~400-byte blocks).
inline constexpr std::size_t kMaxPooledBlocks = 65536;

/// Off under AddressSanitizer, so that it still sees every use after free.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kPoolObjects = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kPoolObjects = false;
#else
inline constexpr bool kPoolObjects = true;
#endif
#else
inline constexpr bool kPoolObjects = true;
#endif

/// The free blocks of one size on this thread (Note [object pool]). A plain
/// struct with no destructor, so that it is still readable while the thread
/// (or the program) is being torn down; BlockListOwner empties it.
struct BlockList {
  struct Block {
    Block* next;
  };
  Block* head = nullptr;
  std::size_t count = 0;
  bool closed = false;  // the thread is exiting: free to the system from now on
};

/// Empties a BlockList when its thread exits.
struct BlockListOwner {
  BlockList* list;
  ~BlockListOwner() {
    list->closed = true;
    while (BlockList::Block* b = list->head) {
      list->head = b->next;
      ::operator delete(static_cast<void*>(b));
    }
    list->count = 0;
  }
};

/// This thread's list of free blocks of `Size` bytes.
template <std::size_t Size>
BlockList& block_list() {
  static thread_local BlockList list;
  static thread_local BlockListOwner owner{&list};
  (void)owner;  // its destructor runs at thread exit
  return list;
}

/// A std::allocator-compatible allocator that recycles single objects of T
/// through block_list() (Note [object pool]); use it with std::allocate_shared.
template <class T>
struct PoolAllocator {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                "PoolAllocator uses the default operator new");
  static_assert(sizeof(T) >= sizeof(BlockList::Block), "a block must hold a list link");
  using value_type = T;

  PoolAllocator() = default;
  /// Rebinding (std::allocate_shared allocates its control block through this).
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}

  /// Room for n objects: a recycled block when n == 1 and one is free.
  T* allocate(std::size_t n) {
    if (kPoolObjects && n == 1) {
      BlockList& list = block_list<sizeof(T)>();
      if (BlockList::Block* b = list.head) {
        list.head = b->next;
        --list.count;
        return reinterpret_cast<T*>(b);
      }
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  /// Gives back what allocate(n) returned: onto this thread's list while it
  /// has room, else to the system.
  void deallocate(T* p, std::size_t n) noexcept {
    if (kPoolObjects && n == 1) {
      BlockList& list = block_list<sizeof(T)>();
      if (!list.closed && list.count < kMaxPooledBlocks) {
        auto* b = reinterpret_cast<BlockList::Block*>(p);
        b->next = list.head;
        list.head = b;
        ++list.count;
        return;
      }
    }
    ::operator delete(static_cast<void*>(p));
  }

  template <class U>
  friend bool operator==(const PoolAllocator&, const PoolAllocator<U>&) noexcept {
    return true;
  }
};

}  // namespace tg::detail
