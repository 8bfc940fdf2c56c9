// autodiff/autodiff.hpp — the autodiff layer in one include.
#pragma once

#include "autodiff/engine.hpp"
#include "autodiff/functional.hpp"
#include "autodiff/gradcheck.hpp"
#include "autodiff/graph.hpp"
#include "autodiff/op_table.hpp"
#include "autodiff/var.hpp"
