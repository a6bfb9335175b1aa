//===- Tensor.cpp - Dense double tensors of the reference -----------------===//

#include "attn/Reference/Tensor.h"

namespace attn::reference {

int64_t ReferenceTensor::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i != 0)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

} // namespace attn::reference
