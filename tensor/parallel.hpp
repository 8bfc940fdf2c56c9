// tensor/parallel.hpp — one OpenMP thread pool for every kernel.
//
// `tg::set_num_threads(n)` sets how many threads kernels may use (default:
// OpenMP's default, usually the number of cores). Kernels split work with
// `parallel_for`, whose chunks are fixed by the problem size and grain, never
// by the thread count, so results never depend on how many threads ran.
#pragma once

#include <cstdint>

namespace tg {

/// Threads used by kernels from now on (n >= 1).
/// @throws tg::Error if n < 1.
void set_num_threads(int n);
/// Threads kernels may use: the last set_num_threads(), or OpenMP's
/// omp_get_max_threads() at first use.
int get_num_threads();

/// Calls fn(begin, end) over [0, n) in chunks of at least `grain` elements,
/// in parallel when n > grain and more than one thread is allowed. Chunk
/// boundaries depend only on n and grain.
template <class Fn>
void parallel_for(std::int64_t n, std::int64_t grain, Fn&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const std::int64_t chunks = (n + grain - 1) / grain;
  if (chunks == 1 || get_num_threads() == 1) {
    fn(std::int64_t{0}, n);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(get_num_threads())
  for (std::int64_t c = 0; c < chunks; ++c) {
    const std::int64_t begin = c * grain;
    const std::int64_t end = begin + grain < n ? begin + grain : n;
    fn(begin, end);
  }
}

}  // namespace tg
