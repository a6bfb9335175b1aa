//===- EmulatorWgmmaTest.cpp - The emulator's wgmma on hand-written kernels ==//
//
// sm_90a's warpgroup MMA as EmulatorWgmma.h promises it, on kernels written
// in the LLVM and NVVM dialects and lowered as the CUDA pipeline lowers them
// (convert-nvvm-to-llvm: wgmma.mma_async becomes inline PTX): shared memory
// filled with bf16 or f16 core matrices, descriptors built from the shared
// buffer's address, every element of D compared with a reference that this
// file computes from its own reading of the PTX ISA (the K-major unswizzled
// canonical layout and the m64nNk16 accumulator fragments), and every form
// or use the emulator does not run reported.
//
//===----------------------------------------------------------------------===//

#include "CompileHelpers.h"
#include "EmulatorKernels.h"

#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace attn_emu;

namespace {

/// Where one operand lies in the shared buffer: its first byte, the byte
/// distance between core matrices adjacent along K (LBO) and along M or N
/// (SBO).
struct Placement {
  int64_t offset, leading, stride;
};

/// One kernel and its launch.
struct WgmmaCase {
  int n = 8;
  /// k16 steps, the descriptors advanced by two core matrices along K each.
  int steps = 1;
  bool accumulate = true;
  bool half = false;
  int threads = 128;
  Placement a = {0, 128, 256}, b = {4096, 128, 256};
  /// Or'd into the descriptors as the kernel builds them.
  uint64_t aBits = 0, bBits = 0;
  // Ways to get wgmma wrong.
  bool fence = true, wait = true, transposeA = false, divergentWarp3 = false;
  /// More of the gpu.module, before the kernel.
  std::string prelude;
};

constexpr int kM = 64, kSharedWords = 4096;

/// The kernel of `c`: copies `words` i32 of `in` to the shared buffer,
/// builds the descriptors from its address, loads thread t's accumulators
/// from init[t * n/2 ...], runs `c.steps` wgmma.mma_async and stores the
/// accumulators to out[t * n/2 ...].
std::string kernelSource(const WgmmaCase &c) {
  std::string acc = "!llvm.struct<(";
  for (int v = 0; v < c.n / 2; ++v)
    acc += v ? ", f32" : "f32";
  acc += ")>";
  std::string type = c.half ? "f16" : "bf16";
  std::string s = R"mlir(
gpu.module @attn_kernels [#nvvm.target<chip = "sm_90a">] {
)mlir" + c.prelude +
                  R"mlir(
  llvm.mlir.global internal @tiles() {addr_space = 3 : i32, alignment = 128 : i64}
      : !llvm.array<4096 x i32>
  llvm.func @wgmma(%in: !llvm.ptr, %init: !llvm.ptr, %out: !llvm.ptr,
                   %words: i32, %aRest: i64, %bRest: i64, %aOffset: i64,
                   %bOffset: i64) attributes {nvvm.kernel} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %ntid = nvvm.read.ptx.sreg.ntid.x : i32
    %tiles = llvm.mlir.addressof @tiles : !llvm.ptr<3>
    llvm.br ^copy(%tid : i32)
  ^copy(%w: i32):
    %more = llvm.icmp "slt" %w, %words : i32
    llvm.cond_br %more, ^body, ^done
  ^body:
    %wi = llvm.sext %w : i32 to i64
    %src = llvm.getelementptr %in[%wi] : (!llvm.ptr, i64) -> !llvm.ptr, i32
    %value = llvm.load %src : !llvm.ptr -> i32
    %dst = llvm.getelementptr %tiles[0, %wi]
        : (!llvm.ptr<3>, i64) -> !llvm.ptr<3>, !llvm.array<4096 x i32>
    llvm.store %value, %dst : i32, !llvm.ptr<3>
    %next = llvm.add %w, %ntid : i32
    llvm.br ^copy(%next : i32)
  ^done:
    nvvm.barrier0
    nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>,
                      space = #nvvm.shared_space<cta>}
    %base = llvm.ptrtoint %tiles : !llvm.ptr<3> to i64
    %c4 = llvm.mlir.constant(4 : i64) : i64
    %mask = llvm.mlir.constant(16383 : i64) : i64
    %aAddress = llvm.add %base, %aOffset : i64
    %aShifted = llvm.lshr %aAddress, %c4 : i64
    %aStart = llvm.and %aShifted, %mask : i64
    %descA0 = llvm.or %aStart, %aRest : i64
    %bAddress = llvm.add %base, %bOffset : i64
    %bShifted = llvm.lshr %bAddress, %c4 : i64
    %bStart = llvm.and %bShifted, %mask : i64
    %descB = llvm.or %bStart, %bRest : i64
)mlir";
  if (c.divergentWarp3) {
    // Warp 3 reads B one core matrix further on.
    s += R"mlir(
    %c96 = llvm.mlir.constant(96 : i32) : i32
    %c128 = llvm.mlir.constant(128 : i32) : i32
    %c8 = llvm.mlir.constant(8 : i64) : i64
    %c0 = llvm.mlir.constant(0 : i64) : i64
    %fromWarp3 = llvm.icmp "sge" %tid, %c96 : i32
    %toWarp3 = llvm.icmp "slt" %tid, %c128 : i32
    %inWarp3 = llvm.and %fromWarp3, %toWarp3 : i1
    %skew = llvm.select %inWarp3, %c8, %c0 : i1, i64
    %descB0 = llvm.add %descB, %skew : i64
)mlir";
  } else {
    s += "    %descB0 = llvm.or %descB, %descB : i64\n";
  }
  s += "    %tid64 = llvm.sext %tid : i32 to i64\n"
       "    %half = llvm.mlir.constant(" +
       std::to_string(c.n / 2) +
       " : i64) : i64\n"
       "    %first = llvm.mul %tid64, %half : i64\n"
       "    %acc_0 = llvm.mlir.undef : " +
       acc + "\n";
  for (int v = 0; v < c.n / 2; ++v) {
    std::string i = std::to_string(v);
    s += "    %o" + i + " = llvm.mlir.constant(" + i + " : i64) : i64\n";
    s += "    %i" + i + " = llvm.add %first, %o" + i + " : i64\n";
    s += "    %p" + i + " = llvm.getelementptr %init[%i" + i +
         "] : (!llvm.ptr, i64) -> !llvm.ptr, f32\n";
    s += "    %x" + i + " = llvm.load %p" + i + " : !llvm.ptr -> f32\n";
    s += "    %acc_" + std::to_string(v + 1) + " = llvm.insertvalue %x" + i +
         ", %acc_" + i + "[" + i + "] : " + acc + "\n";
  }
  if (c.fence)
    s += "    nvvm.wgmma.fence.aligned\n";
  std::string d = "%acc_" + std::to_string(c.n / 2);
  // One step along K: two core matrices, 2 * LBO bytes, in 16-byte units.
  s += "    %aStep = llvm.mlir.constant(" +
       std::to_string(2 * c.a.leading / 16) + " : i64) : i64\n";
  s += "    %bStep = llvm.mlir.constant(" +
       std::to_string(2 * c.b.leading / 16) + " : i64) : i64\n";
  for (int step = 0; step < c.steps; ++step) {
    std::string i = std::to_string(step), next = std::to_string(step + 1);
    s += "    %d" + next + " = nvvm.wgmma.mma_async %descA" + i + ", %descB" +
         i + ", " + d + ", #nvvm.shape<m = 64, n = " + std::to_string(c.n) +
         ", k = 16>, D [<f32>, #nvvm.wgmma_scale_out<" +
         (c.accumulate || step > 0 ? "one" : "zero") + ">], A [<" + type +
         ">, #nvvm.wgmma_scale_in<one>, #nvvm.mma_layout<" +
         (c.transposeA ? "col" : "row") + ">], B [<" + type +
         ">, #nvvm.wgmma_scale_in<one>, #nvvm.mma_layout<col>] : " + acc +
         " -> " + acc + "\n";
    s += "    %descA" + next + " = llvm.add %descA" + i + ", %aStep : i64\n";
    s += "    %descB" + next + " = llvm.add %descB" + i + ", %bStep : i64\n";
    d = "%d" + next;
  }
  s += "    nvvm.wgmma.commit.group.sync.aligned\n";
  if (c.wait)
    s += "    nvvm.wgmma.wait.group.sync.aligned 0\n";
  for (int v = 0; v < c.n / 2; ++v) {
    std::string i = std::to_string(v);
    s += "    %r" + i + " = llvm.extractvalue " + d + "[" + i + "] : " + acc +
         "\n";
    s += "    %q" + i + " = llvm.getelementptr %out[%i" + i +
         "] : (!llvm.ptr, i64) -> !llvm.ptr, f32\n";
    s += "    llvm.store %r" + i + ", %q" + i + " : f32, !llvm.ptr\n";
  }
  s += "    llvm.return\n  }\n}\n";
  return s;
}

