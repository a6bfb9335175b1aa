//===- DTypeTest.cpp - Exactness of the f16/bf16 conversions --------------===//

#include "attn/Runtime/DType.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace attn::rt;

static uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

static float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

TEST(DType, NamesRoundTrip) {
  for (DType type : {DType::F32, DType::F16, DType::BF16}) {
    EXPECT_EQ(parseDType(dtypeName(type)), type);
    EXPECT_EQ(parseSafetensorsDType(safetensorsDTypeName(type)), type);
  }
  EXPECT_FALSE(parseDType("F32"));
  EXPECT_FALSE(parseDType("f64"));
  EXPECT_FALSE(parseSafetensorsDType("I64"));
}

// Every one of the 65536 half patterns widens exactly and narrows back to
// itself (NaNs to a NaN).
TEST(DType, HalfRoundTripsEveryPattern) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    float wide = halfToFloat(uint16_t(bits));
    bool isNaN = (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff);
    if (isNaN) {
      EXPECT_TRUE(std::isnan(wide)) << bits;
      EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(wide)))) << bits;
      continue;
    }
    EXPECT_EQ(floatToHalf(wide), bits) << "half 0x" << std::hex << bits;
  }
}

TEST(DType, BFloat16RoundTripsEveryPattern) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    float wide = bfloat16ToFloat(uint16_t(bits));
    EXPECT_EQ(bitsOf(wide), bits << 16);
    if (std::isnan(wide))
      EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBFloat16(wide))));
    else
      EXPECT_EQ(floatToBFloat16(wide), bits) << std::hex << bits;
  }
}

TEST(DType, HalfKnownValues) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(INFINITY), 0x7c00);
  EXPECT_EQ(floatToHalf(-INFINITY), 0xfc00);
  EXPECT_EQ(halfToFloat(0x0001), 0x1p-24f); // smallest subnormal
  EXPECT_EQ(halfToFloat(0x03ff), 1023 * 0x1p-24f);
  EXPECT_EQ(halfToFloat(0x0400), 0x1p-14f); // smallest normal
  EXPECT_EQ(floatToHalf(0x1p-24f), 0x0001);
  EXPECT_EQ(floatToHalf(3 * 0x1p-25f), 0x0002); // 1.5 ulp: tie to even 2
  EXPECT_EQ(floatToHalf(5 * 0x1p-25f), 0x0002); // 2.5 ulp: tie to even 2
}

TEST(DType, HalfRoundsToNearestEven) {
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even 1.
  EXPECT_EQ(floatToHalf(1.0f + 0x1p-11f), 0x3c00);
  // 1 + 3 * 2^-11 is halfway between odd 0x3c01 and even 0x3c02.
  EXPECT_EQ(floatToHalf(1.0f + 3 * 0x1p-11f), 0x3c02);
  // Just above the midpoint rounds up.
  EXPECT_EQ(floatToHalf(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01);
  // Overflow: 65519 rounds down to 65504, 65520 up to infinity.
  EXPECT_EQ(floatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  // Half of the smallest subnormal ties to zero; anything above it is 1 ulp.
  EXPECT_EQ(floatToHalf(0x1p-25f), 0x0000);
  EXPECT_EQ(floatToHalf(fromBits(bitsOf(0x1p-25f) + 1)), 0x0001);
  EXPECT_EQ(floatToHalf(0x1p-30f), 0x0000);
  EXPECT_EQ(floatToHalf(-0x1p-140f), 0x8000); // f32 subnormal
  // Largest subnormal + half an ulp rounds (to even) into the normals.
  EXPECT_EQ(floatToHalf(1023.5f * 0x1p-24f), 0x0400);
}

TEST(DType, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBFloat16(fromBits(0x3f808000)), 0x3f80); // tie to even
  EXPECT_EQ(floatToBFloat16(fromBits(0x3f818000)), 0x3f82); // tie to even
  EXPECT_EQ(floatToBFloat16(fromBits(0x3f808001)), 0x3f81);
  EXPECT_EQ(floatToBFloat16(fromBits(0x7f7fffff)), 0x7f80); // max -> inf
  EXPECT_EQ(floatToBFloat16(INFINITY), 0x7f80);
  EXPECT_EQ(floatToBFloat16(fromBits(0x00000001)), 0x0000);
  EXPECT_EQ(floatToBFloat16(fromBits(0x00018000)), 0x0002); // subnormal tie
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBFloat16(NAN))));
  // A NaN whose payload lives only in the low bits must not become inf.
  EXPECT_TRUE(
      std::isnan(bfloat16ToFloat(floatToBFloat16(fromBits(0x7f800001)))));
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(fromBits(0x7f800001)))));
}

TEST(DType, ConvertElementsBetweenEveryPair) {
  const float values[] = {0.0f, -1.5f, 3.140625f, 0x1p-20f, 1000.0f};
  for (DType from : {DType::F32, DType::F16, DType::BF16})
    for (DType to : {DType::F32, DType::F16, DType::BF16}) {
      // Values exactly representable in all three types survive any path.
      unsigned char src[5 * 4], dst[5 * 4];
      convertElements(values, DType::F32, src, from, 5);
      convertElements(src, from, dst, to, 5);
      float back[5];
      convertElements(dst, to, back, DType::F32, 5);
      for (int i = 0; i < 5; ++i)
        EXPECT_EQ(back[i], values[i])
            << dtypeName(from) << " -> " << dtypeName(to) << " #" << i;
    }
}
