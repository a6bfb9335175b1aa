/*===- CUDATinyModel.c - The runtime's stand-in model, as a CUDA library -===*
 *
 * test/Unit/Runtime/Fixtures/TinyModel.c with a manifest that names a
 * target (cuda, sm_80; FIXTURE_TARGET_ROCM and FIXTURE_TARGET_BAD_ARCH
 * build variants the runtime must refuse), so that the runtime treats it as
 * a CUDA model library and hands it device addresses only. Run against the
 * stand-in driver (FakeCUDA.c), whose device memory is host memory, each
 * entry point first checks that every buffer of its call lies inside a live
 * device allocation large enough for it, and that the call and the weight
 * table themselves are host memory (docs/abi.md); it returns 700
 * (CUDA_ERROR_ILLEGAL_ADDRESS, what a GPU would report) when not, and 999
 * when the runtime's copies to the device were not waited for (a kernel
 * could read them half done). Then it
 * computes TinyModel.c's formula on those buffers, so that the numbers that
 * come back through the runtime check its uploads and downloads.
 *
 *===----------------------------------------------------------------------===*/

#define attn_manifest tiny_manifest
#define attn_prefill tiny_prefill
#define attn_logits tiny_logits
#include "../../Runtime/Fixtures/TinyModel.c"
#undef attn_manifest
#undef attn_prefill
#undef attn_logits

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(FIXTURE_TARGET_ROCM)
#define FIXTURE_TARGET "{\"kind\": \"rocm\", \"arch\": \"gfx90a\"}"
#elif defined(FIXTURE_TARGET_BAD_ARCH)
#define FIXTURE_TARGET "{\"kind\": \"cuda\", \"arch\": \"gfx90a\"}"
#else
#define FIXTURE_TARGET "{\"kind\": \"cuda\", \"arch\": \"sm_80\"}"
#endif

enum { kIllegalAddress = 700, kNotInitialized = 3 };

/* The last call of each entry point on the calling thread, for tests to
 * find the device caches (dlsym gives the calling thread's). */
__thread attn_call cuda_fixture_last_prefill;
__thread attn_call cuda_fixture_last_logits;

static char manifest[4096];

__attribute__((constructor)) static void buildManifest(void) {
  /* TinyModel's manifest starts with '{'. */
  snprintf(manifest, sizeof(manifest), "{\"target\": %s, %s", FIXTURE_TARGET,
           tiny_manifest() + 1);
}

const char *attn_manifest(void) { return manifest; }

typedef int (*IsDeviceFn)(unsigned long long pointer, size_t bytes);

/* A function of the stand-in driver the runtime loaded. */
static void *driverFunction(const char *name) {
  const char *path = getenv("ATTN_CUDA_DRIVER_LIBRARY");
  void *driver = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
  void *fn = driver ? dlsym(driver, name) : NULL;
  /* The runtime keeps the driver loaded. */
  if (driver)
    dlclose(driver);
  return fn;
}

static IsDeviceFn isDeviceFn(void) {
  return (IsDeviceFn)driverFunction("fake_cuda_is_device");
}

/* What a kernel launch would return after copies nobody waited for. */
static int32_t unsynchronized(void) {
  int (*pending)(void) =
      (int (*)(void))driverFunction("fake_cuda_unsynchronized");
  return !pending ? kNotInitialized : pending() ? 999 : 0;
}

static int onDevice(IsDeviceFn isDevice, const void *pointer, size_t bytes) {
  return isDevice((unsigned long long)(uintptr_t)pointer, bytes);
}

/* Sizes of the weight table's slots (TinyModel.c's manifest). */
static const size_t kSlotBytes[7] = {V * H * 4, H * 4, H * 4,    H * 2,
                                     H * 2,     H * 4, V * H * 4};

static int32_t checkWeights(IsDeviceFn isDevice, const attn_call *call) {
  int slot;
  if (onDevice(isDevice, call, sizeof(*call)) ||
      onDevice(isDevice, call->weights, 7 * sizeof(void *)))
    return kIllegalAddress;
  for (slot = 0; slot < 7; ++slot)
    if (!onDevice(isDevice, call->weights[slot], kSlotBytes[slot]))
      return kIllegalAddress;
  return 0;
}

int32_t attn_prefill(const attn_call *call) {
  IsDeviceFn isDevice = isDeviceFn();
  size_t n = (size_t)call->num_tokens;
  size_t cache = (size_t)(L * call->cache_capacity * KV * D) * 4;
  int32_t rc;
  if (!isDevice)
    return kNotInitialized;
  cuda_fixture_last_prefill = *call;
  if ((rc = unsynchronized()) != 0 || (rc = checkWeights(isDevice, call)) != 0)
    return rc;
  if (!onDevice(isDevice, call->tokens, n * 4) ||
      !onDevice(isDevice, call->k_cache, cache) ||
      !onDevice(isDevice, call->v_cache, cache) ||
      !onDevice(isDevice, call->output, n * H * 4))
    return kIllegalAddress;
  return tiny_prefill(call);
}

int32_t attn_logits(const attn_call *call) {
  IsDeviceFn isDevice = isDeviceFn();
  size_t n = (size_t)call->num_tokens;
  int32_t rc;
  if (!isDevice)
    return kNotInitialized;
  cuda_fixture_last_logits = *call;
  if ((rc = unsynchronized()) != 0 || (rc = checkWeights(isDevice, call)) != 0)
    return rc;
  if (!onDevice(isDevice, call->input, n * H * 4) ||
      !onDevice(isDevice, call->output, n * V * 4))
    return kIllegalAddress;
  return tiny_logits(call);
}
