//===- ErrorsTest.cpp - Bad input through the C API, on a real model ------===//
//
// The runtime's own tests drive these errors through a stand-in library;
// here a model compiled by attnc meets them, and after each the same model
// (or session) still gives the reference's logits.
//
//===----------------------------------------------------------------------===//

#include "CompiledModel.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace attn_e2e;
namespace ref = attn::reference;

namespace {

::testing::AssertionResult containsText(const char *, const char *,
                                        const std::string &text,
                                        const std::string &needle) {
  if (text.find(needle) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "'" << text << "' does not contain '" << needle << "'";
}

constexpr const char *kVariant = "gqa";

class ErrorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    compiled = compiledModel(kVariant);
    ASSERT_NE(compiled, nullptr);
    vocab = compiled->tinyModel().config.vocabSize;
    tokens = randomTokens(8, vocab, 11);
  }

  /// Checks that a session on `model` prefills `tokens` with the reference's
  /// logits: what "still usable" means.
  void expectUsable(attn_model *model, attn_session *session = nullptr) {
    attn_session *own = nullptr;
    if (!session) {
      ASSERT_EQ(attn_session_create(model, 16, &own), ATTN_OK)
          << attn_error_message();
      session = own;
    }
    int64_t start = attn_session_position(session);
    std::vector<float> logits(tokens.size() * vocab);
    ASSERT_EQ(attn_session_prefill(session, tokens.data(), tokens.size(),
                                   ATTN_PREFILL_ALL_LOGITS, logits.data()),
              ATTN_OK)
        << attn_error_message();
    ref::ReferenceModel reference = compiled->reference();
    std::string error;
    std::vector<int64_t> all(start, 0);
    if (start > 0)
      all = std::vector<int64_t>(prefix.begin(), prefix.end());
    all.insert(all.end(), tokens.begin(), tokens.end());
    std::optional<ref::ReferenceTensor> expected =
        reference.forward(all, 0, error);
    ASSERT_TRUE(expected) << error;
    std::vector<double> tail(expected->data.end() - logits.size(),
                             expected->data.end());
    EXPECT_TRUE(rowsClose(logits, tail, vocab));
    attn_session_destroy(own);
  }

  /// Opens the library without weights.
  void openBare(OpenModel &open) {
    ASSERT_EQ(attn_model_open(compiled->libraryPath().c_str(), &open.model),
              ATTN_OK)
        << attn_error_message();
  }

  /// Writes `weights` to a file in the model's folder named `name`.
  std::string writeFile(const std::string &name,
                        const ref::WeightMap &weights) {
    std::string path = compiled->folder() + "/" + name;
    std::string error =
        writeWeights(path, weights, compiled->tinyModel().storage);
    EXPECT_EQ(error, "");
    return path;
  }

  /// Loading `path` fails with `status` and a message holding `needle`; the
  /// model then loads its real weights and runs.
  void expectLoadError(const std::string &path, attn_status status,
                       const std::string &needle) {
    OpenModel open;
    openBare(open);
    EXPECT_EQ(attn_model_load_weights(open.model, path.c_str()), status);
    EXPECT_PRED_FORMAT2(containsText, std::string(attn_error_message()),
                        needle);
    ASSERT_EQ(
        attn_model_load_weights(open.model, compiled->weightsPath().c_str()),
        ATTN_OK)
        << attn_error_message();
    expectUsable(open.model);
  }

  const CompiledModel *compiled = nullptr;
  int64_t vocab = 0;
  std::vector<int32_t> tokens;
  /// Tokens already in a session before expectUsable.
  std::vector<int32_t> prefix;
};

} // namespace

TEST_F(ErrorsTest, TokenOutOfRange) {
  OpenModel open;
  ASSERT_TRUE(openModel(*compiled, open));
  attn_session *session = nullptr;
  ASSERT_EQ(attn_session_create(open.model, 16, &session), ATTN_OK);
  std::vector<float> logits(vocab);
  for (int32_t bad : {int32_t(vocab), int32_t(-1), int32_t(1) << 30}) {
    std::vector<int32_t> input = {3, bad, 5};
    EXPECT_EQ(attn_session_prefill(session, input.data(), 3, 0, logits.data()),
              ATTN_ERROR_TOKEN_OUT_OF_RANGE);
    EXPECT_PRED_FORMAT2(containsText, std::string(attn_error_message()),
                        "token id " + std::to_string(bad) + " at index 1");
    EXPECT_EQ(attn_session_decode(session, bad, logits.data()),
              ATTN_ERROR_TOKEN_OUT_OF_RANGE);
    EXPECT_EQ(attn_session_position(session), 0);
  }
  expectUsable(open.model, session);
  attn_session_destroy(session);
}

