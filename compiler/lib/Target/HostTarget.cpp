//===- HostTarget.cpp - LLVM's target for this host -----------------------===//

#include "attn/Target/HostTarget.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

const llvm::Target *mlir::attn::lookupHostTarget(Location loc,
                                                 llvm::Triple &triple) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  triple = llvm::Triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    mlir::emitError(loc) << "no LLVM target for the host triple '"
                         << triple.str() << "': " << error;
  return target;
}
