#include "tensor/im2col.hpp"

namespace tg {}  // namespace tg
