//===- RopeTest.cpp - Rotary embeddings and their scalings ----------------===//

#include "attn/Reference/Rope.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace attn::reference;

namespace {

std::vector<double> someHead(int64_t dim) {
  std::vector<double> head;
  for (int64_t i = 0; i < dim; ++i)
    head.push_back(std::sin(1.7 * static_cast<double>(i) + 0.3) * (i + 1));
  return head;
}

double dot(const std::vector<double> &a, const std::vector<double> &b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += a[i] * b[i];
  return sum;
}

ReferenceConfig ropeConfig(RopeScalingKind kind, double factor) {
  ReferenceConfig config;
  config.headDim = 16;
  config.ropeScaling = kind;
  config.ropeFactor = factor;
  return config;
}

TEST(ReferenceRope, DefaultFrequencies) {
  // theta^(-2i/d) with d = 4: 1 and 10000^(-1/2).
  std::vector<double> invFreq = defaultInvFreq(10000.0, 4);
  ASSERT_EQ(invFreq.size(), 2u);
  EXPECT_EQ(invFreq[0], 1.0);
  EXPECT_NEAR(invFreq[1], 0.01, 1e-17);
}

TEST(ReferenceRope, PositionZeroIsTheIdentity) {
  std::vector<double> head = someHead(16);
  std::vector<double> rotated = head;
  applyRope(rotated, 0, defaultInvFreq(10000.0, 16));
  EXPECT_EQ(rotated, head);
}

TEST(ReferenceRope, PreservesNorms) {
  std::vector<double> head = someHead(16);
  for (int64_t position : {1, 7, 1000, 123456}) {
    std::vector<double> rotated = head;
    applyRope(rotated, position, defaultInvFreq(10000.0, 16));
    EXPECT_NEAR(dot(rotated, rotated), dot(head, head), 1e-11)
        << "position " << position;
    EXPECT_NE(rotated, head) << "position " << position;
  }
}

TEST(ReferenceRope, RotatesTheHalvesTogether) {
  // Rotate-half pairs element i with i + d/2 (not 2i with 2i + 1).
  std::vector<double> head = {0, 1, 0, 0};
  applyRope(head, 3, {1.0, 0.01});
  EXPECT_NEAR(head[0], 0.0, 1e-17);
  EXPECT_NEAR(head[1], std::cos(0.03), 1e-16);
  EXPECT_NEAR(head[2], 0.0, 1e-17);
  EXPECT_NEAR(head[3], std::sin(0.03), 1e-16);
}

TEST(ReferenceRope, ScoresDependOnRelativePositionOnly) {
  std::vector<double> q = someHead(16), k = someHead(16);
  std::reverse(k.begin(), k.end());
  std::vector<double> invFreq = defaultInvFreq(10000.0, 16);
  auto score = [&](int64_t qPos, int64_t kPos) {
    std::vector<double> qr = q, kr = k;
    applyRope(qr, qPos, invFreq);
    applyRope(kr, kPos, invFreq);
    return dot(qr, kr);
  };
  EXPECT_NEAR(score(5, 2), score(105, 102), 1e-10);
  EXPECT_NEAR(score(9, 9), dot(q, k), 1e-10);
}

TEST(ReferenceRope, LinearScalingAtScaledPositionIsUnscaledRope) {
  std::vector<double> unscaled =
      ropeInvFreq(ropeConfig(RopeScalingKind::None, 1), 1);
  std::vector<double> linear =
      ropeInvFreq(ropeConfig(RopeScalingKind::Linear, 4), 1);
  for (int64_t position : {1, 5, 300}) {
    std::vector<double> a = someHead(16), b = someHead(16);
    applyRope(a, position, unscaled);
    applyRope(b, position * 4, linear);
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(a[i], b[i], 1e-12) << "position " << position << " i " << i;
  }
}

TEST(ReferenceRope, DynamicWithinContextIsUnscaled) {
  ReferenceConfig config = ropeConfig(RopeScalingKind::Dynamic, 2);
  config.maxPositionEmbeddings = 16;
  EXPECT_EQ(ropeInvFreq(config, 16), defaultInvFreq(10000.0, 16));
  EXPECT_NE(ropeInvFreq(config, 17), defaultInvFreq(10000.0, 16));
}

TEST(ReferenceRope, DynamicBeyondContextStretchesTheBase) {
  // d = 4, factor 2, max 16, seq_len 32: base = 10000 * (2*32/16 - 1)^(4/2)
  // = 90000, so inv_freq = [1, 90000^(-1/2)] = [1, 1/300].
  ReferenceConfig config = ropeConfig(RopeScalingKind::Dynamic, 2);
  config.headDim = 4;
  config.maxPositionEmbeddings = 16;
  std::vector<double> invFreq = ropeInvFreq(config, 32);
  ASSERT_EQ(invFreq.size(), 2u);
  EXPECT_EQ(invFreq[0], 1.0);
  EXPECT_NEAR(invFreq[1], 1.0 / 300.0, 1e-16);
}

/// Llama 3.1's rule re-derived in long double from the published description:
/// wavelengths beyond original/low_freq_factor are stretched by factor, those
/// below original/high_freq_factor kept, and those between interpolated.
long double llama3Expected(int64_t i) {
  const long double pi = 3.141592653589793238462643383279502884L;
  long double freq = powl(500000.0L, -static_cast<long double>(2 * i) / 128.0L);
  long double wavelen = 2 * pi / freq;
  if (wavelen > 8192.0L / 1.0L)
    return freq / 8.0L;
  if (wavelen < 8192.0L / 4.0L)
    return freq;
  long double smooth = (8192.0L / wavelen - 1.0L) / (4.0L - 1.0L);
  return (1 - smooth) * freq / 8.0L + smooth * freq;
}

TEST(ReferenceRope, Llama3FrequenciesOfLlama31) {
  ReferenceConfig config = ropeConfig(RopeScalingKind::Llama3, 8);
  config.ropeTheta = 500000.0;
  config.headDim = 128;
  config.lowFreqFactor = 1.0;
  config.highFreqFactor = 4.0;
  config.originalMaxPositionEmbeddings = 8192;
  std::vector<double> invFreq = ropeInvFreq(config, 1);
  std::vector<double> plain = defaultInvFreq(500000.0, 128);
  ASSERT_EQ(invFreq.size(), 64u);

  for (int64_t i = 0; i < 64; ++i)
    EXPECT_NEAR(invFreq[i], static_cast<double>(llama3Expected(i)),
                1e-14 * plain[i])
        << "index " << i;

  // The bands of Llama 3.1: 0..28 high frequency (kept), 29..34 smoothed,
  // 35..63 low frequency (divided by 8).
  for (int64_t i : {0, 1, 27, 28})
    EXPECT_EQ(invFreq[i], plain[i]) << "index " << i;
  for (int64_t i : {29, 30, 32, 34}) {
    EXPECT_LT(invFreq[i], plain[i]) << "index " << i;
    EXPECT_GT(invFreq[i], plain[i] / 8) << "index " << i;
  }
  for (int64_t i : {35, 36, 63})
    EXPECT_NEAR(invFreq[i], plain[i] / 8, 1e-15 * plain[i]) << "index " << i;

  // Values from a separate Python evaluation of the same rule.
  EXPECT_NEAR(invFreq[29], 0.002166570763503359, 1e-17);
  EXPECT_NEAR(invFreq[32], 0.0005248461609929547, 1e-18);
  EXPECT_NEAR(invFreq[63], 3.068925988914511e-07, 1e-21);
}

} // namespace
