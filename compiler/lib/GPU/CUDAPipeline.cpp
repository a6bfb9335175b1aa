//===- CUDAPipeline.cpp - From the attn graph to kernels and host code ----===//

#include "attn/GPU/CUDAPipeline.h"

#include "attn/Conversion/Passes.h"
#include "attn/GPU/CUDAArch.h"
#include "attn/GPU/Passes.h"
#include "attn/Pipelines/PipelineSteps.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"

using namespace mlir;
using namespace mlir::attn;

/// The phase names, in the order of CUDAPhase.
static constexpr StringLiteral kCUDAPhaseNames[] = {
    "linalg", "abi", "bufferized", "kernels", "nvvm", "llvm"};

static_assert(std::size(kCUDAPhaseNames) ==
                  static_cast<unsigned>(CUDAPhase::LLVM) + 1,
              "a name for every phase");

llvm::StringRef mlir::attn::stringifyCUDAPhase(CUDAPhase phase) {
  return kCUDAPhaseNames[static_cast<unsigned>(phase)];
}

std::optional<CUDAPhase> mlir::attn::parseCUDAPhase(llvm::StringRef name) {
  if (std::optional<unsigned> phase = findPhase(kCUDAPhaseNames, name))
    return static_cast<CUDAPhase>(*phase);
  return std::nullopt;
}

static constexpr llvm::StringLiteral kLibdevice =
    "nvvm/libdevice/libdevice.10.bc";

