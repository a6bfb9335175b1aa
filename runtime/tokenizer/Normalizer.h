//===- Normalizer.h - Text rewriting before pre-tokenization ----*- C++ -*-===//
//
// The normalisers that Llama-family tokenizer.json files use: `Prepend`
// (SentencePiece's dummy prefix "▁") and `Replace` of a literal string (spaces
// to "▁"), applied in order. Each stretch of text between added tokens is
// normalised on its own, as Hugging Face does.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_NORMALIZER_H
#define ATTN_TOKENIZER_NORMALIZER_H

#include <string>
#include <string_view>
#include <vector>

namespace attn::tokenizer {

class Normalizer {
public:
  /// Prepends `prefix` to non-empty text.
  void addPrepend(std::string prefix);
  /// Replaces every occurrence of `pattern` (non-empty) with `content`.
  void addReplace(std::string pattern, std::string content);

  bool empty() const { return steps.empty(); }
  std::string normalize(std::string_view text) const;

private:
  struct Step {
    bool isPrepend;
    std::string pattern; ///< The prefix of a Prepend.
    std::string content;
  };
  std::vector<Step> steps;
};

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_NORMALIZER_H
