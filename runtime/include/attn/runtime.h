/*===- runtime.h - The attnc runtime C API -------------------------*- C -*-===*
 *
 * Loads a model library written by attnc, binds its weights from safetensors
 * files and runs prefill and decode in sessions that own a KV cache.
 * docs/c-api.md is the user guide; docs/runtime.md explains the internals.
 *
 * Errors: every function that can fail returns an attn_status. When it is
 * not ATTN_OK, attn_error_message() describes it. Messages are kept per
 * thread, so threads that drive different sessions never see each other's.
 *
 * Threads: a model is read-only once its weights are loaded; any number of
 * sessions on it may run concurrently, one thread per session at a time.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ATTN_RUNTIME_H
#define ATTN_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum attn_status {
  ATTN_OK = 0,
  /* A null pointer, a negative count or another argument out of its range. */
  ATTN_ERROR_INVALID_ARGUMENT = 1,
  /* A file or directory could not be opened, read or mapped. */
  ATTN_ERROR_IO = 2,
  /* dlopen failed, or the library lacks a required symbol. */
  ATTN_ERROR_LIBRARY = 3,
  /* The library was built for another ABI version. */
  ATTN_ERROR_ABI_VERSION = 4,
  /* The library's manifest is malformed or inconsistent. */
  ATTN_ERROR_MANIFEST = 5,
  /* A safetensors file or index is malformed (truncated, lying header,
   * offsets outside the file, overlapping tensors, missing shard). */
  ATTN_ERROR_WEIGHTS_FORMAT = 6,
  /* A tensor the manifest names is missing, or has another shape, or a
   * dtype that cannot be converted to what the kernels read. */
  ATTN_ERROR_WEIGHT_MISMATCH = 7,
  /* A token id outside [0, vocab_size). */
  ATTN_ERROR_TOKEN_OUT_OF_RANGE = 8,
  /* The tokens do not fit in the session's KV cache. */
  ATTN_ERROR_CACHE_FULL = 9,
  /* A buffer could not be allocated. */
  ATTN_ERROR_OUT_OF_MEMORY = 10,
  /* The call is not valid in the object's state (e.g. a session on a model
   * whose weights are not loaded yet). */
  ATTN_ERROR_STATE = 11,
  /* Compiled code reported a failure. */
  ATTN_ERROR_KERNEL = 12
} attn_status;

/* The message of the most recent call on this thread that returned an
 * error; "" when there was none. Successful calls leave it unchanged. The
 * pointer stays valid until the next failing call on this thread. */
const char *attn_error_message(void);

/* The enumerator's name, e.g. "ATTN_ERROR_CACHE_FULL". */
const char *attn_status_name(attn_status status);

/* The ABI version this runtime accepts (ATTN_ABI_VERSION of attn/abi.h). */
uint32_t attn_runtime_abi_version(void);

/*===-- Models ------------------------------------------------------------===*/

typedef struct attn_model attn_model;

/* Opens a model library: dlopen, ABI version, required symbols, manifest.
 * A path without '/' is taken relative to the working directory, not looked
 * up on the library search path. On error *model is set to NULL. */
attn_status attn_model_open(const char *library_path, attn_model **model);

/* Maps and checks the weights: a .safetensors file, a directory (holding
 * model.safetensors.index.json, or else every *.safetensors in it), or a
 * sharded model.safetensors.index.json. Each tensor the manifest names is
 * checked by name, shape and dtype; F32, F16 and BF16 on disk are converted
 * once to the type the kernels read. Only once per model. */
attn_status attn_model_load_weights(attn_model *model,
                                    const char *weights_path);

/* Closes the library and unmaps the weights. Every session on the model
 * must have been destroyed first. NULL is ignored. */
void attn_model_close(attn_model *model);

/* Shape queries; 0 for a NULL model. max_position_embeddings is 0 when the
 * config does not give it. */
int64_t attn_model_vocab_size(const attn_model *model);
int64_t attn_model_hidden_size(const attn_model *model);
int64_t attn_model_num_layers(const attn_model *model);
int64_t attn_model_num_kv_heads(const attn_model *model);
int64_t attn_model_head_dim(const attn_model *model);
int64_t attn_model_max_position_embeddings(const attn_model *model);
/* The manifest JSON (docs/abi.md), owned by the model; NULL for NULL. */
const char *attn_model_manifest(const attn_model *model);
/* Bytes of weights the runtime converted or copied (0: all used in place
 * from the mapped files). */
int64_t attn_model_copied_weight_bytes(const attn_model *model);

/*===-- Sessions ----------------------------------------------------------===*/

typedef struct attn_session attn_session;

/* The capacity a session gets when asked for 0: the cache of a
 * long-context model's full max_position_embeddings is rarely used and may
 * not fit (Llama 3.1 8B, 131072 positions: about 34 GB of f32 keys and
 * values). */
#define ATTN_DEFAULT_CAPACITY 4096

/* Creates a session with a KV cache of `capacity` positions; 0 asks for
 * min(max_position_embeddings, ATTN_DEFAULT_CAPACITY), or
 * ATTN_DEFAULT_CAPACITY when the config does not give
 * max_position_embeddings. A capacity above max_position_embeddings is
 * allowed: positions past it are beyond what the model was trained on, and
 * its output may degrade there unless its rope scaling is meant for them
 * (dynamic NTK scaling acts only there). A cache that would take more than
 * half the machine's memory is refused (ATTN_ERROR_OUT_OF_MEMORY). Needs
 * loaded weights. On error *session is NULL. */
attn_status attn_session_create(attn_model *model, int64_t capacity,
                                attn_session **session);

/* NULL is ignored. */
void attn_session_destroy(attn_session *session);

/* Forgets every token; the cache is reused. */
attn_status attn_session_reset(attn_session *session);

/* Runs this session's calls into compiled code on `threads` threads; 0
 * (the initial value) leaves the count to the model library's OpenMP
 * runtime (OMP_NUM_THREADS, else every core). The setting applies to the
 * calling thread only while a call runs, so sessions with different counts
 * may run at once on different threads. A library built without parallel
 * loops runs on the calling thread whatever the count. Negative counts are
 * ATTN_ERROR_INVALID_ARGUMENT. */
attn_status attn_session_set_threads(attn_session *session, int32_t threads);
/* The count set by attn_session_set_threads; 0 for NULL. */
int32_t attn_session_threads(const attn_session *session);

/* Tokens in the cache (the position of the next token), and the capacity;
 * 0 for NULL. */
int64_t attn_session_position(const attn_session *session);
int64_t attn_session_capacity(const attn_session *session);

/* attn_session_prefill flag: write the logits of every token, not only the
 * last one's. */
#define ATTN_PREFILL_ALL_LOGITS 1u

/* Runs `num_tokens` tokens (>= 1) at the session's position and appends
 * them to the cache. `logits` receives float32 [vocab_size] for the last
 * token, or [num_tokens, vocab_size] with ATTN_PREFILL_ALL_LOGITS; NULL
 * skips the LM head. Every token id and the cache room are checked before
 * any compiled code runs; on any error the session's position is unchanged
 * and the session stays usable. */
attn_status attn_session_prefill(attn_session *session, const int32_t *tokens,
                                 int64_t num_tokens, uint32_t flags,
                                 float *logits);

/* One token: attn_session_prefill(session, &token, 1, 0, logits). */
attn_status attn_session_decode(attn_session *session, int32_t token,
                                float *logits);

#ifdef __cplusplus
}
#endif

#endif /* ATTN_RUNTIME_H */
