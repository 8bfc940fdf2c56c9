// optim/state_visitor.hpp — how checkpoints reach a transform's state.
//
// A transform lists its state once, in visit_state(StateVisitor&); the
// Optimizer passes a visitor that copies the state out (state_dict) or one
// that copies it back in (load_state_dict), so no transform writes
// serialisation code and both directions always agree on the names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace tg::optim {

/// Checkpoint access to a transform's state: one method serves save and load.
/// Per-parameter tensors are named "<prefix><field>.<parameter name>", counters
/// "<prefix><field>".
class StateVisitor {
 public:
  virtual ~StateVisitor() = default;
  /// One tensor per parameter (undefined entries: no state yet).
  virtual void tensors(const std::string& field, std::vector<Tensor>& per_param) = 0;
  /// One counter (saved as a 0-d i64 tensor).
  virtual void counter(const std::string& field, std::int64_t& value) = 0;
  /// Prepended to every name; set by Chain: "<index>.<transform name>.".
  std::string prefix;
};

}  // namespace tg::optim
