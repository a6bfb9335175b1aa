//===- CPUPipeline.h - From the attn graph to the LLVM dialect --*- C++ -*-===//
//
// The CPU pipeline as a list of phases, so that a driver (attnc
// --compile-to=<phase>) or a test can stop after any of them and look at the
// IR, in the manner of IREE's --compile-to.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_PIPELINES_CPUPIPELINE_H
#define ATTN_PIPELINES_CPUPIPELINE_H

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
  /// Replace the x . W^T matmuls by tiled, vectorised, parallel loop nests
  /// (--attn-vectorize-matmul).
  bool vectorizeMatmuls = true;
  /// Lower attention in blocks with an online softmax
  /// (--attn-tile-attention) rather than one score matrix per head.
  bool tileAttention = true;
  /// Vector softmax and P.V in the tiled attention
  /// (--attn-vectorize-attention); needs tileAttention.
  bool vectorizeAttention = true;
  /// f32 lanes per vector in the vectorised kernels (16 for AVX-512).
  int64_t vectorSize = 16;
  /// Lower parallel loops to OpenMP (the library then needs libomp); when
  /// false they run in sequence on the calling thread.
  bool parallel = true;
};

/// Adds the passes of the CPU pipeline, up to `options.stopAfter`, to `pm`
/// (which runs on a builtin.module).
void populateCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers `--attn-cpu-pipeline` (option `stop-after=<phase>`).
void registerCPUPipeline();

} // namespace attn
} // namespace mlir

#endif // ATTN_PIPELINES_CPUPIPELINE_H
