//===- PreTokenizer.h - Splitting text into words ---------------*- C++ -*-===//
//
// Byte-level BPE never merges across the word boundaries that a regex draws.
// Hugging Face runs that regex through Oniguruma; std::regex has no \p{L}, so
// the two patterns the Llama family uses are matched here by hand, with the
// same leftmost-first alternation and backtracking results.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_PRETOKENIZER_H
#define ATTN_TOKENIZER_PRETOKENIZER_H

#include <string_view>
#include <vector>

namespace attn::tokenizer {

/// A pre-tokenizer regex that this implementation knows how to match.
enum class SplitPattern {
  /// Llama 3's (and tiktoken's cl100k) pattern.
  Llama3,
  /// GPT-2's pattern, also what a ByteLevel pre-tokenizer with use_regex uses.
  Gpt2,
};

/// Recognises the regex source of a `Split` pre-tokenizer. Returns false for
/// any other pattern.
bool recognizeSplitPattern(std::string_view regex, SplitPattern &pattern);

/// The regex source of `pattern`, for messages and docs.
std::string_view splitPatternSource(SplitPattern pattern);

/// A sequence of regex splits with Hugging Face's `Isolated` behaviour: every
/// match, and every stretch between matches, becomes a word of its own.
class PreTokenizer {
public:
  void addSplit(SplitPattern pattern) { splits.push_back(pattern); }
  bool empty() const { return splits.empty(); }

  /// Appends the words of `text` (valid UTF-8) to `words`, as views into
  /// `text`, in order; they cover `text` exactly.
  void split(std::string_view text, std::vector<std::string_view> &words) const;

private:
  std::vector<SplitPattern> splits;
};

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_PRETOKENIZER_H
