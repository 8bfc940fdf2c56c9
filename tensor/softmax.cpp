#include "tensor/softmax.hpp"

namespace tg {}  // namespace tg
