//===- AttnFolds.cpp - attn dialect folders -------------------------------===//

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

/// A static sinusoidal table is a constant: folding it lets the compiler
/// embed the table instead of recomputing sin/cos at run time.
OpFoldResult SinusoidalPEOp::fold(FoldAdaptor) {
  auto type = getResult().getType();
  if (!type.hasStaticShape())
    return {};
  auto elementType = dyn_cast<FloatType>(type.getElementType());
  if (!elementType)
    return {};
  int64_t positions = type.getDimSize(0), columns = type.getDimSize(1);
  // Large tables are cheaper to compute than to store in the binary. The
  // bound is checked by division: positions * columns may overflow.
  constexpr int64_t kMaxFoldedElements = 1 << 20;
  if (columns <= 0 || positions > kMaxFoldedElements / columns)
    return {};
  double base = getBase().convertToDouble();
  SmallVector<APFloat> values;
  values.reserve(positions * columns);
  for (int64_t pos = 0; pos < positions; ++pos) {
    for (int64_t col = 0; col < columns; ++col) {
      int64_t pair = col - col % 2;
      double angle = static_cast<double>(pos) /
                     std::pow(base, static_cast<double>(pair) / columns);
      APFloat value(col % 2 == 0 ? std::sin(angle) : std::cos(angle));
      bool losesInfo = false;
      value.convert(elementType.getFloatSemantics(),
                    APFloat::rmNearestTiesToEven, &losesInfo);
      values.push_back(value);
    }
  }
  return DenseElementsAttr::get(type, values);
}
