#include "nn/sequential.hpp"

#include "tensor/error.hpp"

namespace tg::nn {

Var Sequential::forward(const Var& x) {
  Var y = x;
  for (const auto& step : steps_) y = step(y);
  return y;
}

const std::shared_ptr<Module>& Sequential::at(std::size_t i) const {
  if (i >= modules_.size())
    fail("Sequential: index ", i, " is out of range for ", modules_.size(), " modules");
  return modules_[i];
}

void Sequential::fail_null() const {
  fail("Sequential: module ", modules_.size(), " is null");
}

}  // namespace tg::nn
