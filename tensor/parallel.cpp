#include "tensor/parallel.hpp"

#include <omp.h>

#include "tensor/error.hpp"

namespace tg {

namespace {
int& thread_count() {
  static int n = omp_get_max_threads();
  return n;
}
}  // namespace

void set_num_threads(int n) {
  if (n < 1) fail("set_num_threads: expected at least 1 thread, got ", n);
  thread_count() = n;
}

int get_num_threads() { return thread_count(); }

}  // namespace tg
