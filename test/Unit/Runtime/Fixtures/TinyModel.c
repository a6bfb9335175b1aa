/*===- TinyModel.c - A stand-in model library for runtime tests ----*- C -*-===*
 *
 * A test fixture, not a model: it exports the ABI of docs/abi.md and
 * computes something small and exactly reproducible, so that the runtime's
 * plumbing can be checked without the compiler: the order of the weight
 * table, which KV-cache positions are written and read, chunked prefill,
 * the f32/bf16 weight dtypes, error paths and threads. RuntimeTests holds
 * the same formula in C++ (fixtureReference) to compare against.
 *
 * For token i of a call, at position p = position + i, with token id t:
 *   x = embed[t]
 *   for each layer l, with w = input_layernorm[l] (f32), b = mlp.bias[l]
 *   (bf16):
 *     k_cache[l, p, 0, d] = x[d] * w[d]               (d < head_dim)
 *     v_cache[l, p, 0, d] = (p + 1) * (l + 1) * (d + 1)
 *     s = sum over q in [0, p] of k[l,q,0,0] + k[l,q,0,1] + v[l,q,0,1] / 1000
 *     x[j] = x[j] * w[j] + b[j] + s / 2
 *   output[i] = x * norm
 * attn_logits: logits[i, v] = sum_j input[i, j] * lm_head[v, j].
 *
 * Built several times with different macros: FIXTURE_ABI_VERSION,
 * FIXTURE_OMIT_LOGITS (a missing symbol), FIXTURE_BROKEN_MANIFEST,
 * FIXTURE_HUGE_CACHE (a manifest whose KV cache cannot be allocated, with
 * no max_position_embeddings; its entry points are never reached) and
 * FIXTURE_MAX_POSITIONS (the max_position_embeddings of the manifest, 64
 * unless set).
 *
 *===----------------------------------------------------------------------===*/

#include "attn/abi.h"

#include <stdint.h>
#include <string.h>

#ifndef FIXTURE_ABI_VERSION
#define FIXTURE_ABI_VERSION ATTN_ABI_VERSION
#endif

#ifndef FIXTURE_MAX_POSITIONS
#define FIXTURE_MAX_POSITIONS 64
#endif
#define FIXTURE_STRING(x) #x
#define FIXTURE_DIGITS(x) FIXTURE_STRING(x)

enum { L = 2, V = 11, H = 4, KV = 1, D = 2 };

/* Slots of the weight table, in manifest order. */
enum {
  kEmbed = 0,
  kNorm0 = 1, /* input_layernorm, layers 0 and 1 */
  kBias0 = 3, /* mlp.bias (bf16), layers 0 and 1 */
  kFinalNorm = 5,
  kLmHead = 6
};

/* Tests read these through dlsym on the same handle. */
int64_t fixture_prefill_calls = 0;
int64_t fixture_logits_calls = 0;
/* Inputs that break the runtime's promises (docs/abi.md): must stay 0. */
int64_t fixture_contract_violations = 0;
/* When non-zero, the next attn_prefill returns it after writing garbage
 * into the cache slots it would have filled. */
int32_t fixture_fail_next_prefill = 0;

uint32_t attn_abi_version(void) { return FIXTURE_ABI_VERSION; }

const char *attn_manifest(void) {
#if defined(FIXTURE_BROKEN_MANIFEST)
  return "{\"abi_version\": 3, \"weights\": [";
#elif defined(FIXTURE_HUGE_CACHE)
  return "{\"abi_version\": 3, \"model_type\": \"fixture\", \"config\": {},"
         " \"num_hidden_layers\": 1, \"vocab_size\": 11, \"hidden_size\": 4,"
         " \"kv_cache\": {\"num_key_value_heads\": 1048576,"
         "   \"head_dim\": 1048576, \"dtype\": \"f32\"},"
         " \"weights\": ["
         "  {\"name\": \"model.embed_tokens.weight\", \"shape\": [11, 4],"
         "   \"dtype\": \"f32\", \"per_layer\": false}]}";
#else
  /* clang-format would reflow the JSON around the macro. */
  /* clang-format off */
  return "{\"abi_version\": 3, \"model_type\": \"fixture\","
         " \"config\": {\"max_position_embeddings\": "
         FIXTURE_DIGITS(FIXTURE_MAX_POSITIONS) "},"
         " \"num_hidden_layers\": 2, \"vocab_size\": 11, \"hidden_size\": 4,"
         " \"kv_cache\": {\"num_key_value_heads\": 1, \"head_dim\": 2,"
         "   \"dtype\": \"f32\"},"
         " \"weights\": ["
         "  {\"name\": \"model.embed_tokens.weight\", \"shape\": [11, 4],"
         "   \"dtype\": \"f32\", \"per_layer\": false},"
         "  {\"name\": \"model.layers.{layer}.input_layernorm.weight\","
         "   \"shape\": [4], \"dtype\": \"f32\", \"per_layer\": true},"
         "  {\"name\": \"model.layers.{layer}.mlp.bias\", \"shape\": [4],"
         "   \"dtype\": \"bf16\", \"per_layer\": true},"
         "  {\"name\": \"model.norm.weight\", \"shape\": [4],"
         "   \"dtype\": \"f32\", \"per_layer\": false},"
         "  {\"name\": \"lm_head.weight\", \"shape\": [11, 4],"
         "   \"dtype\": \"f32\", \"per_layer\": false}]}";
  /* clang-format on */
#endif
}

