//===- Report.cpp - attn-bench's output -----------------------------------===//

#include "Report.h"

#include <cctype>
#include <string>

namespace attn::bench {

namespace {

/// llama-bench prints MiB below 1 GiB and GiB above; KiB and B are added
/// for the test fixtures.
std::string formatSize(double bytes) {
  char text[32];
  if (bytes >= double(1 << 30))
    std::snprintf(text, sizeof(text), "%.2f GiB", bytes / double(1 << 30));
  else if (bytes >= double(1 << 20))
    std::snprintf(text, sizeof(text), "%.2f MiB", bytes / double(1 << 20));
  else if (bytes >= 1024)
    std::snprintf(text, sizeof(text), "%.2f KiB", bytes / 1024);
  else
    std::snprintf(text, sizeof(text), "%.0f B", bytes);
  return text;
}

std::string formatCount(double count) {
  char text[32];
  if (count >= 1e9)
    std::snprintf(text, sizeof(text), "%.2f B", count / 1e9);
  else if (count >= 1e6)
    std::snprintf(text, sizeof(text), "%.2f M", count / 1e6);
  else if (count >= 1e3)
    std::snprintf(text, sizeof(text), "%.2f K", count / 1e3);
  else
    std::snprintf(text, sizeof(text), "%.0f", count);
  return text;
}

const char *threadWord(int threads) {
  return threads == 1 ? "thread" : "threads";
}

std::string upper(std::string text) {
  for (char &c : text)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

} // namespace

void printLimits(std::FILE *out, const MachineLimits &limits) {
  const limits::CpuInfo &cpu = limits.cpu;
  const limits::PeakFlops &one = limits.singleThread;
  const limits::PeakFlops &all = limits.allThreads;
  const limits::MemoryBandwidth &memory = limits.bandwidth;
  std::fprintf(out,
               "machine: %s, %d processors, %.0f MHz, last-level cache %s\n",
               cpu.modelName.c_str(), cpu.processors, cpu.megahertz,
               formatSize(double(cpu.lastLevelCacheBytes)).c_str());
  std::fprintf(out,
               "limit: peak f32 FMA %.2f GFLOP/s on 1 thread, %.2f GFLOP/s "
               "on %d %s (%s, %d lanes, %d accumulators)\n",
               one.gflops, all.gflops, all.threads, threadWord(all.threads),
               all.isa, all.lanes, all.accumulators);
  if (cpu.megahertz > 0)
    std::fprintf(out,
                 "limit: 1 thread does %.1f FLOP/cycle at %.0f MHz; one FMA "
                 "unit of %d lanes gives %d, two give %d\n",
                 one.gflops * 1e3 / cpu.megahertz, cpu.megahertz, one.lanes,
                 2 * one.lanes, 4 * one.lanes);
  std::fprintf(out,
               "limit: memory bandwidth read %.2f GB/s, triad %.2f GB/s on %d "
               "%s (%s buffer)\n",
               memory.readGBps, memory.triadGBps, memory.threads,
               threadWord(memory.threads),
               formatSize(double(memory.bufferBytes)).c_str());
  if (memory.bufferBytes < 2 * cpu.lastLevelCacheBytes)
    std::fprintf(out,
                 "warning: the %s buffer is not twice the last-level cache "
                 "(%s): the bandwidth is partly the cache's, not memory's\n",
                 formatSize(double(memory.bufferBytes)).c_str(),
                 formatSize(double(cpu.lastLevelCacheBytes)).c_str());
}

void printModelCost(std::FILE *out, const std::string &library,
                    const ModelCost &cost) {
  std::fprintf(out,
               "model: %s: %s, %lld params, %lld bytes of weights (mostly "
               "%s), %lld layers, %lld heads%s, head_dim %lld\n",
               library.c_str(), cost.modelType.c_str(), (long long)cost.params,
               (long long)cost.weightBytes, rt::dtypeName(cost.dtype),
               (long long)cost.layers, (long long)cost.heads,
               cost.headsFromConfig ? ""
                                    : " (hidden_size / head_dim: the config "
                                      "has no num_attention_heads)",
               (long long)cost.headDim);
  std::fprintf(out,
               "cost: prefill of N tokens = 2 x %lld x N (matmuls) + 2 x %lld "
               "(LM head%s, last token) + 2 x %lld x %lld x %lld x "
               "(N(N+1) + 2 N depth) (attention) FLOP\n",
               (long long)cost.matmulParams, (long long)cost.headParams,
               cost.tiedHead ? ", tied" : "", (long long)cost.layers,
               (long long)cost.heads, (long long)cost.headDim);
  std::fprintf(out, "cost: a decode step reads %lld bytes of weights\n",
               (long long)cost.decodeBytesPerToken);
}

void printTableHeader(std::FILE *out) {
  std::fprintf(out, "| %-30s | %10s | %10s | %-10s | %7s | %13s | %20s |\n",
               "model", "size", "params", "backend", "threads", "test", "t/s");
  std::fprintf(
      out, "| ------------------------------ | ---------: | ---------: | "
           "---------- | ------: | ------------: | -------------------: |\n");
}

void printTableRow(std::FILE *out, const ModelCost &cost, int threads,
                   const TestResult &result) {
  std::string model = cost.modelType + " " + upper(rt::dtypeName(cost.dtype));
  char rate[64];
  std::snprintf(rate, sizeof(rate), "%.2f ± %.2f", result.mean, result.stddev);
  // "±" is two bytes in UTF-8 but one column: pad by one more.
  std::fprintf(out, "| %-30s | %10s | %10s | %-10s | %7d | %13s | %21s |\n",
               model.c_str(), formatSize(double(cost.weightBytes)).c_str(),
               formatCount(double(cost.params)).c_str(), "CPU", threads,
               result.name().c_str(), rate);
}

void printAgainstLimit(std::FILE *out, const ModelCost &cost,
                       const MachineLimits &limits, const TestResult &result) {
  if (result.kind == TestKind::Prompt) {
    double flops = cost.prefillFlops(result.tokens, result.depth);
    double achieved = flops * result.mean / double(result.tokens) / 1e9;
    const limits::PeakFlops &peak = limits.allThreads;
    std::fprintf(out,
                 "%s: %.4g FLOP per prefill, %.4g GFLOP/s of %.2f GFLOP/s "
                 "peak f32 FMA on %d %s: %.2f%%\n",
                 result.name().c_str(), flops, achieved, peak.gflops,
                 peak.threads, threadWord(peak.threads),
                 100 * achieved / peak.gflops);
    return;
  }
  double bytes = double(cost.decodeBytesPerToken);
  double achieved = bytes * result.mean / 1e9;
  const limits::MemoryBandwidth &memory = limits.bandwidth;
  std::fprintf(out,
               "%s: %.4g weight bytes per token, %.4g GB/s of %.2f GB/s "
               "read bandwidth on %d %s: %.2f%%\n",
               result.name().c_str(), bytes, achieved, memory.readGBps,
               memory.threads, threadWord(memory.threads),
               100 * achieved / memory.readGBps);
  if (result.depth == 0)
    return;
  // At a depth the cache is read as well; the weight line above stays the
  // issue's measure, this one says what the memory really carried.
  double cache = cost.decodeCacheBytes(result.tokens, result.depth);
  double total = (bytes + cache) * result.mean / 1e9;
  std::fprintf(out,
               "%s: also %.4g KV-cache bytes per token on average; weights "
               "and cache %.4g GB/s: %.2f%%\n",
               result.name().c_str(), cache, total,
               100 * total / memory.readGBps);
}

} // namespace attn::bench
