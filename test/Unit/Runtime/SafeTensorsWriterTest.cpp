//===- SafeTensorsWriterTest.cpp - Writing, then reading back -------------===//

#include "TestFiles.h"

#include "attn/Runtime/SafeTensors.h"
#include "attn/Runtime/SafeTensorsWriter.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace attn::rt;
using namespace attn::rt::test;

TEST(SafeTensorsWriter, RoundTripsEveryDType) {
  ScratchDir dir;
  std::string path = dir.file("w.safetensors");
  std::vector<float> values = {1.0f, -2.5f, 0.1f, 65504.0f, 1e-6f, 3.0f};
  std::vector<TensorSpec> specs = {{"f32", DType::F32, {2, 3}},
                                   {"f16", DType::F16, {6}},
                                   {"bf16", DType::BF16, {3, 2}},
                                   {"empty", DType::F32, {0, 4}}};
  Status status = writeSafeTensors(path, specs, {values, values, values, {}});
  ASSERT_TRUE(status.ok()) << status.message();

  std::unique_ptr<SafeTensorsFile> file;
  status = SafeTensorsFile::open(path, file);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(file->tensors().size(), 4u);
  for (const TensorInfo &t : file->tensors()) {
    const TensorSpec *spec = nullptr;
    for (const TensorSpec &s : specs)
      if (s.name == t.name)
        spec = &s;
    ASSERT_TRUE(spec) << t.name;
    EXPECT_EQ(t.dtype, spec->dtype);
    EXPECT_EQ(t.shape, spec->shape);
    if (t.name == "empty")
      continue;
    // The data section starts 64-byte aligned, so the first tensor in file
    // order sits on a 64-byte boundary.
    if (t.name == "f32")
      EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data) % 64, 0u);
    std::vector<float> back(values.size());
    convertElements(t.data, *t.dtype, back.data(), DType::F32, back.size());
    for (size_t i = 0; i < values.size(); ++i) {
      float expected = values[i];
      if (t.dtype == DType::F16)
        expected = halfToFloat(floatToHalf(expected));
      if (t.dtype == DType::BF16)
        expected = bfloat16ToFloat(floatToBFloat16(expected));
      EXPECT_EQ(back[i], expected) << t.name << "[" << i << "]";
    }
  }
}

TEST(SafeTensorsWriter, StreamsInChunks) {
  ScratchDir dir;
  std::string path = dir.file("w.safetensors");
  SafeTensorsWriter writer;
  ASSERT_TRUE(SafeTensorsWriter::create(
                  path, {{"a", DType::F32, {3}}, {"b", DType::F16, {2}}},
                  {{"k", "v"}}, writer)
                  .ok());
  float first[] = {1, 2}, rest[] = {3, 4, 5};
  ASSERT_TRUE(writer.write(first, 2).ok());
  ASSERT_TRUE(writer.write(rest, 3).ok()); // spans the tensor boundary
  Status status = writer.write(rest, 1);
  EXPECT_EQ(status.code(), ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(status.message().find("more values written"), std::string::npos);
  ASSERT_TRUE(writer.finish().ok());

  std::unique_ptr<SafeTensorsFile> file;
  ASSERT_TRUE(SafeTensorsFile::open(path, file).ok());
  for (const TensorInfo &t : file->tensors())
    if (t.name == "b") {
      EXPECT_EQ(halfToFloat(uint16_t(t.data[0] | t.data[1] << 8)), 4.0f);
      EXPECT_EQ(halfToFloat(uint16_t(t.data[2] | t.data[3] << 8)), 5.0f);
    }
}

TEST(SafeTensorsWriter, Errors) {
  ScratchDir dir;
  SafeTensorsWriter writer;
  ASSERT_TRUE(SafeTensorsWriter::create(dir.file("x.safetensors"),
                                        {{"a", DType::F32, {3}}}, {}, writer)
                  .ok());
  float one = 1;
  ASSERT_TRUE(writer.write(&one, 1).ok());
  Status status = writer.finish();
  EXPECT_EQ(status.code(), ATTN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(status.message().find("tensor 'a' was not written in full"),
            std::string::npos);

  status = SafeTensorsWriter::create("/nonexistent/x.safetensors",
                                     {{"a", DType::F32, {1}}}, {}, writer);
  EXPECT_EQ(status.code(), ATTN_ERROR_IO);
  status = SafeTensorsWriter::create(
      dir.file("y.safetensors"),
      {{"a", DType::F32, {1}}, {"a", DType::F32, {1}}}, {}, writer);
  EXPECT_EQ(status.code(), ATTN_ERROR_INVALID_ARGUMENT);
  status = writeSafeTensors(dir.file("z.safetensors"), {{"a", DType::F32, {2}}},
                            {{1.0f}});
  EXPECT_NE(status.message().find("has 1 values for shape of 2"),
            std::string::npos);
}
