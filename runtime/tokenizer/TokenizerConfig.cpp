//===- TokenizerConfig.cpp - BOS, EOS and add_bos from the config ---------===//
//
// transformers keeps the special tokens a model expects in
// tokenizer_config.json; where it says `add_bos_token` / `add_eos_token`, it
// rebuilds the post-processor from them, and so does this loader.
//
//===----------------------------------------------------------------------===//

#include "TokenizerJson.h"

namespace attn::tokenizer {

namespace {
/// Reads `key`, a token given as a string or as {"content": string}, into
/// `id`; absent or null leaves `id` alone.
bool readTokenKey(const Json &root, const std::string &file, const char *key,
                  const Tokenizer &tok, int32_t &id, std::string &error) {
  auto it = root.find(key);
  if (it == root.end() || it->is_null())
    return true;
  const Json *content = &*it;
  if (it->is_object() && it->contains("content"))
    content = &(*it)["content"];
  if (!content->is_string()) {
    error = file + ": " + key +
            ": expected a token string or {\"content\": string}, got " +
            describeJson(*it);
    return false;
  }
  const std::string &text = content->get_ref<const std::string &>();
  int32_t found = tok.findToken(text);
  if (found < 0) {
    error = file + ": " + key + ": " + quote(text) +
            " is not a token of the tokenizer";
    return false;
  }
  id = found;
  return true;
}

bool readFlag(const Json &root, const std::string &file, const char *key,
              int &flag, std::string &error) {
  auto it = root.find(key);
  if (it == root.end() || it->is_null())
    return true;
  if (!it->is_boolean()) {
    error = file + ": " + key + ": expected true or false, got " +
            describeJson(*it);
    return false;
  }
  flag = it->get<bool>();
  return true;
}
} // namespace

bool loadTokenizerConfig(const Json &root, const std::string &file,
                         Tokenizer &tok, std::string &error) {
  if (!root.is_object()) {
    error = file + ": expected an object at the top level, got " +
            describeJson(root);
    return false;
  }
  if (!readTokenKey(root, file, "bos_token", tok, tok.bosId, error) ||
      !readTokenKey(root, file, "eos_token", tok, tok.eosId, error))
    return false;

  int addBos = -1, addEos = -1;
  if (!readFlag(root, file, "add_bos_token", addBos, error) ||
      !readFlag(root, file, "add_eos_token", addEos, error))
    return false;
  auto require = [&](int32_t id, const char *flag, const char *token) {
    if (id >= 0)
      return true;
    error = file + ": " + flag + " is true but no " + token + " is given";
    return false;
  };
  if (addBos == 1 && !require(tok.bosId, "add_bos_token", "bos_token"))
    return false;
  if (addEos == 1 && !require(tok.eosId, "add_eos_token", "eos_token"))
    return false;
  if (addBos >= 0)
    tok.prefixIds =
        addBos ? std::vector<int32_t>{tok.bosId} : std::vector<int32_t>{};
  if (addEos >= 0)
    tok.suffixIds =
        addEos ? std::vector<int32_t>{tok.eosId} : std::vector<int32_t>{};
  return true;
}

} // namespace attn::tokenizer
