//===- Session.cpp - KV caches and the calls into compiled code -----------===//
//
// Every input is checked here, before compiled code runs: the kernels index
// the embedding table with the token ids and the caches with the positions,
// without bounds checks of their own.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include <algorithm>
#include <cstring>
#include <unistd.h>

namespace attn::rt {

/// Activations and logits cross the ABI as f32 (docs/abi.md).
static constexpr size_t kActivationBytes = sizeof(float);

/// The machine's RAM in bytes, or 0 when the system does not say.
static uint64_t physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return 0;
  uint64_t bytes;
  if (__builtin_mul_overflow(uint64_t(pages), uint64_t(pageSize), &bytes))
    return UINT64_MAX;
  return bytes;
}

Status createSession(attn_model &model, int64_t capacity,
                     std::unique_ptr<attn_session> &result) {
  if (!model.weights)
    return Status::error(ATTN_ERROR_STATE,
                         "cannot create a session on '" + model.path +
                             "' before its weights are loaded");
  const Manifest &m = model.manifest;
  if (capacity < 0)
    return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                         "KV-cache capacity " + std::to_string(capacity) +
                             " is negative");
  // A capacity past max_position_embeddings is the caller's to choose, as in
  // llama.cpp and transformers (dynamic NTK scaling acts only there). The
  // default stays within it, and within ATTN_DEFAULT_CAPACITY: the whole
  // context of a long-context model may not fit in memory.
  if (capacity == 0)
    capacity =
        m.maxPositionEmbeddings
            ? std::min<int64_t>(m.maxPositionEmbeddings, ATTN_DEFAULT_CAPACITY)
            : ATTN_DEFAULT_CAPACITY;
  uint64_t bytes = 1;
  bool overflow = false;
  for (int64_t factor : {m.numLayers, capacity, m.numKVHeads, m.headDim,
                         int64_t(dtypeSize(m.kvDType))})
    overflow |= __builtin_mul_overflow(bytes, uint64_t(factor), &bytes);
  if (overflow || bytes > SIZE_MAX)
    return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                         "a KV cache of capacity " + std::to_string(capacity) +
                             " does not fit in the address space");
  auto session = std::make_unique<attn_session>();
  session->model = &model;
  session->capacity = capacity;
  if (model.onDevice()) {
    ATTN_RETURN_IF_ERROR(createDeviceCaches(*session, bytes));
    result = std::move(session);
    return Status::success();
  }
  // The caches are zeroed below, which touches every page: a cache larger
  // than the machine would not fail here but get the process killed, or
  // swap it to a halt, once the kernel's overcommit has granted it.
  uint64_t physical = physicalMemoryBytes();
  if (physical && bytes > physical / 2)
    return Status::error(
        ATTN_ERROR_OUT_OF_MEMORY,
        "cannot allocate two KV-cache buffers of " + std::to_string(bytes) +
            " bytes (capacity " + std::to_string(capacity) +
            "): together more than the machine's " + std::to_string(physical) +
            " bytes of physical memory");
  if (!session->kCache.allocate(bytes) || !session->vCache.allocate(bytes))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate two KV-cache buffers of " +
                             std::to_string(bytes) + " bytes (capacity " +
                             std::to_string(capacity) + ")");
  // Positions past the session's are never read, but zeroed memory keeps
  // runs reproducible if a kernel ever does.
  std::memset(session->kCache.data(), 0, bytes);
  std::memset(session->vCache.data(), 0, bytes);
  result = std::move(session);
  return Status::success();
}

static Status checkInputs(const attn_session &session, const int32_t *tokens,
                          int64_t numTokens, uint32_t flags) {
  const Manifest &m = session.model->manifest;
  if (numTokens < 1)
    return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                         "num_tokens is " + std::to_string(numTokens) +
                             "; expected at least 1");
  if (!tokens)
    return Status::error(ATTN_ERROR_INVALID_ARGUMENT, "tokens is NULL");
  if (flags & ~uint32_t(ATTN_PREFILL_ALL_LOGITS))
    return Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                         "unknown prefill flags " + std::to_string(flags));
  if (numTokens > session.capacity - session.position)
    return Status::error(ATTN_ERROR_CACHE_FULL,
                         std::to_string(numTokens) + " tokens at position " +
                             std::to_string(session.position) +
                             " do not fit in the KV cache of capacity " +
                             std::to_string(session.capacity) +
                             " (reset the session or create one with a "
                             "larger capacity)");
  for (int64_t i = 0; i < numTokens; ++i)
    if (tokens[i] < 0 || tokens[i] >= m.vocabSize)
      return Status::error(ATTN_ERROR_TOKEN_OUT_OF_RANGE,
                           "token id " + std::to_string(tokens[i]) +
                               " at index " + std::to_string(i) +
                               " is outside [0, " +
                               std::to_string(m.vocabSize) + ")");
  return Status::success();
}

