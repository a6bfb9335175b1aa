//===- ModelLibrary.cpp - Opening a compiled model library ----------------===//

#include "Model.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <sys/stat.h>

attn_model::~attn_model() {
  if (handle)
    dlclose(handle);
}

namespace attn::rt {

/// dlsym returns void *; the ABI's entry points are functions.
template <typename Fn>
static Status lookup(attn_model &model, const char *name, Fn &result) {
  void *symbol = dlsym(model.handle, name);
  if (!symbol)
    return Status::error(ATTN_ERROR_LIBRARY,
                         "'" + model.path + "' does not export '" + name +
                             "'; it is not a model library written by attnc");
  result = reinterpret_cast<Fn>(symbol);
  return Status::success();
}

Status openModel(const std::string &path, std::unique_ptr<attn_model> &result) {
  auto model = std::make_unique<attn_model>();
  // Without a '/', dlopen would search the library path instead of the
  // working directory, which is not what `attn-run model.so` means.
  model->path = path.find('/') == std::string::npos ? "./" + path : path;
  struct stat info;
  if (stat(model->path.c_str(), &info) != 0)
    return Status::error(ATTN_ERROR_IO, "cannot open model library '" + path +
                                            "': " + std::strerror(errno));
  model->handle = dlopen(model->path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle) {
    const char *reason = dlerror();
    return Status::error(ATTN_ERROR_LIBRARY,
                         "cannot load model library '" + path +
                             "': " + (reason ? reason : "unknown error"));
  }

  attn_abi_version_fn abiVersion;
  ATTN_RETURN_IF_ERROR(lookup(*model, "attn_abi_version", abiVersion));
  uint32_t version = abiVersion();
  if (version != ATTN_ABI_VERSION)
    return Status::error(ATTN_ERROR_ABI_VERSION,
                         "'" + path + "' was built for ABI version " +
                             std::to_string(version) +
                             "; this runtime supports version " +
                             std::to_string(ATTN_ABI_VERSION) +
                             " (recompile the model with this attnc)");
  attn_manifest_fn manifest;
  ATTN_RETURN_IF_ERROR(lookup(*model, "attn_manifest", manifest));
  ATTN_RETURN_IF_ERROR(lookup(*model, "attn_prefill", model->prefill));
  ATTN_RETURN_IF_ERROR(lookup(*model, "attn_logits", model->logits));
  // Optional: only libraries with parallel loops link an OpenMP runtime.
  model->openmp.setNumThreads = reinterpret_cast<void (*)(int)>(
      dlsym(model->handle, "omp_set_num_threads"));
  model->openmp.getMaxThreads =
      reinterpret_cast<int (*)()>(dlsym(model->handle, "omp_get_max_threads"));
  const char *text = manifest();
  if (!text)
    return Status::error(ATTN_ERROR_MANIFEST,
                         path + ": attn_manifest() returned NULL");
  model->manifestText = text;
  ATTN_RETURN_IF_ERROR(
      parseManifest(model->manifestText, path, model->manifest));
  if (model->onDevice())
    ATTN_RETURN_IF_ERROR(checkCUDAMachine(*model, path));
  result = std::move(model);
  return Status::success();
}

} // namespace attn::rt