/// The module of `source` at the CUDA pipeline's nvvm phase: its NVVM ops
/// lowered as addNVVM lowers them, then compiled for the emulator. Null
/// with `error` set when it does not compile.
std::unique_ptr<EmulatedKernels> emulate(const std::string &source,
                                         std::string &error) {
  auto context = attn_test::makeContext();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, context.get());
  if (!module) {
    error = "the test kernel does not parse";
    return nullptr;
  }
  mlir::PassManager pm(context.get());
  pm.addPass(mlir::createConvertNVVMToLLVMPass());
  if (mlir::failed(pm.run(*module))) {
    error = "convert-nvvm-to-llvm fails on the test kernel";
    return nullptr;
  }
  return EmulatedKernels::create(*module, error);
}

/// A value of the form k/8, |k| <= 8: exact in bf16 and f16, and so are
/// its products and their sums of a few dozen terms in f32.
float testValue(uint32_t &seed) {
  seed = seed * 1664525u + 1013904223u;
  return float(int((seed >> 16) % 17) - 8) / 8;
}

uint16_t encode(float value, bool half) {
  if (half) {
    _Float16 h = static_cast<_Float16>(value);
    uint16_t bits;
    std::memcpy(&bits, &h, sizeof(bits));
    return bits;
  }
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits >> 16;
}

