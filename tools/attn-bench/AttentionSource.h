//===- AttentionSource.h - The lone attention as MLIR ----------*- C++ -*-===//
//
// One causal attn.attention over the benchmark's shapes (sequence length
// dynamic), in the form each target's benchmark calls it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_ATTENTIONSOURCE_H
#define ATTN_TOOLS_ATTN_BENCH_ATTENTIONSOURCE_H

#include "AttentionOptions.h"

#include <string>

namespace attn::bench {

/// `@attention(q, k, v) -> out` on tensors: compiled code allocates the
/// result, the caller frees it.
std::string attentionSource(const AttentionOptions &options);

/// `@attention(q, k, v, out) -> i32` on memrefs the caller allocates (on
/// the device, for the CUDA pipeline): the result is written into `out`,
/// and the status is the first CUDA error the launches met
/// (`attn_cuda_take_error`, which the CUDA launch functions linked into
/// every CUDA library define), 0 on success.
std::string cudaAttentionSource(const AttentionOptions &options);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_ATTENTIONSOURCE_H
