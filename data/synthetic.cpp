#include "data/synthetic.hpp"

#include <cmath>
#include <numbers>

#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"
#include "tensor/linalg.hpp"

namespace tg::data {

// --- the addition problem --------------------------------------------------

Dataset addition_problem(const AdditionOptions& options, Generator& gen) {
  const std::int64_t T = options.length, N = options.count;
  if (T < 2) fail("addition_problem: length must be >= 2 (one marker per half), got ", T);
  if (N < 0) fail("addition_problem: count must be >= 0, got ", N);
  const Tensor values = rand({T, N}, gen);
  const Tensor first = randint(0, T / 2, {N}, gen);
  const Tensor second = randint(T / 2, T, {N}, gen);

  Tensor inputs = zeros({T, N, 2});
  Tensor targets = Tensor::empty({N, 1});
  const float* v = values.data<float>();
  const std::int64_t* p1 = first.data<std::int64_t>();
  const std::int64_t* p2 = second.data<std::int64_t>();
  float* in = inputs.data<float>();
  float* target = targets.data<float>();
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t n = 0; n < N; ++n) in[(t * N + n) * 2] = v[t * N + n];
  for (std::int64_t n = 0; n < N; ++n) {
    in[(p1[n] * N + n) * 2 + 1] = 1.0f;
    in[(p2[n] * N + n) * 2 + 1] = 1.0f;
    target[n] = v[p1[n] * N + n] + v[p2[n] * N + n];
  }
  return Dataset{inputs, targets, 1};
}

// --- two spirals -----------------------------------------------------------

Dataset two_spirals(const SpiralsOptions& options, Generator& gen) {
  const std::int64_t N = options.count;
  if (N < 0) fail("two_spirals: count must be >= 0, got ", N);
  if (!(options.noise >= 0)) fail("two_spirals: noise must be >= 0, got ", options.noise);
  if (!(options.turns > 0)) fail("two_spirals: turns must be > 0, got ", options.turns);
  const Tensor u = rand({N}, gen, DType::f64);
  const Tensor eps = randn({N, 2}, gen, DType::f64);

  Tensor inputs = Tensor::empty({N, 2});
  Tensor targets = Tensor::empty({N}, DType::i64);
  const double* uu = u.data<double>();
  const double* e = eps.data<double>();
  float* xy = inputs.data<float>();
  std::int64_t* label = targets.data<std::int64_t>();
  for (std::int64_t i = 0; i < N; ++i) {
    const std::int64_t c = i % 2;
    const double t = std::sqrt(uu[i]);
    const double angle = 2 * std::numbers::pi * options.turns * t + std::numbers::pi * double(c);
    xy[2 * i] = static_cast<float>(t * std::cos(angle) + options.noise * e[2 * i]);
    xy[2 * i + 1] = static_cast<float>(t * std::sin(angle) + options.noise * e[2 * i + 1]);
    label[i] = c;
  }
  return Dataset{inputs, targets, 0};
}

// --- teacher–student regression --------------------------------------------

namespace {

void check_teacher(const char* op, const TeacherOptions& o) {
  if (o.inputs < 1 || o.hidden < 1 || o.outputs < 1)
    fail(op, ": inputs, hidden and outputs must be >= 1, got ", o.inputs, ", ", o.hidden, ", ",
         o.outputs);
  if (!(o.noise >= 0)) fail(op, ": noise must be >= 0, got ", o.noise);
}

}  // namespace

Tensor teacher_forward(const TeacherOptions& options, const Tensor& x) {
  check_teacher("teacher_forward", options);
  x.check_defined("teacher_forward");
  if (x.dtype() != DType::f32 || x.dim() != 2 || x.size(1) != options.inputs)
    fail("teacher_forward: expected x of shape [N, ", options.inputs, "] f32, got ",
         shape_str(x.shape()), " ", dtype_name(x.dtype()));
  Generator teacher(options.teacher_seed);
  const Tensor w1 = normal({options.inputs, options.hidden}, 0.0,
                           1.0 / std::sqrt(double(options.inputs)), teacher);
  const Tensor b1 = randn({options.hidden}, teacher);
  const Tensor w2 = normal({options.hidden, options.outputs}, 0.0,
                           1.0 / std::sqrt(double(options.hidden)), teacher);
  return matmul(tanh(add(matmul(x, w1), b1)), w2);
}

Dataset teacher_student(std::int64_t count, const TeacherOptions& options, Generator& gen) {
  check_teacher("teacher_student", options);
  if (count < 0) fail("teacher_student: count must be >= 0, got ", count);
  const Tensor x = randn({count, options.inputs}, gen);
  const Tensor noise = normal({count, options.outputs}, 0.0, options.noise, gen);
  return Dataset{x, add(teacher_forward(options, x), noise), 0};
}

}  // namespace tg::data
