//===- Math.cpp - The formulas of one transformer layer -------------------===//

#include "attn/Reference/Math.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace attn::reference {

std::vector<double> rmsNorm(const std::vector<double> &x,
                            const std::vector<double> &weight, double eps) {
  assert(x.size() == weight.size() && "norm weight of another size");
  double sumOfSquares = 0.0;
  for (double value : x)
    sumOfSquares += value * value;
  double scale =
      1.0 / std::sqrt(sumOfSquares / static_cast<double>(x.size()) + eps);
  std::vector<double> y(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = x[i] * scale * weight[i];
  return y;
}

double silu(double x) { return x / (1.0 + std::exp(-x)); }

std::vector<double> linear(const ReferenceTensor &weight,
                           const ReferenceTensor *bias,
                           const std::vector<double> &x) {
  int64_t rows = weight.shape[0], cols = weight.shape[1];
  assert(static_cast<int64_t>(x.size()) == cols && "input of another size");
  std::vector<double> y(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    double sum = bias ? bias->data[r] : 0.0;
    for (int64_t c = 0; c < cols; ++c)
      sum += weight.at(r, c) * x[c];
    y[r] = sum;
  }
  return y;
}

std::vector<double> attend(const double *query, const double *keys,
                           const double *values, int64_t numKeys,
                           int64_t headDim) {
  assert(numKeys > 0 && "a query must see at least one key");
  double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
  std::vector<double> scores(static_cast<size_t>(numKeys));
  for (int64_t t = 0; t < numKeys; ++t) {
    double dot = 0.0;
    for (int64_t i = 0; i < headDim; ++i)
      dot += query[i] * keys[t * headDim + i];
    scores[t] = dot * scale;
  }
  // Subtracting the maximum keeps exp() finite; softmax is unchanged by it.
  double maxScore = *std::max_element(scores.begin(), scores.end());
  double total = 0.0;
  for (double &score : scores) {
    score = std::exp(score - maxScore);
    total += score;
  }
  std::vector<double> out(static_cast<size_t>(headDim), 0.0);
  for (int64_t t = 0; t < numKeys; ++t)
    for (int64_t i = 0; i < headDim; ++i)
      out[i] += scores[t] / total * values[t * headDim + i];
  return out;
}

} // namespace attn::reference
