//===- Rope.cpp - Rotary position embeddings, Hugging Face style ----------===//

#include "attn/Reference/Rope.h"

#include <cassert>
#include <cmath>

namespace attn::reference {

namespace {

const double pi = 3.14159265358979323846;

/// Hugging Face's `_compute_llama3_parameters` applied to `invFreq`.
std::vector<double> llama3InvFreq(const ReferenceConfig &c,
                                  std::vector<double> invFreq) {
  double oldContext = static_cast<double>(c.originalMaxPositionEmbeddings);
  double lowFreqWavelen = oldContext / c.lowFreqFactor;
  double highFreqWavelen = oldContext / c.highFreqFactor;
  for (double &freq : invFreq) {
    double wavelen = 2.0 * pi / freq;
    if (wavelen > lowFreqWavelen) {
      freq /= c.ropeFactor;
    } else if (wavelen >= highFreqWavelen) {
      double smooth = (oldContext / wavelen - c.lowFreqFactor) /
                      (c.highFreqFactor - c.lowFreqFactor);
      freq = (1.0 - smooth) * freq / c.ropeFactor + smooth * freq;
    }
    // Wavelengths below the high-frequency bound keep their frequency.
  }
  return invFreq;
}

} // namespace

std::vector<double> defaultInvFreq(double theta, int64_t headDim) {
  std::vector<double> invFreq(static_cast<size_t>(headDim / 2));
  for (int64_t i = 0; i < headDim / 2; ++i)
    invFreq[i] = 1.0 / std::pow(theta, static_cast<double>(2 * i) /
                                           static_cast<double>(headDim));
  return invFreq;
}

std::vector<double> ropeInvFreq(const ReferenceConfig &c, int64_t seqLen) {
  switch (c.ropeScaling) {
  case RopeScalingKind::None:
    return defaultInvFreq(c.ropeTheta, c.headDim);
  case RopeScalingKind::Linear: {
    std::vector<double> invFreq = defaultInvFreq(c.ropeTheta, c.headDim);
    for (double &freq : invFreq)
      freq /= c.ropeFactor;
    return invFreq;
  }
  case RopeScalingKind::Dynamic: {
    if (seqLen <= c.maxPositionEmbeddings)
      return defaultInvFreq(c.ropeTheta, c.headDim);
    double d = static_cast<double>(c.headDim);
    double stretch = c.ropeFactor * static_cast<double>(seqLen) /
                         static_cast<double>(c.maxPositionEmbeddings) -
                     (c.ropeFactor - 1.0);
    return defaultInvFreq(c.ropeTheta * std::pow(stretch, d / (d - 2.0)),
                          c.headDim);
  }
  case RopeScalingKind::Llama3:
    return llama3InvFreq(c, defaultInvFreq(c.ropeTheta, c.headDim));
  }
  assert(false && "unknown rope scaling");
  return {};
}

void applyRope(std::vector<double> &head, int64_t position,
               const std::vector<double> &invFreq) {
  size_t half = head.size() / 2;
  assert(invFreq.size() == half && "one frequency per rotated pair");
  for (size_t i = 0; i < half; ++i) {
    double angle = static_cast<double>(position) * invFreq[i];
    double cosine = std::cos(angle), sine = std::sin(angle);
    double first = head[i], second = head[i + half];
    head[i] = first * cosine - second * sine;
    head[i + half] = second * cosine + first * sine;
  }
}

} // namespace attn::reference
