//===- ExpandKernelCalls.cpp - The --attn-gpu-expand-kernel-calls pass ----===//
//
// Step 2 of KernelOnBuffers.h: every call of a declaration marked
// `attn.gpu_kernel` becomes the kernels of its kind, built on the call's
// buffers; the declarations go.
//
//===----------------------------------------------------------------------===//

#include "KernelOnBuffers.h"

#include "attn/GPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/StringSwitch.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_EXPANDKERNELCALLSPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

using BuilderPointer = LogicalResult (*)(OpBuilder &, Location, DictionaryAttr,
                                         ArrayRef<Value>, Value);

struct ExpandKernelCallsPass
    : mlir::attn::impl::ExpandKernelCallsPassBase<ExpandKernelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> declarations;
    for (auto function : module.getOps<func::FuncOp>())
      if (function->hasAttr(kGPUKernelAttrName))
        declarations.push_back(function);
    for (func::FuncOp declaration : declarations) {
      auto params =
          declaration->getAttrOfType<DictionaryAttr>(kGPUKernelAttrName);
      auto kind = params ? params.getAs<StringAttr>("kind") : StringAttr();
      BuilderPointer builder =
          llvm::StringSwitch<BuilderPointer>(kind ? kind.getValue() : "")
              .Case("attention", buildAttentionKernelCall)
              .Case("rms_norm", buildRMSNormKernelCall)
              .Default(nullptr);
      if (!builder) {
        declaration.emitError()
            << "attn-gpu-expand-kernel-calls: no kernel builder for "
            << kGPUKernelAttrName << " " << params;
        return signalPassFailure();
      }
      std::optional<SymbolTable::UseRange> uses =
          SymbolTable::getSymbolUses(declaration, module);
      SmallVector<func::CallOp> calls;
      if (uses)
        for (const SymbolTable::SymbolUse &use : *uses)
          if (auto call = dyn_cast<func::CallOp>(use.getUser()))
            calls.push_back(call);
      for (func::CallOp call : calls) {
        OpBuilder b(call);
        SmallVector<Value> operands(call.getOperands());
        if (operands.empty() ||
            failed(builder(b, call.getLoc(), params,
                           ArrayRef<Value>(operands).drop_back(),
                           operands.back())))
          return signalPassFailure();
        call.erase();
      }
      if (uses && calls.size() != llvm::range_size(*uses)) {
        declaration.emitError()
            << "attn-gpu-expand-kernel-calls: a use of the kernel is not a "
               "call";
        return signalPassFailure();
      }
      declaration.erase();
    }
  }
};

} // namespace
