// The bad-input matrix: every way a caller can misuse tapegrad that we know
// of, in one place, as a table of {description, action, expected message
// fragments}. The contract for each row: the action throws tg::Error (never
// another exception, a crash or a silent result), and the message contains
// every fragment: the op, file or field, and the offending values.
//
// Many rows are also tested next to their code (tests/tensor, tests/nn, ...);
// this file is the one place that lists the whole contract.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "data/idx.hpp"
#include "nn/checkpoint.hpp"
#include "nn/linear.hpp"
#include "nn/losses.hpp"
#include "nn/safetensors.hpp"
#include "nn/sequential.hpp"
#include "optim/optim.hpp"
#include "tensor/creation.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/error.hpp"
#include "tensor/indexing.hpp"
#include "tensor/linalg.hpp"
#include "tensor/npy.hpp"
#include "tensor/reduce.hpp"

using namespace tg;
namespace fs = std::filesystem;

namespace {

struct Row {
  const char* description;
  std::function<void()> action;
  std::vector<std::string> fragments;
};

// Runs every row; a row passes only with a tg::Error holding every fragment.
void check_matrix(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    const std::string description = row.description;
    CAPTURE(description);
    std::string message;
    bool thrown = false;
    try {
      row.action();
    } catch (const tg::Error& e) {
      thrown = true;
      message = e.what();
    } catch (const std::exception& e) {
      FAIL_CHECK("not a tg::Error: " << e.what());
      continue;
    }
    CHECK_MESSAGE(thrown, "no error");
    for (const std::string& fragment : row.fragments)
      CHECK_MESSAGE(message.find(fragment) != std::string::npos,
                    "'" << fragment << "' missing from: " << message);
  }
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tapegrad_bad_inputs_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& bytes) const {
    const std::string p = (path / name).string();
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  std::string missing() const { return (path / "does_not_exist").string(); }
};

// ---------------------------------------------------------------- builders

std::string le64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// A safetensors image: length prefix, header, data.
std::string safetensors(const std::string& header, const std::string& data = std::string(8, '\0')) {
  return le64(header.size()) + header + data;
}

// A version-1.0 .npy image with `dict` as its header (padded to 64 bytes).
std::string npy(const std::string& dict, const std::string& data, char major = 1) {
  std::string header = dict;
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += major;
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

// An IDX image: 00 00 <type> <ndim>, big-endian u32 dims, data.
std::string idx(const std::vector<std::uint32_t>& dims, const std::string& data,
                unsigned char type = 0x08) {
  std::string out = {'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((d >> shift) & 0xff);
  return out + data;
}

std::shared_ptr<nn::Sequential> mlp(std::int64_t hidden) {
  return std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(4, hidden, nn::LinearOptions{.seed = 1}),
                                          std::make_shared<nn::Linear>(hidden, 2, nn::LinearOptions{.seed = 2}));
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.contiguous().raw_data(), b.contiguous().raw_data(),
                     static_cast<std::size_t>(a.numel()) * dtype_size(a.dtype())) == 0;
}

Tensor labels(std::initializer_list<std::int64_t> v) {
  return from_vector(std::vector<std::int64_t>(v));
}

}  // namespace

