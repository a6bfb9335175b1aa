//===- AttentionMask.cpp - Which keys a query of attn.attention sees ------===//

#include "attn/Conversion/AttentionMask.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::attn;

Value mlir::attn::buildCausalVisibility(OpBuilder &b, Location loc, Value key,
                                        Value position,
                                        std::optional<int64_t> window) {
  Value visible =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, key, position);
  if (!window)
    return visible;
  // position - key < window, i.e. key + window > position (no underflow).
  Value widened = arith::AddIOp::create(
      b, loc, key, arith::ConstantIndexOp::create(b, loc, *window));
  Value inWindow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                         widened, position);
  return arith::AndIOp::create(b, loc, visible, inWindow);
}
