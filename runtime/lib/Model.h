//===- Model.h - The objects behind the C API's handles ---------*- C++ -*-===//

#ifndef ATTN_RUNTIME_LIB_MODEL_H
#define ATTN_RUNTIME_LIB_MODEL_H

#include "attn/Runtime/AlignedBuffer.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/SafeTensors.h"
#include "attn/Runtime/Status.h"
#include "attn/abi.h"

#include "CUDADevice.h"
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
  /// A CUDA library's weights in device memory, which `table` then points
  /// into (host copies are released once uploaded).
  std::vector<attn::cuda::DeviceBuffer> deviceWeights;

  /// Whether compiled code reads device memory (manifest target "cuda").
  bool onDevice() const { return manifest.targetKind == "cuda"; }

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
  /// The same buffers of a CUDA library's session, in device memory (the
  /// host ones above stay empty), and the tokens and logits of a call,
  /// grown as needed.
  attn::cuda::DeviceBuffer deviceKCache;
  attn::cuda::DeviceBuffer deviceVCache;
  attn::cuda::DeviceBuffer deviceHidden;
  attn::cuda::DeviceBuffer deviceTokens;
  attn::cuda::DeviceBuffer deviceLogits;
};

namespace attn::rt {
Status openModel(const std::string &path, std::unique_ptr<attn_model> &result);
Status bindWeights(attn_model &model, const std::string &weightsPath);
Status createSession(attn_model &model, int64_t capacity,
                     std::unique_ptr<attn_session> &result);
Status prefill(attn_session &session, const int32_t *tokens, int64_t numTokens,
               uint32_t flags, float *logits);
Status resetSession(attn_session &session);

/// Error of an entry point that returned `rc` (ATTN_ERROR_KERNEL).
Status entryPointError(const attn_model &model, const char *entry, int32_t rc);

/// Where one prefill's data lives: host memory for a CPU library, device
/// memory for a CUDA one (docs/abi.md).
struct PrefillBuffers {
  const int32_t *tokens;
  void *kCache, *vCache;
  /// [numTokens, hidden_size] f32, written by attn_prefill.
  void *hidden;
  /// The logits' destination; null for none.
  void *logits;
};

/// Calls attn_prefill on `numTokens` tokens at the session's position,
/// then, with `buffers.logits`, attn_logits on the last row (every row with
/// `allLogits`). A non-zero return is entryPointError's status.
Status callEntryPoints(const attn_session &session, int64_t numTokens,
                       bool allLogits, const PrefillBuffers &buffers);

// CUDA model libraries (CUDAModel.cpp, docs/abi.md "CUDA model libraries").

/// At open: $ATTN_CUDA_CACHE_BYTES parses, the driver loads, there is a
/// GPU, and it is not older than the manifest's target.arch.
Status checkCUDAMachine(const attn_model &model, const std::string &path);
/// Copies the tensor of `slot` that `pointer` addresses on the host (bound
/// and converted) into device memory, once, and points `pointer` at the
/// copy; a host copy made for it is released.
Status uploadWeight(attn_model &model, const WeightSlot &slot,
                    const void *&pointer);
/// Allocates the session's two caches of `bytes` each in device memory,
/// zeroed.
Status createDeviceCaches(attn_session &session, uint64_t bytes);
/// A checked prefill of a CUDA library: tokens uploaded, the entry points
/// called on device buffers, the logits downloaded.
Status prefillOnDevice(attn_session &session, const int32_t *tokens,
                       int64_t numTokens, uint32_t flags, float *logits,
                       size_t hiddenBytes);
} // namespace attn::rt

#endif // ATTN_RUNTIME_LIB_MODEL_H