TEST_CASE("reliability: bad shapes are errors naming the op and the shapes") {
  check_matrix({
      {"broadcast of incompatible shapes", [] { add(ones({2, 3}), ones({4})); },
       {"add", "[2, 3]", "[4]"}},
      {"broadcast through autodiff", [] { Var(ones({2, 3}), true) * Var(ones({2})); },
       {"mul", "[2, 3]", "[2]"}},
      {"matmul inner dimensions", [] { matmul(ones({32, 784}), ones({128, 10})); },
       {"matmul: inner dimensions differ", "[32, 784] @ [128, 10]", "784 != 128"}},
      {"matmul of a 0-d tensor", [] { matmul(scalar(2.0), ones({3})); },
       {"matmul", "at least 1 dimension", "[]"}},
      {"matmul batch dimensions", [] { matmul(ones({2, 3, 4}), ones({5, 4, 6})); },
       {"matmul: batch dimensions", "[2]", "[5]"}},
      {"matmul of mixed dtypes", [] { matmul(ones({2, 2}), ones({2, 2}, DType::f64)); },
       {"matmul", "f32", "f64"}},
      {"reduction axis out of range", [] { sum(ones({2, 3}), {2}); },
       {"sum", "axis 2", "2-d"}},
      {"negative axis out of range", [] { mean(ones({2, 3}), {-3}); }, {"mean", "axis -3"}},
      {"softmax axis out of range", [] { log_softmax(Var(ones({2, 3})), 5); }, {"axis 5"}},
      {"transpose axis out of range", [] { ones({2, 3}).transpose(0, 2); }, {"axis 2"}},
      {"repeated axis", [] { sum(ones({2, 3}), {1, 1}); }, {"sum", "repeats"}},
      {"reshape to another element count", [] { ones({2, 3}).reshape({4}); },
       {"reshape", "[2, 3]", "6 elements", "[4]"}},
      {"reshape with two -1", [] { ones({2, 3}).reshape({-1, -1}); },
       {"reshape", "only one dimension can be -1", "[-1, -1]"}},
      {"reshape with a negative extent", [] { ones({2, 3}).reshape({-2, 3}); },
       {"reshape", "-2"}},
      {"negative dimension", [] { zeros({2, -3}); }, {"negative dimension", "[2, -3]"}},
      {"dimensions whose product overflows", [] { zeros({std::int64_t{1} << 40, std::int64_t{1} << 40}); },
       {"overflow", "[1099511627776, 1099511627776]"}},
      {"an empty shape whose other extents overflow (found by fuzz_idx)",
       [] { zeros({0, std::int64_t{1} << 40, std::int64_t{1} << 40}); },
       {"overflow", "[0, 1099511627776, 1099511627776]"}},
      {"max over an empty axis (no identity)", [] { max(zeros({0, 3}), {0}); },
       {"max", "empty axis 0", "[0, 3]"}},
      {"min over an empty tensor", [] { min(zeros({0})); }, {"min", "empty", "[0]"}},
      {"argmax over an empty axis", [] { argmax(zeros({2, 0}), 1); }, {"argmax", "empty", "[2, 0]"}},
      {"expand to an incompatible shape", [] { ones({3}).expand({2, 4}); },
       {"expand", "[3]", "[2, 4]"}},
      {"squeeze of an axis that is not 1", [] { ones({2, 3}).squeeze(1); },
       {"squeeze", "axis 1", "size 3"}},
      {"item of a many-element tensor", [] { ones({2, 2}).item(); }, {"item", "[2, 2]"}},
      {"cat of mismatched shapes", [] { cat(std::vector<Tensor>{ones({2, 3}), ones({2, 4})}, 0); },
       {"cat", "[2, 3]", "[2, 4]"}},
  });
}

