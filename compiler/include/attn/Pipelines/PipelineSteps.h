//===- PipelineSteps.h - Steps the CPU and CUDA pipelines share -*- C++ -*-===//
//
// The CPU and CUDA pipelines lower the attn graph the same way up to the
// bufferised IR and stop after a phase named on the command line; what they
// share lives here so that the two cannot drift apart.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_PIPELINES_PIPELINESTEPS_H
#define ATTN_PIPELINES_PIPELINESTEPS_H

#include "mlir/Support/LLVM.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir {
class OpPassManager;
namespace attn {

/// Canonicalisation then CSE.
void addAttnCleanup(OpPassManager &pm);

/// One-shot bufferisation of the whole module with the caches updated in
/// place, then deallocation.
void addAttnBufferization(OpPassManager &pm);

/// The index in `phaseNames` (a pipeline's phase names, in order) of the
/// phase named `name`, if there is one.
std::optional<unsigned> findPhase(ArrayRef<StringLiteral> phaseNames,
                                  StringRef name);

/// The index in `phaseNames` of the phase that the `stop-after` option of
/// `pipeline` names; reports the phase names to `errorHandler` if none is.
FailureOr<unsigned>
parseStopAfter(StringRef pipeline, ArrayRef<StringLiteral> phaseNames,
               StringRef stopAfter,
               function_ref<LogicalResult(const Twine &)> errorHandler);

} // namespace attn
} // namespace mlir

#endif // ATTN_PIPELINES_PIPELINESTEPS_H
