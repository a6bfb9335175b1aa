//===- Random.h - A portable, seeded random source --------------*- C++ -*-===//
//
// std::normal_distribution differs between standard libraries; random
// weights and sampling must not, so that a seed means the same everywhere.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_RANDOM_H
#define ATTN_RUNTIME_RANDOM_H

#include <cmath>
#include <cstdint>
#include <string_view>

namespace attn::rt {

/// SplitMix64: tiny, fast, and good enough for weights and sampling.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, 1), 53 bits.
  double uniform() { return double(next() >> 11) * 0x1p-53; }

  /// Standard normal by Box-Muller (one of the pair; simplicity over speed).
  double normal() {
    double u1 = 1.0 - uniform(); // (0, 1]: log stays finite.
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

private:
  uint64_t state;
};

/// FNV-1a, to give each tensor its own stream from one seed.
inline uint64_t hashName(std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : name)
    hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

} // namespace attn::rt

#endif // ATTN_RUNTIME_RANDOM_H
