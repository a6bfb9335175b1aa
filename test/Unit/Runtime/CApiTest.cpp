//===- CApiTest.cpp - Opening models and loading weights through the C API ===//

#include "FixtureModel.h"
#include "TestFiles.h"

#include "attn/Runtime/SafeTensors.h"
#include "attn/Runtime/SafeTensorsWriter.h"
#include "attn/abi.h"
#include "attn/runtime.h"

#include <gtest/gtest.h>

#include <thread>

using namespace attn::rt;
using namespace attn::rt::test;

namespace {

bool contains(const std::string &text, const std::string &needle) {
  return text.find(needle) != std::string::npos;
}

#define EXPECT_MESSAGE(needle)                                                 \
  EXPECT_TRUE(contains(attn_error_message(), needle))                          \
      << "message: " << attn_error_message() << "\nexpected: " << (needle)

/// Opens the tiny fixture, failing the test if it does not open.
attn_model *openTiny() {
  attn_model *model = nullptr;
  EXPECT_EQ(attn_model_open(fixturePath("tiny_model").c_str(), &model), ATTN_OK)
      << attn_error_message();
  return model;
}

/// Writes the fixture's weights, with `edit` applied to the tensor list.
template <typename Edit>
std::string writeEdited(const ScratchDir &dir, Edit edit) {
  std::vector<TensorSpec> specs;
  std::vector<std::vector<float>> values;
  for (const WeightSlot &slot : fixtureManifest().slots()) {
    specs.push_back({slot.name, DType::F32, slot.shape});
    values.emplace_back(elementCount(slot.shape), 0.5f);
  }
  edit(specs, values);
  std::string path = dir.file("model.safetensors");
  Status status = writeSafeTensors(path, specs, values);
  EXPECT_TRUE(status.ok()) << status.message();
  return path;
}

} // namespace

TEST(CApi, StatusNames) {
  EXPECT_STREQ(attn_status_name(ATTN_OK), "ATTN_OK");
  EXPECT_STREQ(attn_status_name(ATTN_ERROR_CACHE_FULL),
               "ATTN_ERROR_CACHE_FULL");
  EXPECT_STREQ(attn_status_name(attn_status(13)), "ATTN_ERROR_UNKNOWN");
  EXPECT_EQ(attn_runtime_abi_version(), ATTN_ABI_VERSION);
}

TEST(CApi, OpensTheFixtureAndAnswersQueries) {
  attn_model *model = openTiny();
  ASSERT_TRUE(model);
  EXPECT_EQ(attn_model_vocab_size(model), 11);
  EXPECT_EQ(attn_model_hidden_size(model), 4);
  EXPECT_EQ(attn_model_num_layers(model), 2);
  EXPECT_EQ(attn_model_num_kv_heads(model), 1);
  EXPECT_EQ(attn_model_head_dim(model), 2);
  EXPECT_EQ(attn_model_max_position_embeddings(model), 64);
  EXPECT_TRUE(contains(attn_model_manifest(model), "\"model_type\""));
  attn_model_close(model);
  EXPECT_EQ(attn_model_vocab_size(nullptr), 0);
  EXPECT_EQ(attn_model_manifest(nullptr), nullptr);
  attn_model_close(nullptr);
}

