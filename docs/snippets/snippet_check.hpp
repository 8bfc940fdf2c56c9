// docs/snippets/snippet_check.hpp — the two checks every snippet uses.
// Snippets are built in release mode, where assert() is compiled out, so
// they check with these instead: a failed check prints what was expected
// and ends the program with status 1, which fails its meson test.
#pragma once

#include <cmath>
#include <cstdlib>
#include <iostream>

inline void expect(bool ok, const char* what) {
  if (ok) return;
  std::cerr << "snippet check failed: " << what << "\n";
  std::exit(1);
}

/// |actual - expected| <= tol * max(1, |expected|).
inline void expect_close(double actual, double expected, double tol, const char* what) {
  if (std::abs(actual - expected) <= tol * std::max(1.0, std::abs(expected))) return;
  std::cerr << "snippet check failed: " << what << ": got " << actual << ", expected "
            << expected << "\n";
  std::exit(1);
}
