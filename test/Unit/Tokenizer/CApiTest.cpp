//===- CApiTest.cpp - The C API's contracts and error paths ---------------===//

#include "TestTokenizers.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace attn::test;
using Ids = std::vector<int32_t>;

namespace {

std::string lastError() { return attn_tokenizer_last_error(); }

/// A temporary folder holding the given files, removed afterwards.
class TempDir {
public:
  TempDir() {
    char pattern[] = "/tmp/attn-tokenizer-XXXXXX";
    path = mkdtemp(pattern) ? pattern : "";
  }
  ~TempDir() {
    for (const std::string &file : files)
      std::remove(file.c_str());
    rmdir(path.c_str());
  }
  void write(const std::string &name, const std::string &text) {
    files.push_back(path + "/" + name);
    std::ofstream(files.back(), std::ios::binary) << text;
  }
  std::string path;

private:
  std::vector<std::string> files;
};

TEST(TokenizerLoad, FromADirectoryWithConfig) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  dir.write("tokenizer.json", sentencePieceLike().dump());
  dir.write("tokenizer_config.json",
            Json{{"eos_token", "</s>"}, {"add_eos_token", true}}.dump());
  attn_tokenizer *raw = nullptr;
  ASSERT_EQ(attn_tokenizer_load(dir.path.c_str(), &raw), ATTN_TOKENIZER_OK)
      << lastError();
  TokenizerPtr tok(raw);
  EXPECT_EQ(encode(tok.get(), "a", ATTN_TOKENIZER_ADD_SPECIAL),
            (Ids{1, 12, 2}));
}

TEST(TokenizerLoad, MissingFilesNameThePath) {
  attn_tokenizer *tok = reinterpret_cast<attn_tokenizer *>(1);
  EXPECT_EQ(attn_tokenizer_load("/nonexistent/dir", &tok),
            ATTN_TOKENIZER_ERROR_IO);
  EXPECT_EQ(tok, nullptr);
  EXPECT_EQ(lastError(), "/nonexistent/dir/tokenizer.json: cannot open: No "
                         "such file or directory");
}

TEST(TokenizerLoad, ErrorsInTheConfigNameIt) {
  TempDir dir;
  dir.write("tokenizer.json", sentencePieceLike().dump());
  dir.write("tokenizer_config.json", "");
  attn_tokenizer *tok = nullptr;
  EXPECT_EQ(attn_tokenizer_load(dir.path.c_str(), &tok),
            ATTN_TOKENIZER_ERROR_FORMAT);
  EXPECT_EQ(lastError(), dir.path + "/tokenizer_config.json: the file is "
                                    "empty");
}

