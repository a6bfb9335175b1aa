//===- RandomWeightsDir.h - Random weights in a temporary folder -*- C++
//-*-===//

#ifndef ATTN_TOOLS_ATTN_BENCH_RANDOMWEIGHTSDIR_H
#define ATTN_TOOLS_ATTN_BENCH_RANDOMWEIGHTSDIR_H

#include "attn/Runtime/DType.h"
#include "attn/runtime.h"

#include <string>

namespace attn::bench {

/// A folder under $TMPDIR (or /tmp) holding model.safetensors with random
/// weights for a model; both are removed when the object goes. The runtime
/// maps the file, so it may go as soon as the weights are loaded.
class RandomWeightsDir {
public:
  RandomWeightsDir() = default;
  RandomWeightsDir(const RandomWeightsDir &) = delete;
  RandomWeightsDir &operator=(const RandomWeightsDir &) = delete;
  ~RandomWeightsDir();

  /// Writes the weights of `model`'s manifest; `origin` names the library
  /// in errors.
  bool create(const attn_model *model, const std::string &origin,
              rt::DType dtype, uint64_t seed, std::string &error);

  const std::string &file() const { return filePath; }

private:
  std::string dirPath;
  std::string filePath;
};

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_RANDOMWEIGHTSDIR_H
