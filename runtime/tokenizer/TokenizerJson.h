//===- TokenizerJson.h - Reading tokenizer.json and its config --*- C++ -*-===//

#ifndef ATTN_TOKENIZER_TOKENIZERJSON_H
#define ATTN_TOKENIZER_TOKENIZERJSON_H

#include "Json.h"
#include "Tokenizer.h"

namespace attn::tokenizer {

/// Fills `tokenizer` from a parsed tokenizer.json; `file` names it in errors.
bool loadTokenizerJson(const Json &root, const std::string &file,
                       Tokenizer &tokenizer, std::string &error);

/// Applies a parsed tokenizer_config.json: BOS and EOS tokens and whether
/// encoding adds them.
bool loadTokenizerConfig(const Json &root, const std::string &file,
                         Tokenizer &tokenizer, std::string &error);

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_TOKENIZERJSON_H
