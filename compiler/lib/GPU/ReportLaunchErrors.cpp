//===- ReportLaunchErrors.cpp - The --attn-cuda-report-launch-errors pass -===//

#include "attn/GPU/Passes.h"

#include "mlir/IR/Matchers.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_REPORTLAUNCHERRORSPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// Implemented by runtime/lib/cuda (CUDAWrappers.cpp), linked into every
/// CUDA model library.
static constexpr llvm::StringLiteral kTakeError = "attn_cuda_take_error";

namespace {

struct ReportLaunchErrorsPass
    : mlir::attn::impl::ReportLaunchErrorsPassBase<ReportLaunchErrorsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::ReturnOp> returns;
    for (StringRef name : {"attn_prefill", "attn_logits"}) {
      auto func = module.lookupSymbol<func::FuncOp>(name);
      if (!func || func.isExternal())
        continue;
      func.walk([&](func::ReturnOp ret) {
        if (ret.getNumOperands() == 1 &&
            matchPattern(ret.getOperand(0), m_Zero()))
          returns.push_back(ret);
      });
    }
    if (returns.empty())
      return;

    OpBuilder b(module.getBodyRegion());
    auto i32 = b.getI32Type();
    auto takeError = module.lookupSymbol<func::FuncOp>(kTakeError);
    if (!takeError) {
      b.setInsertionPointToEnd(module.getBody());
      takeError = func::FuncOp::create(b, module.getLoc(), kTakeError,
                                       b.getFunctionType({}, i32));
      takeError.setPrivate();
    }
    for (func::ReturnOp ret : returns) {
      b.setInsertionPoint(ret);
      auto status = func::CallOp::create(b, ret.getLoc(), takeError);
      ret->setOperand(0, status.getResult(0));
    }
  }
};

} // namespace
