//===- Report.h - attn-bench's output ---------------------------*- C++ -*-===//
//
// The table follows llama-bench's markdown layout so that the two tools'
// figures sit side by side; the limit lines below it are attn-bench's own.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_REPORT_H
#define ATTN_TOOLS_ATTN_BENCH_REPORT_H

#include "ModelCost.h"
#include "Throughput.h"

#include "attn/Limits/CpuInfo.h"
#include "attn/Limits/MemoryBandwidth.h"
#include "attn/Limits/PeakFlops.h"

#include <cstdio>

namespace attn::bench {

struct MachineLimits {
  limits::CpuInfo cpu;
  limits::PeakFlops singleThread;
  limits::PeakFlops allThreads;
  limits::MemoryBandwidth bandwidth;
};

void printLimits(std::FILE *out, const MachineLimits &limits);

/// The model's shapes and the FLOP and byte formulas with its numbers.
void printModelCost(std::FILE *out, const std::string &library,
                    const ModelCost &cost);

void printTableHeader(std::FILE *out);
void printTableRow(std::FILE *out, const ModelCost &cost, int threads,
                   const TestResult &result);

/// "pp512: ... GFLOP/s of ... peak" or "tg128: ... GB/s of ... bandwidth".
void printAgainstLimit(std::FILE *out, const ModelCost &cost,
                       const MachineLimits &limits, const TestResult &result);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_REPORT_H
