//===- RoundingTest.cpp - Weights as they read back from disk -------------===//

#include "attn/Reference/Rounding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace attn::reference;

namespace {

const double inf = std::numeric_limits<double>::infinity();

TEST(ReferenceRounding, F32AgreesWithTheCompiler) {
  // The compiler's double -> float conversion rounds to nearest even too.
  for (double x : {0.1, -1.0 / 3.0, 1e-40, 3.4028235e38, 1e-46, 123456789.123})
    EXPECT_EQ(roundTo(x, StorageType::F32),
              static_cast<double>(static_cast<float>(x)))
        << x;
  EXPECT_EQ(roundTo(3.5e38, StorageType::F32), inf);
}

TEST(ReferenceRounding, BF16KeepsEightSignificantBits) {
  EXPECT_EQ(roundTo(1.0 + 0x1p-7, StorageType::BF16), 1.0 + 0x1p-7);
  // Ties go to the even significand.
  EXPECT_EQ(roundTo(1.0 + 0x1p-8, StorageType::BF16), 1.0);
  EXPECT_EQ(roundTo(1.0 + 3 * 0x1p-8, StorageType::BF16), 1.0 + 0x1p-6);
  EXPECT_EQ(roundTo(-(1.0 + 0x1.1p-8), StorageType::BF16), -(1.0 + 0x1p-7));
  EXPECT_EQ(roundTo(0.1, StorageType::BF16), 0.10009765625);
  EXPECT_EQ(roundTo(0x1.fep127, StorageType::BF16), 0x1.fep127);
  // Halfway past the largest finite value rounds up, to infinity.
  EXPECT_EQ(roundTo(0x1.ffp127, StorageType::BF16), inf);
  EXPECT_EQ(roundTo(1e39, StorageType::BF16), inf);
}

TEST(ReferenceRounding, F16RangeAndSubnormals) {
  EXPECT_EQ(roundTo(0.1, StorageType::F16), 0.0999755859375);
  EXPECT_EQ(roundTo(65504.0, StorageType::F16), 65504.0);
  EXPECT_EQ(roundTo(65519.0, StorageType::F16), 65504.0);
  // Halfway to 65536 rounds to the even significand, which overflows.
  EXPECT_EQ(roundTo(65520.0, StorageType::F16), inf);
  EXPECT_EQ(roundTo(-1e6, StorageType::F16), -inf);
  // The smallest subnormal is 2^-24; half of it ties to zero.
  EXPECT_EQ(roundTo(0x1p-25, StorageType::F16), 0.0);
  EXPECT_EQ(roundTo(0x1.8p-25, StorageType::F16), 0x1p-24);
  EXPECT_EQ(roundTo(0x1.8p-24, StorageType::F16), 0x1p-23);
}

TEST(ReferenceRounding, SpecialValuesPassThrough) {
  EXPECT_EQ(roundTo(0.0, StorageType::F16), 0.0);
  EXPECT_EQ(roundTo(-inf, StorageType::BF16), -inf);
  EXPECT_TRUE(std::isnan(roundTo(std::nan(""), StorageType::F16)));
}

TEST(ReferenceRounding, RoundWeightsTouchesEveryTensor) {
  WeightMap weights;
  weights["a"] = {{2}, {0.1, 1.0}};
  weights["b"] = {{1}, {-0.1}};
  roundWeights(weights, StorageType::BF16);
  EXPECT_EQ(weights["a"].data, (std::vector<double>{0.10009765625, 1.0}));
  EXPECT_EQ(weights["b"].data, (std::vector<double>{-0.10009765625}));
}

} // namespace
