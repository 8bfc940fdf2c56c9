#include "tensor/linalg.hpp"

namespace tg {}  // namespace tg
