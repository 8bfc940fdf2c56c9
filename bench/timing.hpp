// bench/timing.hpp — the one timing rule every benchmark here uses.
//
// Warm up once (caches, page faults, the OpenMP pool), size a repetition so
// it lasts at least `min_rep_s`, run `reps` repetitions and report the median
// time per call. Medians resist the noise of a shared machine.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace tg::bench {

struct Settings {
  int reps = 7;             // repetitions; the median is reported
  double min_rep_s = 0.02;  // each repetition lasts at least this long
};

/// Median seconds per call of `fn`.
inline double time_per_call(const Settings& s, const std::function<void()>& fn) {
  using Clock = std::chrono::steady_clock;
  auto seconds_for = [&](std::int64_t calls) {
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < calls; ++i) fn();
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  const double once = std::max(seconds_for(1), 1e-7);
  const auto calls = std::max<std::int64_t>(1, static_cast<std::int64_t>(s.min_rep_s / once));
  std::vector<double> per_call;
  for (int r = 0; r < s.reps; ++r) per_call.push_back(seconds_for(calls) / static_cast<double>(calls));
  std::nth_element(per_call.begin(), per_call.begin() + per_call.size() / 2, per_call.end());
  return per_call[per_call.size() / 2];
}

}  // namespace tg::bench
