//===- Weights.h - The tensors a reference model expects --------*- C++ -*-===//

#ifndef ATTN_REFERENCE_WEIGHTS_H
#define ATTN_REFERENCE_WEIGHTS_H

#include "attn/Reference/Config.h"
#include "attn/Reference/Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn::reference {

/// One tensor of a checkpoint: its Hugging Face name and shape.
struct WeightSpec {
  std::string name;
  std::vector<int64_t> shape;
};

/// Every tensor a model of `config` reads, in checkpoint order. With tied
/// embeddings there is no lm_head.weight: the embedding table serves.
std::vector<WeightSpec> expectedWeights(const ReferenceConfig &config);

/// Returns an empty string when `weights` holds exactly the tensors of
/// `expectedWeights(config)` with their shapes and matching data sizes, else
/// the first problem found, naming the tensor. A tied model may also carry
/// lm_head.weight (some checkpoints do); it is checked and then ignored.
std::string checkWeights(const ReferenceConfig &config,
                         const WeightMap &weights);

} // namespace attn::reference

#endif // ATTN_REFERENCE_WEIGHTS_H
