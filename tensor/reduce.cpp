#include "tensor/reduce.hpp"

namespace tg {}  // namespace tg
