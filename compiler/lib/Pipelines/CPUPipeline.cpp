//===- CPUPipeline.cpp - From the attn graph to the LLVM dialect ----------===//

#include "attn/Pipelines/CPUPipeline.h"

#include "attn/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::attn;

llvm::StringRef mlir::attn::stringifyCPUPhase(CPUPhase phase) {
  switch (phase) {
  case CPUPhase::Linalg:
    return "linalg";
  case CPUPhase::ABI:
    return "abi";
  case CPUPhase::Bufferized:
    return "bufferized";
  case CPUPhase::Loops:
    return "loops";
  case CPUPhase::LLVM:
    return "llvm";
  }
  llvm_unreachable("unknown CPU phase");
}

std::optional<CPUPhase> mlir::attn::parseCPUPhase(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<CPUPhase>>(name)
      .Case("linalg", CPUPhase::Linalg)
      .Case("abi", CPUPhase::ABI)
      .Case("bufferized", CPUPhase::Bufferized)
      .Case("loops", CPUPhase::Loops)
      .Case("llvm", CPUPhase::LLVM)
      .Default(std::nullopt);
}

static void addCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

static void addBufferization(OpPassManager &pm) {
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
  addCleanup(pm);
  bufferization::buildBufferDeallocationPipeline(pm);
  addCleanup(pm);
}

static void addLowerToLLVM(OpPassManager &pm) {
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  addCleanup(pm);
}

void mlir::attn::populateCPUPipeline(OpPassManager &pm,
                                     const CPUPipelineOptions &options) {
  auto done = [&](CPUPhase phase) { return options.stopAfter == phase; };

  pm.addPass(createConvertAttnToLinalgPass());
  // No CSE on tensors before bufferisation: merging two identical
  // `linalg.fill`s into one destination would force a copy for each user.
  pm.addPass(createCanonicalizerPass());
  if (done(CPUPhase::Linalg))
    return;

  pm.addPass(createLowerWeightsPass());
  pm.addPass(createGenerateABIPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  if (done(CPUPhase::ABI))
    return;

  addBufferization(pm);
  if (done(CPUPhase::Bufferized))
    return;

  pm.addPass(createLowerStridedCopiesPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  addCleanup(pm);
  if (done(CPUPhase::Loops))
    return;

  addLowerToLLVM(pm);
}

namespace {

struct CPUPipelineCLOptions : public PassPipelineOptions<CPUPipelineCLOptions> {
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Last phase to run: linalg, abi, bufferized, loops or "
                     "llvm"),
      llvm::cl::init("llvm")};
};

} // namespace

void mlir::attn::registerCPUPipeline() {
  registerPassPipeline(
      "attn-cpu-pipeline",
      "Lower the attn graph to the LLVM dialect for the CPU, with the C ABI of "
      "docs/abi.md",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler)
          -> LogicalResult {
        CPUPipelineCLOptions clOptions;
        if (failed(clOptions.parseFromString(optionsText)))
          return failure();
        std::optional<CPUPhase> phase = parseCPUPhase(clOptions.stopAfter);
        if (!phase)
          return errorHandler("attn-cpu-pipeline: unknown phase '" +
                              clOptions.stopAfter +
                              "' for stop-after (expected linalg, abi, "
                              "bufferized, loops or llvm)");
        CPUPipelineOptions options;
        options.stopAfter = *phase;
        populateCPUPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(CPUPipelineCLOptions());
      });
}
