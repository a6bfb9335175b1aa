//===- Load.cpp - Loading a tokenizer from its files ----------------------===//

#include "Tokenizer.h"
#include "TokenizerJson.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace attn::tokenizer {

namespace {
enum class ReadResult { Ok, Missing, Failed };

ReadResult readFile(const std::string &path, std::string &text,
                    std::string &error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    int err = errno;
    error = path + ": cannot open: " + std::strerror(err);
    return err == ENOENT ? ReadResult::Missing : ReadResult::Failed;
  }
  text.clear();
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0)
    text.append(buffer, n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) {
    error = path + ": read error";
    return ReadResult::Failed;
  }
  return ReadResult::Ok;
}

/// The tokens after which a model stops generating: EOS, and the turn ends
/// of chat formats where the vocabulary has them as special tokens.
void findEndOfGeneration(Tokenizer &tok) {
  auto add = [&](int32_t id) {
    if (id >= 0 &&
        std::find(tok.endOfGenerationIds.begin(), tok.endOfGenerationIds.end(),
                  id) == tok.endOfGenerationIds.end())
      tok.endOfGenerationIds.push_back(id);
  };
  add(tok.eosId);
  for (const char *name :
       {"</s>", "<|end_of_text|>", "<|eot_id|>", "<|eom_id|>"}) {
    int32_t id = tok.findToken(name);
    if (id >= 0 && tok.isSpecial(id))
      add(id);
  }
}
} // namespace

std::unique_ptr<Tokenizer> loadTokenizer(std::string_view jsonText,
                                         std::string_view configText,
                                         const std::string &jsonName,
                                         const std::string &configName,
                                         std::string &error) {
  auto tok = std::make_unique<Tokenizer>();
  Json root;
  if (!parseJson(jsonText, jsonName, root, error) ||
      !loadTokenizerJson(root, jsonName, *tok, error))
    return nullptr;
  if (!configText.empty()) {
    Json config;
    if (!parseJson(configText, configName, config, error) ||
        !loadTokenizerConfig(config, configName, *tok, error))
      return nullptr;
  }
  findEndOfGeneration(*tok);
  return tok;
}

std::unique_ptr<Tokenizer> loadTokenizerDirectory(const std::string &dir,
                                                  std::string &error) {
  std::string jsonName = dir + "/tokenizer.json";
  std::string configName = dir + "/tokenizer_config.json";
  std::string jsonText, configText;
  if (readFile(jsonName, jsonText, error) != ReadResult::Ok)
    return nullptr;
  if (jsonText.empty()) {
    error = jsonName + ": the file is empty";
    return nullptr;
  }
  std::string configError;
  switch (readFile(configName, configText, configError)) {
  case ReadResult::Ok:
    if (configText.empty()) {
      error = configName + ": the file is empty";
      return nullptr;
    }
    break;
  case ReadResult::Missing:
    configText.clear();
    break;
  case ReadResult::Failed:
    error = configError;
    return nullptr;
  }
  return loadTokenizer(jsonText, configText, jsonName, configName, error);
}

} // namespace attn::tokenizer
