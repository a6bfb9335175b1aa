//===- Json.h - Parsing JSON with positioned errors -------------*- C++ -*-===//
//
// The project builds without exceptions, so nlohmann/json is used through its
// non-throwing API, which only says that a text was invalid. parseJson adds
// where and why, for the config, tokenizer, manifest and safetensors readers
// alike; each caller words the message in its own format.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_SUPPORT_JSON_H
#define ATTN_SUPPORT_JSON_H

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace attn::support {

using Json = nlohmann::json;

/// Where and why a text is not JSON.
struct JsonSyntaxError {
  /// 0-based offset of the byte at which the parser gave up (the text's size
  /// when it ended early).
  size_t offset = 0;
  /// 1-based line and column of that byte; columns count bytes.
  size_t line = 1;
  size_t column = 1;
  /// nlohmann's reason without its "[json.exception...] parse error at ...:"
  /// prefix, with bytes that are not printable ASCII written as `\xNN`.
  std::string reason;

  /// "line L, column C", for messages.
  std::string lineAndColumn() const;
};

/// Parses `text` as one JSON document into `out`. Returns false, with `out`
/// discarded and `error` filled in, when the text is not JSON.
bool parseJson(std::string_view text, Json &out, JsonSyntaxError &error);

/// `text` with every byte that is not printable ASCII written as `\xNN`, so
/// that a binary file quoted in a message does not garble the terminal.
std::string escapeNonPrintable(std::string_view text);

/// Describes `value` for an error message: scalars as JSON text (cut short
/// after 80 characters), containers by kind only ("an object", "an array"),
/// since printing them recurses once per level and they may be arbitrarily
/// large or deep.
std::string describeJson(const Json &value);

} // namespace attn::support

#endif // ATTN_SUPPORT_JSON_H