TEST(TokenizerLoad, NullArguments) {
  attn_tokenizer *tok = nullptr;
  EXPECT_EQ(attn_tokenizer_load(nullptr, &tok), ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(lastError(), "attn_tokenizer_load: dir is NULL");
  EXPECT_EQ(attn_tokenizer_load("/tmp", nullptr),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(attn_tokenizer_load_from_memory(nullptr, 0, nullptr, 0, &tok),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
}

class CApi : public ::testing::Test {
protected:
  TokenizerPtr tok = loadJson(sentencePieceLike());
  void SetUp() override { ASSERT_NE(tok, nullptr) << lastError(); }
};

TEST_F(CApi, EncodeReportsTheSizeNeeded) {
  size_t n = 0;
  EXPECT_EQ(attn_tokenizer_encode(tok.get(), "abc a", 5, 0, nullptr, 0, &n),
            ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL);
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(lastError(), "the text needs 3 ids but the buffer holds 0");
  int32_t ids[3] = {-1, -1, -1};
  EXPECT_EQ(attn_tokenizer_encode(tok.get(), "abc a", 5, 0, ids, 3, &n),
            ATTN_TOKENIZER_OK);
  EXPECT_EQ(Ids(ids, ids + 3), (Ids{12, 15, 12}));
}

TEST_F(CApi, EncodeRejectsInvalidUtf8) {
  size_t n = 7;
  EXPECT_EQ(attn_tokenizer_encode(tok.get(), "a\xFFz", 3, 0, nullptr, 0, &n),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(lastError(),
            "text is not valid UTF-8: byte 1 (0xFF) starts no valid character");
  // The tokenizer is still usable.
  EXPECT_EQ(encode(tok.get(), "ab"), (Ids{14}));
}

TEST_F(CApi, EncodeNullArguments) {
  size_t n;
  EXPECT_EQ(attn_tokenizer_encode(nullptr, "a", 1, 0, nullptr, 0, &n),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(attn_tokenizer_encode(tok.get(), nullptr, 1, 0, nullptr, 0, &n),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(lastError(), "attn_tokenizer_encode: text is NULL");
  EXPECT_EQ(attn_tokenizer_encode(tok.get(), "a", 1, 0, nullptr, 4, &n),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(attn_tokenizer_encode(tok.get(), "a", 1, 0, nullptr, 0, nullptr),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(attn_tokenizer_encode(tok.get(), nullptr, 0, 0, nullptr, 0, &n),
            ATTN_TOKENIZER_OK);
  EXPECT_EQ(n, 0u);
}

TEST_F(CApi, DecodeNamesTheBadId) {
  int32_t ids[] = {12, 99, 12};
  char text[16];
  size_t len;
  EXPECT_EQ(
      attn_tokenizer_decode(tok.get(), ids, 3, 0, text, sizeof(text), &len),
      ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(lastError(), "ids[1]: token id 99 is outside [0, 22)");
  ids[1] = -5;
  EXPECT_EQ(
      attn_tokenizer_decode(tok.get(), ids, 3, 0, text, sizeof(text), &len),
      ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(lastError(), "ids[1]: token id -5 is outside [0, 22)");
}

TEST_F(CApi, DecodeReportsTheSizeNeeded) {
  int32_t ids[] = {12, 15};
  char text[4];
  size_t len = 0;
  EXPECT_EQ(attn_tokenizer_decode(tok.get(), ids, 2, 0, text, 3, &len),
            ATTN_TOKENIZER_ERROR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(attn_tokenizer_decode(tok.get(), ids, 2, 0, text, 4, &len),
            ATTN_TOKENIZER_OK);
  EXPECT_STREQ(text, "abc");
}

TEST_F(CApi, StreamSurvivesABadId) {
  attn_tokenizer_stream *s = nullptr;
  ASSERT_EQ(attn_tokenizer_stream_create(tok.get(), 0, &s), ATTN_TOKENIZER_OK);
  const char *piece;
  size_t len;
  ASSERT_EQ(attn_tokenizer_stream_push(s, 5, &piece, &len), ATTN_TOKENIZER_OK);
  EXPECT_EQ(attn_tokenizer_stream_push(s, 1000, &piece, &len),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(lastError(), "token id 1000 is outside [0, 22)");
  EXPECT_EQ(len, 0u);
  ASSERT_EQ(attn_tokenizer_stream_push(s, 6, &piece, &len), ATTN_TOKENIZER_OK);
  ASSERT_EQ(attn_tokenizer_stream_push(s, 7, &piece, &len), ATTN_TOKENIZER_OK);
  EXPECT_EQ(std::string(piece, len), "\xE2\x82\xAC");
  EXPECT_EQ(attn_tokenizer_stream_push(nullptr, 7, &piece, &len),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(attn_tokenizer_stream_push(s, 7, nullptr, &len),
            ATTN_TOKENIZER_ERROR_ARGUMENT);
  attn_tokenizer_stream_free(s);
}

TEST_F(CApi, TokenLookups) {
  EXPECT_EQ(attn_tokenizer_token_id(tok.get(), "\xE2\x96\x81"
                                               "ab"),
            14);
  EXPECT_EQ(attn_tokenizer_token_id(tok.get(), "<sep>"), 20);
  EXPECT_EQ(attn_tokenizer_token_id(tok.get(), "nope"), -1);
  EXPECT_EQ(attn_tokenizer_token_id(tok.get(), nullptr), -1);
  EXPECT_TRUE(attn_tokenizer_is_special(tok.get(), 1));
  EXPECT_FALSE(attn_tokenizer_is_special(tok.get(), 12));
  EXPECT_FALSE(attn_tokenizer_is_special(tok.get(), 1000));
  EXPECT_EQ(attn_tokenizer_vocab_size(tok.get()), 22);
}

TEST_F(CApi, ChatMessagesMustHaveRoleAndContent) {
  attn_chat_message messages[] = {{"user", nullptr}};
  size_t n;
  EXPECT_EQ(
      attn_tokenizer_encode_chat(tok.get(), messages, 1, 0, nullptr, 0, &n),
      ATTN_TOKENIZER_ERROR_ARGUMENT);
  EXPECT_EQ(lastError(), "attn_tokenizer_encode_chat: messages[0].content is "
                         "NULL");
}

} // namespace
