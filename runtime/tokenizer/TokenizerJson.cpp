//===- TokenizerJson.cpp - tokenizer.json into a Tokenizer ----------------===//
//
// Reads the parts of a Hugging Face tokenizer.json that the Llama family uses
// and names anything else in the error: an unknown model, normaliser,
// pre-tokenizer, decoder or post-processor type, or an option whose effect
// this implementation does not reproduce.
//
//===----------------------------------------------------------------------===//

#include "TokenizerJson.h"

#include "ByteLevel.h"
#include "Json.h"

#include <unordered_map>

namespace attn::tokenizer {

namespace {
/// Ids above this are rejected as nonsense before any table is sized by them.
constexpr int64_t MaxTokenId = (int64_t(1) << 24) - 1;

class Loader {
public:
  Loader(Tokenizer &tokenizer, const std::string &file, std::string &error)
      : tok(tokenizer), file(file), error(error) {}

  bool load(const Json &root);

private:
  bool fail(const std::string &path, const std::string &message) {
    error = file + ": " + path + ": " + message;
    return false;
  }
  bool expected(const std::string &path, const char *what, const Json &seen) {
    return fail(path, std::string("expected ") + what + ", got " +
                          describeJson(seen));
  }

  /// Reads optional `obj[key]` into `out`, keeping `out` when absent or null.
  bool optionalBool(const Json &obj, const std::string &path, const char *key,
                    bool &out);
  bool optionalString(const Json &obj, const std::string &path, const char *key,
                      std::string &out);
  bool requiredString(const Json &obj, const std::string &path, const char *key,
                      std::string &out);
  bool typeOf(const Json &obj, const std::string &path, std::string &type);
  /// A `{"String": s}` pattern (Replace normaliser and decoder).
  bool stringPattern(const Json &obj, const std::string &path,
                     std::string &pattern);

  /// A "Sequence" node: each element of its array `key` through `load`,
  /// each at its own path in errors.
  bool loadSequence(const Json &node, const std::string &path, const char *key,
                    bool (Loader::*load)(const Json &, const std::string &)) {
    auto it = node.find(key);
    if (it == node.end() || !it->is_array())
      return expected(path + "." + key, "an array",
                      it == node.end() ? Json() : *it);
    for (size_t i = 0; i < it->size(); ++i)
      if (!(this->*load)((*it)[i],
                         path + "." + key + "[" + std::to_string(i) + "]"))
        return false;
    return true;
  }

  bool loadPreTokenizer(const Json &node, const std::string &path);
  bool loadModel(const Json &node, const std::string &path);
  bool loadVocab(const Json &vocab, const std::string &path);
  bool loadMerges(const Json &merges, const std::string &path);
  bool loadAddedTokens(const Json &node, const std::string &path);
  bool loadNormalizer(const Json &node, const std::string &path);
  bool loadDecoder(const Json &node, const std::string &path);
  bool loadPostProcessor(const Json &node, const std::string &path);
  bool loadTemplate(const Json &node, const std::string &path);

