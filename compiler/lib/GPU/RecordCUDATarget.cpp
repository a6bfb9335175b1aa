//===- RecordCUDATarget.cpp - The --attn-cuda-record-target pass ----------===//

#include "attn/GPU/CUDAArch.h"
#include "attn/GPU/Passes.h"

#include "llvm/Support/JSON.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_RECORDCUDATARGETPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

struct RecordCUDATargetPass
    : mlir::attn::impl::RecordCUDATargetPassBase<RecordCUDATargetPass> {
  using RecordCUDATargetPassBase::RecordCUDATargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto manifest = module->getAttrOfType<StringAttr>("attn.manifest");
    if (!manifest)
      return;
    if (!lookupCUDAArch(chip)) {
      module.emitError() << "unknown CUDA architecture '" << chip
                         << "' (expected one of " << knownCUDAArchs() << ")";
      return signalPassFailure();
    }
    // Edited as text, not re-serialised, so that the manifest keeps its key
    // order (llvm::json would sort the keys).
    llvm::StringRef text = manifest.getValue().rtrim();
    llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
    if (!parsed || !parsed->getAsObject() || !text.ends_with("}")) {
      if (!parsed)
        llvm::consumeError(parsed.takeError());
      module.emitError("attn.manifest is not a JSON object");
      return signalPassFailure();
    }
    if (parsed->getAsObject()->get("target")) {
      module.emitError("attn.manifest already has a 'target'");
      return signalPassFailure();
    }
    std::string updated = text.drop_back().rtrim().str();
    if (!parsed->getAsObject()->empty())
      updated += ",";
    updated += "\"target\":{\"kind\":\"cuda\",\"arch\":\"" + chip + "\"}}";
    module->setAttr("attn.manifest", StringAttr::get(&getContext(), updated));
  }
};

} // namespace
