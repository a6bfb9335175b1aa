//===- CompiledLibrary.cpp - Compile MLIR to a .so and load it ------------===//

#include "CompiledLibrary.h"

#include "attn/Compiler/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <dlfcn.h>

using namespace attn_test;

CompiledLibrary::~CompiledLibrary() {
  if (handle)
    dlclose(handle);
  if (!path.empty())
    llvm::sys::fs::remove(path);
}

std::unique_ptr<CompiledLibrary>
CompiledLibrary::compile(const std::string &source,
                         const mlir::attn::CPUTargetOptions &options,
                         std::string &error, double *seconds) {
  mlir::DialectRegistry registry;
  mlir::attn::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  llvm::raw_string_ostream errors(error);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, errors);
  auto start = std::chrono::steady_clock::now();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return nullptr;
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("attn-test-model", "so", path);
  auto library = std::unique_ptr<CompiledLibrary>(new CompiledLibrary);
  library->path = path.str().str();
  if (mlir::failed(mlir::attn::compileToSharedLibrary(*module, options, path)))
    return nullptr;
  if (seconds)
    *seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  library->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library->handle) {
    error += std::string("dlopen failed: ") + dlerror();
    return nullptr;
  }
  return library;
}

void *CompiledLibrary::symbol(const char *name) const {
  return dlsym(handle, name);
}

std::vector<float> attn_test::randomValues(std::mt19937 &rng, size_t count,
                                           float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> values(count);
  for (float &v : values)
    v = dist(rng);
  return values;
}

void attn_test::expectClose(const std::vector<float> &actual,
                            const std::vector<double> &expected, double rel) {
  ASSERT_EQ(actual.size(), expected.size());
  double scale = 1.0;
  for (double e : expected)
    scale = std::max(scale, std::abs(e));
  size_t failures = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (std::abs(actual[i] - expected[i]) <= rel * scale)
      continue;
    if (++failures <= 5)
      ADD_FAILURE() << "element " << i << ": got " << actual[i] << ", expected "
                    << expected[i] << " (tolerance " << rel * scale << ")";
  }
  EXPECT_EQ(failures, 0u) << "of " << actual.size() << " elements";
}
