//===- Decoder.h - Token spellings back to text -----------------*- C++ -*-===//
//
// The decoder chain of tokenizer.json, run step by step over the list of token
// spellings as Hugging Face's `decode_chain` does: `Replace` of a literal,
// `ByteFallback` (`<0xE2>` to a byte), `Fuse`, `Strip` and `ByteLevel`.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_DECODER_H
#define ATTN_TOKENIZER_DECODER_H

#include <string>
#include <string_view>
#include <vector>

namespace attn::tokenizer {

class Decoder {
public:
  void addReplace(std::string pattern, std::string content);
  void addByteFallback();
  void addFuse();
  /// Removes up to `start` leading and `stop` trailing `content` characters.
  void addStrip(std::string content, unsigned start, unsigned stop);
  void addByteLevel();

  /// The text of `tokens` (token spellings, in order), as Hugging Face
  /// decodes it: invalid UTF-8 becomes U+FFFD.
  std::string decode(std::vector<std::string> tokens) const;

  /// The bytes that one token's spelling stands for on its own, without
  /// replacing invalid UTF-8 and without the strips that apply to the whole
  /// text; the building block of streaming.
  void appendPieceBytes(std::string_view token, std::string &bytes) const;

  /// What a `Strip` after `Fuse` removes from the start of the whole text.
  struct LeadingStrip {
    std::string content;
    unsigned count = 0;
  };
  const LeadingStrip &leadingStrip() const { return textStrip; }

private:
  enum class Kind { Replace, ByteFallback, Fuse, Strip, ByteLevel };
  struct Step {
    Kind kind;
    std::string pattern = {}; ///< Replace's pattern, Strip's character.
    std::string content = {}; ///< Replace's content.
    unsigned start = 0, stop = 0;
  };
  std::vector<Step> steps;
  bool fused = false;
  LeadingStrip textStrip;
};

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_DECODER_H