TEST_F(ErrorsTest, SequenceLongerThanTheCache) {
  OpenModel open;
  ASSERT_TRUE(openModel(*compiled, open));
  attn_session *session = nullptr;
  ASSERT_EQ(attn_session_create(open.model, 10, &session), ATTN_OK);
  std::vector<int32_t> eleven = randomTokens(11, vocab, 3);
  std::vector<float> logits(vocab);
  EXPECT_EQ(attn_session_prefill(session, eleven.data(), 11, 0, logits.data()),
            ATTN_ERROR_CACHE_FULL);
  EXPECT_EQ(attn_session_position(session), 0);
  // Two tokens in, then eight more do not fit; the two are kept.
  prefix = {eleven[0], eleven[1]};
  ASSERT_EQ(attn_session_prefill(session, prefix.data(), 2, 0, logits.data()),
            ATTN_OK);
  std::vector<int32_t> nine = randomTokens(9, vocab, 4);
  EXPECT_EQ(attn_session_prefill(session, nine.data(), 9, 0, logits.data()),
            ATTN_ERROR_CACHE_FULL);
  EXPECT_PRED_FORMAT2(containsText, std::string(attn_error_message()), "10");
  EXPECT_EQ(attn_session_position(session), 2);
  expectUsable(open.model, session);
  EXPECT_EQ(attn_session_position(session), 10);
  EXPECT_EQ(attn_session_decode(session, 1, logits.data()),
            ATTN_ERROR_CACHE_FULL);
  attn_session_destroy(session);
}

TEST_F(ErrorsTest, MissingTensor) {
  ref::WeightMap weights = compiled->weights();
  weights.erase("model.layers.1.mlp.up_proj.weight");
  expectLoadError(writeFile("missing.safetensors", weights),
                  ATTN_ERROR_WEIGHT_MISMATCH,
                  "model.layers.1.mlp.up_proj.weight");
}

TEST_F(ErrorsTest, MisShapedTensor) {
  ref::WeightMap weights = compiled->weights();
  ref::ReferenceTensor &k = weights["model.layers.0.self_attn.k_proj.weight"];
  std::swap(k.shape[0], k.shape[1]);
  expectLoadError(writeFile("misshaped.safetensors", weights),
                  ATTN_ERROR_WEIGHT_MISMATCH,
                  "model.layers.0.self_attn.k_proj.weight");
}

/// A safetensors file whose norm weight is stored as I32, a dtype that is
/// not a float the runtime converts.
TEST_F(ErrorsTest, WrongDtypeTensor) {
  std::string name = "model.norm.weight";
  int64_t hidden = compiled->tinyModel().config.hiddenSize;
  std::string header = "{\"" + name + "\":{\"dtype\":\"I32\",\"shape\":[" +
                       std::to_string(hidden) + "],\"data_offsets\":[0," +
                       std::to_string(4 * hidden) + "]}}";
  std::string path = compiled->folder() + "/wrong-dtype.safetensors";
  {
    std::ofstream file(path, std::ios::binary);
    uint64_t length = header.size();
    file.write(reinterpret_cast<const char *>(&length), 8);
    file << header << std::string(4 * hidden, '\0');
  }
  // The other tensors come from the real file: a directory with both would
  // be ambiguous, so the folder holds this file alone.
  std::string folder = compiled->folder() + "/wrong-dtype";
  ASSERT_FALSE(llvm::sys::fs::create_directory(folder));
  ref::WeightMap rest = compiled->weights();
  rest.erase(name);
  writeFile("wrong-dtype/rest.safetensors", rest);
  ASSERT_FALSE(llvm::sys::fs::rename(path, folder + "/norm.safetensors"));
  expectLoadError(folder, ATTN_ERROR_WEIGHT_MISMATCH, "I32");
}

TEST_F(ErrorsTest, TruncatedFile) {
  std::string path = compiled->folder() + "/truncated.safetensors";
  ASSERT_FALSE(llvm::sys::fs::copy_file(compiled->weightsPath(), path));
  uint64_t size = 0;
  ASSERT_FALSE(llvm::sys::fs::file_size(path, size));
  ASSERT_EQ(::truncate(path.c_str(), off_t(size - 100)), 0);
  expectLoadError(path, ATTN_ERROR_WEIGHTS_FORMAT, "truncated.safetensors");
}

TEST_F(ErrorsTest, WeightsLoadedTwice) {
  OpenModel open;
  ASSERT_TRUE(openModel(*compiled, open));
  EXPECT_EQ(
      attn_model_load_weights(open.model, compiled->weightsPath().c_str()),
      ATTN_ERROR_STATE);
  expectUsable(open.model);
}