  Tokenizer &tok;
  const std::string &file;
  std::string &error;
  /// Vocabulary spelling to id, for merges and the unknown token.
  std::unordered_map<std::string, int32_t> spellingIds;
  bool sawByteLevel = false;
};

bool Loader::optionalBool(const Json &obj, const std::string &path,
                          const char *key, bool &out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return true;
  if (!it->is_boolean())
    return expected(path + "." + key, "true or false", *it);
  out = it->get<bool>();
  return true;
}

bool Loader::optionalString(const Json &obj, const std::string &path,
                            const char *key, std::string &out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return true;
  if (!it->is_string())
    return expected(path + "." + key, "a string", *it);
  out = it->get<std::string>();
  return true;
}

bool Loader::requiredString(const Json &obj, const std::string &path,
                            const char *key, std::string &out) {
  if (!obj.contains(key))
    return fail(path, std::string("missing key '") + key + "'");
  return optionalString(obj, path, key, out) &&
         (!obj[key].is_null() ||
          expected(path + "." + key, "a string", obj[key]));
}

bool Loader::typeOf(const Json &obj, const std::string &path,
                    std::string &type) {
  if (!obj.is_object())
    return expected(path, "an object", obj);
  return requiredString(obj, path, "type", type);
}

bool Loader::stringPattern(const Json &obj, const std::string &path,
                           std::string &pattern) {
  auto it = obj.find("pattern");
  if (it == obj.end())
    return fail(path, "missing key 'pattern'");
  if (!it->is_object())
    return expected(path + ".pattern", "an object", *it);
  if (it->contains("Regex"))
    return fail(path + ".pattern",
                "Regex patterns are not supported here; only {\"String\": "
                "...}");
  if (!requiredString(*it, path + ".pattern", "String", pattern))
    return false;
  if (pattern.empty())
    return fail(path + ".pattern.String", "the pattern is empty");
  return true;
}

bool Loader::load(const Json &root) {
  if (!root.is_object())
    return expected("(top level)", "an object", root);
  // The pre-tokenizer decides the model's alphabet, so it comes first.
  if (root.contains("pre_tokenizer") &&
      !loadPreTokenizer(root["pre_tokenizer"], "pre_tokenizer"))
    return false;
  if (!root.contains("model"))
    return fail("(top level)", "missing key 'model'");
  if (!loadModel(root["model"], "model"))
    return false;
  tok.model.finalize();
  if (root.contains("added_tokens") &&
      !loadAddedTokens(root["added_tokens"], "added_tokens"))
    return false;
  if (root.contains("normalizer") &&
      !loadNormalizer(root["normalizer"], "normalizer"))
    return false;
  if (!root.contains("decoder") || root["decoder"].is_null())
    return fail("decoder", "missing; a decoder is needed to turn ids into "
                           "text");
  if (!loadDecoder(root["decoder"], "decoder"))
    return false;
  if (root.contains("post_processor") &&
      !loadPostProcessor(root["post_processor"], "post_processor"))
    return false;
  return true;
}

bool Loader::loadPreTokenizer(const Json &node, const std::string &path) {
  if (node.is_null())
    return true;
  std::string type;
  if (!typeOf(node, path, type))
    return false;
  if (type == "Sequence")
    return loadSequence(node, path, "pretokenizers", &Loader::loadPreTokenizer);
  if (type == "Split") {
    if (sawByteLevel)
      return fail(path, "a Split after a ByteLevel pre-tokenizer would match "
                        "byte-level characters; not supported");
    auto pattern = node.find("pattern");
    if (pattern == node.end() || !pattern->is_object())
      return expected(path + ".pattern", "an object",
                      pattern == node.end() ? Json() : *pattern);
    std::string regex;
    if (!requiredString(*pattern, path + ".pattern", "Regex", regex))
      return false;
    SplitPattern kind;
    if (!recognizeSplitPattern(regex, kind))
      return fail(
          path + ".pattern.Regex",
          "unsupported regex " + quote(regex) + "; supported: Llama 3's " +
              quote(splitPatternSource(SplitPattern::Llama3)) +
              " and GPT-2's " + quote(splitPatternSource(SplitPattern::Gpt2)));
    std::string behavior;
    if (!requiredString(node, path, "behavior", behavior))
      return false;
    if (behavior != "Isolated")
      return fail(path + ".behavior", "unsupported split behavior " +
                                          quote(behavior) +
                                          " (supported: 'Isolated')");
    bool invert = false;
    if (!optionalBool(node, path, "invert", invert))
      return false;
    if (invert)
      return fail(path + ".invert", "inverted splits are not supported");
    tok.preTokenizer.addSplit(kind);
    return true;
  }
  if (type == "ByteLevel") {
    bool addPrefixSpace = true, useRegex = true;
    if (!optionalBool(node, path, "add_prefix_space", addPrefixSpace) ||
        !optionalBool(node, path, "use_regex", useRegex))
      return false;
    if (addPrefixSpace)
      return fail(path + ".add_prefix_space",
                  "true is not supported (the Llama family uses false)");
    if (useRegex)
      tok.preTokenizer.addSplit(SplitPattern::Gpt2);
    sawByteLevel = true;
    tok.model.alphabet = BpeModel::Alphabet::Bytes;
    return true;
  }
  return fail(path + ".type", "unsupported pre-tokenizer type " + quote(type) +
                                  " (supported: 'Sequence', 'Split', "
                                  "'ByteLevel')");
}

bool Loader::loadModel(const Json &node, const std::string &path) {
  if (!node.is_object())
    return expected(path, "an object", node);
  std::string type = "BPE";
  if (!optionalString(node, path, "type", type))
    return false;
  if (type != "BPE")
    return fail(path + ".type", "unsupported model type " + quote(type) +
                                    " (supported: 'BPE')");
  if (auto it = node.find("dropout");
      it != node.end() && !it->is_null() &&
      !(it->is_number() && it->get<double>() == 0.0))
    return fail(path + ".dropout",
                "BPE dropout " + it->dump() +
                    " is not supported; inference needs null");
  for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    std::string affix;
    if (!optionalString(node, path, key, affix))
      return false;
    if (!affix.empty())
      return fail(path + "." + key, quote(affix) + " is not supported");
  }
  BpeModel &model = tok.model;
  if (!optionalBool(node, path, "byte_fallback", model.byteFallback) ||
      !optionalBool(node, path, "fuse_unk", model.fuseUnknown) ||
      !optionalBool(node, path, "ignore_merges", model.ignoreMerges))
    return false;

