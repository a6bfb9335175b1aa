//===- CheckSharedMemory.cpp - The --attn-gpu-check-shared-memory pass ----===//
//
// A kernel that asks for more shared memory than its GPU has fails at launch
// (or, for static memory over 48 KiB, in ptxas) with a message that names
// neither the model nor the kernel; checked here, the error points at the
// kernel while the IR is still readable.
//
//===----------------------------------------------------------------------===//

#include "attn/GPU/CUDAArch.h"
#include "attn/GPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_CHECKSHAREDMEMORYPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// The bytes of a statically shaped workgroup buffer of scalars or of
/// vectors of them, or nullopt.
static std::optional<int64_t> staticBytes(MemRefType type) {
  Type element = type.getElementType();
  int64_t elementBits = 0;
  if (element.isIntOrFloat())
    elementBits = element.getIntOrFloatBitWidth();
  else if (auto vector = dyn_cast<VectorType>(element);
           vector && !vector.isScalable() &&
           vector.getElementType().isIntOrFloat())
    elementBits = vector.getNumElements() *
                  vector.getElementType().getIntOrFloatBitWidth();
  if (!type.hasStaticShape() || elementBits == 0)
    return std::nullopt;
  return type.getNumElements() * llvm::divideCeil(elementBits, 8);
}

static bool isWorkgroup(MemRefType type) {
  return gpu::GPUDialect::isWorkgroupMemoryAddressSpace(type.getMemorySpace());
}

/// The static shared memory of `kernel`: its workgroup attributions and the
/// workgroup globals it reads. Emits an error and returns nullopt for a
/// buffer whose size is not known.
static std::optional<int64_t> staticSharedMemory(gpu::GPUFuncOp kernel,
                                                 SymbolTable &symbols) {
  int64_t bytes = 0;
  for (BlockArgument attribution : kernel.getWorkgroupAttributions()) {
    auto type = cast<MemRefType>(attribution.getType());
    std::optional<int64_t> size = staticBytes(type);
    if (!size) {
      kernel.emitError() << "kernel '" << kernel.getName()
                         << "': workgroup buffer of type " << type
                         << " has no static size";
      return std::nullopt;
    }
    bytes += *size;
  }
  llvm::SmallPtrSet<Operation *, 4> seen;
  kernel.walk([&](memref::GetGlobalOp get) {
    auto global = symbols.lookup<memref::GlobalOp>(get.getName());
    if (global && isWorkgroup(global.getType()) && seen.insert(global).second)
      bytes += staticBytes(global.getType()).value_or(0);
  });
  return bytes;
}

namespace {

struct CheckSharedMemoryPass
    : mlir::attn::impl::CheckSharedMemoryPassBase<CheckSharedMemoryPass> {
  using CheckSharedMemoryPassBase::CheckSharedMemoryPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<CUDAArch> arch = lookupCUDAArch(chip);
    if (!arch) {
      module.emitError() << "unknown CUDA architecture '" << chip
                         << "' (expected one of " << knownCUDAArchs() << ")";
      return signalPassFailure();
    }

    // The largest constant dynamic shared memory each kernel is launched
    // with.
    llvm::DenseMap<SymbolRefAttr, int64_t> dynamicBytes;
    module.walk([&](gpu::LaunchFuncOp launch) {
      Value size = launch.getDynamicSharedMemorySize();
      llvm::APInt value;
      if (size && matchPattern(size, m_ConstantInt(&value))) {
        int64_t &bytes = dynamicBytes[launch.getKernel()];
        bytes = std::max(bytes, value.getSExtValue());
      }
    });

    bool ok = true;
    for (auto gpuModule : module.getOps<gpu::GPUModuleOp>()) {
      SymbolTable symbols(gpuModule);
      for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>()) {
        if (!kernel.isKernel())
          continue;
        std::optional<int64_t> fixed = staticSharedMemory(kernel, symbols);
        if (!fixed) {
          ok = false;
          continue;
        }
        auto name =
            SymbolRefAttr::get(gpuModule.getNameAttr(),
                               {FlatSymbolRefAttr::get(kernel.getNameAttr())});
        int64_t dynamic = dynamicBytes.lookup(name);
        if (*fixed > kMaxStaticSharedMemory) {
          kernel.emitError()
              << "kernel '" << kernel.getName() << "' declares " << *fixed
              << " bytes of static shared memory; PTX allows at most "
              << kMaxStaticSharedMemory
              << " bytes (48 KiB), more must be dynamic";
          ok = false;
        }
        if (*fixed + dynamic > arch->maxSharedMemoryPerBlock) {
          kernel.emitError()
              << "kernel '" << kernel.getName() << "' needs "
              << *fixed + dynamic << " bytes of shared memory per block ("
              << *fixed << " static, " << dynamic << " dynamic); " << arch->name
              << " allows at most " << arch->maxSharedMemoryPerBlock
              << " bytes (" << arch->maxSharedMemoryPerBlock / 1024 << " KiB)";
          ok = false;
        }
      }
    }
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
