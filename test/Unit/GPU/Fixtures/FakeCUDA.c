/*===- FakeCUDA.c - A stand-in for libcuda.so.1 --------------------*- C -*-===*
 *
 * Exports the driver functions runtime/lib/cuda resolves, so that the
 * driver checks, the launch functions and the runtime's device memory can
 * be tested on machines without a GPU. Behaviour is read from the
 * environment on each call:
 *   ATTN_FAKE_CUDA_INIT_ERROR    cuInit's result (default 0)
 *   ATTN_FAKE_CUDA_DEVICES       the number of GPUs (default 1)
 *   ATTN_FAKE_CUDA_CC            the compute capability, 10 * major + minor
 *                                (default 90)
 *   ATTN_FAKE_CUDA_LAUNCH_ERROR  cuLaunchKernel's result (default 0)
 *   ATTN_FAKE_CUDA_SYNC_ERROR    the result of synchronising a stream other
 *                                than NULL, as an asynchronous kernel's
 *                                error shows there (default 0); its kernels
 *                                have ended either way
 *   ATTN_FAKE_CUDA_HTOD_ERROR, ATTN_FAKE_CUDA_DTOH_ERROR,
 *   ATTN_FAKE_CUDA_MEMSET_ERROR  the result of every cuMemcpyHtoD,
 *                                cuMemcpyDtoH, cuMemsetD8 (default 0)
 *   ATTN_FAKE_CUDA_MAX_ALLOCATION  the largest allocation that succeeds, in
 *                                bytes (default: any); larger ones fail with
 *                                CUDA_ERROR_OUT_OF_MEMORY
 *   ATTN_FAKE_CUDA_MAX_LIVE_BYTES  the most bytes live allocations may hold
 *                                together (default: any); an allocation
 *                                beyond fails with CUDA_ERROR_OUT_OF_MEMORY
 * "Device" memory is host memory, so tests can read what was uploaded, but
 * it is only reachable the way the driver allows: every allocation is
 * recorded, and a copy, memset or free of an address that is not inside a
 * live allocation fails with CUDA_ERROR_INVALID_VALUE, as does any of them
 * on a thread without the context current (CUDA_ERROR_INVALID_CONTEXT).
 * Copies to the device and memsets are asynchronous, as on a GPU (a copy
 * from pageable memory returns once staged): until the legacy stream is
 * synchronised (cuStreamSynchronize(NULL), cuCtxSynchronize), a launch on
 * the calling thread fails with 999 and fake_cuda_unsynchronized() is 1.
 * Kernels are not run, only counted (fake_cuda_launches), but what they
 * would touch is tracked as a GPU would need it: cuModuleGetFunction reads
 * the kernel's parameter list from the module's PTX (`.entry name(.param
 * .u64 ..., ...)`), and a launch marks every allocation that one of its
 * 64-bit arguments points into as in use by the launch's stream until that
 * stream (or the context) is synchronised. Then each of these counts a
 * conflict (fake_cuda_stream_conflicts) and is refused where it can be:
 *   - a launch that passes a managed allocation in use by another stream
 *     (two streams on one block: the race a caching allocator must avoid;
 *     device allocations, the runtime's weights, may be read by many);
 *   - a copy or memset of an allocation in use (fails with 998);
 *   - a cuMemFree of an allocation in use (frees it anyway).
 * fake_cuda_marked_arguments counts the arguments that matched an
 * allocation, so that a test can tell that the tracking saw its kernels.
 * Streams are counted as they are created, destroyed and synchronised
 * (fake_cuda_stream_creates, _destroys, _syncs; NULL is not counted); at
 * most 64 are ever created in a process.
 *
 *===----------------------------------------------------------------------===*/

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

enum {
  kInvalidValue = 1,
  kOutOfMemory = 2,
  kInvalidContext = 201,
  kInvalidHandle = 400
};

/* Counters the tests read with dlsym; updated atomically. */
int fake_cuda_launches = 0;
int fake_cuda_modules = 0;
long long fake_cuda_stream_creates = 0, fake_cuda_stream_destroys = 0;
long long fake_cuda_stream_syncs = 0, fake_cuda_stream_conflicts = 0;
long long fake_cuda_marked_arguments = 0;
long long fake_cuda_htod_copies = 0, fake_cuda_htod_bytes = 0;
long long fake_cuda_dtoh_copies = 0, fake_cuda_dtoh_bytes = 0;
long long fake_cuda_memsets = 0, fake_cuda_memset_bytes = 0;

