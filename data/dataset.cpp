#include "data/dataset.hpp"

#include "tensor/error.hpp"

namespace tg::data {

void Dataset::check(const char* op) const {
  if (!inputs.defined() || !targets.defined())
    fail(op, ": the dataset needs both inputs and targets (one of them is undefined)");
  if (example_axis < 0 || example_axis >= inputs.dim())
    fail(op, ": example_axis ", example_axis, " is not an axis of inputs ",
         shape_str(inputs.shape()), " (valid: 0..", inputs.dim() - 1, ")");
  if (targets.dim() == 0)
    fail(op, ": targets must have a leading axis of examples, got a 0-d tensor");
  const std::int64_t n = inputs.size(example_axis);
  if (targets.size(0) != n)
    fail(op, ": inputs ", shape_str(inputs.shape()), " hold ", n, " examples (axis ",
         example_axis, ") but targets ", shape_str(targets.shape()), " hold ", targets.size(0));
}

std::int64_t Dataset::size() const {
  check("Dataset::size");
  return inputs.size(example_axis);
}

}  // namespace tg::data
