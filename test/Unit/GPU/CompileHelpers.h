//===- CompileHelpers.h - Modules for the CUDA compiler tests ---*- C++ -*-===//

#ifndef ATTN_TEST_UNIT_GPU_COMPILEHELPERS_H
#define ATTN_TEST_UNIT_GPU_COMPILEHELPERS_H

#include "attn/Dialect/Attn/AttnDialect.h"
#include "attn/GPU/CUDATarget.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"

#include <memory>

namespace attn_test {

/// A context that knows every dialect and translation attnc uses (what
/// mlir::attn::registerAllDialects registers, without the attn passes).
inline std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registry.insert<mlir::attn::AttnDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::attn::registerCUDATranslations(registry);
  auto context = std::make_unique<mlir::MLIRContext>(registry);
  context->loadAllAvailableDialects();
  return context;
}

} // namespace attn_test

#endif // ATTN_TEST_UNIT_GPU_COMPILEHELPERS_H
