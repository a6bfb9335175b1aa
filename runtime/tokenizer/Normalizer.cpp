//===- Normalizer.cpp - Text rewriting before pre-tokenization ------------===//

#include "Normalizer.h"

namespace attn::tokenizer {

void Normalizer::addPrepend(std::string prefix) {
  steps.push_back({true, std::move(prefix), {}});
}

void Normalizer::addReplace(std::string pattern, std::string content) {
  steps.push_back({false, std::move(pattern), std::move(content)});
}

std::string Normalizer::normalize(std::string_view text) const {
  std::string current(text);
  std::string next;
  for (const Step &step : steps) {
    if (step.isPrepend) {
      if (!current.empty())
        current.insert(0, step.pattern);
      continue;
    }
    next.clear();
    size_t start = 0;
    for (size_t hit;
         (hit = current.find(step.pattern, start)) != std::string::npos;
         start = hit + step.pattern.size()) {
      next.append(current, start, hit - start);
      next += step.content;
    }
    next.append(current, start, std::string::npos);
    current.swap(next);
  }
  return current;
}

} // namespace attn::tokenizer
