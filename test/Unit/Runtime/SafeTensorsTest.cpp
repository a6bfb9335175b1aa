//===- SafeTensorsTest.cpp - The safetensors reader on good and bad files -===//

#include "TestFiles.h"

#include "attn/Runtime/SafeTensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <unistd.h>

using namespace attn::rt;
using namespace attn::rt::test;

namespace {

std::string floatBytes(std::vector<float> values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float));
}

/// Opens `bytes` written to a scratch file; returns the status.
Status openBytes(const ScratchDir &dir, const std::string &bytes,
                 std::unique_ptr<SafeTensorsFile> &file) {
  std::string path = dir.file("t.safetensors");
  writeBytes(path, bytes);
  return SafeTensorsFile::open(path, file);
}

void expectFormatError(const std::string &bytes, const std::string &needle) {
  ScratchDir dir;
  std::unique_ptr<SafeTensorsFile> file;
  Status status = openBytes(dir, bytes, file);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT) << status.message();
  EXPECT_NE(status.message().find(needle), std::string::npos)
      << "message: " << status.message() << "\nexpected to contain: " << needle;
  EXPECT_NE(status.message().find(dir.file("t.safetensors")), std::string::npos)
      << "the message names the file: " << status.message();
}

const char kGoodHeader[] =
    R"({"__metadata__": {"format": "pt"},
        "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
        "b": {"dtype": "BF16", "shape": [3], "data_offsets": [16, 22]},
        "c": {"dtype": "I64", "shape": [1], "data_offsets": [22, 30]}})";

std::string goodData() {
  std::string data = floatBytes({1, 2, 3, 4});
  data += std::string("\x80\x3f\x00\x40\x40\x40", 6); // bf16 1, 2, 3
  data += std::string(8, '\x07');
  return data;
}

} // namespace

TEST(SafeTensors, ReadsAGoodFile) {
  ScratchDir dir;
  std::unique_ptr<SafeTensorsFile> file;
  Status status =
      openBytes(dir, safetensorsBytes(kGoodHeader, goodData()), file);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(file->tensors().size(), 3u);
  const TensorInfo *a = nullptr, *b = nullptr, *c = nullptr;
  for (const TensorInfo &t : file->tensors())
    (t.name == "a" ? a : t.name == "b" ? b : c) = &t;
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(a->dtype, DType::F32);
  float values[4];
  std::memcpy(values, a->data, 16);
  EXPECT_EQ(values[3], 4.0f);
  EXPECT_EQ(b->dtype, DType::BF16);
  EXPECT_EQ(b->byteSize, 6u);
  EXPECT_EQ(b->data, a->data + 16);
  EXPECT_FALSE(c->dtype) << "I64 is read but not convertible";
  EXPECT_EQ(c->dtypeName, "I64");
}

TEST(SafeTensors, TruncatedLength) {
  expectFormatError(std::string("\x10\x00\x00", 3), "too short");
}

TEST(SafeTensors, HeaderLongerThanFile) {
  std::string bytes = safetensorsBytes(kGoodHeader, goodData());
  bytes[0] = '\xff';
  bytes[1] = '\xff';
  expectFormatError(bytes, "header length 65535 exceeds");
}

// A header length claiming gigabytes is refused from the file size alone,
// before anything is read or allocated for the header.
TEST(SafeTensors, HeaderClaimsGigabytes) {
  std::string bytes = safetensorsBytes(kGoodHeader, goodData());
  const uint64_t claimed = uint64_t(3) << 30;
  for (int i = 0; i < 8; ++i)
    bytes[i] = char((claimed >> (8 * i)) & 0xff);
  expectFormatError(bytes, "header length 3221225472 exceeds the");
}

// A file really that large (sparse, so the test writes nothing) still gets
// no header parse of gigabytes: the header is capped at 100 MiB.
TEST(SafeTensors, HeaderOverTheLimit) {
  ScratchDir dir;
  std::string path = dir.file("t.safetensors");
  const uint64_t claimed = uint64_t(3) << 30;
  std::string length(8, '\0');
  for (int i = 0; i < 8; ++i)
    length[i] = char((claimed >> (8 * i)) & 0xff);
  writeBytes(path, length + "{");
  ASSERT_EQ(truncate(path.c_str(), off_t(8 + claimed)), 0);
  std::unique_ptr<SafeTensorsFile> file;
  Status status = SafeTensorsFile::open(path, file);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_NE(status.message().find("header length 3221225472 is over the 100 "
                                  "MiB limit"),
            std::string::npos)
      << status.message();
}

