#include "optim/clip_by_value.hpp"

#include <algorithm>

#include "optim/detail.hpp"

namespace tg::optim {

ClipByValue::ClipByValue(double max_value) : max_value_(max_value) {
  detail::require_positive("clip_by_value", "max_value", max_value);
}

void ClipByValue::update_chunk(UpdateContext& ctx, const Chunk& chunk) {
  dispatch_floating(chunk.dtype, "clip_by_value", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* x = chunk.update<T>();
    const T hi = T(max_value_);
    for (std::int64_t j = 0; j < chunk.size; ++j) {
      if (x[j] > hi || x[j] < -hi) ctx.clipped = true;
      x[j] = std::clamp(x[j], T(-hi), hi);
    }
  });
}

TransformPtr clip_by_value(double max_value) { return std::make_unique<ClipByValue>(max_value); }

}  // namespace tg::optim
