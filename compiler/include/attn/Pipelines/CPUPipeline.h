//===- CPUPipeline.h - From the attn graph to the LLVM dialect --*- C++ -*-===//
//
// The CPU pipeline as a list of phases, so that a driver (attnc
// --compile-to=<phase>) or a test can stop after any of them and look at the
// IR, in the manner of IREE's --compile-to.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_PIPELINES_CPUPIPELINE_H
#define ATTN_PIPELINES_CPUPIPELINE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir {
class OpPassManager;
namespace attn {

/// The phases of the CPU pipeline, in order.
enum class CPUPhase {
  /// attn ops lowered to linalg/tensor/arith/math/scf, canonicalised.
  Linalg,
  /// attn.weight read from the weight table; the C entry points added.
  ABI,
  /// Tensors bufferised (caches in place), deallocations inserted.
  Bufferized,
  /// linalg lowered to scf loop nests.
  Loops,
  /// Everything in the LLVM dialect, ready for translation to LLVM IR.
  LLVM,
};

/// The phase's name on the command line ("linalg", "abi", ...).
llvm::StringRef stringifyCPUPhase(CPUPhase phase);
/// The phase named `name`, if there is one.
std::optional<CPUPhase> parseCPUPhase(llvm::StringRef name);

struct CPUPipelineOptions {
  /// The last phase to run.
  CPUPhase stopAfter = CPUPhase::LLVM;
  /// One linear for the projections that read the same input (Q/K/V,
  /// gate/up), with their weights concatenated at load
  /// (--attn-fuse-projections).
  bool fuseProjections = true;
  /// Replace the x . W^T matmuls by tiled, vectorised, parallel loop nests
  /// (--attn-vectorize-matmul).
  bool vectorizeMatmuls = true;
  /// Keep the panel-packed weights in bf16 and widen them in the kernel
  /// (--attn-pack-weights bf16), and the other matrices that matmuls and
  /// gathers read (--attn-narrow-weights: the embedding table, a tied LM
  /// head): half the weight traffic, f32 arithmetic; the weights are
  /// rounded to bf16 at load unless they are bf16 already.
  /// Unset means off; attnc sets it for checkpoints the config says are
  /// bf16, where keeping them bf16 loses nothing.
  std::optional<bool> bf16Weights;
  /// Fold residual adds and biases into the matmuls, fuse element-wise
  /// chains and sweep RMSNorm once per block of rows
  /// (--attn-fuse-epilogues).
  bool fuseEpilogues = true;
  /// Lower attention in blocks with an online softmax
  /// (--attn-tile-attention) rather than one score matrix per head.
  bool tileAttention = true;
  /// Rotate Q in the attention kernel and K on its way into the KV cache
  /// (--attn-fuse-rope) instead of in passes of their own.
  bool fuseRope = true;
  /// Flash-decoding: one query's keys split into chunks across threads
  /// (--attn-tile-attention's split-kv); needs tileAttention.
  bool splitKV = true;
  /// Vector softmax and P.V in the tiled attention
  /// (--attn-vectorize-attention); needs tileAttention.
  bool vectorizeAttention = true;
  /// f32 lanes per vector in the vectorised kernels; unset means 16
  /// (AVX-512). attnc sets the chosen CPU's (preferredF32Lanes) unless
  /// --pipeline-options gives one.
  std::optional<int64_t> vectorSize;
  /// Lower parallel loops to OpenMP (the library then needs libomp); when
  /// false they run in sequence on the calling thread.
  bool parallel = true;
};

/// Adds the passes of the CPU pipeline, up to `options.stopAfter`, to `pm`
/// (which runs on a builtin.module).
void populateCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Sets `options` from the text of `--attn-cpu-pipeline="..."`
/// ("fuse-projections=false stop-after=loops ..."); a malformed text or an
/// unknown phase is reported through `errorHandler` (unknown options by
/// LLVM's option parser on stderr) and fails.
LogicalResult parseCPUPipelineOptions(
    llvm::StringRef text, CPUPipelineOptions &options,
    llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler);

/// Registers `--attn-cpu-pipeline` (option `stop-after=<phase>`).
void registerCPUPipeline();

} // namespace attn
} // namespace mlir

#endif // ATTN_PIPELINES_CPUPIPELINE_H
