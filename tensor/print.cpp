#include "tensor/print.hpp"

namespace tg {}  // namespace tg
