//===- CApi.cpp - The C API over the runtime's C++ layer ------------------===//
//
// Thin wrappers: check handles, call the C++ layer, and turn a failed Status
// into a code plus this thread's error message.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "attn/runtime.h"

using attn::rt::Status;

/// Per thread, so that sessions driven from different threads never read
/// each other's messages.
static thread_local std::string lastError;

static attn_status report(const Status &status) {
  if (!status.ok())
    lastError = status.message();
  return status.code();
}

static attn_status nullArgument(const char *function, const char *name) {
  return report(
      Status::error(ATTN_ERROR_INVALID_ARGUMENT,
                    std::string(function) + ": " + name + " is NULL"));
}

extern "C" {

const char *attn_error_message(void) { return lastError.c_str(); }

const char *attn_status_name(attn_status status) {
  switch (status) {
  case ATTN_OK:
    return "ATTN_OK";
  case ATTN_ERROR_INVALID_ARGUMENT:
    return "ATTN_ERROR_INVALID_ARGUMENT";
  case ATTN_ERROR_IO:
    return "ATTN_ERROR_IO";
  case ATTN_ERROR_LIBRARY:
    return "ATTN_ERROR_LIBRARY";
  case ATTN_ERROR_ABI_VERSION:
    return "ATTN_ERROR_ABI_VERSION";
  case ATTN_ERROR_MANIFEST:
    return "ATTN_ERROR_MANIFEST";
  case ATTN_ERROR_WEIGHTS_FORMAT:
    return "ATTN_ERROR_WEIGHTS_FORMAT";
  case ATTN_ERROR_WEIGHT_MISMATCH:
    return "ATTN_ERROR_WEIGHT_MISMATCH";
  case ATTN_ERROR_TOKEN_OUT_OF_RANGE:
    return "ATTN_ERROR_TOKEN_OUT_OF_RANGE";
  case ATTN_ERROR_CACHE_FULL:
    return "ATTN_ERROR_CACHE_FULL";
  case ATTN_ERROR_OUT_OF_MEMORY:
    return "ATTN_ERROR_OUT_OF_MEMORY";
  case ATTN_ERROR_STATE:
    return "ATTN_ERROR_STATE";
  case ATTN_ERROR_KERNEL:
    return "ATTN_ERROR_KERNEL";
  }
  return "ATTN_ERROR_UNKNOWN";
}

uint32_t attn_runtime_abi_version(void) { return ATTN_ABI_VERSION; }

attn_status attn_model_open(const char *library_path, attn_model **model) {
  if (!model)
    return nullArgument("attn_model_open", "model");
  *model = nullptr;
  if (!library_path)
    return nullArgument("attn_model_open", "library_path");
  std::unique_ptr<attn_model> result;
  Status status = attn::rt::openModel(library_path, result);
  if (status.ok())
    *model = result.release();
  return report(status);
}

attn_status attn_model_load_weights(attn_model *model,
                                    const char *weights_path) {
  if (!model)
    return nullArgument("attn_model_load_weights", "model");
  if (!weights_path)
    return nullArgument("attn_model_load_weights", "weights_path");
  return report(attn::rt::bindWeights(*model, weights_path));
}

void attn_model_close(attn_model *model) { delete model; }

int64_t attn_model_vocab_size(const attn_model *model) {
  return model ? model->manifest.vocabSize : 0;
}
int64_t attn_model_hidden_size(const attn_model *model) {
  return model ? model->manifest.hiddenSize : 0;
}
int64_t attn_model_num_layers(const attn_model *model) {
  return model ? model->manifest.numLayers : 0;
}
int64_t attn_model_num_kv_heads(const attn_model *model) {
  return model ? model->manifest.numKVHeads : 0;
}
int64_t attn_model_head_dim(const attn_model *model) {
  return model ? model->manifest.headDim : 0;
}
int64_t attn_model_max_position_embeddings(const attn_model *model) {
  return model ? model->manifest.maxPositionEmbeddings : 0;
}
const char *attn_model_manifest(const attn_model *model) {
  return model ? model->manifestText.c_str() : nullptr;
}
int64_t attn_model_copied_weight_bytes(const attn_model *model) {
  return model ? int64_t(model->copiedBytes) : 0;
}

attn_status attn_session_create(attn_model *model, int64_t capacity,
                                attn_session **session) {
  if (!session)
    return nullArgument("attn_session_create", "session");
  *session = nullptr;
  if (!model)
    return nullArgument("attn_session_create", "model");
  std::unique_ptr<attn_session> result;
  Status status = attn::rt::createSession(*model, capacity, result);
  if (status.ok())
    *session = result.release();
  return report(status);
}

void attn_session_destroy(attn_session *session) { delete session; }

attn_status attn_session_reset(attn_session *session) {
  if (!session)
    return nullArgument("attn_session_reset", "session");
  return report(attn::rt::resetSession(*session));
}

attn_status attn_session_set_threads(attn_session *session, int32_t threads) {
  if (!session)
    return nullArgument("attn_session_set_threads", "session");
  if (threads < 0)
    return report(Status::error(
        ATTN_ERROR_INVALID_ARGUMENT,
        "attn_session_set_threads: threads is " + std::to_string(threads) +
            "; expected 0 (the default) or a positive count"));
  session->threads = threads;
  return ATTN_OK;
}

int32_t attn_session_threads(const attn_session *session) {
  return session ? session->threads : 0;
}

int64_t attn_session_position(const attn_session *session) {
  return session ? session->position : 0;
}
int64_t attn_session_capacity(const attn_session *session) {
  return session ? session->capacity : 0;
}

attn_status attn_session_prefill(attn_session *session, const int32_t *tokens,
                                 int64_t num_tokens, uint32_t flags,
                                 float *logits) {
  if (!session)
    return nullArgument("attn_session_prefill", "session");
  return report(attn::rt::prefill(*session, tokens, num_tokens, flags, logits));
}

attn_status attn_session_decode(attn_session *session, int32_t token,
                                float *logits) {
  if (!session)
    return nullArgument("attn_session_decode", "session");
  return report(attn::rt::prefill(*session, &token, 1, 0, logits));
}

} // extern "C"
