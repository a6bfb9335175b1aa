//===- SinusoidalTest.cpp - The original Transformer's position table -----===//

#include "attn/Reference/Sinusoidal.h"

#include <gtest/gtest.h>

using namespace attn::reference;

namespace {

TEST(ReferenceSinusoidal, FirstRowsAtDim10) {
  ReferenceTensor pe = sinusoidalTable(3, 10);
  ASSERT_EQ(pe.shape, (std::vector<int64_t>{3, 10}));
  // Position 0: sin(0) = 0 in even columns, cos(0) = 1 in odd ones.
  for (int64_t col = 0; col < 10; ++col)
    EXPECT_EQ(pe.at(0, col), col % 2 == 0 ? 0.0 : 1.0) << "column " << col;
  // Position 1, angles 1 / 10000^(2i/10) = 1, 0.158489..., 0.025118...,
  // 0.003981..., 0.000630957...
  const double row1[10] = {0.8414709848078965,    0.5403023058681398,
                           0.1578266401303058,    0.987466835729271,
                           0.025116222909773774,  0.9996845379152098,
                           0.003981061189587565,  0.9999920755445039,
                           0.0006309573026154199, 0.9999998009464214};
  const double row2[10] = {0.9092974268256817,    -0.4161468365471424,
                           0.3116971458465109,    0.9501815033303579,
                           0.050216599387465206,  0.9987383506934931,
                           0.007962059283690683,  0.9999683023036096,
                           0.0012619143540422218, 0.9999992037857646};
  for (int64_t col = 0; col < 10; ++col) {
    EXPECT_NEAR(pe.at(1, col), row1[col], 1e-14) << "column " << col;
    EXPECT_NEAR(pe.at(2, col), row2[col], 1e-14) << "column " << col;
  }
}

TEST(ReferenceSinusoidal, OddDimEndsWithASine) {
  ReferenceTensor pe = sinusoidalTable(2, 3);
  // Column 2 is PE[pos, 2i] with i = 1: sin(1 / 10000^(2/3)).
  EXPECT_NEAR(pe.at(1, 2), 0.0021544330233656045, 1e-15);
  EXPECT_EQ(pe.at(0, 2), 0.0);
}

} // namespace
