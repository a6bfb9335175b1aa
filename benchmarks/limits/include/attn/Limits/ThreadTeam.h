//===- ThreadTeam.h - Run one function on N threads at once ----*- C++ -*-===//
//
// The machine-limit microbenchmarks time N threads doing the same work. The
// clock starts only once every thread is running and waiting, so thread
// creation is not part of the measurement, and stops when the last one ends.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIMITS_THREADTEAM_H
#define ATTN_LIMITS_THREADTEAM_H

#include <functional>

namespace attn::limits {

/// Runs `work(index)` for index in [0, threads) on `threads` threads that
/// start together; returns the seconds from the common start to the end of
/// the last one.
double runTogether(int threads, const std::function<void(int)> &work);

} // namespace attn::limits

#endif // ATTN_LIMITS_THREADTEAM_H
