// A program outside the tree, built by scripts/run-tests.sh against the
// installed library with only `pkg-config --cflags --libs tapegrad`.
// It exits non-zero if the installed headers and library disagree.
#include <tapegrad.hpp>

#include <iostream>

int main() {
  tg::Tensor a = tg::tensor({{1, 2}, {3, 4}});
  tg::Tensor b = tg::matmul(a, tg::eye(2)) + 1.0;
  const double total = tg::sum(b).item();  // 1+2+3+4 + 4*1
  std::cout << "consumer: sum = " << total << "\n" << b << "\n";
  return total == 14.0 ? 0 : 1;
}
