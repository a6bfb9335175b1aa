//===- EmulatorTest.cpp - The SIMT emulator on hand-written kernels -------===//
//
// What EmulatorLaunch.h promises, on kernels written in the LLVM and NVVM
// dialects: shuffles within each warp, shared memory and barriers, a missing
// barrier visible in the results, mma.sync's arithmetic, and every way a
// launch or a kernel module can fail, reported rather than hung or crashed.
//
//===----------------------------------------------------------------------===//

#include "CompileHelpers.h"
#include "EmulatorKernels.h"

#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace attn_emu;

namespace {

/// Compiles the gpu.module of `source` for the emulator.
std::unique_ptr<EmulatedKernels> emulate(const std::string &source) {
  auto context = attn_test::makeContext();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, context.get());
  if (!module) {
    ADD_FAILURE() << "the test kernel does not parse";
    return nullptr;
  }
  std::string error;
  std::unique_ptr<EmulatedKernels> kernels =
      EmulatedKernels::create(*module, error);
  EXPECT_TRUE(kernels) << error;
  return kernels;
}

/// out[tid] = the value of lane tid ^ 1 (shfl.sync.bfly), after a block
/// barrier, for blocks of 64 threads: two warps.
const char *kShuffleKernel = R"mlir(
gpu.module @attn_kernels {
  llvm.func @shuffle(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %value = llvm.sitofp %tid : i32 to f32
    %mask = llvm.mlir.constant(-1 : i32) : i32
    %one = llvm.mlir.constant(1 : i32) : i32
    %clamp = llvm.mlir.constant(31 : i32) : i32
    %r = nvvm.shfl.sync bfly %mask, %value, %one, %clamp : f32 -> f32
    nvvm.barrier0
    %i = llvm.sext %tid : i32 to i64
    %p = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    llvm.store %r, %p : f32, !llvm.ptr
    llvm.return
  }
}
)mlir";

TEST(EmulatorTest, ShuffleExchangesWithinEachWarp) {
  std::unique_ptr<EmulatedKernels> kernels = emulate(kShuffleKernel);
  ASSERT_TRUE(kernels);
  auto it = kernels->kernels().kernels.find("shuffle");
  ASSERT_NE(it, kernels->kernels().kernels.end());
  std::vector<float> out(64, -1);
  float *pointer = out.data();
  void *params[] = {&pointer};
  EXPECT_EQ(
      launch(kernels->kernels(), it->second, {1, 1, 1}, {64, 1, 1}, params),
      "");
  for (int i = 0; i < 64; ++i)
    EXPECT_EQ(out[i], float(i ^ 1)) << "thread " << i;
}

/// Lanes 0-15 shuffle while 16-31 wait at a block barrier: neither can
/// complete (on the GPU, undefined behaviour; here, a reported deadlock).
const char *kDivergentKernel = R"mlir(
gpu.module @attn_kernels {
  llvm.func @divergent(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %c16 = llvm.mlir.constant(16 : i32) : i32
    %low = llvm.icmp "slt" %tid, %c16 : i32
    llvm.cond_br %low, ^shuffle, ^wait
  ^shuffle:
    %value = llvm.sitofp %tid : i32 to f32
    %mask = llvm.mlir.constant(-1 : i32) : i32
    %one = llvm.mlir.constant(1 : i32) : i32
    %clamp = llvm.mlir.constant(31 : i32) : i32
    %r = nvvm.shfl.sync bfly %mask, %value, %one, %clamp : f32 -> f32
    llvm.store %r, %out : f32, !llvm.ptr
    llvm.return
  ^wait:
    nvvm.barrier0
    llvm.return
  }
}
)mlir";

TEST(EmulatorTest, DivergentCollectiveIsAReportedDeadlock) {
  std::unique_ptr<EmulatedKernels> kernels = emulate(kDivergentKernel);
  ASSERT_TRUE(kernels);
  float sink = 0;
  float *pointer = &sink;
  void *params[] = {&pointer};
  std::string error =
      launch(kernels->kernels(), kernels->kernels().kernels.at("divergent"),
             {2, 1, 1}, {32, 1, 1}, params);
  EXPECT_NE(error.find("block (0, 0, 0): deadlock: 16 threads wait at a "
                       "block barrier, 16 in a warp collective"),
            std::string::npos)
      << error;
}

