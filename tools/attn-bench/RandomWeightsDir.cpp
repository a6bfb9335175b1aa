//===- RandomWeightsDir.cpp - Random weights in a temporary folder --------===//

#include "RandomWeightsDir.h"

#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/RandomWeights.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace attn::bench {

RandomWeightsDir::~RandomWeightsDir() {
  if (!filePath.empty())
    std::remove(filePath.c_str());
  if (!dirPath.empty())
    rmdir(dirPath.c_str());
}

bool RandomWeightsDir::create(const attn_model *model,
                              const std::string &origin, rt::DType dtype,
                              uint64_t seed, std::string &error) {
  rt::Manifest manifest;
  rt::Status status =
      rt::parseManifest(attn_model_manifest(model), origin, manifest);
  if (!status.ok()) {
    error = status.message();
    return false;
  }
  const char *tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/attn-bench-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (!mkdtemp(name.data())) {
    error = "cannot create a temporary folder '" + pattern +
            "' for the random weights: " + std::strerror(errno);
    return false;
  }
  dirPath = name.data();
  filePath = dirPath + "/model.safetensors";
  status = rt::writeRandomWeights(manifest, filePath, dtype, seed);
  if (!status.ok()) {
    error = status.message();
    return false;
  }
  return true;
}

} // namespace attn::bench
