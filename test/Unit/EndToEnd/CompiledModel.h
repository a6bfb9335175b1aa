//===- CompiledModel.h - A tiny model compiled by attnc, with weights -*- C++
//-*-//
//
// Each variant is compiled once per test binary through the driver library
// (the same code as the attnc tool), its reference weights are rounded to
// the variant's dtype and written as safetensors, and the library is opened
// through the runtime's C API.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_ENDTOEND_COMPILEDMODEL_H
#define ATTN_TEST_UNIT_ENDTOEND_COMPILEDMODEL_H

#include "TinyModels.h"

#include "attn/Reference/Model.h"
#include "attn/Reference/Tensor.h"
#include "attn/runtime.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace attn_e2e {

/// The standard deviation of the random weights: larger than a real
/// initialisation so that attention is far from uniform and every feature
/// moves the logits well beyond the tolerance.
constexpr double kWeightStddev = 0.2;

class CompiledModel {
public:
  /// Compiles `model` into a fresh temporary folder and writes its weights
  /// there. On failure returns null and sets `error`.
  static std::unique_ptr<CompiledModel> build(const TinyModel &model,
                                              std::string &error);
  ~CompiledModel();

  const TinyModel &tinyModel() const { return *model; }
  const std::string &folder() const { return directory; }
  const std::string &libraryPath() const { return library; }
  const std::string &weightsPath() const { return weightFile; }
  /// The weights as written to disk (rounded to the variant's dtype).
  const attn::reference::WeightMap &weights() const { return rounded; }

  /// A new reference model on the same weights.
  attn::reference::ReferenceModel reference() const;

private:
  CompiledModel() = default;

  const TinyModel *model = nullptr;
  std::string directory, library, weightFile;
  attn::reference::WeightMap rounded;
};

/// The compiled variant `name`, built on first use and kept for the rest of
/// the test binary; null (with a test failure) if it does not compile.
const CompiledModel *compiledModel(const std::string &name);

/// Writes `weights` to `path` as safetensors in `storage` (values must be
/// representable in it).
std::string writeWeights(const std::string &path,
                         const attn::reference::WeightMap &weights,
                         attn::reference::StorageType storage);

/// A model opened through the C API with its weights loaded, closed on
/// destruction.
struct OpenModel {
  attn_model *model = nullptr;
  ~OpenModel() { attn_model_close(model); }
};
/// Opens `compiled` and loads its weights; on failure fails the test and
/// leaves `open.model` as far as it got.
::testing::AssertionResult openModel(const CompiledModel &compiled,
                                     OpenModel &open);

/// Checks that every row of `actual` ([rows, vocab] floats) is within
/// `rel` times the row's largest |expected| of `expected` ([rows, vocab]).
::testing::AssertionResult rowsClose(const std::vector<float> &actual,
                                     const std::vector<double> &expected,
                                     int64_t vocab, double rel = 1e-4);

/// The largest |a - b| over two equally sized arrays.
double maxDifference(const std::vector<float> &a, const std::vector<double> &b);

/// `count` token ids in [0, vocab), reproducibly from `seed`.
std::vector<int32_t> randomTokens(int64_t count, int64_t vocab, uint32_t seed);

} // namespace attn_e2e

#endif // ATTN_TEST_UNIT_ENDTOEND_COMPILEDMODEL_H
