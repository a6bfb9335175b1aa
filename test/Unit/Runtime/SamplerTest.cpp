//===- SamplerTest.cpp - Greedy and filtered sampling ---------------------===//

#include "attn/Runtime/Sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace attn::rt;

TEST(Sampler, GreedyPicksTheFirstMaximum) {
  Sampler sampler({});
  float logits[] = {0.5f, 2.0f, NAN, 2.0f, -1.0f};
  EXPECT_EQ(sampler.sample(logits, 5), 1);
  float nans[] = {NAN, NAN};
  EXPECT_EQ(sampler.sample(nans, 2), 0);
}

TEST(Sampler, TopKOneIsGreedy) {
  SamplerOptions options;
  options.temperature = 5.0f;
  options.topK = 1;
  Sampler sampler(options);
  float logits[] = {0.1f, 0.3f, 0.2f};
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(sampler.sample(logits, 3), 1);
}

TEST(Sampler, TopKLimitsTheCandidates) {
  SamplerOptions options;
  options.temperature = 100.0f; // nearly uniform
  options.topK = 2;
  options.seed = 7;
  Sampler sampler(options);
  float logits[] = {3.0f, 0.0f, 2.0f, 1.0f};
  std::set<int32_t> seen;
  for (int i = 0; i < 200; ++i)
    seen.insert(sampler.sample(logits, 4));
  EXPECT_EQ(seen, (std::set<int32_t>{0, 2}));
}

TEST(Sampler, TopPKeepsTheNucleus) {
  SamplerOptions options;
  options.temperature = 1.0f;
  options.topP = 0.5f;
  options.seed = 3;
  Sampler sampler(options);
  // Probabilities about 0.6, 0.22, 0.08, ...: the nucleus of 0.5 is {0}.
  float logits[] = {2.0f, 1.0f, 0.0f, -1.0f};
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(sampler.sample(logits, 4), 0);
}

TEST(Sampler, FollowsTheDistributionAndTheSeed) {
  SamplerOptions options;
  options.temperature = 1.0f;
  options.seed = 11;
  Sampler a(options), b(options);
  float logits[] = {0.0f, std::log(3.0f)}; // p = 0.25, 0.75
  int ones = 0;
  for (int i = 0; i < 4000; ++i) {
    int32_t token = a.sample(logits, 2);
    EXPECT_EQ(token, b.sample(logits, 2)) << "same seed, same choices";
    ones += token;
  }
  EXPECT_NEAR(ones / 4000.0, 0.75, 0.03);
}
