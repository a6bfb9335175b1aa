//===- PipelineSteps.cpp - Steps the CPU and CUDA pipelines share ---------===//

#include "attn/Pipelines/PipelineSteps.h"

#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/STLExtras.h"

#include <string>

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::addAttnCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::attn::addAttnBufferization(OpPassManager &pm) {
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions options;
  options.bufferizeFunctionBoundaries = true;
  // The hidden state of the layer loop is a new buffer on every iteration.
  options.allowReturnAllocsFromLoops = true;
  // Results get the layout of what the body returns and arguments a fully
  // dynamic one, so that a layer's slice of the cache is passed without a
  // copy.
  options.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::InferLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  // The updated caches that @prefill and @decoder_layer return are their
  // arguments (once canonicalisation has removed the loop-carried copies of
  // them); dropping them keeps deallocation from cloning the caches.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(bufferization::createDropEquivalentBufferResultsPass());
  addAttnCleanup(pm);
  bufferization::buildBufferDeallocationPipeline(pm);
  addAttnCleanup(pm);
}

std::optional<unsigned>
mlir::attn::findPhase(ArrayRef<StringLiteral> phaseNames, StringRef name) {
  const StringLiteral *found = llvm::find(phaseNames, name);
  if (found == phaseNames.end())
    return std::nullopt;
  return found - phaseNames.begin();
}

FailureOr<unsigned> mlir::attn::parseStopAfter(
    StringRef pipeline, ArrayRef<StringLiteral> phaseNames, StringRef stopAfter,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  if (std::optional<unsigned> phase = findPhase(phaseNames, stopAfter))
    return *phase;
  // "linalg, abi, ... or llvm".
  std::string expected;
  for (auto [index, name] : llvm::enumerate(phaseNames)) {
    if (index != 0)
      expected += index + 1 == phaseNames.size() ? " or " : ", ";
    expected += name;
  }
  (void)errorHandler(pipeline + ": unknown phase '" + stopAfter +
                     "' for stop-after (expected " + expected + ")");
  return failure();
}