static void add(long long *counter, long long value) {
  __atomic_fetch_add(counter, value, __ATOMIC_RELAXED);
}

static int envInt(const char *name, int fallback) {
  const char *value = getenv(name);
  return value && *value ? atoi(value) : fallback;
}

/* Every allocation ever made, in order; freed ones stay, marked dead. */
struct Allocation {
  CUdeviceptr pointer;
  size_t bytes;
  int managed;
  int live;
  /* Bit i: kernels queued on stream i may use it. */
  unsigned long long inUse;
};
static struct Allocation *allocations;
static int numAllocations, allocationCapacity;
/* What the live allocations hold together. */
static long long liveBytes;
static pthread_mutex_t allocationLock = PTHREAD_MUTEX_INITIALIZER;

/* The number of allocations made so far (cuMemAlloc and
 * cuMemAllocManaged). */
int fake_cuda_allocation_count(void) {
  pthread_mutex_lock(&allocationLock);
  int count = numAllocations;
  pthread_mutex_unlock(&allocationLock);
  return count;
}

/* Allocation `index` (in the order made); 0 when there is none. */
int fake_cuda_allocation(int index, CUdeviceptr *pointer, size_t *bytes,
                         int *managed, int *live) {
  int found = 0;
  pthread_mutex_lock(&allocationLock);
  if (index >= 0 && index < numAllocations) {
    *pointer = allocations[index].pointer;
    *bytes = allocations[index].bytes;
    *managed = allocations[index].managed;
    *live = allocations[index].live;
    found = 1;
  }
  pthread_mutex_unlock(&allocationLock);
  return found;
}

/* 1 when [pointer, pointer + bytes) lies in one live allocation. */
int fake_cuda_is_device(CUdeviceptr pointer, size_t bytes) {
  int found = 0, i;
  pthread_mutex_lock(&allocationLock);
  for (i = numAllocations - 1; i >= 0 && !found; --i) {
    const struct Allocation *a = &allocations[i];
    found = a->live && pointer >= a->pointer &&
            pointer - a->pointer <= a->bytes &&
            bytes <= a->bytes - (pointer - a->pointer);
  }
  pthread_mutex_unlock(&allocationLock);
  return found;
}

static int context;
/* The context current on the calling thread (cuCtxSetCurrent). */
static __thread void *currentContext;
/* A copy to the device or a memset of this thread may still be running. */
static __thread int unsynchronized;

int fake_cuda_unsynchronized(void) { return unsynchronized; }

/* Whether the allocation holding `pointer` may be in use by a kernel; a
 * conflict when it is. */
static int inUse(CUdeviceptr pointer) {
  int busy = 0, i;
  pthread_mutex_lock(&allocationLock);
  for (i = numAllocations - 1; i >= 0 && !busy; --i) {
    const struct Allocation *a = &allocations[i];
    busy = a->live && pointer >= a->pointer &&
           pointer - a->pointer < a->bytes && a->inUse != 0;
  }
  pthread_mutex_unlock(&allocationLock);
  if (busy)
    add(&fake_cuda_stream_conflicts, 1);
  return busy;
}

/* What a memory call returns before touching `pointer`. */
static CUresult checkDevice(CUdeviceptr pointer, size_t bytes) {
  if (currentContext != &context)
    return kInvalidContext;
  if (!fake_cuda_is_device(pointer, bytes))
    return kInvalidValue;
  return inUse(pointer) ? 998 : 0;
}

