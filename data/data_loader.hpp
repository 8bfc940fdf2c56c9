// data/data_loader.hpp — mini-batches from a Dataset, shuffled reproducibly.
//
//   tg::data::DataLoader loader(train, 128, {.shuffle = true, .seed = 0});
//   for (std::int64_t epoch = 0; epoch < 10; ++epoch)
//     for (const tg::data::Batch& batch : loader.epoch(epoch)) {
//       batch.inputs;    // [128, 28, 28] (the last batch may be smaller)
//       batch.targets;   // [128]
//     }
//
//   auto batch = loader.next();   // or a stream: epoch 0's batches, then epoch 1's, ...
//
// Shuffling (Note [epoch permutations]): the order of epoch e is the e-th
// permutation drawn with tg::randperm from Generator(seed) — the generator
// is rewound to that draw, so any epoch can be reproduced on its own (resume
// at epoch 7 without replaying 0..6), and the order does not depend on the
// thread count. Like PyTorch's DataLoader (and DistributedSampler.set_epoch),
// without the worker processes: batches are gathered in the calling thread
// with tg::index_select, as copies, so the dataset is never modified.
//
// Sequence datasets with example_axis 1 ([T, N, F] inputs) give batches
// [T, B, F], still time-major; targets are always gathered along axis 0.
//
// Throws tg::Error: batch_size < 1, a dataset whose inputs and targets hold
// different numbers of examples (Dataset::check), a negative epoch, a batch
// index outside 0..num_batches()-1.
#pragma once

#include <cstdint>
#include <iterator>

#include "data/dataset.hpp"

namespace tg::data {

/// One mini-batch: B examples of the dataset, in the epoch's order.
struct Batch {
  Tensor inputs;   ///< [B, ...] (or [T, B, F] for time-major datasets): a copy
  Tensor targets;  ///< [B, ...]: the matching targets, a copy
};

/// How a DataLoader orders and cuts its batches.
struct DataLoaderOptions {
  /// Draw a new order every epoch; false keeps the dataset's order.
  bool shuffle = false;
  /// Seeds the permutations (only with shuffle).
  std::uint64_t seed = 0;
  /// Skip the last batch when it would hold fewer than batch_size examples.
  bool drop_last = false;
};

/// Mini-batches of `batch_size` examples from a Dataset, in a per-epoch order
/// that is reproducible from the seed (Note [epoch permutations]).
class DataLoader {
 public:
  /// Takes the dataset (the tensors are shared handles, never modified).
  /// @throws tg::Error if batch_size < 1 or the dataset fails Dataset::check.
  DataLoader(Dataset data, std::int64_t batch_size, DataLoaderOptions options = {});

  /// Examples in the dataset.
  std::int64_t size() const { return size_; }
  /// Examples per batch (the last batch may hold fewer unless drop_last).
  std::int64_t batch_size() const { return batch_size_; }
  /// Batches per epoch: ceil(size / batch_size), or floor with drop_last.
  std::int64_t num_batches() const;
  /// The dataset the batches come from.
  const Dataset& dataset() const { return data_; }

  /// The order in which epoch `epoch` visits the examples: a permutation of
  /// 0..size-1 (i64 [size]); 0, 1, 2, ... without shuffle.
  /// @throws tg::Error if epoch < 0.
  Tensor order(std::int64_t epoch) const;
  /// Batch `index` of epoch `epoch` (computes the epoch's order; to walk a
  /// whole epoch use epoch(), which computes it once).
  /// @throws tg::Error if epoch < 0 or index is outside 0..num_batches()-1.
  Batch batch(std::int64_t epoch, std::int64_t index) const;

  class Epoch;
  /// The batches of one epoch, for range-for. The Epoch refers to this
  /// loader: keep the loader alive while iterating (not
  /// `for (auto& b : DataLoader(d, 32).epoch(0))`).
  /// @throws tg::Error if epoch < 0.
  Epoch epoch(std::int64_t epoch) const;

  /// The next batch of an endless stream: batch 0, 1, ... of epoch 0, then of
  /// epoch 1, and so on. Independent of epoch()/batch(), which do not move it.
  /// @throws tg::Error if an epoch has no batches (empty dataset, or drop_last
  ///         with fewer examples than batch_size).
  Batch next();
  /// The epoch the next call to next() returns a batch of.
  std::int64_t stream_epoch() const { return stream_epoch_; }
  /// The batch index (within stream_epoch()) the next call to next() returns.
  std::int64_t stream_index() const { return stream_index_; }

 private:
  Batch gather(const Tensor& order, std::int64_t index) const;

  Dataset data_;
  std::int64_t batch_size_;
  DataLoaderOptions options_;
  std::int64_t size_;
  std::int64_t stream_epoch_ = 0;
  std::int64_t stream_index_ = 0;
  Tensor stream_order_;  // the order of stream_epoch_, computed on first use
};

/// One epoch: its order, computed once, and an input iterator over batches.
class DataLoader::Epoch {
 public:
  /// An input iterator: holds the batch it points at, gathered on arrival.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;  ///< single pass
    using value_type = Batch;                           ///< what it yields
    using difference_type = std::ptrdiff_t;             ///< required by the iterator concepts
    using pointer = const Batch*;                       ///< operator-> result
    using reference = const Batch&;                     ///< operator* result

    /// Points at batch `index` of `epoch` and gathers it (none at the end).
    iterator(const Epoch* epoch, std::int64_t index);
    /// The current batch.
    const Batch& operator*() const { return batch_; }
    /// The current batch.
    const Batch* operator->() const { return &batch_; }
    /// Moves to the next batch and gathers it.
    iterator& operator++();
    /// Compares batch indices only (iterators of one Epoch).
    bool operator==(const iterator& other) const { return index_ == other.index_; }

   private:
    void load();
    const Epoch* epoch_;
    std::int64_t index_;
    Batch batch_;
  };

  /// Epoch `epoch` of `loader` (computes its order once; keep loader alive).
  /// @throws tg::Error if epoch < 0.
  Epoch(const DataLoader& loader, std::int64_t epoch);
  /// The first batch (gathered now).
  iterator begin() const { return iterator(this, 0); }
  /// Past the last batch.
  iterator end() const { return iterator(this, loader_.num_batches()); }
  /// Batches in this epoch (num_batches()).
  std::int64_t size() const { return loader_.num_batches(); }
  /// This epoch's order of examples (DataLoader::order).
  const Tensor& order() const { return order_; }

 private:
  friend class iterator;
  const DataLoader& loader_;
  Tensor order_;
};

}  // namespace tg::data
