/*===- tokenizer.h - Hugging Face tokenizers for the runtime -------*- C -*-===*
 *
 * Loads a model's tokenizer.json (and tokenizer_config.json where present),
 * turns text into token ids and ids back into text, whole or streamed one
 * token at a time. Plain C; no LLVM or MLIR. See docs/tokenizer.md.
 *
 * Every function that can fail returns an attn_tokenizer_status; on failure
 * attn_tokenizer_last_error() says what was wrong and where. Objects stay
 * usable after an error. A tokenizer may be used from several threads at
 * once; a stream belongs to one thread at a time.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ATTN_TOKENIZER_H
#define ATTN_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum attn_tokenizer_status {
  ATTN_TOKENIZER_OK = 0,
  /* A file could not be opened or read. */
  ATTN_TOKENIZER_ERROR_IO = 1,
  /* A file is malformed or asks for something not supported. */
  ATTN_TOKENIZER_ERROR_FORMAT = 2,
  /* An argument is wrong: a null pointer, text that is not UTF-8, a token id
   * outside the vocabulary. */
  ATTN_TOKENIZER_ERROR_ARGUMENT = 3,
  /* The output buffer is too small; the size needed has been written. */
  ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL = 4,
} attn_tokenizer_status;

typedef struct attn_tokenizer attn_tokenizer;
typedef struct attn_tokenizer_stream attn_tokenizer_stream;

/* The message of the last failed call on this thread ("" if none). Valid
 * until the next call into this API on the same thread. */
const char *attn_tokenizer_last_error(void);

/* Loads DIR/tokenizer.json and, if present, DIR/tokenizer_config.json. */
attn_tokenizer_status attn_tokenizer_load(const char *dir,
                                          attn_tokenizer **out);
/* Loads from the files' contents; config may be NULL or empty. */
attn_tokenizer_status
attn_tokenizer_load_from_memory(const char *tokenizer_json, size_t json_size,
                                const char *config_json, size_t config_size,
                                attn_tokenizer **out);
void attn_tokenizer_free(attn_tokenizer *tok);

/* One past the largest token id. */
int32_t attn_tokenizer_vocab_size(const attn_tokenizer *tok);
/* BOS and EOS ids, or -1 when the files name none. */
int32_t attn_tokenizer_bos_id(const attn_tokenizer *tok);
int32_t attn_tokenizer_eos_id(const attn_tokenizer *tok);
/* 1 if ATTN_TOKENIZER_ADD_SPECIAL puts BOS first (the configuration asks for
 * it), else 0. */
int attn_tokenizer_adds_bos(const attn_tokenizer *tok);
/* 1 if generation should stop after `id`: EOS, or a chat turn end such as
 * Llama 3's <|eot_id|>. */
int attn_tokenizer_is_end_of_generation(const attn_tokenizer *tok, int32_t id);
/* 1 if `id` is a special token (BOS, EOS, chat headers, ...). */
int attn_tokenizer_is_special(const attn_tokenizer *tok, int32_t id);
/* The id of the token spelled exactly `text` (as in tokenizer.json), or -1. */
int32_t attn_tokenizer_token_id(const attn_tokenizer *tok, const char *text);

/* Flags of attn_tokenizer_encode. */
enum {
  /* Add the special tokens the configuration asks for (Hugging Face's
   * add_special_tokens=True): for Llama 2, BOS. */
  ATTN_TOKENIZER_ADD_SPECIAL = 1u << 0,
  /* Start with BOS even if the configuration does not ask for it (Llama 3's
   * models expect it); never twice. */
  ATTN_TOKENIZER_ADD_BOS = 1u << 1,
  /* Encode special-token text such as "<|eot_id|>" as plain text, as for
   * untrusted input. */
  ATTN_TOKENIZER_SPECIAL_AS_TEXT = 1u << 2,
};

/* Encodes `len` bytes of UTF-8 `text`. Writes up to `capacity` ids and sets
 * *num_ids to the number the text needs; returns
 * ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL when that is more than `capacity`
 * (ids may be NULL when capacity is 0, to ask for the size). */
attn_tokenizer_status attn_tokenizer_encode(const attn_tokenizer *tok,
                                            const char *text, size_t len,
                                            uint32_t flags, int32_t *ids,
                                            size_t capacity, size_t *num_ids);

/* Flags of attn_tokenizer_decode and attn_tokenizer_stream_create. */
enum {
  /* Leave out special tokens (BOS, EOS, chat headers). */
  ATTN_TOKENIZER_SKIP_SPECIAL = 1u << 0,
};

/* Decodes `count` ids as Hugging Face's decode does; bytes that are not
 * valid UTF-8 become U+FFFD. Writes the text and a terminating NUL; *len
 * gets the text's length without it. Returns
 * ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL when capacity < *len + 1. */
attn_tokenizer_status attn_tokenizer_decode(const attn_tokenizer *tok,
                                            const int32_t *ids, size_t count,
                                            uint32_t flags, char *text,
                                            size_t capacity, size_t *len);

/* Streaming decoding: push ids one at a time and print what comes back. A
 * character whose bytes span several tokens is held back until complete;
 * the text printed always is valid UTF-8, and the pieces together equal
 * attn_tokenizer_decode of the ids for any ids that decode to valid UTF-8.
 * Like decode, a stream drops the one leading space of Llama 2 text; to
 * continue text already shown (a prompt), push its ids first and ignore what
 * comes back. The tokenizer must outlive the stream. */
attn_tokenizer_status attn_tokenizer_stream_create(const attn_tokenizer *tok,
                                                   uint32_t flags,
                                                   attn_tokenizer_stream **out);
void attn_tokenizer_stream_free(attn_tokenizer_stream *stream);
/* Adds `id`; *piece (not NUL-terminated, *len bytes, possibly 0) is the
 * text it completes, owned by the stream until its next call. */
attn_tokenizer_status attn_tokenizer_stream_push(attn_tokenizer_stream *stream,
                                                 int32_t id, const char **piece,
                                                 size_t *len);
/* Ends the text: bytes still held back (an incomplete character) come back
 * as U+FFFD. The stream then starts a new text. */
attn_tokenizer_status
attn_tokenizer_stream_finish(attn_tokenizer_stream *stream, const char **piece,
                             size_t *len);

/* A chat message; role is "system", "user" or "assistant". */
typedef struct attn_chat_message {
  const char *role;
  const char *content;
} attn_chat_message;

/* Flags of attn_tokenizer_encode_chat. */
enum {
  /* Start with BOS: the first turns of a conversation. */
  ATTN_TOKENIZER_CHAT_BEGIN = 1u << 0,
  /* End with the assistant's header, so the model answers next. */
  ATTN_TOKENIZER_CHAT_ASSISTANT_HEADER = 1u << 1,
};

/* Encodes messages in Llama 3's chat format (<|start_header_id|>role
 * <|end_header_id|>\n\n content <|eot_id|>), as its chat template does.
 * Special-token text inside roles and contents stays plain text. Output as
 * in attn_tokenizer_encode. Fails for a tokenizer without those tokens. */
attn_tokenizer_status
attn_tokenizer_encode_chat(const attn_tokenizer *tok,
                           const attn_chat_message *messages,
                           size_t num_messages, uint32_t flags, int32_t *ids,
                           size_t capacity, size_t *num_ids);

#ifdef __cplusplus
}
#endif

#endif /* ATTN_TOKENIZER_H */
