//===- TinyModels.h - The model variants the end-to-end tests run -*- C++ -*-//
//
// Each variant is a tiny config that exercises one feature of the Llama
// family (GQA, a rope scaling, a window, biases, a weight dtype on disk),
// described once for the reference and written as the config.json that
// attnc compiles, so the two cannot drift apart.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_ENDTOEND_TINYMODELS_H
#define ATTN_TEST_UNIT_ENDTOEND_TINYMODELS_H

#include "attn/Reference/Config.h"
#include "attn/Reference/Rounding.h"

#include <string>
#include <vector>

namespace attn_e2e {

struct TinyModel {
  /// A test-name-safe identifier.
  std::string name;
  /// llama, mistral or qwen2.
  std::string modelType;
  attn::reference::ReferenceConfig config;
  /// The dtype the weights are written in.
  attn::reference::StorageType storage = attn::reference::StorageType::F32;
  /// attnc --pipeline-options for this variant; empty for the defaults.
  std::string pipelineOptions;
};

/// Every variant the end-to-end tests cover.
const std::vector<TinyModel> &tinyModels();
/// The variant called `name`; aborts the test binary if there is none.
const TinyModel &tinyModel(const std::string &name);

/// The Hugging Face config.json of `model`.
std::string configJson(const TinyModel &model);

} // namespace attn_e2e

#endif // ATTN_TEST_UNIT_ENDTOEND_TINYMODELS_H
