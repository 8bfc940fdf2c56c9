#include "nn/checkpoint.hpp"

#include <map>
#include <utility>

#include "autodiff/var.hpp"
#include "nn/safetensors.hpp"
#include "tensor/error.hpp"

namespace tg::nn {

namespace {

// Parameters and buffers by dotted name; the Tensors share the module's storage.
NamedTensors module_tensors(const Module& module) {
  NamedTensors out;
  for (const NamedParameter& p : module.named_parameters()) out.emplace_back(p.name, p.var.value());
  for (const auto& [name, t] : module.named_buffers()) out.emplace_back(name, t);
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

void save(const Module& module, const std::string& path,
          const std::map<std::string, std::string>& metadata) {
  std::map<std::string, std::string> meta = metadata;
  meta.emplace("format", "tapegrad");  // does not overwrite a caller's "format"
  save_safetensors(path, module_tensors(module), meta);
}

LoadResult load(Module& module, const std::string& path, bool strict) {
  SafetensorsFile file = load_safetensors(path);
  std::map<std::string, Tensor> found(file.tensors.begin(), file.tensors.end());
  const NamedTensors targets = module_tensors(module);

  // Check everything before copying anything: a failed load changes nothing.
  LoadResult result;
  std::vector<std::pair<Tensor, Tensor>> copies;  // (destination, source)
  for (const auto& [name, dst] : targets) {
    auto it = found.find(name);
    if (it == found.end()) {
      result.missing.push_back(name);
      continue;
    }
    const Tensor& src = it->second;
    if (src.dtype() != dst.dtype() || src.shape() != dst.shape())
      fail("load: '", path, "': tensor '", name, "': the module expects ", dtype_name(dst.dtype()),
           " ", shape_str(dst.shape()), ", the file has ", dtype_name(src.dtype()), " ",
           shape_str(src.shape()));
    copies.emplace_back(dst, src);
    found.erase(it);
  }
  for (const auto& [name, t] : file.tensors)
    if (found.count(name)) result.unexpected.push_back(name);
  if (strict && (!result.missing.empty() || !result.unexpected.empty()))
    fail("load: '", path, "': the checkpoint does not match the module (strict)",
         result.missing.empty() ? "" : "; missing in the file: " + join(result.missing),
         result.unexpected.empty() ? "" : "; unexpected in the file: " + join(result.unexpected),
         "; use load(module, path, /*strict=*/false) to load the rest");

  // In place, so Vars held elsewhere (optimizers) see the new values; not a
  // differentiable operation, hence no tape.
  NoGradGuard no_grad;
  for (auto& [dst, src] : copies) dst.copy_(src);
  return result;
}

}  // namespace tg::nn
