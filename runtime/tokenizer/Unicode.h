//===- Unicode.h - UTF-8 decoding and character classes ---------*- C++ -*-===//
//
// What the tokenizer needs of Unicode: decoding UTF-8 the way Rust's
// `String::from_utf8_lossy` does (one U+FFFD per maximal invalid subpart), and
// the letter, number and whitespace classes of the pre-tokenizer regexes.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_UNICODE_H
#define ATTN_TOKENIZER_UNICODE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace attn::tokenizer {

/// One step of UTF-8 decoding.
struct DecodedChar {
  uint32_t codePoint; ///< U+FFFD when !valid.
  unsigned length;    ///< Bytes consumed: the character, or the maximal
                      ///< invalid subpart when !valid (at least 1).
  bool valid;
  /// The bytes are a valid prefix cut off by the end of the input: more
  /// input could complete them.
  bool truncated;
};

/// Decodes the character starting at `text[pos]` (pos < text.size()).
DecodedChar decodeUtf8(std::string_view text, size_t pos);

/// Returns the offset of the first invalid byte, or npos when `text` is
/// valid UTF-8.
size_t findInvalidUtf8(std::string_view text);

/// Appends `cp` encoded as UTF-8.
void appendUtf8(std::string &out, uint32_t cp);

/// Appends `bytes`, each maximal invalid subpart replaced by U+FFFD, as Rust's
/// `String::from_utf8_lossy` does.
void appendUtf8Lossy(std::string &out, std::string_view bytes);

inline constexpr uint32_t ReplacementChar = 0xFFFD;

/// \p{L}: general categories Lu, Ll, Lt, Lm, Lo.
bool isLetter(uint32_t cp);
/// \p{N}: general categories Nd, Nl, No.
bool isNumber(uint32_t cp);
/// \s: the White_Space property.
bool isWhitespace(uint32_t cp);

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_UNICODE_H
