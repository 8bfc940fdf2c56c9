#include "tensor/elementwise.hpp"

namespace tg {}  // namespace tg
