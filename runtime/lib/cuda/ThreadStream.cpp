//===- ThreadStream.cpp - One CUDA stream per calling thread --------------===//

#include "ThreadStream.h"
#include "CachingAllocator.h"

#include <pthread.h>
#include <stdlib.h>

using namespace attn::cuda;

namespace {

/// A thread's stream; listed, so that an unload reaches every thread's.
struct ThreadState {
  CUstream stream;
  /// Work was queued on the stream since it was last waited for.
  bool busy;
  ThreadState *previous, *next;
};

/// Every field starts zero or constant, so that the library needs no
/// constructor for it (and has no destructor that could run too early).
struct Registry {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  ThreadState *head = nullptr;
  /// Its destructor runs at the exit of each thread that made a stream.
  pthread_key_t exitKey = 0;
  bool exitKeyMade = false;
};

[[clang::require_constant_initialization]] Registry registry;

/// Trivially destructible, so that no C++ library is needed for it; the
/// exit key does the cleanup.
thread_local ThreadState *current = nullptr;

/// The driver with device 0's context current on the calling thread: an
/// unload may destroy streams of other threads.
const Driver *contextDriver() {
  char ignored[8];
  return currentContext(ignored, sizeof(ignored)) ? driver() : nullptr;
}

/// Unlinks `state` from the registry; the caller holds the lock.
void unlinkLocked(ThreadState &state) {
  if (state.previous)
    state.previous->next = state.next;
  else if (registry.head == &state)
    registry.head = state.next;
  if (state.next)
    state.next->previous = state.previous;
  state.previous = state.next = nullptr;
}

/// Waits for `state`'s stream when work is queued on it. However the wait
/// ends, nothing of that work is left to run (an asynchronous error aborts
/// the rest), so the blocks freed behind it become idle.
CUresult finish(const Driver &d, ThreadState &state) {
  if (!state.busy)
    return kSuccess;
  CUresult status = d.streamSynchronize(state.stream);
  state.busy = false;
  streamFinished(state.stream);
  return status;
}

/// Waits for and destroys `state`'s stream, then frees `state`.
void retire(const Driver *d, ThreadState *state) {
  // Without the driver the stream's work cannot be waited for: its blocks
  // stay reserved to it, and the stream is left to the driver's teardown.
  if (d) {
    finish(*d, *state);
    d->streamDestroy(state->stream);
  }
  free(state);
}

/// The exit key's destructor, on the exiting thread.
void atThreadExit(void *value) {
  auto *state = static_cast<ThreadState *>(value);
  pthread_mutex_lock(&registry.lock);
  unlinkLocked(*state);
  pthread_mutex_unlock(&registry.lock);
  current = nullptr;
  retire(contextDriver(), state);
}

} // namespace

CUstream attn::cuda::threadStream(const Driver &d, CUresult &status) {
  if (current)
    return current->stream;
  auto *state = static_cast<ThreadState *>(calloc(1, sizeof(ThreadState)));
  if (!state) {
    status = kErrorOutOfMemory;
    return nullptr;
  }
  // CU_STREAM_NON_BLOCKING: it does not wait for the legacy stream, where
  // the runtime's copies run (they finish before a call starts), nor make
  // other sessions' work wait for it.
  status = d.streamCreate(&state->stream, 1);
  if (status != kSuccess) {
    free(state);
    return nullptr;
  }
  pthread_mutex_lock(&registry.lock);
  if (!registry.exitKeyMade)
    registry.exitKeyMade =
        pthread_key_create(&registry.exitKey, atThreadExit) == 0;
  // Without the key the stream lives until the unload.
  if (registry.exitKeyMade)
    pthread_setspecific(registry.exitKey, state);
  state->next = registry.head;
  if (registry.head)
    registry.head->previous = state;
  registry.head = state;
  pthread_mutex_unlock(&registry.lock);
  current = state;
  return state->stream;
}

CUstream attn::cuda::existingThreadStream() {
  return current ? current->stream : nullptr;
}

void attn::cuda::noteQueuedWork() {
  if (current)
    current->busy = true;
}

CUstream attn::cuda::busyThreadStream() {
  return current && current->busy ? current->stream : nullptr;
}

CUresult attn::cuda::finishThreadStream() {
  if (!current || !current->busy)
    return kSuccess;
  // The stream exists, so the driver loaded and this thread made the
  // context current.
  const Driver *d = driver();
  return d ? finish(*d, *current) : kErrorNotInitialized;
}

void attn::cuda::releaseThreadStreams() {
  pthread_mutex_lock(&registry.lock);
  ThreadState *states = registry.head;
  registry.head = nullptr;
  // A thread exiting later must not call into the unmapped library.
  if (registry.exitKeyMade)
    pthread_key_delete(registry.exitKey);
  registry.exitKeyMade = false;
  pthread_mutex_unlock(&registry.lock);
  current = nullptr;
  const Driver *d = states ? contextDriver() : nullptr;
  while (states) {
    ThreadState *next = states->next;
    retire(d, states);
    states = next;
  }
}
