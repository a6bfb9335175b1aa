//===- MalformedTest.cpp - Bad tokenizer files get clear errors -----------===//
//
// Each case breaks one thing in an otherwise valid file and checks that
// loading fails with a message naming the key and what was wrong.
//
//===----------------------------------------------------------------------===//

#include "TestTokenizers.h"

#include <gtest/gtest.h>

#include <functional>

using namespace attn::test;

namespace {

struct Case {
  const char *name;
  std::function<void(Json &)> breakIt;
  const char *message;
};

/// Loads `json` and `config` and returns the error, or "<loaded>".
std::string loadError(const std::string &json, const std::string &config) {
  attn_tokenizer *tok = nullptr;
  attn_tokenizer_status status = attn_tokenizer_load_from_memory(
      json.data(), json.size(), config.data(), config.size(), &tok);
  if (status == ATTN_TOKENIZER_OK) {
    attn_tokenizer_free(tok);
    return "<loaded>";
  }
  EXPECT_EQ(tok, nullptr);
  EXPECT_EQ(status, ATTN_TOKENIZER_ERROR_FORMAT);
  return attn_tokenizer_last_error();
}

const Case cases[] = {
    {"ModelMissing", [](Json &j) { j.erase("model"); },
     "tokenizer.json: (top level): missing key 'model'"},
    {"UnknownModelType", [](Json &j) { j["model"]["type"] = "Unigram"; },
     "model.type: unsupported model type 'Unigram' (supported: 'BPE')"},
    {"VocabNotObject", [](Json &j) { j["model"]["vocab"] = Json::array(); },
     "model.vocab: expected an object of token to id, got an array"},
    {"VocabEmpty", [](Json &j) { j["model"]["vocab"] = Json::object(); },
     "model.vocab: the vocabulary is empty"},
    {"VocabIdString", [](Json &j) { j["model"]["vocab"]["a"] = "9"; },
     "model.vocab['a']: expected an integer id, got string '9'"},
    {"VocabIdNegative", [](Json &j) { j["model"]["vocab"]["a"] = -3; },
     "model.vocab['a']: id -3 is outside [0, 16777215]"},
    {"VocabIdHuge", [](Json &j) { j["model"]["vocab"]["a"] = 1ll << 40; },
     "model.vocab['a']: id 1099511627776 is outside"},
    {"VocabIdTwice", [](Json &j) { j["model"]["vocab"]["b"] = 9; },
     "is also the id of"},
    {"MergeWithoutSpace", [](Json &j) { j["model"]["merges"][1] = "bc"; },
     "model.merges[1]: expected two tokens separated by one space, got 'bc'"},
    {"MergeOfUnknownToken", [](Json &j) { j["model"]["merges"][0] = "a q"; },
     "model.merges[0]: 'q' is not in the vocabulary"},
    {"MergeResultUnknown", [](Json &j) { j["model"]["merges"][0] = "c c"; },
     "model.merges[0]: 'cc' is not in the vocabulary"},
    {"MergeNumber", [](Json &j) { j["model"]["merges"][0] = 5; },
     "model.merges[0]: expected \"left right\" or [left, right], got number 5"},
    {"MergesMissing", [](Json &j) { j["model"].erase("merges"); },
     "model: missing key 'merges'"},
    {"UnknownTokenNotInVocab", [](Json &j) { j["model"]["unk_token"] = "?"; },
     "model.unk_token: '?' is not in model.vocab"},
    {"Dropout", [](Json &j) { j["model"]["dropout"] = 0.1; },
     "model.dropout: BPE dropout 0.1 is not supported"},
    {"SubwordPrefix",
     [](Json &j) { j["model"]["continuing_subword_prefix"] = "##"; },
     "model.continuing_subword_prefix: '##' is not supported"},
    {"ByteFallbackNotBool", [](Json &j) { j["model"]["byte_fallback"] = 1; },
     "model.byte_fallback: expected true or false, got number 1"},
    {"UnknownNormalizer",
     [](Json &j) { j["normalizer"]["normalizers"][0]["type"] = "NFKC"; },
     "normalizer.normalizers[0].type: unsupported normalizer type 'NFKC'"},
    {"ReplaceRegex",
     [](Json &j) {
       j["normalizer"]["normalizers"][1]["pattern"] = {{"Regex", " +"}};
     },
     "normalizer.normalizers[1].pattern: Regex patterns are not supported"},
    {"NormalizerWithoutType", [](Json &j) { j["normalizer"] = Json::object(); },
     "normalizer: missing key 'type'"},
    {"UnknownPreTokenizer",
     [](Json &j) { j["pre_tokenizer"] = {{"type", "Whitespace"}}; },
     "pre_tokenizer.type: unsupported pre-tokenizer type 'Whitespace'"},
    {"UnknownRegex",
     [](Json &j) {
       j["pre_tokenizer"] = {{"type", "Split"},
                             {"pattern", {{"Regex", "\\w+"}}},
                             {"behavior", "Isolated"}};
     },
     "pre_tokenizer.pattern.Regex: unsupported regex '\\w+'"},
    {"AddedTokenEmpty", [](Json &j) { j["added_tokens"][3]["content"] = ""; },
     "added_tokens[3].content: an added token cannot be empty"},
    {"AddedTokenIdMissing", [](Json &j) { j["added_tokens"][2].erase("id"); },
     "added_tokens[2]: missing key 'id'"},
    {"AddedTokenIdText", [](Json &j) { j["added_tokens"][2]["id"] = "2"; },
     "added_tokens[2].id: expected an integer id in [0, 16777215], got "
     "string '2'"},
    {"DecoderMissing", [](Json &j) { j.erase("decoder"); },
     "decoder: missing; a decoder is needed"},
    {"UnknownDecoder",
     [](Json &j) { j["decoder"]["decoders"][2]["type"] = "WordPiece"; },
     "decoder.decoders[2].type: unsupported decoder type 'WordPiece'"},
    {"StripCountNegative",
     [](Json &j) { j["decoder"]["decoders"][3]["start"] = -1; },
     "decoder.decoders[3].start: expected a count in [0, 1024], got number -1"},
    {"UnknownPostProcessor",
     [](Json &j) { j["post_processor"] = {{"type", "BertProcessing"}}; },
     "post_processor.type: unsupported post-processor type 'BertProcessing'"},
    {"TemplateNamesMissingToken",
     [](Json &j) { j["post_processor"]["special_tokens"].erase("<s>"); },
     "post_processor.special_tokens['<s>']: missing; "
     "post_processor.single[0] refers to it"},
    {"TemplateIdOutOfRange",
     [](Json &j) {
       j["post_processor"]["special_tokens"]["<s>"]["ids"] = {99999};
     },
     "post_processor.special_tokens['<s>'].ids[0]: id 99999 names no token"},
    {"TopLevelArray", [](Json &j) { j = Json::array(); },
     "(top level): expected an object, got an array"},
};

class Malformed : public ::testing::TestWithParam<Case> {};

TEST_P(Malformed, NamesTheProblem) {
  Json json = sentencePieceLike();
  GetParam().breakIt(json);
  std::string error = loadError(json.dump(), "");
  EXPECT_NE(error.find(GetParam().message), std::string::npos)
      << "error: " << error;
}

INSTANTIATE_TEST_SUITE_P(SentencePieceLike, Malformed,
                         ::testing::ValuesIn(cases),
                         [](const auto &info) { return info.param.name; });

TEST(MalformedByteLevel, RejectsWhatItCannotReproduce) {
  Json json = byteLevelLike();
  json["pre_tokenizer"]["pretokenizers"][1]["add_prefix_space"] = true;
  EXPECT_NE(
      loadError(json.dump(), "")
          .find("pre_tokenizer.pretokenizers[1].add_prefix_space: true is not "
                "supported"),
      std::string::npos);

  json = byteLevelLike();
  json["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Removed";
  EXPECT_NE(
      loadError(json.dump(), "")
          .find("pre_tokenizer.pretokenizers[0].behavior: unsupported split "
                "behavior 'Removed'"),
      std::string::npos);

  json = byteLevelLike();
  std::swap(json["pre_tokenizer"]["pretokenizers"][0],
            json["pre_tokenizer"]["pretokenizers"][1]);
  EXPECT_NE(loadError(json.dump(), "").find("a Split after a ByteLevel"),
            std::string::npos);
}

TEST(MalformedJson, SyntaxErrorsGiveTheOffset) {
  std::string error = loadError("{\"model\": {\"type\": }", "");
  EXPECT_NE(error.find("tokenizer.json: invalid JSON at byte 20 (line 1, "
                       "column 20): syntax error while parsing value - "
                       "unexpected '}'"),
            std::string::npos)
      << error;
  // Lines and columns count from the last newline; a byte of invalid UTF-8
  // that nlohmann quotes is escaped, not copied to the terminal.
  error = loadError("{\n  \"model\": {\n    \"type\": \"ll\xff\"}}", "");
  EXPECT_NE(error.find("tokenizer.json: invalid JSON at byte 31 (line 3, "
                       "column 16): "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("last read: '\"ll\\xff'"), std::string::npos) << error;
  EXPECT_EQ(error.find('\xff'), std::string::npos) << error;
  error = loadError("", "");
  EXPECT_NE(error.find("tokenizer.json: invalid JSON at byte "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("unexpected end of input"), std::string::npos) << error;
}

TEST(MalformedJson, EveryTruncationFailsCleanly) {
  // A file cut short anywhere is an error, never a crash.
  std::string json = sentencePieceLike().dump();
  for (size_t len = 0; len + 1 < json.size(); ++len)
    EXPECT_NE(loadError(json.substr(0, len), ""), "<loaded>") << len;
  json = byteLevelLike().dump();
  for (size_t len = 0; len + 1 < json.size(); len += 97)
    EXPECT_NE(loadError(json.substr(0, len), ""), "<loaded>") << len;
}

TEST(MalformedConfig, NamesTheKey) {
  std::string json = sentencePieceLike().dump();
  EXPECT_NE(loadError(json, "{\"bos_token\": \"<nope>\"}")
                .find("tokenizer_config.json: bos_token: '<nope>' is not a "
                      "token of the tokenizer"),
            std::string::npos);
  EXPECT_NE(loadError(json, "{\"eos_token\": 7}")
                .find("tokenizer_config.json: eos_token: expected a token "
                      "string or {\"content\": string}, got number 7"),
            std::string::npos);
  EXPECT_NE(loadError(json, "{\"add_bos_token\": \"yes\"}")
                .find("tokenizer_config.json: add_bos_token: expected true "
                      "or false, got string 'yes'"),
            std::string::npos);
  EXPECT_NE(loadError(json, "{\"add_eos_token\": true}")
                .find("add_eos_token is true but no eos_token is given"),
            std::string::npos);
  EXPECT_NE(loadError(json, "[1]")
                .find("tokenizer_config.json: expected an "
                      "object at the top level, got an "
                      "array"),
            std::string::npos);
  EXPECT_NE(loadError(json, "{").find("tokenizer_config.json: invalid JSON"),
            std::string::npos);
}

} // namespace
