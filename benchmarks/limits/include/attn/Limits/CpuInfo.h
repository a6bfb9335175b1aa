//===- CpuInfo.h - What the benchmarks need to know of the CPU -*- C++ -*-===//
//
// Enough to size the bandwidth buffer beyond the last-level cache and to
// check a measured FMA rate against cores x clock x FLOPs per cycle.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIMITS_CPUINFO_H
#define ATTN_LIMITS_CPUINFO_H

#include <cstdint>
#include <string>

namespace attn::limits {

struct CpuInfo {
  /// "model name" of /proc/cpuinfo; "unknown" where there is none.
  std::string modelName = "unknown";
  /// "cpu MHz" of the first processor in /proc/cpuinfo (the clock the
  /// kernel reports, not necessarily the one under load); 0 when unknown.
  double megahertz = 0;
  /// Size of the last-level data cache in bytes; 0 when unknown.
  int64_t lastLevelCacheBytes = 0;
  /// Processors the process may run on.
  int processors = 1;
  /// Physical memory in bytes; 0 when unknown.
  int64_t memoryBytes = 0;
};

CpuInfo readCpuInfo();

} // namespace attn::limits

#endif // ATTN_LIMITS_CPUINFO_H
