//===- Model.h - The objects behind the C API's handles ---------*- C++ -*-===//

#ifndef ATTN_RUNTIME_LIB_MODEL_H
#define ATTN_RUNTIME_LIB_MODEL_H

#include "attn/Runtime/AlignedBuffer.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/SafeTensors.h"
#include "attn/Runtime/Status.h"
#include "attn/abi.h"

#include "ThreadCount.h"

#include <memory>
#include <string>
#include <vector>

struct attn_model {
  std::string path;
  void *handle = nullptr;
  std::string manifestText;
  attn::rt::Manifest manifest;
  attn_entry_fn prefill = nullptr;
  attn_entry_fn logits = nullptr;
  /// The library's OpenMP runtime, for the sessions' thread counts.
  attn::rt::OpenMPControl openmp;

  std::unique_ptr<attn::rt::WeightStore> weights;
  /// The weight table handed to compiled code, one pointer per slot.
  std::vector<const void *> table;
  /// Converted or realigned copies that `table` points into.
  std::vector<attn::rt::AlignedBuffer> copies;
  size_t copiedBytes = 0;

  ~attn_model();
};

struct attn_session {
  attn_model *model = nullptr;
  int64_t capacity = 0;
  int64_t position = 0;
  /// Threads of each call (attn_session_set_threads); 0: the default.
  int32_t threads = 0;
  attn::rt::AlignedBuffer kCache;
  attn::rt::AlignedBuffer vCache;
  /// Final-normed hidden states of the last prefill, [tokens, hidden] f32.
  attn::rt::AlignedBuffer hidden;
};

namespace attn::rt {
Status openModel(const std::string &path, std::unique_ptr<attn_model> &result);
Status bindWeights(attn_model &model, const std::string &weightsPath);
Status createSession(attn_model &model, int64_t capacity,
                     std::unique_ptr<attn_session> &result);
Status prefill(attn_session &session, const int32_t *tokens, int64_t numTokens,
               uint32_t flags, float *logits);
} // namespace attn::rt

#endif // ATTN_RUNTIME_LIB_MODEL_H
