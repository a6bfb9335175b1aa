//===- RandomWeights.cpp - Reproducible weights for any config ------------===//

#include "attn/Reference/RandomWeights.h"
#include "attn/Reference/Weights.h"

#include <cmath>
#include <string>

namespace attn::reference {

namespace {

/// splitmix64: a tiny generator whose output is fixed by its definition,
/// unlike std::normal_distribution's, which each standard library implements
/// its own way.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in (0, 1): never 0, so log() below stays finite.
  double uniform() {
    return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
  }

  /// Standard normal by Box-Muller.
  double normal() {
    double radius = std::sqrt(-2.0 * std::log(uniform()));
    return radius * std::cos(2.0 * 3.14159265358979323846 * uniform());
  }

private:
  uint64_t state;
};

/// FNV-1a: each tensor gets its own stream, so its values do not depend on
/// which tensors come before it.
uint64_t hashName(const std::string &name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

bool isNormWeight(const std::string &name) {
  const std::string suffix = "norm.weight";
  return name.size() >= suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

WeightMap makeRandomWeights(const ReferenceConfig &config,
                            const RandomWeightOptions &options) {
  WeightMap weights;
  for (const WeightSpec &spec : expectedWeights(config)) {
    SplitMix64 rng(options.seed ^ hashName(spec.name));
    ReferenceTensor tensor;
    tensor.shape = spec.shape;
    tensor.data.resize(static_cast<size_t>(tensor.numElements()));
    bool norm = isNormWeight(spec.name);
    for (double &value : tensor.data)
      value = norm ? 1.0 + options.normNoise * rng.normal()
                   : options.stddev * rng.normal();
    weights.emplace(spec.name, std::move(tensor));
  }
  return weights;
}

} // namespace attn::reference
