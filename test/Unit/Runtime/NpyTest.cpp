//===- NpyTest.cpp - The .npy writer --------------------------------------===//

#include "TestFiles.h"

#include "attn/Runtime/Npy.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace attn::rt;
using namespace attn::rt::test;

TEST(Npy, WritesHeaderAndData) {
  ScratchDir dir;
  float data[6] = {0, 1, 2, 3, 4, 5.5f};
  ASSERT_TRUE(writeNpyFloat32(dir.file("a.npy"), data, {2, 3}).ok());
  std::string bytes = readBytes(dir.file("a.npy"));
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  size_t headerSize = uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8;
  EXPECT_EQ((10 + headerSize) % 64, 0u);
  std::string header = bytes.substr(10, headerSize);
  EXPECT_EQ(header.rfind("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (2, 3), }",
                         0),
            0u)
      << header;
  EXPECT_EQ(header.back(), '\n');
  ASSERT_EQ(bytes.size(), 10 + headerSize + sizeof(data));
  EXPECT_EQ(std::memcmp(bytes.data() + 10 + headerSize, data, sizeof(data)), 0);

  ASSERT_TRUE(writeNpyFloat32(dir.file("b.npy"), data, {6}).ok());
  EXPECT_NE(readBytes(dir.file("b.npy")).find("'shape': (6,), }"),
            std::string::npos);
}

TEST(Npy, UnwritablePath) {
  float data[1] = {0};
  Status status = writeNpyFloat32("/nonexistent/a.npy", data, {1});
  EXPECT_EQ(status.code(), ATTN_ERROR_IO);
  EXPECT_NE(status.message().find("/nonexistent/a.npy"), std::string::npos);
}
