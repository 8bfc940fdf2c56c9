// data/data.hpp — every dataset loader and the DataLoader, in one include.
#pragma once

#include "data/data_loader.hpp"
#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "data/mnist.hpp"
#include "data/normalize.hpp"
#include "data/synthetic.hpp"