  if (!node.contains("vocab"))
    return fail(path, "missing key 'vocab'");
  if (!loadVocab(node["vocab"], path + ".vocab"))
    return false;
  if (!node.contains("merges"))
    return fail(path, "missing key 'merges'");
  if (!loadMerges(node["merges"], path + ".merges"))
    return false;

  std::string unk;
  if (!optionalString(node, path, "unk_token", unk))
    return false;
  if (!unk.empty()) {
    auto it = spellingIds.find(unk);
    if (it == spellingIds.end())
      return fail(path + ".unk_token",
                  quote(unk) + " is not in " + path + ".vocab");
    model.unknownId = it->second;
  }
  if (model.byteFallback) {
    static const char *hex = "0123456789ABCDEF";
    for (unsigned byte = 0; byte < 256; ++byte) {
      std::string name = "<0x";
      name += hex[byte >> 4];
      name += hex[byte & 15];
      name += '>';
      if (auto it = spellingIds.find(name); it != spellingIds.end())
        model.byteTokenIds[byte] = it->second;
    }
  }
  return true;
}

bool Loader::loadVocab(const Json &vocab, const std::string &path) {
  if (!vocab.is_object())
    return expected(path, "an object of token to id", vocab);
  if (vocab.empty())
    return fail(path, "the vocabulary is empty");
  bool bytes = tok.model.alphabet == BpeModel::Alphabet::Bytes;
  std::string key;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const Json &id = it.value();
    std::string where = path + "[" + quote(it.key()) + "]";
    if (!id.is_number_integer())
      return expected(where, "an integer id", id);
    int64_t value = id.get<int64_t>();
    if (value < 0 || value > MaxTokenId)
      return fail(where, "id " + std::to_string(value) + " is outside [0, " +
                             std::to_string(MaxTokenId) + "]");
    int32_t tokenId = int32_t(value);
    if (size_t(tokenId) < tok.exists.size() && tok.exists[tokenId])
      return fail(where, "id " + std::to_string(tokenId) +
                             " is also the id of " +
                             quote(tok.spelling(tokenId)));
    tok.setSpelling(tokenId, it.key(), /*isSpecial=*/false);
    spellingIds.emplace(it.key(), tokenId);
    // A byte-level vocabulary is keyed by the bytes it spells, so encoding
    // never maps text to byte-level characters.
    if (!bytes || !byteLevelToBytes(it.key(), key))
      key = it.key();
    tok.model.ids.emplace(key, tokenId);
  }
  return true;
}