/// Thread i writes tile[i] to shared memory, then reads tile[(i + 1) % 32]:
/// @synced with a barrier in between, @racy without.
const char *kSharedKernels = R"mlir(
gpu.module @attn_kernels {
  llvm.mlir.global internal @tile() {addr_space = 3 : i32}
      : !llvm.array<32 x f32>
  llvm.func @exchange(%out: !llvm.ptr, %tid: i32) -> !llvm.ptr<3> {
    %base = llvm.mlir.addressof @tile : !llvm.ptr<3>
    %value = llvm.sitofp %tid : i32 to f32
    %i = llvm.sext %tid : i32 to i64
    %p = llvm.getelementptr %base[0, %i]
        : (!llvm.ptr<3>, i64) -> !llvm.ptr<3>, !llvm.array<32 x f32>
    llvm.store %value, %p : f32, !llvm.ptr<3>
    llvm.return %base : !llvm.ptr<3>
  }
  llvm.func @readNext(%out: !llvm.ptr, %tid: i32, %base: !llvm.ptr<3>) {
    %one = llvm.mlir.constant(1 : i32) : i32
    %last = llvm.mlir.constant(31 : i32) : i32
    %next = llvm.add %tid, %one : i32
    %wrapped = llvm.and %next, %last : i32
    %j = llvm.sext %wrapped : i32 to i64
    %q = llvm.getelementptr %base[0, %j]
        : (!llvm.ptr<3>, i64) -> !llvm.ptr<3>, !llvm.array<32 x f32>
    %r = llvm.load %q : !llvm.ptr<3> -> f32
    %i = llvm.sext %tid : i32 to i64
    %o = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    llvm.store %r, %o : f32, !llvm.ptr
    llvm.return
  }
  llvm.func @synced(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %base = llvm.call @exchange(%out, %tid) : (!llvm.ptr, i32) -> !llvm.ptr<3>
    nvvm.barrier0
    llvm.call @readNext(%out, %tid, %base) : (!llvm.ptr, i32, !llvm.ptr<3>) -> ()
    llvm.return
  }
  llvm.func @racy(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %base = llvm.call @exchange(%out, %tid) : (!llvm.ptr, i32) -> !llvm.ptr<3>
    llvm.call @readNext(%out, %tid, %base) : (!llvm.ptr, i32, !llvm.ptr<3>) -> ()
    llvm.return
  }
}
)mlir";

TEST(EmulatorTest, SharedMemoryAfterABarrierHoldsEveryWrite) {
  std::unique_ptr<EmulatedKernels> kernels = emulate(kSharedKernels);
  ASSERT_TRUE(kernels);
  ASSERT_EQ(kernels->kernels().shared.size(), 1u);
  EXPECT_EQ(kernels->kernels().shared[0].bytes, 32 * sizeof(float));
  std::vector<float> out(32, -1);
  float *pointer = out.data();
  void *params[] = {&pointer};
  EXPECT_EQ(launch(kernels->kernels(), kernels->kernels().kernels.at("synced"),
                   {2, 1, 1}, {32, 1, 1}, params),
            "");
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(out[i], float((i + 1) % 32)) << "thread " << i;
}

TEST(EmulatorTest, MissingBarrierReadsUnwrittenSharedMemory) {
  std::unique_ptr<EmulatedKernels> kernels = emulate(kSharedKernels);
  ASSERT_TRUE(kernels);
  std::vector<float> out(32, -1);
  float *pointer = out.data();
  void *params[] = {&pointer};
  EXPECT_EQ(launch(kernels->kernels(), kernels->kernels().kernels.at("racy"),
                   {1, 1, 1}, {32, 1, 1}, params),
            "");
  // Thread 0 runs to its end before thread 1 starts: it reads the fill.
  EXPECT_TRUE(std::isnan(out[0])) << out[0];
}

/// The error of launching `kernel` of `source` on one block of `threads`.
std::string launchError(const std::string &source, const std::string &kernel,
                        int64_t threads) {
  std::unique_ptr<EmulatedKernels> kernels = emulate(source);
  if (!kernels)
    return "(did not compile)";
  float sink[4] = {};
  float *pointer = sink;
  void *params[] = {&pointer};
  return launch(kernels->kernels(), kernels->kernels().kernels.at(kernel),
                {1, 1, 1}, {threads, 1, 1}, params);
}

/// Lanes 0-15 shuffle with bfly, 16-31 with idx: one instruction on the
/// GPU cannot be both.
const char *kMixedKernel = R"mlir(
gpu.module @attn_kernels {
  llvm.func @mixed(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %value = llvm.sitofp %tid : i32 to f32
    %mask = llvm.mlir.constant(-1 : i32) : i32
    %one = llvm.mlir.constant(1 : i32) : i32
    %clamp = llvm.mlir.constant(31 : i32) : i32
    %c16 = llvm.mlir.constant(16 : i32) : i32
    %low = llvm.icmp "slt" %tid, %c16 : i32
    llvm.cond_br %low, ^bfly, ^idx
  ^bfly:
    %a = nvvm.shfl.sync bfly %mask, %value, %one, %clamp : f32 -> f32
    llvm.store %a, %out : f32, !llvm.ptr
    llvm.return
  ^idx:
    %b = nvvm.shfl.sync idx %mask, %value, %one, %clamp : f32 -> f32
    llvm.store %b, %out : f32, !llvm.ptr
    llvm.return
  }
}
)mlir";

