//===- EmulatorLaunch.cpp - CUDA kernels run on the CPU -------------------===//

#include "EmulatorLaunch.h"
#include "EmulatorFiber.h"
#include "EmulatorWarp.h"
#include "EmulatorWgmma.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <sys/mman.h>
#include <unistd.h>

#define ATTN_EMU_EXPORT extern "C" __attribute__((visibility("default")))

namespace attn_emu {
namespace {

enum class LaneState { Runnable, AtBarrier, AtCollective, Done };
enum class Collective { Shuffle, Mma, Wgmma };

/// One thread's wgmma.mma_async not yet known complete: counted, since the
/// emulator completes each at once, only to report a thread that never
/// waits for them.
struct WgmmaProgress {
  bool fenced = false;
  int64_t uncommitted = 0;
  /// Groups committed so far, the last of them that holds an mma_async,
  /// and the last known complete (1-based; 0 for none).
  int64_t committed = 0, lastBusy = 0, completed = 0;
};

/// One GPU thread: its fiber, and its side of the collective it waits in.
struct Lane {
  Fiber fiber;
  char *stack = nullptr;
  LaneState state = LaneState::Done;
  Collective collective = Collective::Shuffle;
  ShuffleMode mode = ShuffleMode::Bfly;
  bool halfOperands = false;
  uint32_t mask = 0, value = 0;
  int32_t b = 0, c = 0;
  MmaOperands mma = {};
  uint32_t shuffled = 0;
  float d[4] = {};
  WgmmaForm wgmmaForm;
  WgmmaOperands wgmma;
  WgmmaProgress wgmmaProgress;
};

/// The kernels' locals and spills live on these.
constexpr size_t kStackBytes = 256 * 1024;

/// A fiber's stack above an inaccessible page, so that an overflow faults
/// rather than writing over another fiber's stack.
struct FiberStack {
  FiberStack() {
    void *mapped =
        mmap(nullptr, kStackBytes + guardBytes(), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED)
      return;
    mprotect(mapped, guardBytes(), PROT_NONE);
    bottom = static_cast<char *>(mapped) + guardBytes();
  }
  FiberStack(const FiberStack &) = delete;
  FiberStack &operator=(const FiberStack &) = delete;
  ~FiberStack() {
    if (bottom)
      munmap(bottom - guardBytes(), kStackBytes + guardBytes());
  }
  static size_t guardBytes() { return sysconf(_SC_PAGESIZE); }

