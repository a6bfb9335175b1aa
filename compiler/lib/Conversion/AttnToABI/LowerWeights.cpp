//===- LowerWeights.cpp - The --attn-lower-weights pass -------------------===//
//
// attn.weight names a tensor that the runtime binds at load time; compiled
// code finds it in the weight table (`attn_call::weights`), at the slot the
// manifest order assigns. The table is threaded through the call graph as a
// leading argument rather than kept in a global, so that several sessions
// (or models) can run at once.
//
//===----------------------------------------------------------------------===//

#include "MemRefFromPointer.h"

#include "attn/Compiler/Manifest.h"
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include "llvm/ADT/SetVector.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_LOWERWEIGHTSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// The functions that need the weight table: those that read a weight, and
/// their callers, transitively.
static llvm::SetVector<func::FuncOp> functionsNeedingTable(ModuleOp module) {
  llvm::SetVector<func::FuncOp> needing;
  for (auto func : module.getOps<func::FuncOp>())
    if (func.walk([](WeightOp) { return WalkResult::interrupt(); })
            .wasInterrupted())
      needing.insert(func);
  SymbolTable symbols(module);
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (needing.contains(func))
        continue;
      bool calls = func.walk([&](func::CallOp call) {
                         auto callee =
                             symbols.lookup<func::FuncOp>(call.getCallee());
                         return callee && needing.contains(callee)
                                    ? WalkResult::interrupt()
                                    : WalkResult::advance();
                       })
                       .wasInterrupted();
      if (calls) {
        needing.insert(func);
        changed = true;
      }
    }
  }
  return needing;
}

/// A load of the weight's pointer from its slot, viewed as a read-only tensor.
static void lowerWeight(WeightOp op, Value table, const WeightSlot &slot) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  Value index =
      arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(slot.firstSlot));
  if (Value layer = op.getLayer())
    index = arith::AddIOp::create(
        b, loc, index,
        arith::IndexCastOp::create(b, loc, b.getI64Type(), layer));
  Value address =
      LLVM::GEPOp::create(b, loc, ptrType, ptrType, table, ValueRange{index});
  Value pointer = LLVM::LoadOp::create(b, loc, ptrType, address);
  Value tensor = createTensorFromPointer(b, loc, pointer, op.getType(),
                                         /*dynamicSize=*/Value(),
                                         /*writable=*/false);
  op.replaceAllUsesWith(tensor);
  op.erase();
}

namespace {

struct LowerWeightsPass
    : mlir::attn::impl::LowerWeightsPassBase<LowerWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The manifest is derived from the weights; record it before they go.
    if (module->hasAttr("attn.abi_version")) {
      std::string manifest = buildManifestJson(module);
      if (manifest.empty())
        return signalPassFailure();
      module->setAttr("attn.manifest",
                      StringAttr::get(&getContext(), manifest));
    }
    llvm::SetVector<func::FuncOp> needing = functionsNeedingTable(module);
    if (needing.empty())
      return;
    FailureOr<WeightTable> table = buildWeightTable(module);
    if (failed(table))
      return signalPassFailure();

    auto ptrType = LLVM::LLVMPointerType::get(&getContext());
    for (func::FuncOp func : needing) {
      if (func.isExternal()) {
        func.emitError() << "function '" << func.getName()
                         << "' reads weights but has no body";
        return signalPassFailure();
      }
      if (failed(func.insertArgument(0, ptrType, {}, func.getLoc())))
        return signalPassFailure();
    }

    SymbolTable symbols(module);
    for (func::FuncOp func : needing) {
      Value weights = func.getArgument(0);
      func.walk([&](func::CallOp call) {
        auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
        if (!callee || !needing.contains(callee))
          return;
        SmallVector<Value> operands = {weights};
        llvm::append_range(operands, call.getOperands());
        OpBuilder b(call);
        auto updated = func::CallOp::create(b, call.getLoc(), callee, operands);
        call.replaceAllUsesWith(updated.getResults());
        call.erase();
      });
      SmallVector<WeightOp> weightOps;
      func.walk([&](WeightOp op) { weightOps.push_back(op); });
      for (WeightOp op : weightOps)
        lowerWeight(op, weights, *table->lookup(op.getName()));
    }
  }
};

} // namespace
