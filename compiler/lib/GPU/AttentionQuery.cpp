//===- AttentionQuery.cpp - The queries as the attention kernels see them -===//
//
// With --attn-fuse-rope the CUDA pipeline's attention rotates its queries
// itself: each kernel reads a query element together with its rotate-half
// partner and the row's cos/sin, so the rotated queries never go through
// memory.
//
//===----------------------------------------------------------------------===//

#include "AttentionKernels.h"
#include "GPUKernelBuilder.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

class QueryLoader : GPUKernelBuilder {
public:
  QueryLoader(OpBuilder &b, Location loc) : GPUKernelBuilder(b, loc) {}

  Value load(const AttentionBuffers &bufs, int64_t headDim, Value row,
             Value head, Value column) {
    Value x = toF32(memref::LoadOp::create(b, loc, bufs.query,
                                           ValueRange{row, head, column}));
    if (!bufs.ropeCos)
      return x;
    // rotate_half(x) = [-x2, x1]: the partner is half a head away, negated
    // in the first half.
    int64_t half = headDim / 2;
    Value firstHalf = lessThan(column, index(half));
    Value partnerColumn =
        select(firstHalf, add(column, half), sub(column, index(half)));
    Value partner = toF32(memref::LoadOp::create(
        b, loc, bufs.query, ValueRange{row, head, partnerColumn}));
    Value rotated =
        select(firstHalf, arith::NegFOp::create(b, loc, partner), partner);
    Value cos = toF32(
        memref::LoadOp::create(b, loc, bufs.ropeCos, ValueRange{row, column}));
    Value sin = toF32(
        memref::LoadOp::create(b, loc, bufs.ropeSin, ValueRange{row, column}));
    return fadd(fmul(x, cos), fmul(rotated, sin));
  }
};

} // namespace

Value mlir::attn::loadQuery(OpBuilder &b, Location loc,
                            const AttentionBuffers &buffers, int64_t headDim,
                            Value row, Value head, Value column) {
  return QueryLoader(b, loc).load(buffers, headDim, row, head, column);
}