/// The byte of element (row, k) of a K-major unswizzled operand (PTX ISA,
/// "Shared Memory Matrix Layout": core matrices of 8 rows x 16 bytes, rows
/// 16 bytes apart; LBO between core matrices along K, SBO between groups of
/// 8 rows).
int64_t elementByte(const Placement &p, int row, int k) {
  return p.offset + (row / 8) * p.stride + (row % 8) * 16 +
         (k / 8) * p.leading + (k % 8) * 2;
}

/// The element of D held by accumulator v of thread t (PTX ISA, "Matrix
/// Fragments for wgmma.mma_async.m64nNk16", accumulator D): warp w of the
/// warpgroup holds rows 16w..16w+15; per 8 columns, d[4j], d[4j+1] at
/// (16w + lane/4, 8j + 2(lane%4) + {0, 1}) and d[4j+2], d[4j+3] 8 rows
/// lower.
void fragment(int t, int v, int &row, int &col) {
  int warp = (t % 128) / 32, lane = t % 32, j = v / 4, r = v % 4;
  row = 16 * warp + lane / 4 + (r >= 2 ? 8 : 0);
  col = 8 * j + 2 * (lane % 4) + (r % 2);
}

/// Runs `c`; `out` gets every thread's accumulators and `expected` the
/// reference. Returns the launch's error.
std::string run(const WgmmaCase &c, std::vector<float> &out,
                std::vector<float> &expected) {
  std::string error;
  std::unique_ptr<EmulatedKernels> kernels = emulate(kernelSource(c), error);
  if (!kernels)
    return "(did not compile: " + error + ")";
  int k = 16 * c.steps;
  uint32_t seed = 12345;
  std::vector<float> a(kM * k), b(c.n * k), init(kM * c.n);
  for (float &x : a)
    x = testValue(seed);
  for (float &x : b)
    x = testValue(seed);
  for (float &x : init)
    x = testValue(seed);
  std::vector<uint16_t> shared(kSharedWords * 2, 0);
  for (int row = 0; row < kM; ++row)
    for (int kk = 0; kk < k; ++kk)
      shared.at(elementByte(c.a, row, kk) / 2) =
          encode(a[row * k + kk], c.half);
  for (int col = 0; col < c.n; ++col)
    for (int kk = 0; kk < k; ++kk)
      shared.at(elementByte(c.b, col, kk) / 2) =
          encode(b[col * k + kk], c.half);

  int per = c.n / 2;
  std::vector<float> initFragments(c.threads * per);
  out.assign(c.threads * per, -1.0f);
  expected.assign(c.threads * per, 0.0f);
  for (int t = 0; t < c.threads; ++t)
    for (int v = 0; v < per; ++v) {
      int row, col;
      fragment(t, v, row, col);
      // Without scale-d the accumulators must be ignored: make them loud.
      initFragments[t * per + v] =
          c.accumulate ? init[row * c.n + col] : 1.0e30f;
      double sum = c.accumulate ? init[row * c.n + col] : 0.0;
      for (int kk = 0; kk < k; ++kk)
        sum += double(a[row * k + kk]) * b[col * k + kk];
      expected[t * per + v] = float(sum);
    }

  void *in = shared.data(), *initData = initFragments.data(),
       *outData = out.data();
  int32_t words = kSharedWords;
  int64_t aRest = (c.a.leading / 16) << 16 | (c.a.stride / 16) << 32 | c.aBits;
  int64_t bRest = (c.b.leading / 16) << 16 | (c.b.stride / 16) << 32 | c.bBits;
  int64_t aOffset = c.a.offset, bOffset = c.b.offset;
  void *params[] = {&in,    &initData, &outData, &words,
                    &aRest, &bRest,    &aOffset, &bOffset};
  return launch(kernels->kernels(), kernels->kernels().kernels.at("wgmma"),
                {1, 1, 1}, {c.threads, 1, 1}, params);
}

