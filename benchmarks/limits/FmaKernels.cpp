//===- FmaKernels.cpp - Vector FMA loops for the peak-FLOPs benchmark -----===//
//
// Each accumulator runs acc = acc * scale + up, then acc = acc * scale + down,
// where scale, up and down are read from volatile variables (1, 1 and -1), so
// the compiler can neither fold the FMAs into adds nor compute the loop in
// closed form, while the values stay small integers: every lane must end
// where it started, which the kernels check exactly. The result is returned,
// so the loop cannot be dropped either. FMA latency and throughput do not
// depend on the operand values.
//
// The AVX kernels use target attributes and are chosen at run time, so the
// rest of the project keeps its baseline ISA.
//
//===----------------------------------------------------------------------===//

#include "attn/Limits/PeakFlops.h"

#include <cmath>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ATTN_LIMITS_X86 1
#endif

namespace attn::limits {

namespace {

volatile float scaleOperand = 1.0f;
volatile float upOperand = 1.0f;
volatile float downOperand = -1.0f;

/// The value accumulator `k` starts from (and must end at).
float startValue(int k) { return float(k + 1); }

#ifdef ATTN_LIMITS_X86

/// 16 of the 32 zmm registers: two FMA ports with a latency of 4 need 8
/// chains in flight; 16 leave headroom for a longer latency.
constexpr int kAvx512Accumulators = 16;

__attribute__((target("avx512f"))) int64_t runAvx512(int64_t pairs) {
  __m512 scale = _mm512_set1_ps(scaleOperand);
  __m512 up = _mm512_set1_ps(upOperand);
  __m512 down = _mm512_set1_ps(downOperand);
  __m512 acc[kAvx512Accumulators];
  for (int k = 0; k < kAvx512Accumulators; ++k)
    acc[k] = _mm512_set1_ps(startValue(k));
  for (int64_t i = 0; i < pairs; ++i) {
    for (int k = 0; k < kAvx512Accumulators; ++k)
      acc[k] = _mm512_fmadd_ps(acc[k], scale, up);
    for (int k = 0; k < kAvx512Accumulators; ++k)
      acc[k] = _mm512_fmadd_ps(acc[k], scale, down);
  }
  int64_t wrong = 0;
  for (int k = 0; k < kAvx512Accumulators; ++k)
    wrong += __builtin_popcount(
        _mm512_cmp_ps_mask(acc[k], _mm512_set1_ps(startValue(k)), _CMP_NEQ_UQ));
  return wrong;
}

/// 12 of the 16 ymm registers; scale, up and down take three more.
constexpr int kAvx2Accumulators = 12;

__attribute__((target("avx2,fma"))) int64_t runAvx2(int64_t pairs) {
  __m256 scale = _mm256_set1_ps(scaleOperand);
  __m256 up = _mm256_set1_ps(upOperand);
  __m256 down = _mm256_set1_ps(downOperand);
  __m256 acc[kAvx2Accumulators];
  for (int k = 0; k < kAvx2Accumulators; ++k)
    acc[k] = _mm256_set1_ps(startValue(k));
  for (int64_t i = 0; i < pairs; ++i) {
    for (int k = 0; k < kAvx2Accumulators; ++k)
      acc[k] = _mm256_fmadd_ps(acc[k], scale, up);
    for (int k = 0; k < kAvx2Accumulators; ++k)
      acc[k] = _mm256_fmadd_ps(acc[k], scale, down);
  }
  int64_t wrong = 0;
  for (int k = 0; k < kAvx2Accumulators; ++k)
    wrong += __builtin_popcount(_mm256_movemask_ps(
        _mm256_cmp_ps(acc[k], _mm256_set1_ps(startValue(k)), _CMP_NEQ_UQ)));
  return wrong;
}

#endif // ATTN_LIMITS_X86

constexpr int kScalarAccumulators = 8;

/// Where no vector FMA exists; std::fma may then be a library call, and the
/// figure is labelled "scalar" so that nobody takes it for a vector peak.
int64_t runScalar(int64_t pairs) {
  float scale = scaleOperand, up = upOperand, down = downOperand;
  float acc[kScalarAccumulators];
  for (int k = 0; k < kScalarAccumulators; ++k)
    acc[k] = startValue(k);
  for (int64_t i = 0; i < pairs; ++i) {
    for (int k = 0; k < kScalarAccumulators; ++k)
      acc[k] = std::fma(acc[k], scale, up);
    for (int k = 0; k < kScalarAccumulators; ++k)
      acc[k] = std::fma(acc[k], scale, down);
  }
  int64_t wrong = 0;
  for (int k = 0; k < kScalarAccumulators; ++k)
    wrong += acc[k] != startValue(k);
  return wrong;
}

} // namespace

const FmaKernel &widestFmaKernel() {
  static const FmaKernel scalar = {"scalar", 1, kScalarAccumulators, runScalar};
#ifdef ATTN_LIMITS_X86
  static const FmaKernel avx512 = {"avx512f", 16, kAvx512Accumulators,
                                   runAvx512};
  static const FmaKernel avx2 = {"avx2+fma", 8, kAvx2Accumulators, runAvx2};
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return avx2;
#endif
  return scalar;
}

} // namespace attn::limits