static float bf16(const void *base, int index) {
  uint16_t bits;
  uint32_t wide;
  float value;
  memcpy(&bits, (const char *)base + 2 * index, 2);
  wide = (uint32_t)bits << 16;
  memcpy(&value, &wide, 4);
  return value;
}

static int misaligned(const attn_call *call) {
  int slot;
  for (slot = 0; slot < 7; ++slot) {
    uintptr_t align = (slot == kBias0 || slot == kBias0 + 1) ? 2 : 4;
    if ((uintptr_t)call->weights[slot] % align)
      return 1;
  }
  return 0;
}

int32_t attn_prefill(const attn_call *call) {
  const float *embed = (const float *)call->weights[kEmbed];
  const float *finalNorm = (const float *)call->weights[kFinalNorm];
  float *k = (float *)call->k_cache, *v = (float *)call->v_cache;
  float *out = (float *)call->output;
  int64_t i, c = call->cache_capacity;
  __atomic_fetch_add(&fixture_prefill_calls, 1, __ATOMIC_RELAXED);
  if (misaligned(call))
    return 2;
  if (call->num_tokens < 1 || call->position < 0 ||
      call->position + call->num_tokens > c) {
    __atomic_fetch_add(&fixture_contract_violations, 1, __ATOMIC_RELAXED);
    return 3;
  }
  for (i = 0; i < call->num_tokens; ++i)
    if (call->tokens[i] < 0 || call->tokens[i] >= V) {
      __atomic_fetch_add(&fixture_contract_violations, 1, __ATOMIC_RELAXED);
      return 3;
    }
  if (fixture_fail_next_prefill) {
    int32_t rc = fixture_fail_next_prefill;
    fixture_fail_next_prefill = 0;
    for (i = 0; i < call->num_tokens; ++i)
      k[(call->position + i) * KV * D] = 1e30f; /* layer 0, position p */
    return rc;
  }

  for (i = 0; i < call->num_tokens; ++i) {
    int64_t p = call->position + i, q;
    int l, j, d;
    float x[H];
    for (j = 0; j < H; ++j)
      x[j] = embed[call->tokens[i] * H + j];
    for (l = 0; l < L; ++l) {
      const float *w = (const float *)call->weights[kNorm0 + l];
      const void *b = call->weights[kBias0 + l];
      float s = 0.0f;
      for (d = 0; d < D; ++d) {
        k[((l * c + p) * KV) * D + d] = x[d] * w[d];
        v[((l * c + p) * KV) * D + d] = (float)((p + 1) * (l + 1) * (d + 1));
      }
      for (q = 0; q <= p; ++q) {
        const float *kq = &k[((l * c + q) * KV) * D];
        const float *vq = &v[((l * c + q) * KV) * D];
        s += kq[0] + kq[1] + vq[1] / 1000.0f;
      }
      for (j = 0; j < H; ++j)
        x[j] = x[j] * w[j] + bf16(b, j) + s / 2.0f;
    }
    for (j = 0; j < H; ++j)
      out[i * H + j] = x[j] * finalNorm[j];
  }
  return 0;
}

#ifndef FIXTURE_OMIT_LOGITS
int32_t attn_logits(const attn_call *call) {
  const float *head = (const float *)call->weights[kLmHead];
  const float *in = (const float *)call->input;
  float *out = (float *)call->output;
  int64_t i;
  int t, j;
  __atomic_fetch_add(&fixture_logits_calls, 1, __ATOMIC_RELAXED);
  for (i = 0; i < call->num_tokens; ++i)
    for (t = 0; t < V; ++t) {
      float sum = 0.0f;
      for (j = 0; j < H; ++j)
        sum += in[i * H + j] * head[t * H + j];
      out[i * V + t] = sum;
    }
  return 0;
}
#endif
