//===- Math.h - The formulas of one transformer layer -----------*- C++ -*-===//
//
// Each function is the textbook formula, written for clarity rather than
// speed: the reference runs tiny models only.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_REFERENCE_MATH_H
#define ATTN_REFERENCE_MATH_H

#include "attn/Reference/Tensor.h"

#include <cstdint>
#include <vector>

namespace attn::reference {

/// RMSNorm: x * rsqrt(mean(x^2) + eps) * weight.
std::vector<double> rmsNorm(const std::vector<double> &x,
                            const std::vector<double> &weight, double eps);

/// SiLU: x * sigmoid(x).
double silu(double x);

/// y = W x + b for W of shape [out, in] (torch.nn.Linear); `bias` may be null.
std::vector<double> linear(const ReferenceTensor &weight,
                           const ReferenceTensor *bias,
                           const std::vector<double> &x);

/// softmax(q . k_t / sqrt(d)) . v over `numKeys` keys and values laid out
/// contiguously, `headDim` doubles each. Masking is the caller's choice of
/// which keys to pass.
std::vector<double> attend(const double *query, const double *keys,
                           const double *values, int64_t numKeys,
                           int64_t headDim);

} // namespace attn::reference

#endif // ATTN_REFERENCE_MATH_H
