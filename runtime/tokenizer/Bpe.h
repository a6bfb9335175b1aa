//===- Bpe.h - Byte-pair encoding of one word -------------------*- C++ -*-===//
//
// The BPE model of tokenizer.json: a word starts as one symbol per character
// (per byte for byte-level vocabularies) and the adjacent pair with the lowest
// merge rank is merged until no ranked pair is left, leftmost first on ties,
// exactly as Hugging Face's `Word::merge_all` does.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_BPE_H
#define ATTN_TOKENIZER_BPE_H

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attn::tokenizer {

class BpeModel {
public:
  /// How a word is cut into initial symbols.
  enum class Alphabet {
    /// One symbol per UTF-8 character, spelled as in the vocabulary.
    Characters,
    /// One symbol per byte; vocabulary keys are the raw bytes their
    /// byte-level spelling stands for.
    Bytes,
  };

  Alphabet alphabet = Alphabet::Characters;
  /// Characters missing from the vocabulary become their `<0xXX>` tokens.
  bool byteFallback = false;
  /// A word that is itself in the vocabulary is taken whole.
  bool ignoreMerges = false;
  /// Runs of unknown characters become one unknown token.
  bool fuseUnknown = false;
  int32_t unknownId = -1;

  /// Vocabulary key (in the alphabet's spelling) to id.
  std::unordered_map<std::string, int32_t> ids;
  /// For byte fallback: the id of `<0xXX>`, or -1.
  std::array<int32_t, 256> byteTokenIds;

  BpeModel() {
    byteTokenIds.fill(-1);
    singleByteIds.fill(-1);
  }

  /// Call once `ids` is complete: caches what encoding looks up per byte.
  void finalize();

  /// Records that `left` followed by `right` merges into `result` with the
  /// given rank; an earlier merge of the same pair wins.
  void addMerge(int32_t left, int32_t right, int32_t result, int32_t rank);

  /// Appends the ids of `word` to `out`.
  void encodeWord(std::string_view word, std::vector<int32_t> &out) const;

private:
  struct Merge {
    int32_t rank;
    int32_t result;
  };
  static uint64_t pairKey(int32_t left, int32_t right) {
    return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
  }
  const Merge *findMerge(int32_t left, int32_t right) const;
  void initialSymbols(std::string_view word, std::vector<int32_t> &out) const;

  std::unordered_map<uint64_t, Merge> merges;
  /// For the Bytes alphabet: the id of each one-byte key, or -1.
  std::array<int32_t, 256> singleByteIds;
};

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_BPE_H
