//===- MathTest.cpp - RMSNorm, SiLU, linear and attention
//------------------===//

#include "attn/Reference/Math.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace attn::reference;

namespace {

TEST(ReferenceMath, RMSNormOfHandComputedVector) {
  // mean(x^2) = (1 + 4 + 9 + 16) / 4 = 7.5, rsqrt(7.5) = 0.36514837167011...
  std::vector<double> y = rmsNorm({1, 2, 3, 4}, {1, 0.5, 2, -1}, 0.0);
  ASSERT_EQ(y.size(), 4u);
  const double r = 0.3651483716701107;
  EXPECT_NEAR(y[0], 1 * r * 1, 1e-15);
  EXPECT_NEAR(y[1], 2 * r * 0.5, 1e-15);
  EXPECT_NEAR(y[2], 3 * r * 2, 1e-15);
  EXPECT_NEAR(y[3], 4 * r * -1, 1e-15);
}

TEST(ReferenceMath, RMSNormAddsEpsilonInsideTheRoot) {
  // [3, 4]: mean(x^2) = 12.5; with eps = 3.5 the root is sqrt(16) = 4.
  std::vector<double> y = rmsNorm({3, 4}, {1, 1}, 3.5);
  EXPECT_DOUBLE_EQ(y[0], 0.75);
  EXPECT_DOUBLE_EQ(y[1], 1.0);
}

TEST(ReferenceMath, SiLU) {
  EXPECT_EQ(silu(0.0), 0.0);
  EXPECT_NEAR(silu(1.0), 0.7310585786300049, 1e-15);
  EXPECT_NEAR(silu(-1.0), -1.0 + 0.7310585786300049, 1e-15);
  EXPECT_NEAR(silu(40.0), 40.0, 1e-12);
}

TEST(ReferenceMath, LinearIsWeightTimesInputPlusBias) {
  // torch.nn.Linear stores W as [out, in].
  ReferenceTensor w{{2, 3}, {1, 2, 3, 4, 5, 6}};
  ReferenceTensor b{{2}, {0.5, -1}};
  std::vector<double> x = {1, 0, -1};
  std::vector<double> noBias = linear(w, nullptr, x);
  EXPECT_EQ(noBias, (std::vector<double>{-2, -2}));
  std::vector<double> withBias = linear(w, &b, x);
  EXPECT_EQ(withBias, (std::vector<double>{-1.5, -3}));
}

TEST(ReferenceMath, AttentionWithASingleKeyReturnsItsValue) {
  std::vector<double> q = {0.3, -2, 7, 1}, k = {5, 5, -1, 2},
                      v = {1.5, -2.5, 0.25, 9};
  EXPECT_EQ(attend(q.data(), k.data(), v.data(), 1, 4), v);
}

TEST(ReferenceMath, AttentionWeighsBySoftmaxOfScaledScores) {
  // head_dim 2: scores are q.k / sqrt(2) = sqrt(2) and 0.
  std::vector<double> q = {1, 0}, keys = {2, 0, 0, 0}, values = {1, 0, 0, 1};
  std::vector<double> out = attend(q.data(), keys.data(), values.data(), 2, 2);
  double w0 = std::exp(std::sqrt(2.0)) / (std::exp(std::sqrt(2.0)) + 1.0);
  EXPECT_NEAR(out[0], w0, 1e-15);
  EXPECT_NEAR(out[1], 1.0 - w0, 1e-15);
}

TEST(ReferenceMath, AttentionStaysFiniteForHugeScores) {
  std::vector<double> q = {1000, 0}, keys = {1000, 0, 999, 0},
                      values = {1, 0, 0, 1};
  std::vector<double> out = attend(q.data(), keys.data(), values.data(), 2, 2);
  EXPECT_TRUE(std::isfinite(out[0]) && std::isfinite(out[1]));
  EXPECT_NEAR(out[0] + out[1], 1.0, 1e-15);
  EXPECT_GT(out[0], 0.999);
}

} // namespace
