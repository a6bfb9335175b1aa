//===- Tensor.h - Dense double tensors of the reference ---------*- C++ -*-===//

#ifndef ATTN_REFERENCE_TENSOR_H
#define ATTN_REFERENCE_TENSOR_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attn::reference {

/// A row-major tensor of doubles. Weights arrive in this form whatever their
/// dtype on disk: the caller converts f32/f16/bf16 values to double.
struct ReferenceTensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  /// The number of elements `shape` describes (1 for a scalar).
  int64_t numElements() const;
  /// Element (row, col) of a rank-2 tensor.
  double at(int64_t row, int64_t col) const {
    return data[static_cast<size_t>(row * shape[1] + col)];
  }
};

/// Weights by Hugging Face tensor name, e.g. "model.norm.weight".
using WeightMap = std::map<std::string, ReferenceTensor>;

/// "[2, 3]": shapes as they appear in error messages.
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace attn::reference

#endif // ATTN_REFERENCE_TENSOR_H
