/*===- abi.h - The model-library ABI ------------------------------*- C -*-===*
 *
 * The contract between a model library written by attnc and the runtime that
 * loads it (docs/abi.md). Plain C, included by both sides.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ATTN_ABI_H
#define ATTN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change to the symbols, the call structure or the manifest
 * schema; the runtime refuses a library of another version. */
#define ATTN_ABI_VERSION 3u

/* One call into compiled code. Which fields an entry point reads is listed
 * with it in docs/abi.md. */
typedef struct attn_call {
  /* One pointer per weight slot, in manifest order (per-layer entries take
   * num_hidden_layers consecutive slots); each aligned to its element size,
   * possibly pointing into a read-only file mapping. */
  const void *const *weights;
  const int32_t *tokens; /* [num_tokens] ids in [0, vocab); NULL for logits */
  int64_t num_tokens;
  int64_t position; /* position of the first token */
  void *k_cache;    /* [layers, cache_capacity, kv_heads, head_dim] */
  void *v_cache;    /* same shape as k_cache */
  int64_t cache_capacity;
  const void *input; /* attn_logits: [num_tokens, hidden_size] */
  /* f32; prefill: [num_tokens, hidden]; logits: [num_tokens, vocab] */
  void *output;
} attn_call;

typedef uint32_t (*attn_abi_version_fn)(void);
typedef const char *(*attn_manifest_fn)(void);
typedef int32_t (*attn_entry_fn)(const attn_call *call);

#ifdef __cplusplus
}
#endif

#endif /* ATTN_ABI_H */