bool Loader::loadMerges(const Json &merges, const std::string &path) {
  if (!merges.is_array())
    return expected(path, "an array", merges);
  std::string left, right;
  for (size_t i = 0; i < merges.size(); ++i) {
    const Json &merge = merges[i];
    std::string where = path + "[" + std::to_string(i) + "]";
    if (merge.is_string()) {
      // The older form "left right"; neither part contains a space.
      const std::string &text = merge.get_ref<const std::string &>();
      size_t space = text.find(' ');
      if (space == std::string::npos || space == 0 ||
          space + 1 == text.size() ||
          text.find(' ', space + 1) != std::string::npos)
        return fail(where, "expected two tokens separated by one space, got " +
                               quote(text));
      left = text.substr(0, space);
      right = text.substr(space + 1);
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() &&
               merge[1].is_string()) {
      left = merge[0].get<std::string>();
      right = merge[1].get<std::string>();
    } else {
      return expected(where, "\"left right\" or [left, right]", merge);
    }
    auto find = [&](const std::string &spelling, int32_t &id) {
      auto it = spellingIds.find(spelling);
      if (it == spellingIds.end())
        return fail(where, quote(spelling) + " is not in the vocabulary");
      id = it->second;
      return true;
    };
    int32_t leftId, rightId, resultId;
    if (!find(left, leftId) || !find(right, rightId) ||
        !find(left + right, resultId))
      return false;
    tok.model.addMerge(leftId, rightId, resultId, int32_t(i));
  }
  return true;
}

bool Loader::loadAddedTokens(const Json &node, const std::string &path) {
  if (!node.is_array())
    return expected(path, "an array", node);
  for (size_t i = 0; i < node.size(); ++i) {
    const Json &entry = node[i];
    std::string where = path + "[" + std::to_string(i) + "]";
    if (!entry.is_object())
      return expected(where, "an object", entry);
    AddedToken token;
    auto id = entry.find("id");
    if (id == entry.end())
      return fail(where, "missing key 'id'");
    if (!id->is_number_integer() || id->get<int64_t>() < 0 ||
        id->get<int64_t>() > MaxTokenId)
      return expected(
          where + ".id",
          ("an integer id in [0, " + std::to_string(MaxTokenId) + "]").c_str(),
          *id);
    token.id = int32_t(id->get<int64_t>());
    if (!requiredString(entry, where, "content", token.content))
      return false;
    if (token.content.empty())
      return fail(where + ".content", "an added token cannot be empty");
    if (!optionalBool(entry, where, "special", token.special))
      return false;
    token.normalized = !token.special;
    if (!optionalBool(entry, where, "normalized", token.normalized) ||
        !optionalBool(entry, where, "lstrip", token.lstrip) ||
        !optionalBool(entry, where, "rstrip", token.rstrip) ||
        !optionalBool(entry, where, "single_word", token.singleWord))
      return false;

    tok.setSpelling(token.id, token.content, token.special);
    tok.addedTokenIds[token.content] = token.id;
    if (token.normalized)
      tok.normalizedAddedTokens.add(token);
    else
      tok.rawAddedTokens.add(token);
  }
  return true;
}

bool Loader::loadNormalizer(const Json &node, const std::string &path) {
  if (node.is_null())
    return true;
  std::string type;
  if (!typeOf(node, path, type))
    return false;
  if (type == "Sequence")
    return loadSequence(node, path, "normalizers", &Loader::loadNormalizer);
  if (type == "Prepend") {
    std::string prefix;
    if (!requiredString(node, path, "prepend", prefix))
      return false;
    tok.normalizer.addPrepend(std::move(prefix));
    return true;
  }
  if (type == "Replace") {
    std::string pattern, content;
    if (!stringPattern(node, path, pattern) ||
        !requiredString(node, path, "content", content))
      return false;
    tok.normalizer.addReplace(std::move(pattern), std::move(content));
    return true;
  }
  return fail(path + ".type", "unsupported normalizer type " + quote(type) +
                                  " (supported: 'Sequence', 'Prepend', "
                                  "'Replace')");
}

