//===- Json.h - Reading JSON with precise error messages --------*- C++ -*-===//
//
// The project builds without exceptions, so nlohmann/json is used through its
// non-throwing API. These helpers add what that API lacks: the position of a
// syntax error (attn/Support/Json.h) and messages that name the file, the key
// path and the value seen.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_JSON_H
#define ATTN_TOKENIZER_JSON_H

#include "attn/Support/Json.h"

#include <string>
#include <string_view>

namespace attn::tokenizer {

using Json = support::Json;

/// Parses `text` into `out`. On failure returns false with
/// "<name>: invalid JSON at byte N (line L, column C): <reason>" in `error`,
/// byte N (1-based) being where the parser gave up.
bool parseJson(std::string_view text, const std::string &name, Json &out,
               std::string &error);

/// "string \"abc\"", "number 3", "an object", ...: what a message says was
/// found instead of what it expected.
std::string describeJson(const Json &value);

/// Quotes `text` for a message, cutting it short when long.
std::string quote(std::string_view text);

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_JSON_H