TEST_CASE("reliability: bad labels are errors naming the loss, label and position") {
  const Var logits(zeros({2, 3}), true);
  check_matrix({
      {"cross_entropy label out of range", [&] { nn::cross_entropy(logits, labels({0, 3})); },
       {"cross_entropy", "label 3", "position", "[0, 3)"}},
      {"cross_entropy negative label", [&] { nn::cross_entropy(logits, labels({-1, 0})); },
       {"cross_entropy", "label -1"}},
      {"cross_entropy float labels", [&] { nn::cross_entropy(logits, tensor({0.0, 1.0})); },
       {"cross_entropy", "labels must be i64", "f32"}},
      {"cross_entropy label count", [&] { nn::cross_entropy(logits, labels({0, 1, 2})); },
       {"cross_entropy", "[3]", "[2, 3]"}},
      {"cross_entropy 1-d logits", [&] { nn::cross_entropy(Var(zeros({3})), labels({0})); },
       {"cross_entropy", "[N, C]", "1-d"}},
      {"cross_entropy label smoothing > 1", [&] {
         nn::cross_entropy(logits, labels({0, 1}), {.label_smoothing = 1.5});
       },
       {"cross_entropy", "label_smoothing", "1.5"}},
      {"cross_entropy class weights of the wrong size", [&] {
         nn::cross_entropy(logits, labels({0, 1}), {.weight = ones({4})});
       },
       {"cross_entropy", "weight", "[3]", "[4]"}},
      {"nll_loss label out of range", [&] { nn::nll_loss(logits, labels({7, 0})); },
       {"nll_loss", "label 7", "[0, 3)"}},
      {"nll_loss negative label", [&] { nn::nll_loss(logits, labels({0, -5})); },
       {"nll_loss", "label -5"}},
      {"nll_loss float labels", [&] { nn::nll_loss(logits, tensor({0.0, 1.0}, DType::f64)); },
       {"nll_loss", "i64", "f64"}},
      {"nll_loss label count", [&] { nn::nll_loss(logits, labels({0})); },
       {"nll_loss", "[1]", "[2, 3]"}},
      {"mse_loss shapes differ", [] { nn::mse_loss(Var(zeros({4, 1})), Var(zeros({4}))); },
       {"mse_loss", "[4, 1]", "[4]"}},
  });
}

TEST_CASE("reliability: autodiff misuse is an error naming the op and shapes") {
  check_matrix({
      {"backward twice without retain_graph", [] {
         Var x(ones({3}), true);
         Var y = sum(x * x);
         y.backward();
         y.backward();
       },
       {"backward", "freed", "retain_graph"}},
      {"backward of a non-scalar without a seed", [] {
         Var x(ones({2, 3}), true);
         (x * x).backward();
       },
       {"backward", "[2, 3]", "seed"}},
      {"backward with a seed of the wrong shape", [] {
         Var x(ones({2, 3}), true);
         (x * x).backward(ones({3, 2}));
       },
       {"backward", "seed of shape [3, 2]", "[2, 3]"}},
      {"in-place change of a tensor saved for backward", [] {
         Var x(ones({2, 2}), true);
         Var y = sum(exp(x));  // exp saves its output... and x is an input
         Tensor alias = x.value();
         add_(alias, ones({2, 2}));  // bumps the storage version
         y.backward();
       },
       {"backward", "modified in place", "[2, 2]", "clone()"}},
      {"hook returning a wrong shape", [] {
         Var x(ones({2, 3}), true);
         x.set_name("x");
         x.register_hook([](const Var&) { return Var(ones({3})); });
         sum(x * 2.0).backward();
       },
       {"register_hook", "'x'", "[3]", "[2, 3]"}},
      {"backward of a graph that needs no gradient", [] { sum(Var(ones({2}))).backward(); },
       {"backward", "does not require a gradient"}},
      {"set_grad of the wrong shape", [] {
         Var x(ones({2}), true);
         x.set_grad(Var(ones({3})));
       },
       {"set_grad", "[3]", "[2]"}},
      {"requires_grad on an integer tensor", [] { Var(zeros({2}, DType::i64), true); },
       {"requires_grad", "i64"}},
      {"an undefined Var", [] { Var().value(); }, {"undefined"}},
  });
}