Status prefill(attn_session &session, const int32_t *tokens, int64_t numTokens,
               uint32_t flags, float *logits) {
  ATTN_RETURN_IF_ERROR(checkInputs(session, tokens, numTokens, flags));
  attn_model &model = *session.model;
  const Manifest &m = model.manifest;
  // numTokens <= capacity and hiddenSize <= 2^40, both far from overflow
  // except for absurd capacities; check anyway.
  uint64_t hiddenBytes;
  if (__builtin_mul_overflow(uint64_t(numTokens),
                             uint64_t(m.hiddenSize) * kActivationBytes,
                             &hiddenBytes) ||
      hiddenBytes > SIZE_MAX)
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         std::to_string(numTokens) +
                             " tokens of hidden state overflow the address "
                             "space");
  if (model.onDevice()) {
    ATTN_RETURN_IF_ERROR(prefillOnDevice(session, tokens, numTokens, flags,
                                         logits, hiddenBytes));
    session.position += numTokens;
    return Status::success();
  }
  if (session.hidden.size() < hiddenBytes &&
      !session.hidden.allocate(hiddenBytes))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate " + std::to_string(hiddenBytes) +
                             " bytes of hidden state");

  ThreadCountScope threads(model.openmp, session.threads);
  ATTN_RETURN_IF_ERROR(
      callEntryPoints(session, numTokens, flags & ATTN_PREFILL_ALL_LOGITS,
                      {tokens, session.kCache.data(), session.vCache.data(),
                       session.hidden.data(), logits}));
  // Only now are the tokens part of the sequence: after a failure the
  // positions written stay beyond `position` and are overwritten later.
  session.position += numTokens;
  return Status::success();
}

Status callEntryPoints(const attn_session &session, int64_t numTokens,
                       bool allLogits, const PrefillBuffers &buffers) {
  const attn_model &model = *session.model;
  attn_call call = {};
  call.weights = model.table.data();
  call.tokens = buffers.tokens;
  call.num_tokens = numTokens;
  call.position = session.position;
  call.k_cache = buffers.kCache;
  call.v_cache = buffers.vCache;
  call.cache_capacity = session.capacity;
  call.output = buffers.hidden;
  if (int32_t rc = model.prefill(&call))
    return entryPointError(model, "attn_prefill", rc);
  if (!buffers.logits)
    return Status::success();

  attn_call head = call;
  head.tokens = nullptr;
  head.num_tokens = allLogits ? numTokens : 1;
  // Device addresses are integers to the host too; the offset is in bytes.
  head.input = static_cast<const char *>(buffers.hidden) +
               (allLogits ? 0
                          : (numTokens - 1) * model.manifest.hiddenSize *
                                kActivationBytes);
  head.output = buffers.logits;
  if (int32_t rc = model.logits(&head))
    return entryPointError(model, "attn_logits", rc);
  return Status::success();
}

Status entryPointError(const attn_model &model, const char *entry, int32_t rc) {
  std::string message = std::string(entry) + " of '" + model.path +
                        "' returned " + std::to_string(rc);
  // A CUDA library returns the first CUresult its call met.
  if (model.onDevice())
    message += " (" + cuda::describeStatus(rc) + ")";
  return Status::error(ATTN_ERROR_KERNEL, message);
}

Status resetSession(attn_session &session) {
  session.position = 0;
  if (!session.model->onDevice())
    return Status::success();
  // The caches start zeroed (docs/abi.md); on the GPU zeroing them again is
  // cheap, and a reset session then computes exactly as a new one.
  std::string error;
  if (!session.deviceKCache.zero(error) || !session.deviceVCache.zero(error))
    return Status::error(ATTN_ERROR_KERNEL,
                         "cannot clear the KV cache on the GPU: " + error);
  return Status::success();
}

} // namespace attn::rt
