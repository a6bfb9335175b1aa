//===- AddedTokens.h - Tokens matched literally in the text -----*- C++ -*-===//
//
// Added tokens (`<s>`, `<|eot_id|>`, ...) are found in the input before the
// normaliser runs and are never split by BPE. Like Hugging Face, the longest
// token that starts at the leftmost position wins.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_ADDEDTOKENS_H
#define ATTN_TOKENIZER_ADDEDTOKENS_H

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attn::tokenizer {

struct AddedToken {
  int32_t id;
  std::string content;
  bool special = false;
  /// Matched against normalised rather than raw text.
  bool normalized = false;
  /// Swallows whitespace on its left / right.
  bool lstrip = false;
  bool rstrip = false;
  /// Matches only where it is not part of a longer word.
  bool singleWord = false;
};

/// A stretch of text, or one added token found in it.
struct Segment {
  std::string_view text;
  int32_t tokenId = -1; ///< >= 0 for an added token.
};

class AddedTokenMatcher {
public:
  /// Adds `token`, whose content must be non-empty.
  void add(const AddedToken &token);

  /// Cuts `text` into segments; with `includeSpecial` false, tokens marked
  /// special are left in the text.
  void split(std::string_view text, bool includeSpecial,
             std::vector<Segment> &out) const;

  bool empty() const { return tokens.empty(); }

private:
  /// Candidates by first byte, longest first.
  std::array<std::vector<AddedToken>, 256> byFirstByte;
  std::vector<AddedToken> tokens;
};

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_ADDEDTOKENS_H