CUresult cuInit(unsigned flags) {
  (void)flags;
  return envInt("ATTN_FAKE_CUDA_INIT_ERROR", 0);
}
CUresult cuDriverGetVersion(int *version) {
  *version = 13000;
  return 0;
}
CUresult cuDeviceGetCount(int *count) {
  *count = envInt("ATTN_FAKE_CUDA_DEVICES", 1);
  return 0;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal < envInt("ATTN_FAKE_CUDA_DEVICES", 1) ? 0 : 101;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  int cc = envInt("ATTN_FAKE_CUDA_CC", 90);
  if (attribute == 75)
    *value = cc / 10;
  else if (attribute == 76)
    *value = cc % 10;
  else
    return kInvalidValue;
  return 0;
}
CUresult cuDeviceGetName(char *name, int length, int device) {
  (void)device;
  strncpy(name, "Fake GPU", (size_t)length);
  return 0;
}
CUresult cuDevicePrimaryCtxRetain(void **ctx, int device) {
  (void)device;
  *ctx = &context;
  return 0;
}
CUresult cuCtxSetCurrent(void *ctx) {
  if (ctx != &context)
    return kInvalidContext;
  currentContext = ctx;
  return 0;
}
static void finishStreams(unsigned long long mask);
CUresult cuCtxSynchronize(void) {
  unsynchronized = 0;
  finishStreams(~0ull);
  return 0;
}
CUresult cuGetErrorString(CUresult error, const char **text) {
  switch (error) {
  case 100:
    *text = "no CUDA-capable device is detected";
    break;
  case 719:
    *text = "unspecified launch failure";
    break;
  case 998:
    *text = "fake: a copy or memset of memory that kernels queued on a "
            "stream may still use";
    break;
  case 999:
    *text = "fake: a kernel launched while a copy to the device may still "
            "run";
    break;
  default:
    *text = "fake CUDA error";
  }
  return 0;
}
/* The one module: the image of its last load, whose PTX gives the kernels'
 * parameters. */
static int module;
static const char *moduleImage;

CUresult cuModuleLoadData(void **mod, const void *image) {
  __atomic_fetch_add(&fake_cuda_modules, 1, __ATOMIC_RELAXED);
  __atomic_store_n(&moduleImage, (const char *)image, __ATOMIC_RELEASE);
  *mod = &module;
  return 0;
}
CUresult cuModuleLoadDataEx(void **mod, const void *image, unsigned n,
                            int *options, void **values) {
  (void)n, (void)options, (void)values;
  return cuModuleLoadData(mod, image);
}
CUresult cuModuleUnload(void *mod) { return mod == &module ? 0 : 400; }

/* A kernel: which of its parameters are 64 bits wide (those are the ones
 * that can hold an address); numParams is -1 when the image has no PTX
 * entry of its name. */
enum { kMaxParams = 256, kMaxFunctions = 512 };
struct Function {
  char name[128];
  int numParams;
  unsigned char wide[kMaxParams];
};
static struct Function functions[kMaxFunctions];
static int numFunctions;
static pthread_mutex_t functionLock = PTHREAD_MUTEX_INITIALIZER;

/* Reads the parameter list of `.entry name(` from the PTX in `image`. */
static void readParams(const char *image, struct Function *fn) {
  fn->numParams = -1;
  if (!image)
    return;
  size_t length = strlen(fn->name);
  const char *at = image;
  while ((at = strstr(at, ".entry ")) != NULL) {
    at += strlen(".entry ");
    if (strncmp(at, fn->name, length) == 0 && at[length] == '(')
      break;
  }
  if (!at)
    return;
  const char *end = strchr(at, ')');
  fn->numParams = 0;
  for (const char *param = strstr(at, ".param");
       param && end && param < end && fn->numParams < kMaxParams;
       param = strstr(param + 1, ".param")) {
    const char *type = param + strlen(".param");
    while (*type == ' ' || *type == '\t')
      ++type;
    fn->wide[fn->numParams++] = strncmp(type + 2, "64", 2) == 0;
  }
}

CUresult cuModuleGetFunction(void **fn, void *mod, const char *name) {
  if (mod != &module)
    return kInvalidHandle;
  if (strlen(name) >= sizeof(functions[0].name))
    return kInvalidValue;
  CUresult status = 0;
  int i;
  pthread_mutex_lock(&functionLock);
  for (i = 0; i < numFunctions && strcmp(functions[i].name, name) != 0; ++i)
    ;
  if (i == numFunctions && numFunctions == kMaxFunctions)
    status = kOutOfMemory;
  else if (i == numFunctions) {
    strcpy(functions[i].name, name);
    readParams(__atomic_load_n(&moduleImage, __ATOMIC_ACQUIRE), &functions[i]);
    ++numFunctions;
  }
  pthread_mutex_unlock(&functionLock);
  if (!status)
    *fn = &functions[i];
  return status;
}
CUresult cuFuncSetAttribute(void *fn, int attribute, int value) {
  (void)fn, (void)attribute, (void)value;
  return 0;
}