// Found by attn-safetensors-fuzzer: the message printed the shape entry,
// and printing recursed once per level of nesting until the stack overflowed.
TEST(SafeTensors, DeeplyNestedShapeEntry) {
  constexpr size_t kDepth = 1000000;
  std::string header = R"({"a": {"dtype": "F32", "shape": [)" +
                       std::string(kDepth, '[') + std::string(kDepth, ']') +
                       R"(], "data_offsets": [0, 0]}})";
  expectFormatError(safetensorsBytes(header, ""),
                    "tensor 'a' has shape entry an array that is not a "
                    "non-negative integer");
}

TEST(SafeTensors, TruncatedData) {
  std::string bytes = safetensorsBytes(kGoodHeader, goodData());
  bytes.resize(bytes.size() - 3);
  expectFormatError(bytes, "tensor 'c' has data_offsets [22, 30] outside the "
                           "27-byte data section");
}

TEST(SafeTensors, HeaderNotJson) {
  expectFormatError(safetensorsBytes("{\"a\": ", ""),
                    "header is not valid JSON at line 1, column 7: syntax "
                    "error while parsing value - unexpected end of input");
  expectFormatError(safetensorsBytes("[1, 2]", ""), "not a JSON object");
}

TEST(SafeTensors, LyingShape) {
  // The header claims 3x2 floats (24 bytes) in a 16-byte range.
  expectFormatError(
      safetensorsBytes(
          R"({"a": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 16]}})",
          floatBytes({1, 2, 3, 4})),
      "tensor 'a' has data_offsets [0, 16] spanning 16 bytes, but dtype F32 "
      "and shape [3, 2] need 24");
}

TEST(SafeTensors, OffsetsOutsideTheFile) {
  expectFormatError(safetensorsBytes(R"({"a": {"dtype": "F32", "shape": [1],
                               "data_offsets": [4096, 4100]}})",
                                     floatBytes({1})),
                    "outside the 4-byte data section");
}

TEST(SafeTensors, OffsetsReversed) {
  expectFormatError(
      safetensorsBytes(
          R"({"a": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}})",
          floatBytes({1})),
      "end before they begin");
}

TEST(SafeTensors, OverlappingTensors) {
  expectFormatError(
      safetensorsBytes(
          R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
              "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
          floatBytes({1, 2, 3})),
      "tensors 'a' and 'b' overlap");
}

TEST(SafeTensors, UnknownDType) {
  expectFormatError(
      safetensorsBytes(
          R"({"a": {"dtype": "F31", "shape": [1], "data_offsets": [0, 4]}})",
          floatBytes({1})),
      "tensor 'a' has unknown dtype 'F31'");
}

TEST(SafeTensors, MalformedEntries) {
  expectFormatError(safetensorsBytes(R"({"a": 3})", ""),
                    "tensor 'a' is not a JSON object");
  expectFormatError(
      safetensorsBytes(R"({"a": {"shape": [1], "data_offsets": [0, 4]}})",
                       floatBytes({1})),
      "tensor 'a' has no string 'dtype'");
  expectFormatError(
      safetensorsBytes(
          R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})",
          floatBytes({1})),
      "not a non-negative integer");
  expectFormatError(safetensorsBytes(R"({"a": {"dtype": "F32", "shape": [1]}})",
                                     floatBytes({1})),
                    "no 'data_offsets' pair");
  expectFormatError(
      safetensorsBytes(R"({"a": {"dtype": "F32", "shape": [4294967296,
                               4294967296], "data_offsets": [0, 4]}})",
                       floatBytes({1})),
      "overflows");
}

