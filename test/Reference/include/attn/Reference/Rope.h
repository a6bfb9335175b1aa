//===- Rope.h - Rotary position embeddings, Hugging Face style --*- C++ -*-===//

#ifndef ATTN_REFERENCE_ROPE_H
#define ATTN_REFERENCE_ROPE_H

#include "attn/Reference/Config.h"

#include <cstdint>
#include <vector>

namespace attn::reference {

/// The unscaled frequencies theta^(-2i/d), i < d/2.
std::vector<double> defaultInvFreq(double theta, int64_t headDim);

/// The frequencies Hugging Face uses for a forward call whose longest
/// position is `seqLen - 1`, after the config's scaling:
/// - linear: theta^(-2i/d) / factor, i.e. positions divided by factor;
/// - dynamic (NTK): when seqLen > max_position_embeddings, the base becomes
///   theta * (factor * seqLen / max_pos - (factor - 1))^(d / (d - 2));
/// - llama3: `_compute_llama3_parameters`, dividing low frequencies by factor
///   and interpolating smoothly between the two wavelength bounds.
std::vector<double> ropeInvFreq(const ReferenceConfig &config, int64_t seqLen);

/// Rotates one head vector in place in the rotate-half layout: element i
/// pairs with element i + d/2 and turns by position * invFreq[i].
void applyRope(std::vector<double> &head, int64_t position,
               const std::vector<double> &invFreq);

} // namespace attn::reference

#endif // ATTN_REFERENCE_ROPE_H
