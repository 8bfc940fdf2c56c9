#include "data/data_loader.hpp"

#include <algorithm>
#include <utility>

#include "tensor/creation.hpp"
#include "tensor/error.hpp"
#include "tensor/indexing.hpp"
#include "tensor/random.hpp"

namespace tg::data {

DataLoader::DataLoader(Dataset data, std::int64_t batch_size, DataLoaderOptions options)
    : data_(std::move(data)), batch_size_(batch_size), options_(options) {
  if (batch_size < 1) fail("DataLoader: batch_size must be >= 1, got ", batch_size);
  data_.check("DataLoader");
  size_ = data_.inputs.size(data_.example_axis);
}

std::int64_t DataLoader::num_batches() const {
  return options_.drop_last ? size_ / batch_size_ : (size_ + batch_size_ - 1) / batch_size_;
}

// Note [epoch permutations]
// randperm(n) reserves n words of its generator's stream, so drawing one
// permutation per epoch from Generator(seed) puts epoch e's draw at stream
// position e * n. Setting that position directly gives the same permutation
// as replaying epochs 0..e-1, in O(n) instead of O(e n).
Tensor DataLoader::order(std::int64_t epoch) const {
  if (epoch < 0) fail("DataLoader: epoch must be >= 0, got ", epoch);
  if (!options_.shuffle) return arange(size_);
  Generator gen(options_.seed);
  gen.set_position(static_cast<std::uint64_t>(epoch) * static_cast<std::uint64_t>(size_));
  return randperm(size_, gen);
}

Batch DataLoader::gather(const Tensor& order, std::int64_t index) const {
  if (index < 0 || index >= num_batches())
    fail("DataLoader: batch index ", index, " is out of range (", num_batches(),
         " batches of ", batch_size_, " from ", size_, " examples)");
  const std::int64_t start = index * batch_size_;
  const Tensor rows = order.narrow(0, start, std::min(batch_size_, size_ - start));
  return Batch{index_select(data_.inputs, data_.example_axis, rows),
               index_select(data_.targets, 0, rows)};
}

Batch DataLoader::batch(std::int64_t epoch, std::int64_t index) const {
  return gather(order(epoch), index);
}

DataLoader::Epoch DataLoader::epoch(std::int64_t epoch) const { return Epoch(*this, epoch); }

Batch DataLoader::next() {
  // With no batches per epoch there is nothing to stream: say why, rather
  // than report batch 0 as out of range.
  if (num_batches() == 0)
    fail("DataLoader: next: an epoch has no batches (", size_, " examples, batch_size ",
         batch_size_, options_.drop_last ? ", drop_last)" : ")");
  if (!stream_order_.defined()) stream_order_ = order(stream_epoch_);
  Batch out = gather(stream_order_, stream_index_);
  if (++stream_index_ == num_batches()) {
    ++stream_epoch_;
    stream_index_ = 0;
    stream_order_ = Tensor();
  }
  return out;
}

// --- DataLoader::Epoch -------------------------------------------------------

DataLoader::Epoch::Epoch(const DataLoader& loader, std::int64_t epoch)
    : loader_(loader), order_(loader.order(epoch)) {}

DataLoader::Epoch::iterator::iterator(const Epoch* epoch, std::int64_t index)
    : epoch_(epoch), index_(index) {
  load();
}

DataLoader::Epoch::iterator& DataLoader::Epoch::iterator::operator++() {
  ++index_;
  load();
  return *this;
}

// Gathers the batch the iterator points at; the end iterator holds none.
void DataLoader::Epoch::iterator::load() {
  if (index_ < epoch_->loader_.num_batches())
    batch_ = epoch_->loader_.gather(epoch_->order_, index_);
  else
    batch_ = Batch{};
}

}  // namespace tg::data
