//===- FixtureModel.h - Weights and expected outputs of TinyModel.c -*- C++
//-*-===//

#ifndef ATTN_TEST_UNIT_RUNTIME_FIXTUREMODEL_H
#define ATTN_TEST_UNIT_RUNTIME_FIXTUREMODEL_H

#include "attn/Runtime/DType.h"
#include "attn/Runtime/Manifest.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attn::rt::test {

/// The tiny fixture's sizes (TinyModel.c).
constexpr int64_t kFixtureLayers = 2, kFixtureVocab = 11, kFixtureHidden = 4,
                  kFixtureHeadDim = 2;

/// The fixture's manifest, parsed.
Manifest fixtureManifest();

/// Writes random weights for the fixture to `path` with `diskType` on disk.
void writeFixtureWeights(const std::string &path, DType diskType,
                         uint64_t seed = 1);

/// TinyModel.c's formula in C++, on the weights as the kernels see them
/// (after conversion to the manifest dtypes). Holds its own cache.
class FixtureReference {
public:
  FixtureReference(DType diskType, uint64_t seed = 1);
  /// Runs one token; returns its logits.
  std::vector<float> step(int32_t token);

private:
  std::map<std::string, std::vector<float>> weights;
  std::vector<std::vector<float>> k, v; // per layer, [position * 2 + d]
  int64_t position = 0;
};

} // namespace attn::rt::test

#endif // ATTN_TEST_UNIT_RUNTIME_FIXTUREMODEL_H
