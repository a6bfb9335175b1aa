/*===- CHeader.c - runtime.h compiles as C and works from C --------*- C -*-===*
 *
 * The API is for C callers; this file keeps the header valid C and drives
 * one model from C, called by CApiTest.
 *
 *===----------------------------------------------------------------------===*/

#include "attn/runtime.h"

#include <stdlib.h>

/* Opens `library`, loads `weights`, prefills tokens 1, 2 and decodes 3;
 * returns the first failing status, or ATTN_OK with the argmax of the last
 * logits in *next. */
attn_status attnTestRunFromC(const char *library, const char *weights,
                             int32_t *next) {
  attn_model *model = NULL;
  attn_session *session = NULL;
  float *logits = NULL;
  int32_t prompt[2] = {1, 2};
  int64_t vocab, t;
  attn_status status = attn_model_open(library, &model);
  if (status == ATTN_OK)
    status = attn_model_load_weights(model, weights);
  if (status == ATTN_OK)
    status = attn_session_create(model, 8, &session);
  if (status == ATTN_OK) {
    vocab = attn_model_vocab_size(model);
    logits = (float *)malloc((size_t)vocab * sizeof(float));
    status = attn_session_prefill(session, prompt, 2, 0, logits);
  }
  if (status == ATTN_OK)
    status = attn_session_decode(session, 3, logits);
  if (status == ATTN_OK) {
    *next = 0;
    for (t = 1; t < vocab; ++t)
      if (logits[t] > logits[*next])
        *next = (int32_t)t;
  }
  free(logits);
  attn_session_destroy(session);
  attn_model_close(model);
  return status;
}
