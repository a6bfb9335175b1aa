//===- TokenizerCommands.h - attn-run's use of the tokenizer ----*- C++ -*-===//
//
// Loading a tokenizer, encoding a prompt as generation wants it, and the
// --tokenize and --detokenize commands, which need no model.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_RUN_TOKENIZERCOMMANDS_H
#define ATTN_TOOLS_ATTN_RUN_TOKENIZERCOMMANDS_H

#include "Options.h"

#include "attn/tokenizer.h"

#include <memory>
#include <vector>

namespace attn::run {

struct TokenizerDeleter {
  void operator()(attn_tokenizer *tok) const { attn_tokenizer_free(tok); }
};
using TokenizerPtr = std::unique_ptr<attn_tokenizer, TokenizerDeleter>;

/// Loads options.tokenizer; null after printing the error.
TokenizerPtr loadTokenizer(const Options &options);

/// Prints "attn-run: error: ..." with the tokenizer's last error; returns 1.
int failTokenizer(const std::string &context = "");

/// The ids a model is given for `text` (--prompt, or --tokenize --chat):
/// the plain text with BOS, or with options.chat a Llama 3 chat turn ending
/// in the assistant's header. Prints the error and returns false on
/// failure.
bool encodePrompt(const attn_tokenizer *tok, const std::string &text,
                  const Options &options, std::vector<int32_t> &ids);

/// --tokenize: prints the ids of options.tokenizeText, comma-separated;
/// with --chat, those of the chat prompt.
int runTokenize(const Options &options);

/// --detokenize: prints the text of options.detokenizeIds.
int runDetokenize(const Options &options);

} // namespace attn::run

#endif // ATTN_TOOLS_ATTN_RUN_TOKENIZERCOMMANDS_H