TEST(CApi, OpenErrors) {
  attn_model *model = reinterpret_cast<attn_model *>(1);
  EXPECT_EQ(attn_model_open(fixturePath("wrong_abi_version").c_str(), &model),
            ATTN_ERROR_ABI_VERSION);
  EXPECT_EQ(model, nullptr);
  EXPECT_MESSAGE("was built for ABI version 999; this runtime supports "
                 "version 3");

  EXPECT_EQ(attn_model_open(fixturePath("missing_logits").c_str(), &model),
            ATTN_ERROR_LIBRARY);
  EXPECT_MESSAGE("missing_logits.so' does not export 'attn_logits'");

  EXPECT_EQ(attn_model_open(fixturePath("broken_manifest").c_str(), &model),
            ATTN_ERROR_MANIFEST);
  EXPECT_MESSAGE("broken_manifest.so: manifest: not valid JSON at line 1, "
                 "column 32: syntax error while parsing value - unexpected "
                 "end of input");

  EXPECT_EQ(attn_model_open("/nonexistent/model.so", &model), ATTN_ERROR_IO);
  EXPECT_MESSAGE("cannot open model library '/nonexistent/model.so'");

  ScratchDir dir;
  writeBytes(dir.file("fake.so"), "not an ELF file");
  EXPECT_EQ(attn_model_open(dir.file("fake.so").c_str(), &model),
            ATTN_ERROR_LIBRARY);
  EXPECT_MESSAGE("cannot load model library");

  EXPECT_EQ(attn_model_open(nullptr, &model), ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_MESSAGE("library_path is NULL");
  EXPECT_EQ(attn_model_open("x", nullptr), ATTN_ERROR_INVALID_ARGUMENT);
}

TEST(CApi, ErrorMessagesArePerThread) {
  attn_model *model;
  ASSERT_NE(attn_model_open("/nonexistent/a.so", &model), ATTN_OK);
  std::string other;
  std::thread thread([&] {
    attn_model *m;
    other = attn_error_message(); // nothing failed on this thread yet
    EXPECT_NE(attn_model_open("/nonexistent/b.so", &m), ATTN_OK);
  });
  thread.join();
  EXPECT_EQ(other, "");
  EXPECT_MESSAGE("/nonexistent/a.so");
}

TEST(CApi, LoadsWeightsInPlaceWhenAligned) {
  ScratchDir dir;
  writeFixtureWeights(dir.file("model.safetensors"), DType::F32);
  attn_model *model = openTiny();
  ASSERT_EQ(attn_model_load_weights(model, dir.path().c_str()), ATTN_OK)
      << attn_error_message();
  // The f32 tensors are used from the mapping; only the two bf16 biases
  // (4 elements each) are converted.
  EXPECT_EQ(attn_model_copied_weight_bytes(model), 2 * 4 * 2);
  EXPECT_EQ(attn_model_load_weights(model, dir.path().c_str()),
            ATTN_ERROR_STATE);
  EXPECT_MESSAGE("already loaded");
  attn_model_close(model);
}

TEST(CApi, ConvertsEveryDiskDType) {
  for (DType disk : {DType::F16, DType::BF16}) {
    ScratchDir dir;
    writeFixtureWeights(dir.file("w.safetensors"), disk);
    attn_model *model = openTiny();
    ASSERT_EQ(attn_model_load_weights(model, dir.file("w.safetensors").c_str()),
              ATTN_OK)
        << attn_error_message();
    // bf16 on disk matches the biases' manifest type and stays in place.
    int64_t f32Bytes = (11 * 4 * 2 + 4 * 2 + 4) * 4;
    EXPECT_EQ(attn_model_copied_weight_bytes(model),
              disk == DType::BF16 ? f32Bytes : f32Bytes + 2 * 4 * 2);
    attn_model_close(model);
  }
}

TEST(CApi, MisalignedTensorsAreCopied) {
  ScratchDir dir;
  // A 2-byte tensor first puts every following f32 tensor off alignment.
  std::string path = writeEdited(dir, [](auto &specs, auto &values) {
    specs.insert(specs.begin(), {"a.pad", DType::F16, {1}});
    values.insert(values.begin(), {0.0f});
  });
  attn_model *model = openTiny();
  ASSERT_EQ(attn_model_load_weights(model, path.c_str()), ATTN_OK)
      << attn_error_message();
  EXPECT_GT(attn_model_copied_weight_bytes(model), 0);
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 8, &session), ATTN_OK);
  float logits[11];
  // The fixture returns 2 when a weight pointer is misaligned.
  EXPECT_EQ(attn_session_decode(session, 3, logits), ATTN_OK)
      << attn_error_message();
  attn_session_destroy(session);
  attn_model_close(model);
}

