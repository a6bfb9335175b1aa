//===- MergeKernelModules.cpp - The --attn-gpu-merge-kernel-modules pass --===//

#include "attn/GPU/Passes.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_MERGEKERNELMODULESPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

static constexpr llvm::StringLiteral kMergedName = "attn_kernels";

namespace {

struct MergeKernelModulesPass
    : mlir::attn::impl::MergeKernelModulesPassBase<MergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> gpuModules(module.getOps<gpu::GPUModuleOp>());
    if (gpuModules.empty())
      return;
    gpu::GPUModuleOp merged = gpuModules.front();
    if (module.lookupSymbol(kMergedName) && merged.getName() != kMergedName) {
      module.emitError() << "a symbol '" << kMergedName
                         << "' already exists; cannot merge kernel modules";
      return signalPassFailure();
    }
    // Outlining names each module uniquely but may give several kernels
    // the same name; a kernel takes its module's name (module_kernel when a
    // module holds several).
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp gpuModule : gpuModules) {
      auto kernels = llvm::to_vector(gpuModule.getOps<gpu::GPUFuncOp>());
      for (gpu::GPUFuncOp kernel : kernels) {
        std::string name = gpuModule.getName().str();
        if (kernels.size() > 1)
          name += "_" + kernel.getName().str();
        renamed[{gpuModule.getNameAttr(), kernel.getNameAttr()}] =
            StringAttr::get(&getContext(), name);
      }
    }
    for (auto [key, name] : renamed) {
      auto gpuModule = module.lookupSymbol<gpu::GPUModuleOp>(key.first);
      auto kernel = gpuModule.lookupSymbol<gpu::GPUFuncOp>(key.second);
      kernel.setName(name);
    }

    SymbolTable mergedSymbols(merged);
    for (gpu::GPUModuleOp other : llvm::drop_begin(gpuModules)) {
      for (Operation &op :
           llvm::make_early_inc_range(other.getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol)
          continue;
        // A global seen twice is the same module-level global, cloned into
        // two kernel modules by outlining.
        if (mergedSymbols.lookup(symbol.getName())) {
          if (isa<gpu::GPUFuncOp>(op)) {
            op.emitError() << "two kernels named '" << symbol.getName() << "'";
            return signalPassFailure();
          }
          continue;
        }
        op.moveBefore(merged.getBody(), merged.getBody()->end());
        mergedSymbols.insert(&op);
      }
    }
    SymbolTable(module).setSymbolName(merged, kMergedName);
    auto mergedName = StringAttr::get(&getContext(), kMergedName);
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      auto it =
          renamed.find({kernel.getRootReference(), kernel.getLeafReference()});
      if (it != renamed.end())
        launch.setKernelAttr(SymbolRefAttr::get(
            mergedName, {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp other : llvm::drop_begin(gpuModules))
      other.erase();
  }
};

} // namespace
