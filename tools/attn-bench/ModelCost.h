//===- ModelCost.h - FLOPs and weight bytes from a manifest -----*- C++ -*-===//
//
// What one prefill computes and what one decode step reads, from the shapes
// of the manifest alone, so that a measured rate can be set against the
// machine's limits. docs/benchmarking.md derives the formulas.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_MODELCOST_H
#define ATTN_TOOLS_ATTN_BENCH_MODELCOST_H

#include "attn/Runtime/DType.h"

#include <cstdint>
#include <string>

namespace attn::bench {

struct ModelCost {
  std::string modelType;
  /// The dtype holding most of the weight bytes (what the kernels read).
  rt::DType dtype = rt::DType::F32;
  /// Elements of every weight; a tied LM head is counted once.
  int64_t params = 0;
  /// Bytes of every weight in the dtype the kernels read.
  int64_t weightBytes = 0;
  /// Elements of the 2-D weights that every token multiplies by: all of
  /// them but the embedding (a lookup) and the LM head.
  int64_t matmulParams = 0;
  /// Elements of the LM head: vocab x hidden (the embedding when tied).
  int64_t headParams = 0;
  bool tiedHead = false;
  int64_t layers = 0;
  int64_t hidden = 0;
  int64_t heads = 0;
  /// False when the config has no num_attention_heads and `heads` is
  /// hidden_size / head_dim.
  bool headsFromConfig = false;
  int64_t headDim = 0;
  /// Weight bytes one decode step reads: every weight but the embedding,
  /// plus one embedding row (the whole embedding when it is the LM head).
  int64_t decodeBytesPerToken = 0;
  /// KV-cache bytes of one position over all layers (K and V): what each
  /// token attends to costs in reads.
  int64_t kvBytesPerPosition = 0;

  /// FLOPs of a prefill of `tokens` tokens after `depth` cached ones that
  /// computes the logits of the last token only.
  double prefillFlops(int64_t tokens, int64_t depth = 0) const;
  /// KV-cache bytes one decode step reads on average over `tokens` decodes
  /// after `depth` cached tokens.
  double decodeCacheBytes(int64_t tokens, int64_t depth) const;
};

/// Reads `manifest` (the JSON of docs/abi.md); `origin` names it in errors.
bool computeModelCost(const std::string &manifest, const std::string &origin,
                      ModelCost &cost, std::string &error);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_MODELCOST_H