TEST(SafeTensors, MissingFile) {
  std::unique_ptr<SafeTensorsFile> file;
  Status status = SafeTensorsFile::open("/nonexistent/x.safetensors", file);
  EXPECT_EQ(status.code(), ATTN_ERROR_IO);
  EXPECT_NE(status.message().find("/nonexistent/x.safetensors"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// WeightStore: files, directories and sharded indexes
//===----------------------------------------------------------------------===//

namespace {
std::string oneTensor(const std::string &name, float value) {
  return safetensorsBytes(R"({")" + name +
                              R"(": {"dtype": "F32", "shape": [1], )"
                              R"("data_offsets": [0, 4]}})",
                          floatBytes({value}));
}
} // namespace

TEST(WeightStore, Directory) {
  ScratchDir dir;
  writeBytes(dir.file("b.safetensors"), oneTensor("y", 2));
  writeBytes(dir.file("a.safetensors"), oneTensor("x", 1));
  writeBytes(dir.file("notes.txt"), "ignored");
  std::unique_ptr<WeightStore> store;
  Status status = WeightStore::open(dir.path(), store);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_TRUE(store->find("x") && store->find("y"));
  EXPECT_EQ(store->find("y")->file->path(), dir.file("b.safetensors"));
  EXPECT_FALSE(store->find("z"));
}

TEST(WeightStore, EmptyDirectory) {
  ScratchDir dir;
  std::unique_ptr<WeightStore> store;
  Status status = WeightStore::open(dir.path(), store);
  EXPECT_EQ(status.code(), ATTN_ERROR_IO);
  EXPECT_NE(status.message().find("neither model.safetensors.index.json"),
            std::string::npos)
      << status.message();
}

TEST(WeightStore, DuplicateAcrossFiles) {
  ScratchDir dir;
  writeBytes(dir.file("a.safetensors"), oneTensor("x", 1));
  writeBytes(dir.file("b.safetensors"), oneTensor("x", 2));
  std::unique_ptr<WeightStore> store;
  Status status = WeightStore::open(dir.path(), store);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_NE(status.message().find("tensor 'x' is in both"), std::string::npos)
      << status.message();
}

TEST(WeightStore, ShardedIndex) {
  ScratchDir dir;
  writeBytes(dir.file("model-00001-of-00002.safetensors"), oneTensor("x", 1));
  writeBytes(dir.file("model-00002-of-00002.safetensors"), oneTensor("y", 2));
  writeBytes(dir.file("model.safetensors.index.json"),
             R"({"metadata": {"total_size": 8}, "weight_map": {
                   "x": "model-00001-of-00002.safetensors",
                   "y": "model-00002-of-00002.safetensors"}})");
  for (std::string path :
       {dir.path(), dir.file("model.safetensors.index.json")}) {
    std::unique_ptr<WeightStore> store;
    Status status = WeightStore::open(path, store);
    ASSERT_TRUE(status.ok()) << status.message();
    ASSERT_TRUE(store->find("y"));
    float y;
    std::memcpy(&y, store->find("y")->tensor->data, 4);
    EXPECT_EQ(y, 2.0f);
  }
}

TEST(WeightStore, ShardedIndexMissingShard) {
  ScratchDir dir;
  writeBytes(dir.file("model-00001-of-00002.safetensors"), oneTensor("x", 1));
  writeBytes(dir.file("model.safetensors.index.json"),
             R"({"weight_map": {"x": "model-00001-of-00002.safetensors",
                                "y": "model-00002-of-00002.safetensors"}})");
  std::unique_ptr<WeightStore> store;
  Status status = WeightStore::open(dir.path(), store);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_NE(status.message().find("shard 'model-00002-of-00002.safetensors'"),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("does not exist"), std::string::npos);
}

TEST(WeightStore, ShardedIndexPointsToWrongShard) {
  ScratchDir dir;
  writeBytes(dir.file("s1.safetensors"), oneTensor("x", 1));
  writeBytes(dir.file("s2.safetensors"), oneTensor("y", 2));
  writeBytes(
      dir.file("model.safetensors.index.json"),
      R"({"weight_map": {"x": "s2.safetensors", "y": "s1.safetensors"}})");
  std::unique_ptr<WeightStore> store;
  Status status = WeightStore::open(dir.path(), store);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_NE(status.message().find("which does not hold it"), std::string::npos)
      << status.message();
}

TEST(WeightStore, MalformedIndex) {
  ScratchDir dir;
  writeBytes(dir.file("model.safetensors.index.json"), R"({"weights": {}})");
  std::unique_ptr<WeightStore> store;
  Status status = WeightStore::open(dir.path(), store);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_NE(status.message().find("no 'weight_map' object"), std::string::npos);
  writeBytes(dir.file("model.safetensors.index.json"),
             R"({"weight_map": {"x": "/etc/passwd"}})");
  status = WeightStore::open(dir.path(), store);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_NE(status.message().find("expected a path relative"),
            std::string::npos);
  writeBytes(dir.file("model.safetensors.index.json"),
             R"({"weight_map": {"x": }})");
  status = WeightStore::open(dir.path(), store);
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHTS_FORMAT);
  EXPECT_NE(status.message().find("model.safetensors.index.json: not valid "
                                  "JSON at line 1, column 22: syntax error "
                                  "while parsing value - unexpected '}'"),
            std::string::npos)
      << status.message();
  writeBytes(dir.file("model.safetensors.index.json"), "[]");
  status = WeightStore::open(dir.path(), store);
  EXPECT_NE(status.message().find("index.json: not a JSON object"),
            std::string::npos)
      << status.message();
}

TEST(WeightStore, MissingPath) {
  std::unique_ptr<WeightStore> store;
  Status status = WeightStore::open("/nonexistent/weights", store);
  EXPECT_EQ(status.code(), ATTN_ERROR_IO);
  EXPECT_NE(status.message().find("/nonexistent/weights"), std::string::npos);
}