/// Runs `c` and compares every accumulator of every thread with the
/// reference; `warpgroupMmas` is how many wgmma the launch must have run.
void expectProduct(const WgmmaCase &c, int64_t warpgroupMmas) {
  takeLaunchLog();
  std::vector<float> out, expected;
  ASSERT_EQ(run(c, out, expected), "");
  EXPECT_EQ(takeLaunchLog().warpgroupMmas, warpgroupMmas);
  int per = c.n / 2, wrong = 0;
  for (int t = 0; t < c.threads; ++t)
    for (int v = 0; v < per; ++v)
      if (out[t * per + v] != expected[t * per + v] && ++wrong <= 5) {
        int row, col;
        fragment(t, v, row, col);
        ADD_FAILURE() << "thread " << t << " d" << v << " (D[" << row << "]["
                      << col << "]): " << out[t * per + v] << ", expected "
                      << expected[t * per + v];
      }
  EXPECT_EQ(wrong, 0);
}

TEST(EmulatorWgmmaTest, M64N8K16Bf16AccumulatesIntoD) {
  WgmmaCase c;
  expectProduct(c, 1);
}

TEST(EmulatorWgmmaTest, M64N64K16WithoutScaleDIgnoresD) {
  WgmmaCase c;
  c.n = 64;
  c.accumulate = false;
  // Core matrices along M adjacent (SBO 128), K halves 1 KiB apart, and B
  // with the other arrangement at an offset that is no multiple of 128.
  c.a = {0, 1024, 128};
  c.b = {2064, 128, 256};
  expectProduct(c, 1);
}

TEST(EmulatorWgmmaTest, M64N16K16F16) {
  WgmmaCase c;
  c.n = 16;
  c.half = true;
  expectProduct(c, 1);
}

