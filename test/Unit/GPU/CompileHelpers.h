//===- CompileHelpers.h - Modules for the CUDA compiler tests ---*- C++ -*-===//

#ifndef ATTN_TEST_UNIT_GPU_COMPILEHELPERS_H
#define ATTN_TEST_UNIT_GPU_COMPILEHELPERS_H

#include "attn/Dialect/Attn/AttnDialect.h"
#include "attn/GPU/CUDATarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

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

#ifdef ATTN_TARGET_INPUTS_DIR
/// A suite over the tiny model of test/Target/Inputs compiled into a CUDA
/// library (PTX for sm_90) in a temporary file: compiled before the suite,
/// removed after it; its tests skip when it did not compile.
class TinyCUDALibraryTest : public testing::Test {
protected:
  static void SetUpTestSuite() {
    auto context = makeContext();
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceFile<mlir::ModuleOp>(
            ATTN_TARGET_INPUTS_DIR "/tiny-model.mlir", context.get());
    ASSERT_TRUE(module);
    llvm::SmallString<64> path;
    ASSERT_FALSE(
        llvm::sys::fs::createTemporaryFile("attn-cuda-model", "so", path));
    mlir::attn::CUDATargetOptions options;
    options.arch = "sm_90";
    options.format = mlir::attn::CUDAKernelFormat::PTX;
    ASSERT_TRUE(mlir::succeeded(
        mlir::attn::compileToCUDALibrary(*module, options, path)));
    libraryPath = new std::string(path.str());
  }
  static void TearDownTestSuite() {
    if (libraryPath)
      llvm::sys::fs::remove(*libraryPath);
    delete libraryPath;
    libraryPath = nullptr;
  }
  void SetUp() override {
    if (!libraryPath)
      GTEST_SKIP() << "the tiny model did not compile for CUDA";
  }

  static inline std::string *libraryPath = nullptr;
};
#endif

} // namespace attn_test

#endif // ATTN_TEST_UNIT_GPU_COMPILEHELPERS_H