bool Loader::loadDecoder(const Json &node, const std::string &path) {
  std::string type;
  if (!typeOf(node, path, type))
    return false;
  Decoder &decoder = tok.decoder;
  if (type == "Sequence")
    return loadSequence(node, path, "decoders", &Loader::loadDecoder);
  if (type == "Replace") {
    std::string pattern, content;
    if (!stringPattern(node, path, pattern) ||
        !requiredString(node, path, "content", content))
      return false;
    decoder.addReplace(std::move(pattern), std::move(content));
    return true;
  }
  if (type == "ByteFallback") {
    decoder.addByteFallback();
    return true;
  }
  if (type == "Fuse") {
    decoder.addFuse();
    return true;
  }
  if (type == "ByteLevel") {
    decoder.addByteLevel();
    return true;
  }
  if (type == "Strip") {
    std::string content;
    if (!requiredString(node, path, "content", content))
      return false;
    if (content.empty())
      return fail(path + ".content", "expected one character, got ''");
    unsigned counts[2] = {0, 0};
    const char *keys[2] = {"start", "stop"};
    for (int k = 0; k < 2; ++k) {
      auto it = node.find(keys[k]);
      if (it == node.end())
        continue;
      if (!it->is_number_unsigned() || it->get<uint64_t>() > 1024)
        return expected(path + "." + keys[k], "a count in [0, 1024]", *it);
      counts[k] = unsigned(it->get<uint64_t>());
    }
    decoder.addStrip(std::move(content), counts[0], counts[1]);
    return true;
  }
  return fail(path + ".type", "unsupported decoder type " + quote(type) +
                                  " (supported: 'Sequence', 'Replace', "
                                  "'ByteFallback', 'Fuse', 'Strip', "
                                  "'ByteLevel')");
}

bool Loader::loadPostProcessor(const Json &node, const std::string &path) {
  if (node.is_null())
    return true;
  std::string type;
  if (!typeOf(node, path, type))
    return false;
  if (type == "ByteLevel") // Only adjusts offsets; adds no tokens.
    return true;
  if (type == "TemplateProcessing")
    return loadTemplate(node, path);
  if (type == "Sequence")
    return loadSequence(node, path, "processors", &Loader::loadPostProcessor);
  return fail(path + ".type", "unsupported post-processor type " + quote(type) +
                                  " (supported: 'TemplateProcessing', "
                                  "'ByteLevel', 'Sequence')");
}

bool Loader::loadTemplate(const Json &node, const std::string &path) {
  auto single = node.find("single");
  if (single == node.end() || !single->is_array())
    return expected(path + ".single", "an array",
                    single == node.end() ? Json() : *single);
  const Json empty = Json::object();
  auto specials = node.find("special_tokens");
  const Json &table =
      specials != node.end() && specials->is_object() ? *specials : empty;

  tok.prefixIds.clear();
  tok.suffixIds.clear();
  bool sawSequence = false;
  for (size_t i = 0; i < single->size(); ++i) {
    const Json &piece = (*single)[i];
    std::string where = path + ".single[" + std::to_string(i) + "]";
    if (piece.is_object() && piece.contains("Sequence")) {
      sawSequence = true;
      continue;
    }
    if (!piece.is_object() || !piece.contains("SpecialToken"))
      return expected(where, "{\"SpecialToken\": ...} or {\"Sequence\": ...}",
                      piece);
    std::string name;
    if (!requiredString(piece["SpecialToken"], where + ".SpecialToken", "id",
                        name))
      return false;
    std::string tablePath = path + ".special_tokens[" + quote(name) + "]";
    if (!table.contains(name))
      return fail(tablePath, "missing; " + where + " refers to it");
    const Json &ids = table[name].is_object() && table[name].contains("ids")
                          ? table[name]["ids"]
                          : Json();
    if (!ids.is_array())
      return expected(tablePath + ".ids", "an array of ids", ids);
    for (size_t k = 0; k < ids.size(); ++k) {
      std::string idPath = tablePath + ".ids[" + std::to_string(k) + "]";
      if (!ids[k].is_number_integer())
        return expected(idPath, "an integer id", ids[k]);
      int64_t id = ids[k].get<int64_t>();
      if (id < 0 || id >= tok.vocabSize() || !tok.exists[id])
        return fail(idPath, "id " + std::to_string(id) + " names no token");
      (sawSequence ? tok.suffixIds : tok.prefixIds).push_back(int32_t(id));
    }
  }
  if (tok.prefixIds.size() == 1)
    tok.bosId = tok.prefixIds[0];
  return true;
}
} // namespace

bool loadTokenizerJson(const Json &root, const std::string &file,
                       Tokenizer &tokenizer, std::string &error) {
  return Loader(tokenizer, file, error).load(root);
}

} // namespace attn::tokenizer