/// Loop nests to kernels: every copy becomes a linalg op, every linalg op a
/// parallel loop nest, every outermost nest a launch, every launch a kernel.
static void addKernels(OpPassManager &pm, const CUDAPipelineOptions &options,
                       StringRef chip) {
  pm.addPass(createExpandKernelCallsPass());
  pm.addPass(createCopiesToLinalgPass());
  if (options.tileMatmuls) {
    TileMatmulPassOptions tileOptions;
    tileOptions.gemvMaxRows = options.gemvMaxRows;
    std::optional<CUDAArch> target = lookupCUDAArch(chip);
    tileOptions.wgmma = target && target->isFeatureTarget();
    pm.addPass(createTileMatmulPass(tileOptions));
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  MapParallelLoopsPassOptions mapOptions;
  mapOptions.blockSize = options.blockSize;
  pm.addPass(createMapParallelLoopsPass(mapOptions));
  pm.addPass(createSinkConstantsIntoKernelsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createMergeKernelModulesPass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  addAttnCleanup(pm);
  CheckSharedMemoryPassOptions checkOptions;
  checkOptions.chip = chip.str();
  pm.addPass(createCheckSharedMemoryPass(checkOptions));
}

/// The CUDA toolkit to take libdevice (and ptxas) from: `requested`, else
/// the first of $CUDA_HOME, $CUDA_PATH and /usr/local/cuda that has
/// libdevice; empty if none has.
static std::string findToolkit(StringRef requested) {
  SmallVector<std::string> roots;
  if (!requested.empty())
    roots.push_back(requested.str());
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(variable))
      roots.push_back(*value);
  roots.push_back("/usr/local/cuda");
  for (const std::string &root : roots)
    if (llvm::sys::fs::exists(root + "/" + kLibdevice))
      return root;
  return requested.str();
}

/// Kernels to NVVM, as upstream's gpu-lower-to-nvvm-pipeline does. Math
/// functions lower to libdevice calls (__nv_expf, ...), which are linked
/// from the toolkit's libdevice when the kernels are serialised.
static void addNVVM(OpPassManager &pm, const CUDAPipelineOptions &options,
                    StringRef chip) {
  pm.addPass(createSCFToControlFlowPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = chip.str();
  target.optLevel = options.optLevel;
  std::string toolkit = findToolkit(options.toolkitPath);
  if (llvm::sys::fs::exists(toolkit + "/" + kLibdevice))
    target.linkLibs.push_back((toolkit + "/" + kLibdevice).str());
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createConvertNVVMToLLVMPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
}

/// Host code to LLVM. Host buffers come from `_mlir_memref_to_llvm_alloc`,
/// which the CUDA wrappers implement with managed memory, so that kernels
/// can read what one kernel wrote for the next.
static void addHostToLLVM(OpPassManager &pm,
                          const CUDAPipelineOptions &options) {
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  addAttnCleanup(pm);

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget =
      options.format == CUDABinaryFormat::Cubin ? "bin" : "isa";
  binary.toolkitPath = findToolkit(options.toolkitPath);
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

std::string mlir::attn::kernelTarget(const CUDAPipelineOptions &options) {
  std::optional<CUDAArch> arch = lookupCUDAArch(options.arch);
  if (options.wgmma && arch && !arch->featureTarget.empty())
    return arch->featureTarget.str();
  return options.arch;
}

void mlir::attn::populateCUDAPipeline(OpPassManager &pm,
                                      const CUDAPipelineOptions &options) {
  auto done = [&](CUDAPhase phase) { return options.stopAfter == phase; };
  std::string chip = kernelTarget(options);

  // The queries' rotation into attention's kernels, the keys' into the
  // cache write: two element-wise kernels and a copy fewer per layer.
  if (options.fuseRope)
    pm.addPass(createFuseRopePass());
  if (options.fuseRMSNorm)
    pm.addPass(createGPURMSNormPass());
  if (options.flashAttention) {
    FlashAttentionPassOptions attention;
    attention.mmaType = options.mmaType;
    attention.decodeMaxRows = options.decodeMaxRows;
    pm.addPass(createFlashAttentionPass(attention));
  }
  if (options.bf16Weights.value_or(false))
    pm.addPass(createNarrowWeightsPass());
  pm.addPass(createConvertAttnToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  if (options.fuseEpilogues) {
    // The row tiling is for caches; rows here are blocks of a kernel.
    FuseEpiloguesPassOptions fuseOptions;
    fuseOptions.normRows = 0;
    pm.addPass(createFuseEpiloguesPass(fuseOptions));
  }
  if (done(CUDAPhase::Linalg))
    return;

  pm.addPass(createLowerWeightsPass());
  // Before the manifest becomes the attn_manifest string.
  RecordCUDATargetPassOptions record;
  record.chip = chip;
  pm.addPass(createRecordCUDATargetPass(record));
  pm.addPass(createGenerateABIPass());
  pm.addPass(createReportLaunchErrorsPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  if (done(CUDAPhase::ABI))
    return;

  // The caches are updated in place, so the kernels write the keys and
  // values straight into the runtime's device buffers.
  addAttnBufferization(pm);
  if (done(CUDAPhase::Bufferized))
    return;

  addKernels(pm, options, chip);
  if (done(CUDAPhase::Kernels))
    return;

  addNVVM(pm, options, chip);
  if (done(CUDAPhase::NVVM))
    return;

  addHostToLLVM(pm, options);
}

namespace {

struct CUDAPipelineCLOptions
    : public PassPipelineOptions<CUDAPipelineCLOptions> {
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Last phase to run: linalg, abi, bufferized, kernels, "
                     "nvvm or llvm"),
      llvm::cl::init("llvm")};
  Option<std::string> arch{*this, "cuda-arch",
                           llvm::cl::desc("GPU architecture (sm_80, sm_90)"),
                           llvm::cl::init("sm_90")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Embedded kernels: ptx (default) or cubin (needs "
                     "ptxas)"),
      llvm::cl::init("ptx")};
  Option<int64_t> blockSize{*this, "block-size",
                            llvm::cl::desc("Threads per block"),
                            llvm::cl::init(256)};
  Option<bool> tileMatmuls{
      *this, "tile-matmuls",
      llvm::cl::desc("Tensor-core and GEMV kernels for attn.linear (off: "
                     "one thread per output element)"),
      llvm::cl::init(true)};
  Option<int64_t> gemvMaxRows{
      *this, "gemv-max-rows",
      llvm::cl::desc("Most rows of A that take the GEMV kernel"),
      llvm::cl::init(4)};
  Option<bool> wgmma{
      *this, "wgmma",
      llvm::cl::desc("On sm_90: kernels for sm_90a with warpgroup-MMA "
                     "matmuls (off: mma.sync, runs on later GPUs too)"),
      llvm::cl::init(true)};
  Option<bool> bf16Weights{
      *this, "bf16-weights",
      llvm::cl::desc("Store the weights only projections read in bf16 "
                     "(default: where the checkpoint is bf16)")};
  Option<bool> fuseRMSNorm{
      *this, "fuse-rmsnorm",
      llvm::cl::desc("One kernel of a block per row for attn.rms_norm (off: "
                     "the generic lowering's three kernels)"),
      llvm::cl::init(true)};
  Option<bool> fuseEpilogues{
      *this, "fuse-epilogues",
      llvm::cl::desc("Residual adds and biases into the matmuls, element-wise "
                     "chains into one kernel (--attn-fuse-epilogues)"),
      llvm::cl::init(true)};
  Option<bool> fuseRope{
      *this, "fuse-rope",
      llvm::cl::desc("Rotate the queries inside attention and the keys on "
                     "their way into the cache (--attn-fuse-rope)"),
      llvm::cl::init(true)};
  Option<bool> flashAttention{
      *this, "flash-attention",
      llvm::cl::desc("FlashAttention on tensor cores and flash-decoding for "
                     "attn.attention (off: the generic lowering)"),
      llvm::cl::init(true)};
  Option<std::string> mmaType{
      *this, "mma-type",
      llvm::cl::desc("What attention's tensor cores multiply: bf16 or f16"),
      llvm::cl::init("bf16")};
  Option<int64_t> decodeMaxRows{
      *this, "decode-max-rows",
      llvm::cl::desc("Most query rows that take flash-decoding"),
      llvm::cl::init(4)};
};

} // namespace

LogicalResult mlir::attn::parseCUDAPipelineOptions(
    StringRef text, CUDAPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  CUDAPipelineCLOptions clOptions;
  if (failed(clOptions.parseFromString(text)))
    return errorHandler("cannot parse '" + text + "'");
  FailureOr<unsigned> phase = parseStopAfter(
      "attn-cuda-pipeline", kCUDAPhaseNames, clOptions.stopAfter, errorHandler);
  if (failed(phase))
    return failure();
  options.stopAfter = static_cast<CUDAPhase>(*phase);
  options.arch = clOptions.arch;
  options.blockSize = clOptions.blockSize;
  options.tileMatmuls = clOptions.tileMatmuls;
  options.gemvMaxRows = clOptions.gemvMaxRows;
  options.wgmma = clOptions.wgmma;
  if (clOptions.bf16Weights.hasValue())
    options.bf16Weights = clOptions.bf16Weights;
  options.fuseRMSNorm = clOptions.fuseRMSNorm;
  options.fuseEpilogues = clOptions.fuseEpilogues;
  options.fuseRope = clOptions.fuseRope;
  options.flashAttention = clOptions.flashAttention;
  options.mmaType = clOptions.mmaType;
  options.decodeMaxRows = clOptions.decodeMaxRows;
  // The passes check these too; checked here they fail before a compile.
  if (options.mmaType != "bf16" && options.mmaType != "f16")
    return errorHandler("attn-cuda-pipeline: mma-type is '" + options.mmaType +
                        "'; expected bf16 or f16");
  for (auto [name, value] :
       {std::pair<StringRef, int64_t>{"decode-max-rows", options.decodeMaxRows},
        {"gemv-max-rows", options.gemvMaxRows}})
    if (value < 0)
      return errorHandler("attn-cuda-pipeline: " + name + " is " +
                          Twine(value) + "; expected 0 or more rows");
  if (clOptions.format == "cubin")
    options.format = CUDABinaryFormat::Cubin;
  else if (clOptions.format == "ptx")
    options.format = CUDABinaryFormat::PTX;
  else
    return errorHandler("attn-cuda-pipeline: unknown format '" +
                        clOptions.format + "' (expected ptx or cubin)");
  return success();
}

void mlir::attn::registerCUDAPipeline() {
  registerPassPipeline(
      "attn-cuda-pipeline",
      "Lower the attn graph to kernels for NVIDIA GPUs and host code in the "
      "LLVM dialect, with the C ABI of docs/abi.md",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler)
          -> LogicalResult {
        CUDAPipelineOptions options;
        if (failed(
                parseCUDAPipelineOptions(optionsText, options, errorHandler)))
          return failure();
        populateCUDAPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(CUDAPipelineCLOptions());
      });
}
