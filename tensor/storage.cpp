#include "tensor/storage.hpp"

#include <cstdlib>
#include <new>

namespace tg {

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  // aligned_alloc wants a size that is a multiple of the alignment, and we
  // never hand out a null pointer, even for an empty tensor.
  const std::size_t rounded =
      (nbytes + kStorageAlignment - 1) / kStorageAlignment * kStorageAlignment;
  data_ = std::aligned_alloc(kStorageAlignment, rounded == 0 ? kStorageAlignment : rounded);
  if (data_ == nullptr) throw std::bad_alloc();
}

Storage::Storage(void* data, std::size_t nbytes, std::function<void()> release)
    : data_(data), nbytes_(nbytes), release_(std::move(release)) {
  if (!release_) release_ = [] {};  // non-owning view with nothing to release
}

Storage::~Storage() {
  if (release_) release_();
  else std::free(data_);
}

}  // namespace tg