TEST(EmulatorWgmmaTest, TwoStepsAlongKInTwoWarpgroups) {
  // K = 32 in four core matrices per 8 rows; each step's descriptors move on
  // by two of them. Both warpgroups of the block compute the same product.
  WgmmaCase c;
  c.n = 128;
  c.steps = 2;
  c.threads = 256;
  c.a = {0, 128, 512};
  c.b = {4096, 128, 512};
  expectProduct(c, 4);
}

TEST(EmulatorWgmmaTest, OtherKernelsSharedMemoryComesAfter) {
  // 300 KiB of another kernel's shared memory, declared first, must not
  // push the wgmma kernel's out of the descriptors' 256 KiB.
  WgmmaCase c;
  c.prelude = R"mlir(
  llvm.mlir.global internal @big() {addr_space = 3 : i32}
      : !llvm.array<76800 x i32>
  llvm.func @other(%x: i32) attributes {nvvm.kernel} {
    %big = llvm.mlir.addressof @big : !llvm.ptr<3>
    llvm.store %x, %big : i32, !llvm.ptr<3>
    llvm.return
  }
)mlir";
  expectProduct(c, 1);
}

/// The error of a launch of `c`.
std::string launchError(const WgmmaCase &c) {
  std::vector<float> out, expected;
  return run(c, out, expected);
}

