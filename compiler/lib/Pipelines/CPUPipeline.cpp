//===- CPUPipeline.cpp - From the attn graph to the LLVM dialect ----------===//

#include "attn/Pipelines/CPUPipeline.h"

#include "attn/Conversion/Passes.h"
#include "attn/Pipelines/PipelineSteps.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::attn;

/// The phase names, in the order of CPUPhase.
static constexpr StringLiteral kCPUPhaseNames[] = {
    "linalg", "abi", "bufferized", "loops", "llvm"};

static_assert(std::size(kCPUPhaseNames) ==
                  static_cast<unsigned>(CPUPhase::LLVM) + 1,
              "a name for every phase");

llvm::StringRef mlir::attn::stringifyCPUPhase(CPUPhase phase) {
  return kCPUPhaseNames[static_cast<unsigned>(phase)];
}

std::optional<CPUPhase> mlir::attn::parseCPUPhase(llvm::StringRef name) {
  if (std::optional<unsigned> phase = findPhase(kCPUPhaseNames, name))
    return static_cast<CPUPhase>(*phase);
  return std::nullopt;
}

static void addLowerToLLVM(OpPassManager &pm,
                           const CPUPipelineOptions &options) {
  // The parallel loops become OpenMP worksharing loops: libomp's team runs
  // them, sized by OMP_NUM_THREADS (all cores by default).
  if (options.parallel) {
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addPass(createInlineAllocaFreeScopesPass());
  } else {
    pm.addPass(createParallelForToNestedForsPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  // vector.reduction of the matmul accumulators may be reassociated: the
  // lanes are partial sums over k, whose order the kernel already changed.
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  addAttnCleanup(pm);
}

void mlir::attn::populateCPUPipeline(OpPassManager &pm,
                                     const CPUPipelineOptions &options) {
  auto done = [&](CPUPhase phase) { return options.stopAfter == phase; };
  int64_t lanes = options.vectorSize.value_or(16);

  if (options.fuseProjections)
    pm.addPass(createFuseProjectionsPass());
  if (options.fuseRope)
    pm.addPass(createFuseRopePass());
  if (options.tileAttention) {
    TileAttentionPassOptions tileOptions;
    tileOptions.splitKV = options.splitKV;
    pm.addPass(createTileAttentionPass(tileOptions));
  }
  // The panel layout only pays with the kernel that reads it.
  // Panels of 4 vectors (2 on narrower ISAs, with half the registers), so
  // that a 6-row tile of C fits in the register file.
  if (options.vectorizeMatmuls) {
    PackWeightsPassOptions packOptions;
    packOptions.panelWidth = lanes * (lanes >= 16 ? 4 : 2);
    packOptions.bf16 = options.bf16Weights.value_or(false);
    pm.addPass(createPackWeightsPass(packOptions));
  }
  // What the panels did not take (the embedding table, a tied LM head, a
  // projection the panel width does not divide) is bf16 too; the gather
  // and the unpacked matmul kernel widen it.
  if (options.bf16Weights.value_or(false))
    pm.addPass(createNarrowWeightsPass());
  pm.addPass(createConvertAttnToLinalgPass());
  // No CSE on tensors before bufferisation: merging two identical
  // `linalg.fill`s into one destination would force a copy for each user.
  pm.addPass(createCanonicalizerPass());
  if (options.fuseEpilogues)
    pm.addPass(createFuseEpiloguesPass());
  if (done(CPUPhase::Linalg))
    return;

  pm.addPass(createLowerWeightsPass());
  pm.addPass(createGenerateABIPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  if (done(CPUPhase::ABI))
    return;

  addAttnBufferization(pm);
  if (done(CPUPhase::Bufferized))
    return;

  pm.addPass(createLowerStridedCopiesPass());
  pm.addPass(createForallToParallelLoopPass());
  if (options.vectorizeMatmuls) {
    VectorizeMatmulPassOptions matmulOptions;
    matmulOptions.vectorSize = lanes;
    pm.addNestedPass<func::FuncOp>(createVectorizeMatmulPass(matmulOptions));
  }
  if (options.tileAttention && options.vectorizeAttention) {
    VectorizeAttentionPassOptions attentionOptions;
    attentionOptions.vectorSize = lanes;
    pm.addNestedPass<func::FuncOp>(
        createVectorizeAttentionPass(attentionOptions));
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  addAttnCleanup(pm);
  if (done(CPUPhase::Loops))
    return;

  addLowerToLLVM(pm, options);
}

namespace {

struct CPUPipelineCLOptions : public PassPipelineOptions<CPUPipelineCLOptions> {
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Last phase to run: linalg, abi, bufferized, loops or "
                     "llvm"),
      llvm::cl::init("llvm")};
  Option<bool> fuseProjections{
      *this, "fuse-projections",
      llvm::cl::desc("One linear for projections of one input "
                     "(--attn-fuse-projections)"),
      llvm::cl::init(true)};
  Option<bool> vectorizeMatmuls{
      *this, "vectorize-matmuls",
      llvm::cl::desc(
          "Tile and vectorise the matmuls (--attn-vectorize-matmul)"),
      llvm::cl::init(true)};
  Option<bool> bf16Weights{
      *this, "bf16-weights",
      llvm::cl::desc("Keep the panel-packed weights in bf16, widened in the "
                     "kernel (--attn-pack-weights bf16)"),
      llvm::cl::init(false)};
  Option<bool> tileAttention{
      *this, "tile-attention",
      llvm::cl::desc("FlashAttention-style attention (--attn-tile-attention)"),
      llvm::cl::init(true)};
  Option<bool> fuseEpilogues{
      *this, "fuse-epilogues",
      llvm::cl::desc("Residual adds and biases into the matmuls, element-wise "
                     "chains and RMSNorm sweeps fused (--attn-fuse-epilogues)"),
      llvm::cl::init(true)};
  Option<bool> fuseRope{
      *this, "fuse-rope",
      llvm::cl::desc("Rotate Q in attention and K into the KV cache "
                     "(--attn-fuse-rope)"),
      llvm::cl::init(true)};
  Option<bool> splitKV{
      *this, "split-kv",
      llvm::cl::desc("Flash-decoding: split a single query's keys across "
                     "threads (--attn-tile-attention=split-kv)"),
      llvm::cl::init(true)};
  Option<bool> vectorizeAttention{
      *this, "vectorize-attention",
      llvm::cl::desc("Vector softmax and P.V in tiled attention "
                     "(--attn-vectorize-attention)"),
      llvm::cl::init(true)};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run parallel loops on OpenMP threads (else in sequence)"),
      llvm::cl::init(true)};
  Option<int64_t> vectorSize{
      *this, "vector-size",
      llvm::cl::desc("f32 lanes per vector in the vectorised kernels"),
      llvm::cl::init(16)};
};

} // namespace

LogicalResult mlir::attn::parseCPUPipelineOptions(
    StringRef text, CPUPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  CPUPipelineCLOptions clOptions;
  if (failed(clOptions.parseFromString(text)))
    return failure();
  FailureOr<unsigned> phase = parseStopAfter(
      "attn-cpu-pipeline", kCPUPhaseNames, clOptions.stopAfter, errorHandler);
  if (failed(phase))
    return failure();
  options.stopAfter = static_cast<CPUPhase>(*phase);
  options.fuseProjections = clOptions.fuseProjections;
  options.vectorizeMatmuls = clOptions.vectorizeMatmuls;
  if (clOptions.bf16Weights.hasValue())
    options.bf16Weights = clOptions.bf16Weights;
  options.parallel = clOptions.parallel;
  options.tileAttention = clOptions.tileAttention;
  options.vectorizeAttention = clOptions.vectorizeAttention;
  options.fuseRope = clOptions.fuseRope;
  options.fuseEpilogues = clOptions.fuseEpilogues;
  options.splitKV = clOptions.splitKV;
  if (clOptions.vectorSize.hasValue())
    options.vectorSize = clOptions.vectorSize;
  return success();
}

void mlir::attn::registerCPUPipeline() {
  registerPassPipeline(
      "attn-cpu-pipeline",
      "Lower the attn graph to the LLVM dialect for the CPU, with the C ABI of "
      "docs/abi.md",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler)
          -> LogicalResult {
        CPUPipelineOptions options;
        if (failed(parseCPUPipelineOptions(optionsText, options, errorHandler)))
          return failure();
        populateCPUPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(CPUPipelineCLOptions());
      });
}