TEST(CApi, ThreadCount) {
  ScratchDir dir;
  std::string path = writeEdited(dir, [](auto &, auto &) {});
  attn_model *model = openTiny();
  ASSERT_EQ(attn_model_load_weights(model, path.c_str()), ATTN_OK)
      << attn_error_message();
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 8, &session), ATTN_OK);
  EXPECT_EQ(attn_session_threads(session), 0);
  EXPECT_EQ(attn_session_set_threads(session, -1), ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_MESSAGE("attn_session_set_threads: threads is -1; expected 0 (the "
                 "default) or a positive count");
  EXPECT_EQ(attn_session_threads(session), 0);
  EXPECT_EQ(attn_session_set_threads(nullptr, 2), ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_MESSAGE("attn_session_set_threads: session is NULL");
  // The fixture links no OpenMP: the count is kept and calls still run.
  ASSERT_EQ(attn_session_set_threads(session, 3), ATTN_OK);
  EXPECT_EQ(attn_session_threads(session), 3);
  float logits[11];
  EXPECT_EQ(attn_session_decode(session, 3, logits), ATTN_OK)
      << attn_error_message();
  attn_session_destroy(session);
  attn_model_close(model);
}

TEST(CApi, MissingTensor) {
  ScratchDir dir;
  std::string path = writeEdited(dir, [](auto &specs, auto &values) {
    specs.erase(specs.begin() + 2);
    values.erase(values.begin() + 2);
  });
  attn_model *model = openTiny();
  EXPECT_EQ(attn_model_load_weights(model, path.c_str()),
            ATTN_ERROR_WEIGHT_MISMATCH);
  EXPECT_MESSAGE(path + ": no tensor 'model.layers.1.input_layernorm.weight'"
                        " (the model expects shape [4], f32)");
  // The model stays usable: the right weights load afterwards.
  writeFixtureWeights(dir.file("model.safetensors"), DType::F32);
  EXPECT_EQ(attn_model_load_weights(model, path.c_str()), ATTN_OK)
      << attn_error_message();
  attn_model_close(model);
}

TEST(CApi, MisshapedTensor) {
  ScratchDir dir;
  std::string path = writeEdited(
      dir, [](auto &specs, auto &values) { specs[0].shape = {4, 11}; });
  attn_model *model = openTiny();
  EXPECT_EQ(attn_model_load_weights(model, path.c_str()),
            ATTN_ERROR_WEIGHT_MISMATCH);
  EXPECT_MESSAGE(path + ": tensor 'model.embed_tokens.weight' has shape "
                        "[4, 11]; the model expects [11, 4]");
  attn_model_close(model);
}

TEST(CApi, WrongDType) {
  ScratchDir dir;
  std::string path = dir.file("model.safetensors");
  // Write valid weights, then relabel one F32 tensor as I32 (same size).
  writeFixtureWeights(path, DType::F32);
  std::string bytes = readBytes(path);
  size_t at = bytes.find(R"("model.norm.weight":{"data_offsets")");
  ASSERT_NE(at, std::string::npos);
  size_t dtype = bytes.find("\"F32\"", at);
  bytes.replace(dtype, 5, "\"I32\"");
  writeBytes(path, bytes);
  attn_model *model = openTiny();
  EXPECT_EQ(attn_model_load_weights(model, path.c_str()),
            ATTN_ERROR_WEIGHT_MISMATCH);
  EXPECT_MESSAGE(path + ": tensor 'model.norm.weight' has dtype I32; the "
                        "runtime reads F32, F16 or BF16");
  attn_model_close(model);
}

TEST(CApi, BadWeightFiles) {
  ScratchDir dir;
  std::string path = dir.file("model.safetensors");
  writeFixtureWeights(path, DType::F32);
  std::string bytes = readBytes(path);
  writeBytes(path, bytes.substr(0, bytes.size() - 10));
  attn_model *model = openTiny();
  EXPECT_EQ(attn_model_load_weights(model, path.c_str()),
            ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_MESSAGE("outside the");
  EXPECT_EQ(attn_model_load_weights(model, "/nonexistent"), ATTN_ERROR_IO);
  EXPECT_EQ(attn_model_load_weights(model, nullptr),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attn_model_load_weights(nullptr, path.c_str()),
            ATTN_ERROR_INVALID_ARGUMENT);
  attn_model_close(model);
}

TEST(CApi, ShardedWeights) {
  ScratchDir dir;
  std::vector<TensorSpec> first, second;
  std::vector<std::vector<float>> firstValues, secondValues;
  std::string weightMap;
  size_t i = 0;
  for (const WeightSlot &slot : fixtureManifest().slots()) {
    bool inFirst = i++ % 2 == 0;
    (inFirst ? first : second).push_back({slot.name, DType::F32, slot.shape});
    (inFirst ? firstValues : secondValues)
        .emplace_back(elementCount(slot.shape), 0.25f);
    weightMap += std::string(weightMap.empty() ? "" : ", ") + "\"" + slot.name +
                 "\": \"" + (inFirst ? "one" : "two") + ".safetensors\"";
  }
  ASSERT_TRUE(
      writeSafeTensors(dir.file("one.safetensors"), first, firstValues).ok());
  writeBytes(dir.file("model.safetensors.index.json"),
             "{\"weight_map\": {" + weightMap + "}}");
  attn_model *model = openTiny();
  EXPECT_EQ(attn_model_load_weights(model, dir.path().c_str()),
            ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_MESSAGE("shard 'two.safetensors'");
  ASSERT_TRUE(
      writeSafeTensors(dir.file("two.safetensors"), second, secondValues).ok());
  EXPECT_EQ(attn_model_load_weights(model, dir.path().c_str()), ATTN_OK)
      << attn_error_message();
  attn_model_close(model);
}

TEST(CApi, SessionNeedsWeights) {
  attn_model *model = openTiny();
  attn_session *session = reinterpret_cast<attn_session *>(1);
  EXPECT_EQ(attn_session_create(model, 8, &session), ATTN_ERROR_STATE);
  EXPECT_EQ(session, nullptr);
  EXPECT_MESSAGE("before its weights are loaded");
  attn_model_close(model);
}

TEST(CApi, CacheSizeErrors) {
  attn_model *model;
  ASSERT_EQ(attn_model_open(fixturePath("huge_cache").c_str(), &model), ATTN_OK)
      << attn_error_message();
  ScratchDir dir;
  ASSERT_TRUE(
      writeSafeTensors(dir.file("w.safetensors"),
                       {{"model.embed_tokens.weight", DType::F32, {11, 4}}},
                       {std::vector<float>(44, 1.0f)})
          .ok());
  ASSERT_EQ(attn_model_load_weights(model, dir.path().c_str()), ATTN_OK)
      << attn_error_message();
  attn_session *session;
  // Without max_position_embeddings, 0 asks for ATTN_DEFAULT_CAPACITY: 2^54
  // bytes here, refused before allocating.
  EXPECT_EQ(attn_session_create(model, 0, &session), ATTN_ERROR_OUT_OF_MEMORY);
  EXPECT_MESSAGE("cannot allocate two KV-cache buffers of 18014398509481984 "
                 "bytes (capacity 4096)");
  // 2^20 heads x 2^20 dims x 2^30 positions x 4 bytes overflows 64 bits.
  EXPECT_EQ(attn_session_create(model, int64_t(1) << 30, &session),
            ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_MESSAGE("a KV cache of capacity 1073741824 does not fit in the "
                 "address space");
  // 2^62 bytes fit in 64 bits but in no machine.
  EXPECT_EQ(attn_session_create(model, int64_t(1) << 20, &session),
            ATTN_ERROR_OUT_OF_MEMORY);
  EXPECT_MESSAGE("cannot allocate two KV-cache buffers of 4611686018427387904 "
                 "bytes");
  // 4 TiB: an allocation the kernel may well grant (overcommit), which would
  // then be killed while zeroing. It is refused before allocating.
  EXPECT_EQ(attn_session_create(model, 1, &session), ATTN_ERROR_OUT_OF_MEMORY);
  EXPECT_MESSAGE("cannot allocate two KV-cache buffers of 4398046511104 bytes "
                 "(capacity 1): together more than the machine's ");
  EXPECT_MESSAGE(" bytes of physical memory");
  EXPECT_EQ(session, nullptr);
  attn_model_close(model);
}

TEST(CApi, DefaultCapacity) {
  ScratchDir dir;
  writeFixtureWeights(dir.file("model.safetensors"), DType::F32);
  // max_position_embeddings 64 and 131072: the default is the smaller of it
  // and ATTN_DEFAULT_CAPACITY.
  for (auto [fixture, expected] :
       {std::pair<const char *, int64_t>{"tiny_model", 64},
        {"long_context", ATTN_DEFAULT_CAPACITY}}) {
    attn_model *model;
    ASSERT_EQ(attn_model_open(fixturePath(fixture).c_str(), &model), ATTN_OK)
        << attn_error_message();
    ASSERT_EQ(attn_model_load_weights(model, dir.path().c_str()), ATTN_OK)
        << attn_error_message();
    attn_session *session;
    ASSERT_EQ(attn_session_create(model, 0, &session), ATTN_OK)
        << attn_error_message();
    EXPECT_EQ(attn_session_capacity(session), expected) << fixture;
    attn_session_destroy(session);
    attn_model_close(model);
  }
  EXPECT_EQ(ATTN_DEFAULT_CAPACITY, 4096);
}

TEST(CApi, CapacityAboveMaxPositionEmbeddings) {
  ScratchDir dir;
  writeFixtureWeights(dir.file("model.safetensors"), DType::F32);
  attn_model *model;
  ASSERT_EQ(attn_model_open(fixturePath("long_context").c_str(), &model),
            ATTN_OK)
      << attn_error_message();
  ASSERT_EQ(attn_model_load_weights(model, dir.path().c_str()), ATTN_OK)
      << attn_error_message();
  attn_session *session;
  ASSERT_EQ(attn_session_create(model, 131073, &session), ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(attn_session_capacity(session), 131073);
  attn_session_destroy(session);
  attn_model_close(model);
}

extern "C" attn_status attnTestRunFromC(const char *library,
                                        const char *weights, int32_t *next);

TEST(CApi, WorksFromC) {
  ScratchDir dir;
  writeFixtureWeights(dir.file("model.safetensors"), DType::F32);
  int32_t next = -1;
  ASSERT_EQ(attnTestRunFromC(fixturePath("tiny_model").c_str(),
                             dir.path().c_str(), &next),
            ATTN_OK)
      << attn_error_message();
  FixtureReference ref(DType::F32);
  ref.step(1);
  ref.step(2);
  std::vector<float> logits = ref.step(3);
  int32_t expected = 0;
  for (int32_t t = 1; t < kFixtureVocab; ++t)
    if (logits[t] > logits[expected])
      expected = t;
  EXPECT_EQ(next, expected);
  EXPECT_EQ(attnTestRunFromC("/nonexistent.so", dir.path().c_str(), &next),
            ATTN_ERROR_IO);
}
