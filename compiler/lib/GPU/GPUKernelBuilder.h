//===- GPUKernelBuilder.h - What every hand-built GPU kernel needs --------===//
//
// The kernels of the CUDA backend are built op by op inside a gpu.launch.
// Index arithmetic, f32 constants, warp butterflies and the launch itself
// are written once here.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_GPU_GPUKERNELBUILDER_H
#define ATTN_LIB_GPU_GPUKERNELBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace attn {

/// Threads per warp.
constexpr int64_t kThreadsPerWarp = 32;

class GPUKernelBuilder {
protected:
  GPUKernelBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t y) { return add(x, index(y)); }
  Value mul(Value x, int64_t y) { return mul(x, index(y)); }
  Value div(Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, index(y));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, index(y));
  }
  Value min(Value x, Value y) { return arith::MinUIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxUIOp::create(b, loc, x, y); }
  Value lessThan(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value lessEqual(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, x, y);
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value either(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y);
  }
  /// Whether `buffer`'s address is a multiple of `bytes`: known on the
  /// device only, the same answer for every thread.
  Value isAligned(Value buffer, int64_t bytes) {
    Value address =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                 rem(address, bytes), index(0));
  }
  /// ceil(x / y), at least 1: CUDA refuses a launch of zero blocks.
  Value blocksFor(Value x, int64_t y) {
    return max(arith::CeilDivUIOp::create(b, loc, x, index(y)), index(1));
  }

  Value f32(double value) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat(static_cast<float>(value)));
  }
  Value fadd(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value fsub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value fmul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value fmax(Value x, Value y) {
    return arith::MaximumFOp::create(b, loc, x, y);
  }
  /// `value` widened to f32 (an f32 is returned as it is).
  Value toF32(Value value) {
    if (value.getType().isF32())
      return value;
    if (cast<FloatType>(value.getType()).getWidth() > 32)
      return arith::TruncFOp::create(b, loc, b.getF32Type(), value);
    return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
  }
  /// An f32 narrowed or widened to `type`.
  Value fromF32(Value value, Type type) {
    if (type.isF32())
      return value;
    if (cast<FloatType>(type).getWidth() < 32)
      return arith::TruncFOp::create(b, loc, type, value);
    return arith::ExtFOp::create(b, loc, type, value);
  }

  /// `value` combined with `combine` across the lanes whose ids differ only
  /// in the bits of `firstOffset` .. 1 (a butterfly: all 32 lanes from 16,
  /// the 4 lanes of an mma quad from 2); every lane gets the result.
  Value butterfly(Value value, int64_t firstOffset,
                  function_ref<Value(Value, Value)> combine) {
    Value width = arith::ConstantIntOp::create(b, loc, kThreadsPerWarp, 32);
    for (int64_t offset = firstOffset; offset > 0; offset /= 2) {
      auto shuffle = gpu::ShuffleOp::create(
          b, loc, value, arith::ConstantIntOp::create(b, loc, offset, 32),
          width, gpu::ShuffleMode::XOR);
      value = combine(value, shuffle.getShuffleResult());
    }
    return value;
  }

  /// A one-dimensional-block gpu.launch of `grid` blocks of `threads`
  /// threads with the given workgroup buffers; `b` is left at the start of
  /// its body.
  gpu::LaunchOp launch(ArrayRef<Value> grid, int64_t threads,
                       TypeRange workgroupBuffers) {
    Value one = index(1);
    auto op = gpu::LaunchOp::create(
        b, loc, grid[0], grid.size() > 1 ? grid[1] : one,
        grid.size() > 2 ? grid[2] : one, index(threads), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{}, workgroupBuffers);
    b.setInsertionPointToStart(&op.getBody().front());
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPointToStart(&op.getBody().front());
    return op;
  }

  /// A workgroup-memory buffer type.
  MemRefType workgroupBuffer(ArrayRef<int64_t> shape, Type element) {
    auto workgroup = gpu::AddressSpaceAttr::get(
        b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
    return MemRefType::get(shape, element, MemRefLayoutAttrInterface(),
                           workgroup);
  }

  OpBuilder &b;
  Location loc;
};

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_GPU_GPUKERNELBUILDER_H
