//===- Tokenizer.h - A loaded tokenizer.json --------------------*- C++ -*-===//
//
// The whole pipeline of a Hugging Face tokenizer: added tokens are split out
// of the raw text, each remaining stretch is normalised, pre-tokenised into
// words and BPE-encoded; the post-processor's special tokens are added around
// the result. Decoding maps ids to spellings and runs the decoder chain.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_TOKENIZER_H
#define ATTN_TOKENIZER_TOKENIZER_H

#include "AddedTokens.h"
#include "Bpe.h"
#include "Decoder.h"
#include "Normalizer.h"
#include "PreTokenizer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attn::tokenizer {

struct EncodeOptions {
  /// Add what the post-processor (or tokenizer_config.json) asks for.
  bool addSpecial = false;
  /// Start with BOS whatever the configuration says (once).
  bool addBos = false;
  /// Treat special-token text as plain text (for untrusted input).
  bool specialAsText = false;
};

class Tokenizer {
public:
  /// Encodes `text`, which must be valid UTF-8, appending ids to `out`.
  /// Returns false with a message in `error` otherwise.
  bool encode(std::string_view text, const EncodeOptions &options,
              std::vector<int32_t> &out, std::string &error) const;

  /// Decodes `ids` as Hugging Face's `decode` does. Returns false with a
  /// message in `error` for an id that names no token.
  bool decode(const int32_t *ids, size_t count, bool skipSpecial,
              std::string &text, std::string &error) const;

  /// Returns false with a message in `error` if `id` names no token.
  bool checkId(int32_t id, std::string &error) const;

  /// The spelling of `id` in tokenizer.json; `id` must be valid.
  const std::string &spelling(int32_t id) const { return spellings[id]; }
  bool isSpecial(int32_t id) const { return special[id]; }
  /// The id of the token spelled exactly `text`, or -1.
  int32_t findToken(std::string_view text) const;

  int32_t vocabSize() const { return int32_t(spellings.size()); }
  const Decoder &getDecoder() const { return decoder; }

  int32_t bosId = -1;
  int32_t eosId = -1;
  /// What `addSpecial` puts before and after the text.
  std::vector<int32_t> prefixIds, suffixIds;
  /// Tokens after which generation stops: EOS and the chat turn ends.
  std::vector<int32_t> endOfGenerationIds;

  // Filled by the loader.
  BpeModel model;
  Normalizer normalizer;
  PreTokenizer preTokenizer;
  AddedTokenMatcher rawAddedTokens, normalizedAddedTokens;
  Decoder decoder;
  /// Indexed by id; a gap in the ids has an empty spelling and !exists.
  std::vector<std::string> spellings;
  std::vector<bool> special, exists;
  std::unordered_map<std::string, int32_t> addedTokenIds;

  /// Gives `id` the spelling `text`, growing the tables as needed.
  void setSpelling(int32_t id, std::string text, bool isSpecial);

private:
  void encodeText(std::string_view text, std::vector<int32_t> &out) const;
};

/// Loads `dir`/tokenizer.json and, where present, `dir`/tokenizer_config.json.
/// Returns null with a message naming the file, key and value in `error`.
std::unique_ptr<Tokenizer> loadTokenizerDirectory(const std::string &dir,
                                                  std::string &error);

/// Loads from the contents of the two files; `configText` may be empty.
/// `jsonName` and `configName` name them in messages.
std::unique_ptr<Tokenizer> loadTokenizer(std::string_view jsonText,
                                         std::string_view configText,
                                         const std::string &jsonName,
                                         const std::string &configName,
                                         std::string &error);

/// A chat message for `encodeLlama3Chat`.
struct ChatMessage {
  std::string_view role;
  std::string_view content;
};

/// Encodes `messages` in Llama 3's chat format, as its chat template renders
/// them: optional BOS, then per message `<|start_header_id|>role
/// <|end_header_id|>\n\n` + trimmed content + `<|eot_id|>`, then optionally
/// the assistant's header that asks the model to answer. Roles and contents
/// are plain text: special-token text inside them is not honoured.
bool encodeLlama3Chat(const Tokenizer &tokenizer,
                      const std::vector<ChatMessage> &messages, bool addBos,
                      bool addAssistantHeader, std::vector<int32_t> &out,
                      std::string &error);

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_TOKENIZER_H