TEST_CASE("reliability: bad optimizer configurations are errors naming the field and value") {
  using namespace tg::optim;
  check_matrix({
      {"sgd lr = 0", [] { sgd({.lr = 0.0}); }, {"sgd", "lr", "> 0", "got 0"}},
      {"sgd lr < 0", [] { sgd({.lr = -0.1}); }, {"sgd", "lr", "got -0.1"}},
      {"adam lr NaN", [] { adam({.lr = kNaN}); }, {"adam", "lr", "nan"}},
      {"adamw lr < 0", [] { adamw({.lr = -1.0}); }, {"adamw", "lr", "-1"}},
      {"scale_by_learning_rate lr = 0", [] { scale_by_learning_rate(0.0); },
       {"scale_by_learning_rate", "lr", "got 0"}},
      {"clip_by_global_norm max_norm = 0", [] { clip_by_global_norm(0.0); },
       {"clip_by_global_norm", "max_norm", "got 0"}},
      {"clip_by_global_norm max_norm < 0", [] { clip_by_global_norm(-1.0); },
       {"clip_by_global_norm", "max_norm", "got -1"}},
      {"clip_by_global_norm max_norm NaN", [] { clip_by_global_norm(kNaN); },
       {"clip_by_global_norm", "max_norm", "got nan"}},
      {"scale_by_learning_rate lr NaN", [] { scale_by_learning_rate(kNaN); },
       {"scale_by_learning_rate", "lr", "got nan"}},
      {"decoupled_weight_decay lambda NaN", [] { decoupled_weight_decay(kNaN); },
       {"decoupled_weight_decay", "lambda", "got nan"}},
      {"a NaN constant schedule", [] { constant(kNaN); }, {"constant", "NaN"}},
      {"clip_by_param_norm max_norm = 0", [] { clip_by_param_norm(0.0); },
       {"clip_by_param_norm", "max_norm", "got 0"}},
      {"clip_by_value max_value < 0", [] { clip_by_value(-1.0); },
       {"clip_by_value", "max_value", "-1"}},
      {"adam beta1 = 1", [] { adam({.beta1 = 1.0}); }, {"adam", "beta1", "[0, 1)", "got 1"}},
      {"adam beta2 < 0", [] { adam({.beta2 = -0.1}); }, {"adam", "beta2", "-0.1"}},
      {"adamw beta2 NaN", [] { adamw({.beta2 = kNaN}); }, {"adamw", "beta2", "nan"}},
      {"adam eps = 0", [] { adam({.eps = 0.0}); }, {"adam", "eps", "> 0", "got 0"}},
      {"rmsprop eps < 0", [] { rmsprop({.eps = -1e-8}); }, {"rmsprop", "eps", "-1e-08"}},
      {"rmsprop alpha = 1", [] { rmsprop({.alpha = 1.0}); }, {"rmsprop", "alpha", "got 1"}},
      {"adagrad eps = 0", [] { adagrad({.eps = 0.0}); }, {"adagrad", "eps", "got 0"}},
      {"sgd momentum < 0", [] { sgd({.momentum = -0.9}); }, {"sgd", "momentum", "-0.9"}},
      {"sgd momentum = 1", [] { sgd({.momentum = 1.0}); }, {"sgd", "momentum", "got 1"}},
      {"sgd weight_decay < 0", [] { sgd({.weight_decay = -1.0}); },
       {"sgd", "weight_decay", ">= 0", "-1"}},
      {"adamw weight_decay < 0", [] { adamw({.weight_decay = -0.01}); },
       {"adamw", "weight_decay", "-0.01"}},
      {"add_l2_to_grad lambda < 0", [] { add_l2_to_grad(-1.0); }, {"add_l2_to_grad", "lambda", "-1"}},
      {"decoupled_weight_decay lambda < 0", [] { decoupled_weight_decay(-0.5); },
       {"decoupled_weight_decay", "lambda", "-0.5"}},
      {"proximal_l1 lambda < 0", [] { proximal_l1(-1.0); }, {"proximal_l1", "lambda", "-1"}},
      {"adaptive_clip eps = 0", [] { adaptive_clip(0.01, 0.0); }, {"adaptive_clip", "eps", "got 0"}},
      {"skip_nonfinite max_consecutive < 0", [] { skip_nonfinite(-1); },
       {"skip_nonfinite", "max_consecutive", "-1"}},
      {"accumulate k = 0", [] { accumulate(0, scale_by_learning_rate(1.0)); },
       {"accumulate", "k", "got 0"}},
  });
}

