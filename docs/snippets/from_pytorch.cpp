// docs/snippets/from_pytorch.cpp — a PyTorch training loop, line for line in tapegrad.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "autodiff/autodiff.hpp"
#include "nn/checkpoint.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/relu.hpp"
#include "nn/sequential.hpp"
#include "optim/optim.hpp"
#include "snippet_check.hpp"
#include "tensor/creation.hpp"
#include "tensor/linalg.hpp"
#include "tensor/random.hpp"

namespace nn = tg::nn;
namespace optim = tg::optim;

std::shared_ptr<nn::Sequential> make_model() {  // torch.nn.Sequential(...)
  return std::make_shared<nn::Sequential>(
      std::make_shared<nn::Linear>(2, 16, nn::LinearOptions{.seed = 1}),
      std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(16, 1, nn::LinearOptions{.seed = 2}));
}

int main() {
  tg::Generator gen(0);                                   // torch.Generator().manual_seed(0)
  const tg::Tensor x = tg::randn({128, 2}, gen);          // torch.randn(128, 2)
  const tg::Tensor w_true = tg::tensor({2.0, -3.0}).reshape({2, 1});  // .reshape(2, 1)
  const tg::Tensor y = tg::matmul(x, w_true);             // x @ w_true

  auto model = make_model();
  const int steps = 300;
  // AdamW + cosine schedule + clip_grad_norm_, as one chain of transforms.
  optim::Optimizer opt(model->named_parameters(),
                       optim::chain(optim::clip_by_global_norm(1.0), optim::scale_by_adam(),
                                    optim::decoupled_weight_decay(1e-4),
                                    optim::scale_by_learning_rate(optim::cosine_decay(3e-2, steps))));
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < steps; ++step) {
    opt.zero_grad();                                              // opt.zero_grad()
    const tg::Var loss = nn::mse_loss((*model)(tg::Var(x)), tg::Var(y));  // F.mse_loss(model(x), y)
    loss.backward();                                              // loss.backward()
    const optim::StepReport r = opt.step();                       // opt.step(); sched.step()
    if (step == 0) first_loss = loss.item();                      // loss.item()
    last_loss = loss.item();
    expect(r.learning_rate > 0 || step == steps - 1, "the schedule gives the learning rate");
  }
  std::printf("mse: first step %.4f, last step %.6f\n", first_loss, last_loss);
  expect(last_loss < first_loss / 50, "the loss fell by more than 50x");

  // Evaluation: no tape, like `with torch.no_grad():`.
  tg::Var prediction;
  {
    tg::NoGradGuard no_grad;
    model->eval();                                                // model.eval()
    prediction = (*model)(tg::Var(x));
  }
  expect(!prediction.requires_grad(), "nothing recorded under NoGradGuard");

  // Checkpoints: torch.save(model.state_dict(), p) / model.load_state_dict(torch.load(p)).
  const auto path = std::filesystem::temp_directory_path() / "tg_from_pytorch.safetensors";
  nn::save(*model, path.string());
  auto restored = make_model();
  nn::load(*restored, path.string());
  std::filesystem::remove(path);
  tg::NoGradGuard no_grad;
  const tg::Var again = (*restored)(tg::Var(x));
  expect(again.value().to_double_vector() == prediction.value().to_double_vector(),
         "the restored model computes the same outputs");
  return 0;
}
