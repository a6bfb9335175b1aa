//===- Sampler.cpp - Choosing the next token from logits ------------------===//

#include "attn/Runtime/Sampler.h"

#include <algorithm>
#include <cmath>

namespace attn::rt {

static int32_t argmax(const float *logits, int64_t vocabSize) {
  int32_t best = 0;
  float bestValue = -INFINITY;
  bool found = false;
  for (int64_t i = 0; i < vocabSize; ++i)
    if (!std::isnan(logits[i]) && (!found || logits[i] > bestValue)) {
      best = int32_t(i);
      bestValue = logits[i];
      found = true;
    }
  return best;
}

int32_t Sampler::sample(const float *logits, int64_t vocabSize) {
  if (options.temperature <= 0.0f)
    return argmax(logits, vocabSize);

  candidates.clear();
  for (int64_t i = 0; i < vocabSize; ++i)
    if (!std::isnan(logits[i]))
      candidates.emplace_back(logits[i] / options.temperature, int32_t(i));
  if (candidates.empty())
    return 0;
  // Most likely first; ties by id so that results do not depend on the
  // sort's stability.
  auto byLikelihood = [](const auto &a, const auto &b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  size_t keep = candidates.size();
  if (options.topK > 0 && size_t(options.topK) < keep) {
    keep = size_t(options.topK);
    std::partial_sort(candidates.begin(), candidates.begin() + keep,
                      candidates.end(), byLikelihood);
    candidates.resize(keep);
  } else {
    std::sort(candidates.begin(), candidates.end(), byLikelihood);
  }

  double maxLogit = candidates.front().first;
  std::vector<double> weights(candidates.size());
  double total = 0;
  for (size_t i = 0; i < candidates.size(); ++i)
    total += weights[i] = std::exp(double(candidates[i].first) - maxLogit);
  if (options.topP < 1.0f) {
    double cumulative = 0;
    size_t nucleus = 0;
    while (nucleus < candidates.size()) {
      cumulative += weights[nucleus++] / total;
      if (cumulative >= options.topP)
        break;
    }
    weights.resize(nucleus);
    total = 0;
    for (double w : weights)
      total += w;
  }
  double target = random.uniform() * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    target -= weights[i];
    if (target < 0)
      return candidates[i].second;
  }
  return candidates[weights.size() - 1].second;
}

} // namespace attn::rt
