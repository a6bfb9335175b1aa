//===- AttentionReference.cpp - Attention in double, on sampled rows ------===//

#include "AttentionReference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace attn::bench {

namespace {

/// out[row, head, :] of causal attention, in double.
std::vector<double> referenceRow(const AttentionOptions &options,
                                 const AttentionInputs &inputs, int64_t row,
                                 int64_t head) {
  int64_t dim = options.headDim, group = options.heads / options.kvHeads;
  int64_t kvStride = options.kvHeads * dim;
  const float *q = &inputs.q[(row * options.heads + head) * dim];
  const float *k = &inputs.k[(head / group) * dim];
  const float *v = &inputs.v[(head / group) * dim];
  double scale = 1 / std::sqrt(double(dim));
  std::vector<double> scores(row + 1);
  double max = -INFINITY;
  for (int64_t j = 0; j <= row; ++j) {
    double dot = 0;
    for (int64_t d = 0; d < dim; ++d)
      dot += double(q[d]) * k[j * kvStride + d];
    scores[j] = scale * dot;
    max = std::max(max, scores[j]);
  }
  double sum = 0;
  for (double &s : scores)
    sum += s = std::exp(s - max);
  std::vector<double> result(dim, 0.0);
  for (int64_t j = 0; j <= row; ++j)
    for (int64_t d = 0; d < dim; ++d)
      result[d] += scores[j] / sum * v[j * kvStride + d];
  return result;
}

} // namespace

NumericsCheck checkSampledRows(const AttentionOptions &options, int64_t seq,
                               const AttentionInputs &inputs,
                               const std::vector<float> &out, int samples,
                               double tolerance) {
  std::vector<int64_t> rows = {0, std::min<int64_t>(1, seq - 1), seq / 2,
                               seq - 1};
  std::mt19937 rng{static_cast<uint32_t>(seq)};
  std::uniform_int_distribution<int64_t> anyRow(0, seq - 1);
  while (int(rows.size()) < samples)
    rows.push_back(anyRow(rng));
  rows.resize(samples);

  NumericsCheck check;
  int64_t dim = options.headDim;
  for (int i = 0; i < samples; ++i) {
    // Every head in turn, so that each key head's group is read.
    int64_t row = rows[i], head = i % options.heads;
    std::vector<double> ref = referenceRow(options, inputs, row, head);
    const float *got = &out[(row * options.heads + head) * dim];
    double refMax = 0, errMax = 0;
    for (double r : ref)
      refMax = std::max(refMax, std::fabs(r));
    int64_t worstAt = 0;
    for (int64_t d = 0; d < dim; ++d) {
      // NaN compares false with everything: the error is infinite.
      double err = std::isnan(got[d]) ? INFINITY : std::fabs(got[d] - ref[d]);
      if (err > errMax) {
        errMax = err;
        worstAt = d;
      }
    }
    ++check.samples;
    double ratio = refMax > 0 ? errMax / refMax : errMax;
    check.worst = std::max(check.worst, ratio);
    if (ratio > tolerance) {
      char text[320];
      std::snprintf(text, sizeof(text),
                    "out[%lld, %lld, %lld] is %g where the double-precision "
                    "reference is %.6g (max |ref| of that row %.4g, "
                    "tolerance %g x that)",
                    (long long)row, (long long)head, (long long)worstAt,
                    double(got[worstAt]), ref[worstAt], refMax, tolerance);
      check.failure = text;
      return check;
    }
  }
  return check;
}

} // namespace attn::bench