  /// Null if the mapping failed.
  char *bottom = nullptr;
};

struct Run {
  const KernelModule *module = nullptr;
  KernelEntry entry = nullptr;
  void **params = nullptr;
  Dim3 grid, block, ctaid;
  std::vector<Lane> lanes;
  Fiber scheduler;
  int current = 0;
  int live = 0;
  int atBarrier = 0;
  /// Per warp, the lanes waiting in its collective; per warpgroup, the
  /// warps whose lanes all wait in a wgmma.mma_async.
  std::vector<int> arrived, warpsAtWgmma;
  std::string error;
};

thread_local Run *active = nullptr;
LaunchLog log;

Lane &currentLane() { return active->lanes[active->current]; }

void yieldToScheduler() { switchFiber(currentLane().fiber, active->scheduler); }

void releaseBarrierIfComplete() {
  Run &run = *active;
  // Exited threads no longer count, as on the hardware.
  if (run.live == 0 || run.atBarrier < run.live)
    return;
  for (Lane &lane : run.lanes)
    if (lane.state == LaneState::AtBarrier)
      lane.state = LaneState::Runnable;
  run.atBarrier = 0;
}

void arriveAtBarrier() {
  currentLane().state = LaneState::AtBarrier;
  ++active->atBarrier;
  releaseBarrierIfComplete();
  if (currentLane().state != LaneState::Runnable)
    yieldToScheduler();
}

/// Completes a wgmma.mma_async once the warp of `first` (its first lane),
/// whose lanes are all in it, is the last of its warpgroup to arrive:
/// computes every lane's result and makes the warpgroup runnable. False if
/// other warps are still to come, or with `run.error` set.
bool completeWarpgroup(int first) {
  Run &run = *active;
  int group = first / kWarpgroupSize, begin = group * kWarpgroupSize;
  std::string where = "warpgroup " + std::to_string(group);
  if (begin + kWarpgroupSize > int(run.lanes.size())) {
    run.error = where + ": wgmma.mma_async in a block of " +
                std::to_string(run.lanes.size()) +
                " threads (a warpgroup is 128 threads, four whole warps)";
    return false;
  }
  if (++run.warpsAtWgmma[group] < kWarpgroupSize / kWarpSize)
    return false;
  run.warpsAtWgmma[group] = 0;
  const Lane &leader = run.lanes[begin];
  WgmmaOperands operands[kWarpgroupSize];
  for (int i = 0; i < kWarpgroupSize; ++i) {
    const Lane &lane = run.lanes[begin + i];
    if (!(lane.wgmmaForm == leader.wgmmaForm) ||
        !lane.wgmma.sameInstruction(leader.wgmma)) {
      run.error = where + ": threads " + std::to_string(begin) + " and " +
                  std::to_string(begin + i) +
                  " meet different wgmma.mma_async (the ISA requires the "
                  "same instruction and descriptors across the warpgroup)";
      return false;
    }
    operands[i] = lane.wgmma;
  }
  std::string error =
      warpgroupMma(leader.wgmmaForm, operands, run.module->sharedArena,
                   run.module->sharedArenaBytes);
  if (!error.empty()) {
    run.error = where + ": wgmma.mma_async: " + error;
    return false;
  }
  ++log.warpgroupMmas;
  for (int i = begin; i < begin + kWarpgroupSize; ++i)
    run.lanes[i].state = LaneState::Runnable;
  return true;
}

/// Completes the calling lane's warp collective once all its lanes are in
/// it, computing every lane's result; else waits for them.
void arriveAtCollective() {
  Run &run = *active;
  Lane &self = currentLane();
  self.state = LaneState::AtCollective;
  int first = run.current / kWarpSize * kWarpSize;
  int end = std::min<int>(first + kWarpSize, run.lanes.size());
  uint32_t everyLane = end - first == kWarpSize
                           ? 0xffffffffu
                           : (uint32_t(1) << (end - first)) - 1;
  // Counted rather than scanned: every lane of every warp arrives at
  // thousands of collectives per launch.
  int &arrived = run.arrived[first / kWarpSize];
  if (++arrived < end - first) {
    yieldToScheduler();
    return;
  }
  arrived = 0;
  std::string where = "warp " + std::to_string(first / kWarpSize);
  const Lane &leader = run.lanes[first];
  for (int i = first; i < end; ++i) {
    const Lane &lane = run.lanes[i];
    // A wgmma.mma_async's operands are compared across its warpgroup.
    bool same =
        lane.collective == leader.collective &&
        (lane.collective != Collective::Shuffle || lane.mode == leader.mode) &&
        (lane.collective != Collective::Mma ||
         lane.halfOperands == leader.halfOperands);
    if (!same) {
      run.error = where + ": threads " + std::to_string(first) + " and " +
                  std::to_string(i) + " meet different warp collectives";
      yieldToScheduler();
      return;
    }
    if (lane.collective == Collective::Shuffle && lane.mask != everyLane) {
      run.error = where + ": shfl.sync with member mask " +
                  std::to_string(lane.mask) +
                  " (only the whole warp is emulated)";
      yieldToScheduler();
      return;
    }
  }
  if (self.collective == Collective::Shuffle) {
    for (int i = first; i < end; ++i) {
      Lane &lane = run.lanes[i];
      int source = shuffleSourceLane(lane.mode, i - first, lane.b, lane.c);
      if (first + source >= end) {
        run.error = where + ": lane " + std::to_string(i - first) +
                    " shuffles from lane " + std::to_string(source) +
                    ", which does not exist";
        yieldToScheduler();
        return;
      }
      lane.shuffled = run.lanes[first + source].value;
    }
  } else if (self.collective == Collective::Wgmma) {
    if (!completeWarpgroup(first))
      yieldToScheduler();
    return;
  } else {
    if (end - first != kWarpSize) {
      run.error = where + ": mma.sync in a warp of " +
                  std::to_string(end - first) + " threads";
      yieldToScheduler();
      return;
    }
    MmaOperands operands[kWarpSize];
    float d[kWarpSize][4];
    for (int i = 0; i < kWarpSize; ++i)
      operands[i] = run.lanes[first + i].mma;
    mmaM16N8K16(operands, self.halfOperands, d);
    ++log.warpMmas;
    for (int i = 0; i < kWarpSize; ++i)
      std::memcpy(run.lanes[first + i].d, d[i], sizeof(d[i]));
  }
  for (int i = first; i < end; ++i)
    run.lanes[i].state = LaneState::Runnable;
}

void laneMain() {
  Run &run = *active;
  run.entry(run.params);
  const WgmmaProgress &progress = currentLane().wgmmaProgress;
  if (progress.uncommitted || progress.lastBusy > progress.completed)
    run.error = "thread " + std::to_string(run.current) +
                " exits with a wgmma.mma_async not waited for (committed "
                "with wgmma.commit_group, then wgmma.wait_group)";
  currentLane().state = LaneState::Done;
  --run.live;
  releaseBarrierIfComplete();
  // For good: the fiber is prepared anew for the next block.
  yieldToScheduler();
}

std::string describeDeadlock(const Run &run) {
  int atBarrier = 0, atCollective = 0, done = 0;
  std::string warps;
  for (size_t i = 0; i < run.lanes.size(); ++i) {
    switch (run.lanes[i].state) {
    case LaneState::AtBarrier:
      ++atBarrier;
      break;
    case LaneState::AtCollective:
      if (atCollective++ == 0)
        warps = " (first: thread " + std::to_string(i) + ")";
      break;
    case LaneState::Done:
      ++done;
      break;
    case LaneState::Runnable:
      break;
    }
  }
  return "deadlock: " + std::to_string(atBarrier) +
         " threads wait at a block barrier, " + std::to_string(atCollective) +
         " in a warp collective" + warps + ", " + std::to_string(done) +
         " have exited";
}

/// Runs the block `run.ctaid` to completion; false with `run.error` set if
/// it cannot complete.
bool runBlock(Run &run) {
  int count = run.lanes.size();
  for (Lane &lane : run.lanes) {
    prepareFiber(lane.fiber, lane.stack, kStackBytes, laneMain);
    lane.state = LaneState::Runnable;
    lane.wgmmaProgress = {};
  }
  run.live = count;
  run.atBarrier = 0;
  run.arrived.assign((count + kWarpSize - 1) / kWarpSize, 0);
  run.warpsAtWgmma.assign((count + kWarpgroupSize - 1) / kWarpgroupSize, 0);
  int64_t round = 0;
  while (run.live > 0) {
    bool ran = false;
    // Each thread runs until it waits, so a missing barrier shows up as a
    // thread reading what others have not written yet (or have already
    // overwritten); alternating the order between rounds lets low threads
    // see high ones run ahead as well as the reverse.
    bool forward = round++ % 2 == 0;
    for (int k = 0; k < count && run.error.empty(); ++k) {
      int i = forward ? k : count - 1 - k;
      if (run.lanes[i].state != LaneState::Runnable)
        continue;
      run.current = i;
      switchFiber(run.scheduler, run.lanes[i].fiber);
      ran = true;
    }
    if (!run.error.empty())
      return false;
    if (!ran && run.live > 0) {
      run.error = describeDeadlock(run);
      return false;
    }
  }
  return true;
}

/// What mgpuModuleGetFunction hands out.
struct Function {
  const KernelModule *module;
  KernelEntry entry;
};

const KernelModule *nextModule = nullptr;
std::deque<Function> functions;
bool failedSinceTake = false;

void record(const std::string &error) {
  ++log.launches;
  if (error.empty())
    return;
  failedSinceTake = true;
  if (log.firstError.empty())
    log.firstError = error;
}

} // namespace

std::string launch(const KernelModule &module, KernelEntry entry, Dim3 grid,
                   Dim3 block, void **params) {
  if (active)
    return "a kernel launched from inside a kernel";
  Run run;
  run.module = &module;
  run.entry = entry;
  run.params = params;
  run.grid = grid;
  run.block = block;
  run.lanes.resize(block.count());
  // Kept from launch to launch: allocating (and faulting in) the stacks of
  // a few hundred threads per launch would cost more than many kernels.
  static std::vector<std::unique_ptr<FiberStack>> stacks;
  while (stacks.size() < run.lanes.size()) {
    stacks.push_back(std::make_unique<FiberStack>());
    if (!stacks.back()->bottom) {
      stacks.pop_back();
      return "cannot map the stacks of " + std::to_string(run.lanes.size()) +
             " threads";
    }
  }
  for (size_t i = 0; i < run.lanes.size(); ++i)
    run.lanes[i].stack = stacks[i]->bottom;
  active = &run;
  for (int64_t z = 0; z < grid.z && run.error.empty(); ++z)
    for (int64_t y = 0; y < grid.y && run.error.empty(); ++y)
      for (int64_t x = 0; x < grid.x && run.error.empty(); ++x) {
        run.ctaid = {x, y, z};
        for (const SharedBuffer &buffer : module.shared)
          std::memset(buffer.data, 0xff, buffer.bytes);
        if (!runBlock(run))
          run.error = "block (" + std::to_string(x) + ", " + std::to_string(y) +
                      ", " + std::to_string(z) + "): " + run.error;
      }
  active = nullptr;
  return run.error;
}

void setNextModule(const KernelModule *module) { nextModule = module; }

LaunchLog takeLaunchLog() {
  LaunchLog taken = log;
  log = LaunchLog();
  return taken;
}

} // namespace attn_emu

