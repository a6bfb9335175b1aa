//===- CUDAModel.cpp - The device side of CUDA model libraries ------------===//
//
// A library whose manifest says `"target": {"kind": "cuda"}` reads every
// buffer of an attn_call from device memory (docs/abi.md). The runtime
// checks the machine at open, uploads the bound weights once, keeps each
// session's caches and per-call buffers on the GPU, and copies only tokens
// in and logits out; the final hidden states stay on the device between
// attn_prefill and attn_logits.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "CacheLimit.h"

#include <cstdlib>

namespace attn::rt {

using cuda::DeviceBuffer;

/// The library reads $ATTN_CUDA_CACHE_BYTES itself (CachingAllocator.cpp)
/// and, having no way to say so, turns its cache off for a value it cannot
/// parse; the open refuses such a value instead, the same way parsed.
static Status checkCacheLimit(const std::string &path) {
  const char *text = std::getenv(cuda::kCacheBytesVariable);
  size_t bytes = 0;
  if (!text || !*text || cuda::parseCacheBytes(text, bytes))
    return Status::success();
  return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                       path + ": $" + cuda::kCacheBytesVariable + " is '" +
                           text +
                           "', expected a byte count: decimal digits with "
                           "an optional K, M or G suffix (e.g. 512M; 0 "
                           "turns the cache off)");
}

Status checkCUDAMachine(const attn_model &model, const std::string &path) {
  const std::string &arch = model.manifest.targetArch;
  if (cuda::parseArch(arch) < 0)
    return Status::error(ATTN_ERROR_MANIFEST,
                         path + ": manifest: target arch '" + arch +
                             "' is not of the form sm_<major><minor>");
  ATTN_RETURN_IF_ERROR(checkCacheLimit(path));
  std::string error;
  // The manifest does not say whether the kernels are PTX or a cubin; a
  // cubin for another major version fails at the first call instead, with
  // the driver's error (CUDA_ERROR_NO_BINARY_FOR_GPU).
  if (!cuda::checkDevice(path, arch, /*exactMajor=*/false, error))
    return Status::error(ATTN_ERROR_LIBRARY, error);
  return Status::success();
}

Status uploadWeight(attn_model &model, const WeightSlot &slot,
                    const void *&pointer) {
  // The manifest bounds every shape, so this cannot overflow.
  size_t bytes = dtypeSize(slot.dtype);
  for (int64_t extent : slot.shape)
    bytes *= size_t(extent);
  DeviceBuffer buffer;
  std::string error;
  if (!buffer.allocate(bytes, /*zero=*/false, error))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate " + std::to_string(bytes) +
                             " bytes on the GPU for weight '" + slot.name +
                             "': " + error);
  if (!buffer.upload(pointer, bytes, error))
    return Status::error(ATTN_ERROR_KERNEL,
                         "weight '" + slot.name + "': " + error);
  // Compiled code reads only the device copy: release the host one now
  // rather than after the last slot, so that at most one converted tensor
  // is held on the host at a time.
  if (!model.copies.empty() && model.copies.back().data() == pointer)
    model.copies.pop_back();
  pointer = buffer.data();
  model.deviceWeights.push_back(std::move(buffer));
  return Status::success();
}

Status createDeviceCaches(attn_session &session, uint64_t bytes) {
  std::string error;
  if (!session.deviceKCache.allocate(bytes, /*zero=*/true, error) ||
      !session.deviceVCache.allocate(bytes, /*zero=*/true, error))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate two KV-cache buffers of " +
                             std::to_string(bytes) + " bytes (capacity " +
                             std::to_string(session.capacity) +
                             ") on the GPU: " + error);
  return Status::success();
}

/// Grows `buffer` to at least `bytes`.
static Status reserve(DeviceBuffer &buffer, size_t bytes, const char *what) {
  std::string error;
  if (buffer.size() < bytes && !buffer.allocate(bytes, /*zero=*/false, error))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         std::string("cannot allocate ") +
                             std::to_string(bytes) + " bytes of " + what +
                             " on the GPU: " + error);
  return Status::success();
}

Status prefillOnDevice(attn_session &session, const int32_t *tokens,
                       int64_t numTokens, uint32_t flags, float *logits,
                       size_t hiddenBytes) {
  attn_model &model = *session.model;
  const Manifest &m = model.manifest;
  bool all = flags & ATTN_PREFILL_ALL_LOGITS;
  int64_t rows = all ? numTokens : 1;
  size_t tokenBytes = size_t(numTokens) * sizeof(int32_t);
  // rows * vocab <= capacity * 2^40, checked like the hidden state's size.
  uint64_t logitBytes = 0;
  if (logits && (__builtin_mul_overflow(uint64_t(rows),
                                        uint64_t(m.vocabSize) * sizeof(float),
                                        &logitBytes) ||
                 logitBytes > SIZE_MAX))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         std::to_string(rows) +
                             " rows of logits overflow the address space");
  ATTN_RETURN_IF_ERROR(reserve(session.deviceTokens, tokenBytes, "token ids"));
  ATTN_RETURN_IF_ERROR(
      reserve(session.deviceHidden, hiddenBytes, "hidden state"));
  if (logits)
    ATTN_RETURN_IF_ERROR(reserve(session.deviceLogits, logitBytes, "logits"));
  std::string error;
  if (!session.deviceTokens.upload(tokens, tokenBytes, error))
    return Status::error(ATTN_ERROR_KERNEL, "token ids: " + error);

  ATTN_RETURN_IF_ERROR(callEntryPoints(
      session, numTokens, all,
      {static_cast<const int32_t *>(session.deviceTokens.data()),
       session.deviceKCache.data(), session.deviceVCache.data(),
       session.deviceHidden.data(),
       logits ? session.deviceLogits.data() : nullptr}));
  if (!logits)
    return Status::success();
  if (!session.deviceLogits.download(logits, logitBytes, error))
    return Status::error(ATTN_ERROR_KERNEL, "logits: " + error);
  return Status::success();
}

} // namespace attn::rt
