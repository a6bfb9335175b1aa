//===- ThreadCount.h - The thread count of calls into compiled code -*- C++
//-*-===//
//
// Compiled code runs its parallel loops on OpenMP teams, which take their
// size from the calling thread's nthreads ICV. The runtime sets that ICV
// through the library's own OpenMP runtime (found with dlsym in the
// library's scope) for the duration of one call and restores it after, so
// the setting belongs to the session and leaves the caller's thread as it
// was. A library without OpenMP (built without parallel loops) has nothing
// to set.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_LIB_THREADCOUNT_H
#define ATTN_RUNTIME_LIB_THREADCOUNT_H

#include <cstdint>

namespace attn::rt {

/// The OpenMP entry points of a model library, null when it has none.
struct OpenMPControl {
  void (*setNumThreads)(int) = nullptr;
  int (*getMaxThreads)(void) = nullptr;

  bool available() const { return setNumThreads && getMaxThreads; }
};

/// Runs the calls of its lifetime on `threads` threads (0: the library's
/// default, OMP_NUM_THREADS or every core).
class ThreadCountScope {
public:
  ThreadCountScope(const OpenMPControl &control, int32_t threads)
      : control(control) {
    if (threads < 1 || !control.available())
      return;
    previous = control.getMaxThreads();
    control.setNumThreads(threads);
  }
  ~ThreadCountScope() {
    if (previous > 0)
      control.setNumThreads(previous);
  }
  ThreadCountScope(const ThreadCountScope &) = delete;
  ThreadCountScope &operator=(const ThreadCountScope &) = delete;

private:
  const OpenMPControl &control;
  int previous = 0;
};

} // namespace attn::rt

#endif // ATTN_RUNTIME_LIB_THREADCOUNT_H