TEST(EmulatorTest, DifferentCollectivesInAWarpAreReported) {
  EXPECT_EQ(launchError(kMixedKernel, "mixed", 32),
            "block (0, 0, 0): warp 0: threads 0 and 16 meet different warp "
            "collectives");
}

/// A shuffle among the low half of the warp only.
const char *kHalfMaskKernel = R"mlir(
gpu.module @attn_kernels {
  llvm.func @half(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %value = llvm.sitofp %tid : i32 to f32
    %mask = llvm.mlir.constant(65535 : i32) : i32
    %one = llvm.mlir.constant(1 : i32) : i32
    %clamp = llvm.mlir.constant(31 : i32) : i32
    %a = nvvm.shfl.sync bfly %mask, %value, %one, %clamp : f32 -> f32
    llvm.store %a, %out : f32, !llvm.ptr
    llvm.return
  }
}
)mlir";

TEST(EmulatorTest, PartialMemberMaskIsReported) {
  EXPECT_EQ(launchError(kHalfMaskKernel, "half", 32),
            "block (0, 0, 0): warp 0: shfl.sync with member mask 65535 (only "
            "the whole warp is emulated)");
}

/// mma.sync needs 32 lanes; a block of 16 threads has a partial warp.
const char *kMmaKernel = R"mlir(
gpu.module @attn_kernels {
  llvm.func @mma(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %a = llvm.mlir.constant(1065369472 : i32) : i32
    %c = llvm.mlir.constant(0.0 : f32) : f32
    %d = nvvm.mma.sync A[%a, %a, %a, %a] B[%a, %a] C[%c, %c, %c, %c]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         multiplicandAPtxType = #nvvm.mma_type<bf16>,
         multiplicandBPtxType = #nvvm.mma_type<bf16>,
         shape = #nvvm.shape<m = 16, n = 8, k = 16>}
        : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
    %d0 = llvm.extractvalue %d[0] : !llvm.struct<(f32, f32, f32, f32)>
    llvm.store %d0, %out : f32, !llvm.ptr
    llvm.return
  }
}
)mlir";

TEST(EmulatorTest, MmaComputesAllOnesProduct) {
  // Every operand is the bf16 pair (1.0, 1.0): each D element is 16.
  float out[4] = {};
  std::unique_ptr<EmulatedKernels> kernels = emulate(kMmaKernel);
  ASSERT_TRUE(kernels);
  float *pointer = out;
  void *params[] = {&pointer};
  EXPECT_EQ(launch(kernels->kernels(), kernels->kernels().kernels.at("mma"),
                   {1, 1, 1}, {32, 1, 1}, params),
            "");
  EXPECT_EQ(out[0], 16.0f);
}

TEST(EmulatorTest, MmaInAPartialWarpIsReported) {
  EXPECT_EQ(launchError(kMmaKernel, "mma", 16),
            "block (0, 0, 0): warp 0: mma.sync in a warp of 16 threads");
}

TEST(EmulatorTest, ModuleWithoutKernelsIsReported) {
  auto context = attn_test::makeContext();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>("module {}", context.get());
  ASSERT_TRUE(module);
  std::string error;
  EXPECT_FALSE(EmulatedKernels::create(*module, error));
  EXPECT_EQ(error, "expected one gpu.module at the NVVM phase, found 0");
}

/// A kernel calling an nvvm intrinsic the emulator lacks.
const char *kUnsupportedKernel = R"mlir(
gpu.module @attn_kernels {
  llvm.func @clock(%out: !llvm.ptr) attributes {nvvm.kernel} {
    %t = nvvm.read.ptx.sreg.clock : i32
    llvm.store %t, %out : i32, !llvm.ptr
    llvm.return
  }
}
)mlir";

TEST(EmulatorTest, MissingIntrinsicIsNamed) {
  auto context = attn_test::makeContext();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kUnsupportedKernel,
                                              context.get());
  ASSERT_TRUE(module);
  std::string error;
  EXPECT_FALSE(EmulatedKernels::create(*module, error));
  EXPECT_NE(error.find("the kernels call llvm.nvvm.read.ptx.sreg.clock, "
                       "which the emulator does not provide (no "
                       "attn_emu_read_ptx_sreg_clock in the test executable)"),
            std::string::npos)
      << error;
}

} // namespace