enum { kMaxStreams = 64 };
struct Stream {
  int live;
};
static struct Stream streams[kMaxStreams];
static int numStreams;

/* The index of a live stream, -1 for NULL (the legacy stream), -2 for
 * anything else. */
static int streamIndex(void *s) {
  if (s == NULL)
    return -1;
  struct Stream *stream = (struct Stream *)s;
  int index = (int)(stream - streams);
  if (stream < streams || index >= kMaxStreams ||
      !__atomic_load_n(&stream->live, __ATOMIC_ACQUIRE))
    return -2;
  return index;
}

/* The allocation that holds `address`, or NULL; the caller holds the
 * allocation lock. */
static struct Allocation *findLocked(CUdeviceptr address) {
  int i;
  for (i = numAllocations - 1; i >= 0; --i) {
    struct Allocation *a = &allocations[i];
    if (a->live && address >= a->pointer && address - a->pointer < a->bytes)
      return a;
  }
  return NULL;
}

/* Marks what a launch of `fn` with `params` on stream `index` may touch. */
static void markInUse(const struct Function *fn, void **params, int index) {
  int i;
  pthread_mutex_lock(&allocationLock);
  for (i = 0; i < fn->numParams; ++i) {
    if (!fn->wide[i])
      continue;
    CUdeviceptr value;
    memcpy(&value, params[i], sizeof(value));
    struct Allocation *a = findLocked(value);
    if (!a)
      continue;
    add(&fake_cuda_marked_arguments, 1);
    if (a->managed && (a->inUse & ~(1ull << index)))
      add(&fake_cuda_stream_conflicts, 1);
    a->inUse |= 1ull << index;
  }
  pthread_mutex_unlock(&allocationLock);
}

/* Kernels of the streams in `mask` have finished. */
static void finishStreams(unsigned long long mask) {
  int i;
  pthread_mutex_lock(&allocationLock);
  for (i = 0; i < numAllocations; ++i)
    allocations[i].inUse &= ~mask;
  pthread_mutex_unlock(&allocationLock);
}

CUresult cuLaunchKernel(void *fn, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *stream, void **params, void **extra) {
  (void)gx, (void)gy, (void)gz, (void)bx, (void)by, (void)bz, (void)smem;
  (void)extra;
  struct Function *function = (struct Function *)fn;
  if (function < functions || function >= functions + kMaxFunctions)
    return kInvalidHandle;
  int index = streamIndex(stream);
  if (index == -2)
    return kInvalidHandle;
  if (currentContext != &context)
    return kInvalidContext;
  if (unsynchronized)
    return 999;
  __atomic_fetch_add(&fake_cuda_launches, 1, __ATOMIC_RELAXED);
  CUresult status = envInt("ATTN_FAKE_CUDA_LAUNCH_ERROR", 0);
  /* Work on the legacy stream is not tracked: nothing here launches there. */
  if (!status && index >= 0)
    markInUse(function, params, index);
  return status;
}
CUresult cuStreamCreate(void **s, unsigned flags) {
  (void)flags;
  if (currentContext != &context)
    return kInvalidContext;
  int index = __atomic_fetch_add(&numStreams, 1, __ATOMIC_RELAXED);
  if (index >= kMaxStreams)
    return kOutOfMemory;
  __atomic_store_n(&streams[index].live, 1, __ATOMIC_RELEASE);
  add(&fake_cuda_stream_creates, 1);
  *s = &streams[index];
  return 0;
}
/* Its kernels still run after it is gone: what they use stays marked. */
CUresult cuStreamDestroy_v2(void *s) {
  int index = streamIndex(s);
  if (index < 0)
    return kInvalidHandle;
  __atomic_store_n(&streams[index].live, 0, __ATOMIC_RELEASE);
  add(&fake_cuda_stream_destroys, 1);
  return 0;
}
CUresult cuStreamSynchronize(void *s) {
  int index = streamIndex(s);
  if (index == -2)
    return kInvalidHandle;
  if (index == -1) {
    unsynchronized = 0;
    return 0;
  }
  add(&fake_cuda_stream_syncs, 1);
  finishStreams(1ull << index);
  return envInt("ATTN_FAKE_CUDA_SYNC_ERROR", 0);
}

