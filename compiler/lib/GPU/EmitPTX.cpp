//===- EmitPTX.cpp - The PTX of every kernel module -----------------------===//

#include "CUDATargetUtils.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::attn;

LogicalResult mlir::attn::emitPTX(ModuleOp module,
                                  const CUDATargetOptions &options,
                                  llvm::raw_ostream &os) {
  CUDATargetOptions ptxOptions = options;
  ptxOptions.format = CUDAKernelFormat::PTX;
  FailureOr<CUDAPipelineOptions> pipeline =
      resolvePipelineOptions(module, ptxOptions, CUDAPhase::NVVM);
  if (failed(pipeline) || failed(runCUDAPipeline(module, *pipeline)))
    return failure();

  PassManager pm(module.getContext());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (failed(pm.run(module)))
    return failure();
  for (auto binaryOp : module.getOps<gpu::BinaryOp>()) {
    for (Attribute object : binaryOp.getObjects()) {
      os << "// attn kernel module @" << binaryOp.getName() << "\n";
      os << cast<gpu::ObjectAttr>(object).getObject().getValue() << "\n";
    }
  }
  return success();
}
