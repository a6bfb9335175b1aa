//===- EmitKind.cpp - What attnc writes -----------------------------------===//

#include "attn/Driver/EmitKind.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace mlir::attn;

llvm::StringRef mlir::attn::defaultOutputPath(EmitKind kind) {
  return kind == EmitKind::Library ? "model.so" : "-";
}

bool mlir::attn::isTextOutput(EmitKind kind) {
  switch (kind) {
  case EmitKind::Mlir:
  case EmitKind::Manifest:
  case EmitKind::Llvm:
  case EmitKind::Asm:
  case EmitKind::Ptx:
    return true;
  case EmitKind::Obj:
  case EmitKind::Library:
    return false;
  }
  llvm_unreachable("unknown emit kind");
}
