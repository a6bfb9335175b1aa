//===- Bpe.cpp - Byte-pair encoding of one word ---------------------------===//

#include "Bpe.h"

#include "Unicode.h"

#include <queue>

namespace attn::tokenizer {

void BpeModel::addMerge(int32_t left, int32_t right, int32_t result,
                        int32_t rank) {
  merges.emplace(pairKey(left, right), Merge{rank, result});
}

const BpeModel::Merge *BpeModel::findMerge(int32_t left, int32_t right) const {
  auto it = merges.find(pairKey(left, right));
  return it == merges.end() ? nullptr : &it->second;
}

void BpeModel::finalize() {
  for (unsigned byte = 0; byte < 256; ++byte) {
    auto it = ids.find(std::string(1, static_cast<char>(byte)));
    singleByteIds[byte] = it == ids.end() ? -1 : it->second;
  }
}

void BpeModel::initialSymbols(std::string_view word,
                              std::vector<int32_t> &out) const {
  std::string key;
  bool lastWasUnknown = false;
  for (size_t pos = 0; pos < word.size();) {
    // Byte-level vocabularies have every byte; skip the hash lookup.
    if (alphabet == Alphabet::Bytes) {
      int32_t id = singleByteIds[static_cast<unsigned char>(word[pos])];
      if (id >= 0) {
        out.push_back(id);
        lastWasUnknown = false;
        ++pos;
        continue;
      }
    }
    size_t length = 1;
    if (alphabet == Alphabet::Characters)
      length = decodeUtf8(word, pos).length;
    key.assign(word.substr(pos, length));
    pos += length;

    if (auto it = ids.find(key); it != ids.end()) {
      out.push_back(it->second);
      lastWasUnknown = false;
      continue;
    }
    if (byteFallback) {
      bool all = true;
      for (char byte : key)
        all &= byteTokenIds[static_cast<unsigned char>(byte)] >= 0;
      if (all) {
        for (char byte : key)
          out.push_back(byteTokenIds[static_cast<unsigned char>(byte)]);
        lastWasUnknown = false;
        continue;
      }
    }
    // Without an unknown token, Hugging Face drops the character.
    if (unknownId < 0)
      continue;
    if (!(fuseUnknown && lastWasUnknown))
      out.push_back(unknownId);
    lastWasUnknown = true;
  }
}

void BpeModel::encodeWord(std::string_view word,
                          std::vector<int32_t> &out) const {
  if (ignoreMerges) {
    thread_local std::string key;
    key.assign(word);
    if (auto it = ids.find(key); it != ids.end()) {
      out.push_back(it->second);
      return;
    }
  }

  // Symbols form a linked list over `symbols`; a merge keeps the left one and
  // unlinks the right one.
  std::vector<int32_t> symbols;
  initialSymbols(word, symbols);
  size_t n = symbols.size();
  if (n < 2) {
    out.insert(out.end(), symbols.begin(), symbols.end());
    return;
  }
  std::vector<int32_t> prev(n), next(n);
  for (size_t i = 0; i < n; ++i) {
    prev[i] = int32_t(i) - 1;
    next[i] = i + 1 < n ? int32_t(i + 1) : -1;
  }

  struct Candidate {
    int32_t rank;
    int32_t pos;
    int32_t result;
    bool operator>(const Candidate &o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  auto consider = [&](int32_t pos) {
    if (pos < 0 || next[pos] < 0)
      return;
    if (const Merge *m = findMerge(symbols[pos], symbols[next[pos]]))
      queue.push({m->rank, pos, m->result});
  };
  for (size_t i = 0; i + 1 < n; ++i)
    consider(int32_t(i));

  constexpr int32_t Removed = -1;
  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    // Skip candidates that earlier merges made stale.
    if (symbols[top.pos] == Removed || next[top.pos] < 0)
      continue;
    int32_t right = next[top.pos];
    const Merge *m = findMerge(symbols[top.pos], symbols[right]);
    if (!m || m->result != top.result)
      continue;

    symbols[top.pos] = top.result;
    symbols[right] = Removed;
    next[top.pos] = next[right];
    if (next[right] >= 0)
      prev[next[right]] = top.pos;
    consider(prev[top.pos]);
    consider(top.pos);
  }
  for (int32_t i = 0; i >= 0; i = next[i])
    out.push_back(symbols[i]);
}

} // namespace attn::tokenizer
