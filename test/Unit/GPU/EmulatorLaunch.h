//===- EmulatorLaunch.h - CUDA kernels run on the CPU -----------*- C++ -*-===//
//
// A SIMT emulator for the kernels of the CUDA backend, JIT-compiled for the
// host by EmulatorKernels.h. Every GPU thread of a block is a fiber
// (EmulatorFiber.h) on the launching thread, scheduled cooperatively: a
// thread runs until it reaches a block barrier or a warp collective
// (shfl.sync, mma.sync), and the collective completes when every live
// thread it waits for has arrived (for wgmma.mma_async, every thread of the
// warpgroup: EmulatorWgmma.h). Fibers rather than OS threads because the
// kernels meet a collective every few instructions (an OS thread switch each
// time would make a 2-core CI machine crawl), and because a deadlock is then
// certain and immediate: a round with no runnable thread. Blocks run one after
// another, so one copy of each shared-memory global serves the running
// block; it is filled with NaN bytes before each block, so that a read
// before any write shows up in the results.
//
// wgmma.mma_async runs synchronously, when the warpgroup's last thread
// arrives: its fence, commit and wait are then no-ops for the data, but the
// emulator still reports an mma_async issued before any wgmma.fence and a
// thread that exits with an mma_async not waited for. What it cannot see is
// a read of the accumulators before the wait (they hold the result already)
// or a shared-memory write not made visible with fence.proxy.async.
//
// The kernels reach the emulator through the exported attn_emu_* functions
// (nvvm intrinsics renamed; libdevice functions), and the host code through
// EmulatorStubs.c.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATORLAUNCH_H
#define ATTN_TEST_UNIT_GPU_EMULATORLAUNCH_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attn_emu {

/// A kernel as the JIT compiled it: `void <kernel>_emu(void **params)`,
/// params[i] pointing at the kernel's i-th argument (the CUDA convention).
using KernelEntry = void (*)(void **params);

/// One shared-memory global of a kernel module, in host memory.
struct SharedBuffer {
  void *data;
  size_t bytes;
};

/// The kernels of one kernel module, what mgpuModuleLoad hands out.
struct KernelModule {
  std::map<std::string, KernelEntry> kernels;
  std::vector<SharedBuffer> shared;
  /// All of `shared`, aligned to 2^18 bytes: what wgmma descriptors address.
  const char *sharedArena = nullptr;
  size_t sharedArenaBytes = 0;
};

struct Dim3 {
  int64_t x = 1, y = 1, z = 1;
  int64_t count() const { return x * y * z; }
};

/// Runs `entry` over `grid` blocks of `block` threads. Returns an empty
/// string, or what went wrong (a deadlock, with where each thread waits; a
/// collective the threads disagree on).
std::string launch(const KernelModule &module, KernelEntry entry, Dim3 grid,
                   Dim3 block, void **params);

/// The module the next mgpuModuleLoad returns (a model library loads its
/// kernels when dlopen runs its constructors).
void setNextModule(const KernelModule *module);

/// The launches since the last call: how many, how many warp-wide
/// mma.sync and warpgroup-wide wgmma.mma_async they ran (so that a test
/// knows the tensor cores' path was taken), and the first failure's message
/// (empty if none).
struct LaunchLog {
  int launches = 0;
  int64_t warpMmas = 0;
  int64_t warpgroupMmas = 0;
  std::string firstError;
};
LaunchLog takeLaunchLog();

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATORLAUNCH_H