TEST(EmulatorWgmmaTest, SwizzledDescriptorIsReported) {
  WgmmaCase c;
  c.aBits = uint64_t(1) << 62;
  std::string error = launchError(c);
  EXPECT_NE(error.find("block (0, 0, 0): warpgroup 0: wgmma.mma_async: "
                       "operand A (descriptor 0x4000"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("is swizzled (mode 1); only unswizzled operands are "
                       "emulated"),
            std::string::npos)
      << error;
}

TEST(EmulatorWgmmaTest, ReservedDescriptorBitsAreReported) {
  WgmmaCase c;
  c.bBits = uint64_t(1) << 46;
  std::string error = launchError(c);
  EXPECT_NE(error.find("operand B (descriptor 0x4"), std::string::npos)
      << error;
  EXPECT_NE(error.find("sets reserved bits 0x400000000000"), std::string::npos)
      << error;
}

TEST(EmulatorWgmmaTest, OperandPastSharedMemoryIsReported) {
  // The test fills A with LBO 128; the descriptor says 16512 (1032 << 4),
  // which puts A's second core matrix past the 16 KiB buffer.
  WgmmaCase c;
  c.aBits = uint64_t(1024) << 16;
  std::string error = launchError(c);
  EXPECT_NE(error.find("operand A (descriptor"), std::string::npos) << error;
  EXPECT_NE(error.find(": row 0, k 8 is at shared byte 16512, past the "
                       "module's 16384 bytes of shared memory"),
            std::string::npos)
      << error;
}

TEST(EmulatorWgmmaTest, DivergentWarpgroupIsReported) {
  WgmmaCase c;
  c.divergentWarp3 = true;
  EXPECT_EQ(launchError(c),
            "block (0, 0, 0): warpgroup 0: threads 0 and 96 meet different "
            "wgmma.mma_async (the ISA requires the same instruction and "
            "descriptors across the warpgroup)");
}

TEST(EmulatorWgmmaTest, BlockOf96ThreadsIsReported) {
  WgmmaCase c;
  c.threads = 96;
  EXPECT_EQ(launchError(c),
            "block (0, 0, 0): warpgroup 0: wgmma.mma_async in a block of 96 "
            "threads (a warpgroup is 128 threads, four whole warps)");
}

TEST(EmulatorWgmmaTest, TransposedOperandIsReported) {
  WgmmaCase c;
  c.transposeA = true;
  EXPECT_EQ(launchError(c),
            "block (0, 0, 0): warpgroup 0: wgmma.mma_async: transposed "
            "operands (imm-trans-a 1, imm-trans-b 0); only K-major A and B "
            "are emulated");
}

TEST(EmulatorWgmmaTest, MmaAsyncWithoutFenceIsReported) {
  WgmmaCase c;
  c.fence = false;
  std::string error = launchError(c);
  EXPECT_NE(error.find("block (0, 0, 0): thread "), std::string::npos) << error;
  EXPECT_NE(error.find(" issues a wgmma.mma_async before any wgmma.fence "
                       "(the ISA requires one before the first)"),
            std::string::npos)
      << error;
}

TEST(EmulatorWgmmaTest, ExitWithoutWaitIsReported) {
  WgmmaCase c;
  c.wait = false;
  std::string error = launchError(c);
  EXPECT_NE(error.find(" exits with a wgmma.mma_async not waited for "
                       "(committed with wgmma.commit_group, then "
                       "wgmma.wait_group)"),
            std::string::npos)
      << error;
}

/// The error of compiling `source` for the emulator.
std::string compileError(const std::string &source) {
  std::string error;
  if (emulate(source, error))
    return "(compiled)";
  return error;
}

TEST(EmulatorWgmmaTest, UnsupportedFormIsNamed) {
  std::string source = R"mlir(
gpu.module @attn_kernels [#nvvm.target<chip = "sm_90a">] {
  llvm.func @tf32(%out: !llvm.ptr, %desc: i64,
                  %acc: !llvm.struct<(f32, f32, f32, f32)>)
      attributes {nvvm.kernel} {
    nvvm.wgmma.fence.aligned
    %d = nvvm.wgmma.mma_async %desc, %desc, %acc,
        #nvvm.shape<m = 64, n = 8, k = 8>,
        D [<f32>, #nvvm.wgmma_scale_out<one>],
        A [<tf32>, #nvvm.wgmma_scale_in<one>, #nvvm.mma_layout<row>],
        B [<tf32>, #nvvm.wgmma_scale_in<one>, #nvvm.mma_layout<col>]
        : !llvm.struct<(f32, f32, f32, f32)>
        -> !llvm.struct<(f32, f32, f32, f32)>
    llvm.store %d, %out : !llvm.struct<(f32, f32, f32, f32)>, !llvm.ptr
    llvm.return
  }
}
)mlir";
  EXPECT_EQ(compileError(source),
            "the emulator has no "
            "wgmma.mma_async.sync.aligned.m64n8k8.f32.tf32.tf32 (only "
            "wgmma.mma_async.sync.aligned.m64nNk16.f32 with bf16 or f16 "
            "operands, both from shared memory through descriptors)");
}

TEST(EmulatorWgmmaTest, OperandAInRegistersIsNamed) {
  // What nvcc's inline PTX for the register form of A looks like; the NVVM
  // dialect has no such op.
  std::string source = R"mlir(
gpu.module @attn_kernels [#nvvm.target<chip = "sm_90a">] {
  llvm.func @registers(%out: !llvm.ptr, %a: i32, %desc: i64, %c: f32)
      attributes {nvvm.kernel} {
    %one = llvm.mlir.constant(1 : i32) : i32
    %d = llvm.inline_asm has_side_effects asm_dialect = att
        "{\0A.reg .pred p;\0Asetp.ne.b32 p, $12, 0;\0Awgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 {$0, $1, $2, $3}, {$8, $9, $10, $11}, $13, p, $14, $15, $16;\0A}\0A",
        "=f,=f,=f,=f,0,1,2,3,r,r,r,r,n,l,n,n,n"
        %c, %c, %c, %c, %a, %a, %a, %a, %one, %desc, %one, %one, %one
        : (f32, f32, f32, f32, i32, i32, i32, i32, i32, i64, i32, i32, i32)
        -> !llvm.struct<(f32, f32, f32, f32)>
    llvm.store %d, %out : !llvm.struct<(f32, f32, f32, f32)>, !llvm.ptr
    llvm.return
  }
}
)mlir";
  EXPECT_EQ(compileError(source),
            "the emulator has no "
            "wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 (only "
            "wgmma.mma_async.sync.aligned.m64nNk16.f32 with bf16 or f16 "
            "operands, both from shared memory through descriptors): A is "
            "in registers");
}

TEST(EmulatorWgmmaTest, SharedMemoryPastTheDescriptorsReachIsReported) {
  WgmmaCase c;
  c.prelude = R"mlir(
  llvm.mlir.global internal @big() {addr_space = 3 : i32}
      : !llvm.array<65536 x i32>
  llvm.func @touch(%x: i32) {
    %big = llvm.mlir.addressof @big : !llvm.ptr<3>
    llvm.store %x, %big : i32, !llvm.ptr<3>
    llvm.return
  }
)mlir";
  // The kernel calls @touch, so @big is its shared memory too.
  std::string source = kernelSource(c);
  size_t at = source.find("    nvvm.barrier0\n");
  ASSERT_NE(at, std::string::npos);
  source.insert(at, "    llvm.call @touch(%tid) : (i32) -> ()\n");
  EXPECT_EQ(compileError(source),
            "the shared memory of the kernels that issue wgmma.mma_async "
            "takes 278528 bytes, more than a matrix descriptor reaches "
            "(262144)");
}

/// A kernel whose only instruction is the inline PTX `text` with
/// `constraints`, on `operands` of `types`, returning four f32.
std::string inlineAsmKernel(const std::string &text,
                            const std::string &constraints,
                            const std::string &operands,
                            const std::string &types) {
  return R"mlir(
gpu.module @attn_kernels [#nvvm.target<chip = "sm_90a">] {
  llvm.func @asm(%out: !llvm.ptr, %c: f32, %desc: i64, %small: i32)
      attributes {nvvm.kernel} {
    %one = llvm.mlir.constant(1 : i32) : i32
    %d = llvm.inline_asm has_side_effects asm_dialect = att ")mlir" +
         text + "\", \"" + constraints + "\" " + operands + " : (" + types +
         R"mlir() -> !llvm.struct<(f32, f32, f32, f32)>
    llvm.store %d, %out : !llvm.struct<(f32, f32, f32, f32)>, !llvm.ptr
    llvm.return
  }
}
)mlir";
}

