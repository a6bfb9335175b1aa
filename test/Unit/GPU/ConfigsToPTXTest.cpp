//===- ConfigsToPTXTest.cpp - Every config compiles to PTX ----------------===//
//
// Each config of test/Frontend/Inputs (copies of the shared configs and
// variants) goes through the frontend and the CUDA pipeline to PTX for
// sm_90 and sm_80; where ptxas is found, the PTX is also assembled for its
// architecture. Weights play no part: only code is emitted.
//
//===----------------------------------------------------------------------===//

#include "CompileHelpers.h"

#include "attn/Frontend/ConfigParser.h"
#include "attn/Frontend/GraphBuilder.h"
#include "attn/GPU/CUDATarget.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::attn;

namespace {

/// The configs in the inputs that the frontend rejects on purpose.
const std::set<std::string> kInvalidConfigs = {"deep-nesting.json",
                                               "non-utf8.json"};

std::vector<std::string> configFiles() {
  std::vector<std::string> files;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(ATTN_CONFIGS_DIR, error), end;
       it != end && !error; it.increment(error))
    if (llvm::StringRef(it->path()).ends_with(".json"))
      files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

/// The PTX of `path` for `arch`, or an empty string after a test failure.
std::string compileToPTX(const std::string &path, const std::string &arch) {
  auto parsed = parseModelConfigFile(path);
  if (!parsed) {
    ADD_FAILURE() << llvm::toString(parsed.takeError());
    return "";
  }
  auto context = attn_test::makeContext();
  OwningOpRef<ModuleOp> module =
      buildModelGraph(context.get(), parsed->config,
                      FileLineColLoc::get(context.get(), path, 0, 0));
  if (!module) {
    ADD_FAILURE() << "no graph for " << path;
    return "";
  }
  CUDATargetOptions options;
  options.arch = arch;
  std::string ptx;
  llvm::raw_string_ostream os(ptx);
  if (failed(emitPTX(*module, options, os))) {
    ADD_FAILURE() << "emitPTX failed for " << path;
    return "";
  }
  return ptx;
}

TEST(ConfigsToPTX, InvalidConfigsAreExactlyTheKnownOnes) {
  std::vector<std::string> files = configFiles();
  ASSERT_GE(files.size(), 10u) << "configs missing from " << ATTN_CONFIGS_DIR;
  for (const std::string &path : files) {
    std::string name = llvm::sys::path::filename(path).str();
    auto parsed = parseModelConfigFile(path);
    bool valid = static_cast<bool>(parsed);
    if (!valid)
      llvm::consumeError(parsed.takeError());
    EXPECT_EQ(valid, !kInvalidConfigs.count(name)) << name;
  }
}

/// Assembles `ptx` for `arch` with `ptxas`; a test failure with ptxas's
/// log if it rejects it.
void expectAssembles(llvm::StringRef ptxas, const std::string &ptx,
                     const std::string &arch, const std::string &name) {
  llvm::SmallString<64> ptxPath, logPath;
  ASSERT_FALSE(
      llvm::sys::fs::createTemporaryFile("attn-config", "ptx", ptxPath));
  ASSERT_FALSE(
      llvm::sys::fs::createTemporaryFile("attn-ptxas", "log", logPath));
  {
    std::error_code error;
    llvm::raw_fd_ostream out(ptxPath, error);
    ASSERT_FALSE(error);
    out << ptx;
  }
  std::string archFlag = "-arch=" + arch;
  llvm::StringRef args[] = {ptxas, archFlag, ptxPath, "-o", "/dev/null"};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logPath, logPath};
  int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects);
  auto log = llvm::MemoryBuffer::getFile(logPath);
  EXPECT_EQ(status, 0) << "ptxas rejected the " << arch << " PTX of " << name
                       << ":\n"
                       << (log ? (*log)->getBuffer().str() : std::string());
  llvm::sys::fs::remove(ptxPath);
  llvm::sys::fs::remove(logPath);
}

TEST(ConfigsToPTX, EveryConfigForEveryArch) {
  std::optional<std::string> ptxas = findPtxas("");
  if (!ptxas)
    std::printf("note: ptxas not found; the PTX is emitted but not "
                "assembled\n");
  int compiled = 0;
  for (const std::string &path : configFiles()) {
    std::string name = llvm::sys::path::filename(path).str();
    if (kInvalidConfigs.count(name))
      continue;
    // Both architectures for every config: sm_90 compiles for sm_90a, whose
    // projections run on wgmma; sm_80's on mma.sync. Attention uses
    // mma.sync on both.
    struct Target {
      const char *arch, *ptxTarget, *projection;
    };
    for (Target target :
         {Target{"sm_90", "sm_90a",
                 "wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16"},
          Target{"sm_80", "sm_80",
                 "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"}}) {
      SCOPED_TRACE(name + " " + target.arch);
      std::string ptx = compileToPTX(path, target.arch);
      ASSERT_FALSE(ptx.empty());
      // One kernel module, for the chosen architecture, with kernels.
      EXPECT_NE(ptx.find("// attn kernel module @attn_kernels"),
                std::string::npos);
      EXPECT_EQ(ptx.find("// attn kernel module", 1), std::string::npos);
      EXPECT_NE(ptx.find(std::string(".target ") + target.ptxTarget + "\n"),
                std::string::npos);
      EXPECT_NE(ptx.find(".visible .entry"), std::string::npos);
      // The projections: tensor cores on bf16 for prefill, a warp-shuffle
      // GEMV for decode (--attn-gpu-tile-matmul); attention's tensor cores.
      EXPECT_NE(ptx.find(target.projection), std::string::npos);
      EXPECT_NE(ptx.find("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"),
                std::string::npos);
      EXPECT_NE(ptx.find("shfl.sync.bfly.b32"), std::string::npos);
      if (ptxas)
        expectAssembles(*ptxas, ptx, target.ptxTarget, name);
    }
    ++compiled;
  }
  EXPECT_GE(compiled, 10);
  if (!ptxas)
    GTEST_SKIP() << "ptxas not found: " << compiled
                 << " configs compiled to PTX, none assembled";
}

} // namespace
