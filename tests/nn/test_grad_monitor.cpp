// GradMonitor against gradient norms worked out by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "autodiff/autodiff.hpp"
#include "nn/grad_monitor.hpp"
#include "tensor/creation.hpp"
#include "tensor/error.hpp"

using namespace tg;

namespace {

nn::ParameterList two_params(Var& w, Var& b) {
  w = Var(tensor({3.0, -4.0}, DType::f64), true);
  b = Var(scalar(0.5, DType::f64), true);
  return {{"fc.weight", w, nn::ParamRole::weight}, {"fc.bias", b, nn::ParamRole::bias}};
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("tg_grad_monitor_" + name)).string();
}

}  // namespace

TEST_CASE("nn: grad monitor records each parameter's norm and the global norm") {
  Var w, b;
  nn::GradMonitor monitor(two_params(w, b));
  // loss = sum(w * w) / 2 + 12 b: d/dw = w = (3, -4), |.| = 5; d/db = 12.
  (sum(w * w) / 2.0 + 12.0 * b).backward();
  const std::vector<double>& row = monitor.record(0);
  REQUIRE(row.size() == 3);
  CHECK(row[0] == doctest::Approx(5.0).epsilon(1e-15));
  CHECK(row[1] == doctest::Approx(12.0).epsilon(1e-15));
  CHECK(row[2] == doctest::Approx(13.0).epsilon(1e-15));  // sqrt(25 + 144)

  // A second step where only b gets a gradient: w is written as 0.
  w.zero_grad();
  b.zero_grad();
  (2.0 * b).backward();
  monitor.record(1);
  CHECK(monitor.series("fc.weight") == std::vector<double>{5.0, 0.0});
  CHECK(monitor.series("fc.bias") == std::vector<double>{12.0, 2.0});
  CHECK(monitor.steps() == std::vector<std::int64_t>{0, 1});
  CHECK(monitor.to_csv() == "step,fc.weight,fc.bias,global\n0,5,12,13\n1,0,2,2\n");
}

TEST_CASE("nn: grad monitor streams rows to its CSV file as they are recorded") {
  const std::string path = temp_path("stream.csv");
  Var w, b;
  nn::GradMonitor monitor(two_params(w, b), {.csv_path = path});
  CHECK(read_file(path) == "step,fc.weight,fc.bias,global\n");
  sum(w * w).backward();  // d/dw = 2w = (6, -8), |.| = 10; b unused
  monitor.record(7);
  // Readable before the monitor is destroyed: a crashed run keeps its rows.
  CHECK(read_file(path) == "step,fc.weight,fc.bias,global\n7,10,0,10\n");
  std::remove(path.c_str());
}

TEST_CASE("nn: grad monitor reports non-finite gradients and huge ones") {
  Var w, b;
  nn::GradMonitor monitor(two_params(w, b));
  const double inf = std::numeric_limits<double>::infinity();
  w.set_grad(Var(tensor({1.0, std::nan("")}, DType::f64)));
  b.set_grad(Var(scalar(inf, DType::f64)));
  const auto row = monitor.record(0);
  CHECK(std::isnan(row[0]));
  CHECK(std::isinf(row[1]));
  CHECK(std::isnan(row[2]));
  // 3e200 and 4e200: the squares overflow, the norm 5e200 does not.
  w.set_grad(Var(tensor({3e200, 4e200}, DType::f64)));
  b.zero_grad();
  CHECK(monitor.record(1)[0] == doctest::Approx(5e200).epsilon(1e-15));
}

TEST_CASE("nn: grad monitor errors name the parameter") {
  Var w(tensor({1.0}, DType::f64), false);
  Var v(tensor({1.0}, DType::f64), true);
  CHECK_THROWS_WITH_AS(nn::GradMonitor({{"frozen", w, nn::ParamRole::weight}}),
                       doctest::Contains("'frozen' does not require a gradient"), tg::Error);
  CHECK_THROWS_WITH_AS(
      nn::GradMonitor({{"a", v, nn::ParamRole::weight}, {"a", v, nn::ParamRole::weight}}),
      doctest::Contains("two parameters are named 'a'"), tg::Error);
  nn::GradMonitor monitor({{"a", v, nn::ParamRole::weight}});
  CHECK_THROWS_WITH_AS(monitor.series("b"), doctest::Contains("known: a"), tg::Error);
  CHECK_THROWS_WITH_AS(nn::GradMonitor({{"a", v, nn::ParamRole::weight}},
                                       {.csv_path = "/nonexistent-dir/x.csv"}),
                       doctest::Contains("cannot open '/nonexistent-dir/x.csv'"), tg::Error);
}

TEST_CASE("nn: grad monitor names with commas are quoted in the CSV header") {
  Var v(tensor({1.0}, DType::f64), true);
  nn::GradMonitor monitor({{"odd,\"name\"", v, nn::ParamRole::weight}});
  CHECK(monitor.to_csv() == "step,\"odd,\"\"name\"\"\",global\n");
}

TEST_CASE("nn: grad monitor plots a PNG when gnuplot is installed") {
  Var w, b;
  nn::GradMonitor monitor(two_params(w, b));
  const std::string png = temp_path("plot.png");
  CHECK_FALSE(monitor.plot(png));  // nothing recorded yet
  for (int step = 0; step < 5; ++step) {
    w.zero_grad();
    b.zero_grad();
    (std::pow(10.0, step) * sum(w) + b).backward();
    monitor.record(step);
  }
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    CHECK_FALSE(monitor.plot(png));
    return;
  }
  REQUIRE(monitor.plot(png));
  const std::string bytes = read_file(png);
  REQUIRE(bytes.size() > 8);
  CHECK(bytes.substr(1, 3) == "PNG");
  for (const std::string& p : {png, png + ".gp", png + ".csv"}) std::remove(p.c_str());
}