TEST_CASE("reliability: bad .npy files are errors naming the file and the problem") {
  TempDir dir;
  const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const std::string eight(8, '\0');
  check_matrix({
      {"missing file", [&] { load_npy(dir.missing()); }, {"load_npy", "does_not_exist", "cannot open"}},
      {"empty file", [&] { load_npy(dir.file("empty.npy", "")); }, {"load_npy", "empty.npy", "wrong magic", "found ''"}},
      {"wrong magic", [&] { parse_npy("PK\x03\x04 not numpy at all", "zip.npy"); },
       {"zip.npy", "wrong magic"}},
      {"unknown version", [&] { parse_npy(npy(ok_dict, eight, 9), "v9.npy"); },
       {"v9.npy", "unknown .npy version 9.0"}},
      {"header length past the end", [&] {
         std::string b = npy(ok_dict, eight);
         b[8] = '\xff';
         b[9] = '\x7f';
         parse_npy(b, "long.npy");
       },
       {"long.npy", "header length 32767 is larger than the file"}},
      {"negative dimension", [&] {
         parse_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", eight), "neg.npy");
       },
       {"neg.npy", "negative dimension -2"}},
      {"size overflow", [&] {
         parse_npy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", eight),
                   "huge.npy");
       },
       {"huge.npy", "overflows"}},
      {"pickled object dtype", [&] {
         parse_npy(npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", eight), "obj.npy");
       },
       {"obj.npy", "object arrays", "'|O'"}},
      {"unsupported dtype", [&] {
         parse_npy(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", eight), "c16.npy");
       },
       {"c16.npy", "unsupported dtype", "<c16"}},
      {"truncated data", [&] { parse_npy(npy(ok_dict, "abc"), "cut.npy"); },
       {"cut.npy", "truncated", "[2]", "needs 8"}},
      {"trailing bytes", [&] { parse_npy(npy(ok_dict, eight + "xyz"), "trail.npy"); },
       {"trail.npy", "3 trailing bytes"}},
      {"header not a dict", [&] { parse_npy(npy("[1, 2]", eight), "list.npy"); },
       {"list.npy", "header is not a dict"}},
      {"duplicate key", [&] {
         parse_npy(npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", eight),
                   "dup.npy");
       },
       {"dup.npy", "'descr' appears twice"}},
  });
}

TEST_CASE("reliability: bad safetensors files are errors naming the file, tensor and values") {
  TempDir dir;
  const std::string t2 = R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  check_matrix({
      {"missing file", [&] { nn::load_safetensors(dir.missing()); },
       {"load_safetensors", "does_not_exist", "cannot open"}},
      {"empty file", [&] { nn::load_safetensors(dir.file("empty.st", "")); },
       {"load_safetensors", "empty.st", "truncated: 0 bytes"}},
      {"not a safetensors file (length prefix is text)", [&] {
         nn::parse_safetensors("<html><body>404 Not Found</body></html>", "page.st");
       },
       {"page.st", "header length", "exceeds the limit"}},
      {"header over the cap", [&] { nn::parse_safetensors(le64(200'000'000) + "{}", "cap.st"); },
       {"cap.st", "header length 200000000 exceeds the limit of 100000000"}},
      {"header past the end", [&] { nn::parse_safetensors(le64(64) + "{}", "short.st"); },
       {"short.st", "header length 64 is larger than the file (10 bytes)"}},
      {"header past the end (file)", [&] {
         nn::load_safetensors(dir.file("short_file.st", le64(64) + "{}"));
       },
       {"load_safetensors", "short_file.st", "header length 64"}},
      {"header is not JSON", [&] { nn::parse_safetensors(safetensors("{\"t\":", ""), "json.st"); },
       {"json.st", "invalid JSON"}},
      {"negative dimension", [&] {
         nn::parse_safetensors(safetensors(R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})"), "neg.st");
       },
       {"neg.st", "tensor 't'", "non-negative"}},
      {"size overflow", [&] {
         nn::parse_safetensors(
             safetensors(R"({"t":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,8]}})"),
             "huge.st");
       },
       {"huge.st", "tensor 't'", "overflows"}},
      {"offsets do not match the shape", [&] {
         nn::parse_safetensors(safetensors(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})"), "size.st");
       },
       {"size.st", "tensor 't'", "[0, 8]", "[3]", "needs 12"}},
      {"overlapping offsets", [&] {
         nn::parse_safetensors(
             safetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                         R"("b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})"),
             "overlap.st");
       },
       {"overlap.st", "tensor 'b'", "[2, 6]", "overlap tensor 'a'"}},
      {"offsets past the end of the data", [&] {
         nn::parse_safetensors(safetensors(R"({"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})"), "past.st");
       },
       {"past.st", "tensor 't'", "[0, 16]", "past the end"}},
      {"duplicate names", [&] { nn::parse_safetensors(safetensors("{" + t2 + "," + t2 + "}"), "dup.st"); },
       {"dup.st", "duplicate key 't'"}},
      {"unsupported dtype", [&] {
         nn::parse_safetensors(safetensors(R"({"t":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}})"), "bf16.st");
       },
       {"bf16.st", "tensor 't'", "BF16", "not supported"}},
      {"unknown dtype", [&] {
         nn::parse_safetensors(safetensors(R"({"t":{"dtype":"PICKLE","shape":[4],"data_offsets":[0,8]}})"), "pkl.st");
       },
       {"pkl.st", "tensor 't'", "unknown dtype 'PICKLE'"}},
      {"trailing bytes", [&] { nn::parse_safetensors(safetensors("{" + t2 + "}", std::string(11, 'x')), "trail.st"); },
       {"trail.st", "3 trailing bytes"}},
      {"gap between tensors", [&] {
         nn::parse_safetensors(safetensors(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})"), "gap.st");
       },
       {"gap.st", "tensor 't'", "gap of 4 bytes"}},
      {"save with duplicate names", [&] {
         nn::save_safetensors((dir.path / "dup_save.st").string(), {{"a", zeros({1})}, {"a", zeros({1})}});
       },
       {"save_safetensors", "dup_save.st", "two tensors are named 'a'"}},
  });
}

