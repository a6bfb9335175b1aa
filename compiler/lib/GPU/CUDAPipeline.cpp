//===- CUDAPipeline.cpp - From the attn graph to kernels and host code ----===//

#include "attn/GPU/CUDAPipeline.h"

#include "attn/Conversion/Passes.h"
#include "attn/GPU/Passes.h"
#include "attn/Pipelines/PipelineSteps.h"

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
static void addKernels(OpPassManager &pm, const CUDAPipelineOptions &options) {
  pm.addPass(createCopiesToLinalgPass());
  if (options.tileMatmuls) {
    TileMatmulPassOptions tileOptions;
    tileOptions.gemvMaxRows = options.gemvMaxRows;
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
  checkOptions.chip = options.arch;
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
static void addNVVM(OpPassManager &pm, const CUDAPipelineOptions &options) {
  pm.addPass(createSCFToControlFlowPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.arch;
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

void mlir::attn::populateCUDAPipeline(OpPassManager &pm,
                                      const CUDAPipelineOptions &options) {
  auto done = [&](CUDAPhase phase) { return options.stopAfter == phase; };

  pm.addPass(createConvertAttnToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  if (done(CUDAPhase::Linalg))
    return;

  pm.addPass(createLowerWeightsPass());
  // Before the manifest becomes the attn_manifest string.
  RecordCUDATargetPassOptions record;
  record.chip = options.arch;
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

  addKernels(pm, options);
  if (done(CUDAPhase::Kernels))
    return;

  addNVVM(pm, options);
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
};

} // namespace

void mlir::attn::registerCUDAPipeline() {
  registerPassPipeline(
      "attn-cuda-pipeline",
      "Lower the attn graph to kernels for NVIDIA GPUs and host code in the "
      "LLVM dialect, with the C ABI of docs/abi.md",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler)
          -> LogicalResult {
        CUDAPipelineCLOptions clOptions;
        if (failed(clOptions.parseFromString(optionsText)))
          return failure();
        FailureOr<unsigned> phase =
            parseStopAfter("attn-cuda-pipeline", kCUDAPhaseNames,
                           clOptions.stopAfter, errorHandler);
        if (failed(phase))
          return failure();
        CUDAPipelineOptions options;
        options.stopAfter = static_cast<CUDAPhase>(*phase);
        options.arch = clOptions.arch;
        options.blockSize = clOptions.blockSize;
        options.tileMatmuls = clOptions.tileMatmuls;
        options.gemvMaxRows = clOptions.gemvMaxRows;
        if (clOptions.format == "cubin")
          options.format = CUDABinaryFormat::Cubin;
        else if (clOptions.format != "ptx")
          return errorHandler("attn-cuda-pipeline: unknown format '" +
                              clOptions.format + "' (expected ptx or cubin)");
        populateCUDAPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(CUDAPipelineCLOptions());
      });
}