using namespace attn_emu;

namespace {

int32_t component(const Dim3 &d, char axis) {
  return axis == 'x' ? d.x : axis == 'y' ? d.y : d.z;
}

Dim3 threadIndex() {
  const Dim3 &block = active->block;
  int64_t i = active->current;
  return {i % block.x, i / block.x % block.y, i / (block.x * block.y)};
}

template <typename T>
T shuffle(ShuffleMode mode, uint32_t mask, T value, int32_t b, int32_t c) {
  Lane &lane = currentLane();
  lane.collective = Collective::Shuffle;
  lane.mode = mode;
  lane.mask = mask;
  std::memcpy(&lane.value, &value, sizeof(value));
  lane.b = b;
  lane.c = c;
  arriveAtCollective();
  T result;
  std::memcpy(&result, &currentLane().shuffled, sizeof(result));
  return result;
}

} // namespace

// The nvvm intrinsics, renamed by EmulatorKernels.cpp to attn_emu_ and the
// rest of their name with '_' for '.'.
#define ATTN_EMU_SREG(name, value)                                             \
  ATTN_EMU_EXPORT int32_t attn_emu_read_ptx_sreg_##name() { return value; }
#define ATTN_EMU_SREG_AXES(name, dim)                                          \
  ATTN_EMU_SREG(name##_x, component(dim, 'x'))                                 \
  ATTN_EMU_SREG(name##_y, component(dim, 'y'))                                 \
  ATTN_EMU_SREG(name##_z, component(dim, 'z'))
ATTN_EMU_SREG_AXES(tid, threadIndex())
ATTN_EMU_SREG_AXES(ntid, active->block)
ATTN_EMU_SREG_AXES(ctaid, active->ctaid)
ATTN_EMU_SREG_AXES(nctaid, active->grid)
ATTN_EMU_SREG(laneid, active->current % kWarpSize)
ATTN_EMU_SREG(warpsize, kWarpSize)

ATTN_EMU_EXPORT void attn_emu_barrier0() { arriveAtBarrier(); }
ATTN_EMU_EXPORT void attn_emu_barrier_cta_sync_aligned_all(int32_t) {
  arriveAtBarrier();
}
ATTN_EMU_EXPORT void attn_emu_barrier_cta_sync_all(int32_t) {
  arriveAtBarrier();
}

#define ATTN_EMU_SHUFFLE(mode, Mode)                                           \
  ATTN_EMU_EXPORT float attn_emu_shfl_sync_##mode##_f32(                       \
      uint32_t mask, float value, int32_t b, int32_t c) {                      \
    return shuffle(ShuffleMode::Mode, mask, value, b, c);                      \
  }                                                                            \
  ATTN_EMU_EXPORT int32_t attn_emu_shfl_sync_##mode##_i32(                     \
      uint32_t mask, int32_t value, int32_t b, int32_t c) {                    \
    return shuffle(ShuffleMode::Mode, mask, value, b, c);                      \
  }
ATTN_EMU_SHUFFLE(bfly, Bfly)
ATTN_EMU_SHUFFLE(idx, Idx)
ATTN_EMU_SHUFFLE(down, Down)
ATTN_EMU_SHUFFLE(up, Up)

/// mma.sync m16n8k16 row.col with f32 accumulators; the LLVM IR shim
/// EmulatorKernels.cpp writes passes the operands as i32 and takes D
/// through `d`.
ATTN_EMU_EXPORT void attn_emu_mma_m16n8k16(int32_t halfOperands, uint32_t a0,
                                           uint32_t a1, uint32_t a2,
                                           uint32_t a3, uint32_t b0,
                                           uint32_t b1, float c0, float c1,
                                           float c2, float c3, float *d) {
  Lane &lane = currentLane();
  lane.collective = Collective::Mma;
  lane.halfOperands = halfOperands;
  lane.mma = {{a0, a1, a2, a3}, {b0, b1}, {c0, c1, c2, c3}};
  arriveAtCollective();
  std::memcpy(d, currentLane().d, sizeof(float) * 4);
}

/// wgmma.mma_async as EmulatorWgmmaRewrite.cpp rewrites its inline PTX:
/// the form, then the operands in the PTX order, the accumulators through
/// memory.
ATTN_EMU_EXPORT void attn_emu_wgmma_mma_async(int32_t n, int32_t halfOperands,
                                              uint64_t descA, uint64_t descB,
                                              int32_t scaleD, int32_t scaleA,
                                              int32_t scaleB, int32_t transA,
                                              int32_t transB,
                                              float *accumulators) {
  Lane &lane = currentLane();
  if (!lane.wgmmaProgress.fenced) {
    active->error = "thread " + std::to_string(active->current) +
                    " issues a wgmma.mma_async before any wgmma.fence (the "
                    "ISA requires one before the first)";
    yieldToScheduler();
    return;
  }
  ++lane.wgmmaProgress.uncommitted;
  lane.collective = Collective::Wgmma;
  lane.wgmmaForm = {n, halfOperands != 0};
  lane.wgmma = {descA,  descB,  scaleD, scaleA,
                scaleB, transA, transB, accumulators};
  arriveAtCollective();
}

// The mma_async above completes before it returns, so these only keep the
// count WgmmaProgress checks; fence.proxy.async has nothing to order.
ATTN_EMU_EXPORT void attn_emu_wgmma_fence_sync_aligned() {
  currentLane().wgmmaProgress.fenced = true;
}
ATTN_EMU_EXPORT void attn_emu_wgmma_commit_group_sync_aligned() {
  WgmmaProgress &progress = currentLane().wgmmaProgress;
  ++progress.committed;
  if (progress.uncommitted)
    progress.lastBusy = progress.committed;
  progress.uncommitted = 0;
}
ATTN_EMU_EXPORT void attn_emu_wgmma_wait_group_sync_aligned(int64_t pending) {
  WgmmaProgress &progress = currentLane().wgmmaProgress;
  progress.completed =
      std::max(progress.completed, progress.committed - pending);
}
ATTN_EMU_EXPORT void attn_emu_fence_proxy_async_shared_cta() {}

// The host side, through EmulatorStubs.c.
ATTN_EMU_EXPORT void *attn_emu_module_load() {
  return const_cast<KernelModule *>(nextModule);
}

ATTN_EMU_EXPORT void *attn_emu_module_get_function(void *module,
                                                   const char *name) {
  auto *kernels = static_cast<const KernelModule *>(module);
  auto it = kernels->kernels.find(name);
  if (it == kernels->kernels.end()) {
    record(std::string("no kernel named '") + name + "' in the module");
    return nullptr;
  }
  functions.push_back({kernels, it->second});
  return &functions.back();
}

ATTN_EMU_EXPORT void
attn_emu_launch_kernel(void *function, intptr_t gridX, intptr_t gridY,
                       intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                       intptr_t blockZ, int32_t sharedBytes, void **params) {
  if (!function)
    return record("a launch of a kernel that was not found");
  if (sharedBytes != 0)
    return record("dynamic shared memory (" + std::to_string(sharedBytes) +
                  " bytes) is not emulated");
  auto *f = static_cast<Function *>(function);
  record(launch(*f->module, f->entry, {gridX, gridY, gridZ},
                {blockX, blockY, blockZ}, params));
}

/// CUDA_ERROR_LAUNCH_FAILED after a failed launch.
ATTN_EMU_EXPORT int32_t attn_emu_take_error() {
  bool failed = failedSinceTake;
  failedSinceTake = false;
  return failed ? 719 : 0;
}