TEST_CASE("reliability: checkpoints of another model are errors naming the tensors") {
  TempDir dir;
  const std::string path = (dir.path / "mlp8.safetensors").string();
  nn::save(*mlp(8), path);
  auto other = mlp(16);
  const Tensor before = other->named_parameters()[0].var.value().clone();
  nn::Linear single(4, 2, {.seed = 3});
  check_matrix({
      {"missing file", [&] { nn::load(*other, dir.missing()); }, {"does_not_exist", "cannot open"}},
      {"shape mismatch", [&] { nn::load(*other, path); },
       {"load", "mlp8.safetensors", "tensor '0.weight'", "[16, 4]", "[8, 4]"}},
      {"names do not match (strict)", [&] { nn::load(single, path); },
       {"load", "does not match the module", "missing in the file: weight, bias",
        "unexpected in the file: 0.weight", "strict=*/false"}},
      {"dtype mismatch", [&] {
         nn::Linear f64(4, 8, {.dtype = DType::f64, .seed = 4});
         nn::save_safetensors((dir.path / "f32.st").string(),
                              {{"weight", zeros({8, 4})}, {"bias", zeros({8})}});
         nn::load(f64, (dir.path / "f32.st").string());
       },
       {"tensor 'weight'", "f64", "f32"}},
      {"optimizer state of another chain", [&] {
         const std::string opt_path = (dir.path / "opt.safetensors").string();
         optim::Optimizer(other->named_parameters(), optim::adam()).save(opt_path);
         optim::Optimizer(other->named_parameters(), optim::sgd({.momentum = 0.9})).load(opt_path);
       },
       {"load_state_dict", "scale_by_adam"}},
  });
  // A failed load changes nothing.
  CHECK(same_bits(other->named_parameters()[0].var.value(), before));
}

