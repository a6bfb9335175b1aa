//===- CpuInfo.cpp - What the benchmarks need to know of the CPU ----------===//

#include "attn/Limits/CpuInfo.h"

#include <cstdlib>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace attn::limits {

namespace {

/// The value of the first "key : value" line of /proc/cpuinfo with `key`.
std::string cpuinfoField(const std::string &key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0)
      continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

/// The largest cache sysfs lists for cpu0 (e.g. "266240K").
int64_t sysfsLastLevelCache() {
  int64_t largest = 0;
  for (int index = 0; index < 8; ++index) {
    std::ifstream in("/sys/devices/system/cpu/cpu0/cache/index" +
                     std::to_string(index) + "/size");
    std::string text;
    if (!(in >> text))
      break;
    char *end = nullptr;
    int64_t size = std::strtoll(text.c_str(), &end, 10);
    if (*end == 'K')
      size <<= 10;
    else if (*end == 'M')
      size <<= 20;
    if (size > largest)
      largest = size;
  }
  return largest;
}

} // namespace

CpuInfo readCpuInfo() {
  CpuInfo info;
  std::string name = cpuinfoField("model name");
  if (!name.empty())
    info.modelName = name;
  info.megahertz = std::strtod(cpuinfoField("cpu MHz").c_str(), nullptr);
  info.lastLevelCacheBytes = sysfsLastLevelCache();
#ifdef _SC_LEVEL3_CACHE_SIZE
  if (info.lastLevelCacheBytes == 0)
    info.lastLevelCacheBytes =
        sysconf(_SC_LEVEL3_CACHE_SIZE) > 0 ? sysconf(_SC_LEVEL3_CACHE_SIZE) : 0;
#endif
  unsigned processors = std::thread::hardware_concurrency();
  info.processors = processors ? int(processors) : 1;
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0)
    info.memoryBytes = int64_t(pages) * pageSize;
  return info;
}

} // namespace attn::limits