TEST(EmulatorWgmmaTest, UnrecognisedOperandsAreNamed) {
  // scale-d as an immediate rather than through the predicate.
  std::string source = inlineAsmKernel(
      "wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 {$0, $1, $2, $3}, "
      "$8, $9, 1, $10, $10, $11, $11;",
      "=f,=f,=f,=f,0,1,2,3,l,l,n,n", "%c, %c, %c, %c, %desc, %desc, %one, %one",
      "f32, f32, f32, f32, i64, i64, i32, i32");
  EXPECT_EQ(compileError(source),
            "unrecognised operands of "
            "wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16: `{$0, $1, "
            "$2, $3}, $8, $9, 1, $10, $10, $11, $11`");
}

TEST(EmulatorWgmmaTest, UnrecognisedOperandTypesAreNamed) {
  // Descriptor B as an i32.
  std::string source = inlineAsmKernel(
      "{\\0A.reg .pred p;\\0Asetp.ne.b32 p, $10, 0;\\0A"
      "wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 {$0, $1, $2, $3}, "
      "$8, $9, p, $11, $12, $13, $14;\\0A}\\0A",
      "=f,=f,=f,=f,0,1,2,3,l,r,n,n,n,n,n",
      "%c, %c, %c, %c, %desc, %small, %one, %one, %one, %one, %one",
      "f32, f32, f32, f32, i64, i32, i32, i32, i32, i32, i32");
  EXPECT_EQ(compileError(source),
            "unrecognised operand types of wgmma.mma_async in asm");
}

TEST(EmulatorWgmmaTest, OtherInlinePTXIsNamed) {
  std::string source = R"mlir(
gpu.module @attn_kernels [#nvvm.target<chip = "sm_90a">] {
  llvm.func @sleep(%out: !llvm.ptr) attributes {nvvm.kernel} {
    llvm.inline_asm has_side_effects asm_dialect = att
        "nanosleep.u32 100;", "" : () -> ()
    llvm.return
  }
}
)mlir";
  EXPECT_EQ(compileError(source), "the kernels use inline PTX the emulator "
                                  "does not run: `nanosleep.u32 100;`");
}

} // namespace