TEST_CASE("reliability: bad IDX files are errors naming the file and the problem") {
  TempDir dir;
  check_matrix({
      {"missing file", [&] { data::read_idx(dir.missing()); }, {"read_idx", "does_not_exist", "no such file"}},
      {"a folder", [&] { data::read_idx(dir.path.string()); }, {"read_idx", "is a folder"}},
      {"empty file", [&] { data::read_idx(dir.file("empty.idx", "")); },
       {"read_idx", "empty.idx", "truncated header", "found 0 bytes"}},
      {"wrong magic", [&] { data::parse_idx("\x89PNG\r\n\x1a\n", "png.idx"); },
       {"parse_idx", "png.idx", "wrong magic number 0x89504e47"}},
      {"unsupported type code (float)", [&] { data::parse_idx(idx({2}, std::string(8, '\0'), 0x0d), "f.idx"); },
       {"f.idx", "unsupported type code 0x0d"}},
      {"zero dimensions", [&] { data::parse_idx(idx({}, ""), "d0.idx"); },
       {"d0.idx", "number of dimensions 0"}},
      {"header past the end", [&] { data::parse_idx(idx({2, 3}, "").substr(0, 9), "cut.idx"); },
       {"cut.idx", "truncated header", "2 dimensions need 8 bytes, found 5"}},
      {"dimensions over the cap (size overflow)", [&] {
         data::parse_idx(idx({0xffffffffu, 0xffffffffu, 0xffffffffu}, ""), "huge.idx");
       },
       {"huge.idx", "absurd dimensions 4294967295 x", "more than 2147483648"}},
      {"a zero extent next to huge ones (found by fuzz_idx)", [&] {
         data::parse_idx(idx({0, 0xffffffffu, 0xffffffffu, 0xffffffffu}, ""), "empty_huge.idx");
       },
       {"empty_huge.idx", "absurd dimensions 0 x 4294967295"}},
      {"truncated data", [&] { data::parse_idx(idx({2, 3}, "abcd"), "short.idx"); },
       {"short.idx", "truncated data", "2 x 3 = 6 bytes", "holds 4"}},
      {"trailing bytes", [&] { data::parse_idx(idx({2}, "ab") + "junk", "trail.idx"); },
       {"trail.idx", "trailing garbage", "2 bytes"}},
      {"corrupt gzip stream", [&] {
         data::parse_idx(std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage!", 18), "bad.gz");
       },
       {"bad.gz", "corrupt gzip data"}},
      {"gzip stream cut short", [&] { data::parse_idx(std::string("\x1f\x8b\x08\x00", 4), "cut.gz"); },
       {"cut.gz", "ends early"}},
  });
}

TEST_CASE("reliability: parse_idx (the fuzzed entry point) reads what read_idx reads") {
  TempDir dir;
  const std::string plain = idx({2, 3}, std::string("\x00\x01\x7f\x80\xfe\xff", 6));
  const std::string gz_path = (dir.path / "x.gz").string();
  gzFile f = gzopen(gz_path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, plain.data(), static_cast<unsigned>(plain.size())) > 0);
  REQUIRE(gzclose(f) == Z_OK);
  std::ifstream in(gz_path, std::ios::binary);
  const std::string gz((std::istreambuf_iterator<char>(in)), {});
  const std::vector<double> want = {0, 1, 127, 128, 254, 255};
  for (const std::string& bytes : {plain, gz}) {
    const Tensor t = data::parse_idx(bytes, "x");
    CHECK(t.shape() == Shape{2, 3});
    CHECK(t.to_double_vector() == want);
    CHECK(same_bits(t, data::read_idx(dir.file("x.idx", bytes))));
  }
}