static CUresult allocate(CUdeviceptr *pointer, size_t bytes, int managed) {
  if (currentContext != &context)
    return kInvalidContext;
  if (bytes == 0)
    return kInvalidValue;
  if (getenv("ATTN_FAKE_CUDA_MAX_ALLOCATION") &&
      bytes > (size_t)envInt("ATTN_FAKE_CUDA_MAX_ALLOCATION", 0))
    return kOutOfMemory;
  /* The driver aligns every allocation to at least 256 bytes. */
  void *memory = NULL;
  if (posix_memalign(&memory, 256, bytes) != 0)
    return kOutOfMemory;
  pthread_mutex_lock(&allocationLock);
  if (getenv("ATTN_FAKE_CUDA_MAX_LIVE_BYTES") &&
      liveBytes + (long long)bytes >
          atoll(getenv("ATTN_FAKE_CUDA_MAX_LIVE_BYTES"))) {
    pthread_mutex_unlock(&allocationLock);
    free(memory);
    return kOutOfMemory;
  }
  if (numAllocations == allocationCapacity) {
    int grown = allocationCapacity ? 2 * allocationCapacity : 64;
    struct Allocation *more =
        realloc(allocations, (size_t)grown * sizeof(*allocations));
    if (!more) {
      pthread_mutex_unlock(&allocationLock);
      free(memory);
      return kOutOfMemory;
    }
    allocations = more;
    allocationCapacity = grown;
  }
  struct Allocation entry = {(CUdeviceptr)(uintptr_t)memory, bytes, managed, 1,
                             0};
  allocations[numAllocations++] = entry;
  liveBytes += (long long)bytes;
  pthread_mutex_unlock(&allocationLock);
  *pointer = entry.pointer;
  return 0;
}
CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  return allocate(pointer, bytes, 0);
}
CUresult cuMemAllocManaged(CUdeviceptr *pointer, size_t bytes, unsigned flags) {
  (void)flags;
  return allocate(pointer, bytes, 1);
}
CUresult cuMemFree_v2(CUdeviceptr pointer) {
  if (currentContext != &context)
    return kInvalidContext;
  int i, found = 0;
  pthread_mutex_lock(&allocationLock);
  for (i = numAllocations - 1; i >= 0 && !found; --i)
    if (allocations[i].live && allocations[i].pointer == pointer) {
      if (allocations[i].inUse)
        add(&fake_cuda_stream_conflicts, 1);
      allocations[i].live = 0;
      liveBytes -= (long long)allocations[i].bytes;
      found = 1;
    }
  pthread_mutex_unlock(&allocationLock);
  if (!found)
    return kInvalidValue;
  free((void *)(uintptr_t)pointer);
  return 0;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
  CUresult status = checkDevice(dst, bytes);
  if (!status)
    status = envInt("ATTN_FAKE_CUDA_HTOD_ERROR", 0);
  if (status)
    return status;
  memcpy((void *)(uintptr_t)dst, src, bytes);
  unsynchronized = 1;
  add(&fake_cuda_htod_copies, 1);
  add(&fake_cuda_htod_bytes, (long long)bytes);
  return 0;
}
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  CUresult status = checkDevice(src, bytes);
  if (!status)
    status = envInt("ATTN_FAKE_CUDA_DTOH_ERROR", 0);
  if (status)
    return status;
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  add(&fake_cuda_dtoh_copies, 1);
  add(&fake_cuda_dtoh_bytes, (long long)bytes);
  return 0;
}
CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t bytes) {
  CUresult status = checkDevice(dst, bytes);
  if (!status)
    status = envInt("ATTN_FAKE_CUDA_MEMSET_ERROR", 0);
  if (status)
    return status;
  memset((void *)(uintptr_t)dst, value, bytes);
  unsynchronized = 1;
  add(&fake_cuda_memsets, 1);
  add(&fake_cuda_memset_bytes, (long long)bytes);
  return 0;
}
