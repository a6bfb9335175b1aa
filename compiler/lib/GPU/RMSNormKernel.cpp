//===- RMSNormKernel.cpp - The --attn-gpu-rmsnorm pass --------------------===//
//
// Lowered to linalg, RMSNorm's sum of squares is a reduction that the
// generic mapping runs in one thread per row: for decode, one thread reads
// the whole hidden state while the rest of the GPU waits. Here a block of
// threads owns each row. The threads read the row with neighbouring threads
// on neighbouring elements (coalesced), sum their squares in f32, and add
// their sums across the warp by shuffles and across the warps through
// shared memory. Every thread then ends with the same row sum, so the
// normalised row is written by the same threads without a second kernel or
// a broadcast through global memory.
//
// The pass replaces the op by a call of an "rms_norm" kernel declaration
// on buffers (KernelOnBuffers.h); --attn-gpu-expand-kernel-calls builds the
// kernel below in its place after bufferisation.
//
// The arithmetic is RMSNorm.cpp's (transformers' LlamaRMSNorm): widen to
// f32, `x * rsqrt(sum / hidden + epsilon)`, narrow to the input type, then
// multiply by the weight. Only the order in which the squares are added
// differs.
//
//===----------------------------------------------------------------------===//

#include "GPUKernelBuilder.h"
#include "KernelOnBuffers.h"

#include "attn/Dialect/Attn/AttnOps.h"
#include "attn/GPU/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_GPURMSNORMPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Threads per row: 8 warps keep enough loads in flight for a row of a few
/// thousand elements, and leave room for several rows per multiprocessor.
constexpr int64_t kMaxThreads = 256;

/// The threads of a block: kMaxThreads, or the fewest whole warps that give
/// each element of a shorter static row its own thread. Whole warps, as the
/// shuffles need every lane.
int64_t threadsFor(int64_t hidden) {
  if (ShapedType::isDynamic(hidden) || hidden >= kMaxThreads)
    return kMaxThreads;
  return std::max<int64_t>(kThreadsPerWarp,
                           llvm::alignTo(hidden, kThreadsPerWarp));
}

/// Whether the kernel normalises elements of `type`: f32 and narrower
/// floats accumulate in f32. f64 would need f64 shuffles; it keeps the
/// generic lowering.
bool hasKernel(Type type) {
  return isa<Float32Type, Float16Type, BFloat16Type>(type);
}

/// The kind of the kernel declarations, and the parameter holding epsilon.
constexpr StringLiteral kKind = "rms_norm", kEpsilon = "epsilon";

class RMSNormKernelBuilder : GPUKernelBuilder {
public:
  RMSNormKernelBuilder(OpBuilder &b, Location loc, MemRefType type,
                       double epsilon)
      : GPUKernelBuilder(b, loc), type(type), epsilon(epsilon),
        threads(threadsFor(type.getShape().back())) {}

  /// Builds the launch that writes RMSNorm(`input`, `weight`) into `result`.
  void build(Value input, Value weight, Value result);

private:
  /// The indices of row `row` in the leading dimensions `sizes`, the last
  /// of them varying fastest.
  SmallVector<Value> rowIndices(ArrayRef<Value> sizes, Value row);
  /// This thread's sum of the squares of its elements of the row.
  Value sumSquares(Value input, ArrayRef<Value> row, Value hidden,
                   Value thread);
  /// The row's sum on every thread: each warp's sum through `partial`
  /// (null for a single warp).
  Value blockSum(Value value, Value thread, Value partial);
  /// Writes `weight * narrow(x * inv)` for this thread's elements.
  void writeNormalised(Value input, Value weight, Value result,
                       ArrayRef<Value> row, Value hidden, Value thread,
                       Value inv);

  MemRefType type;
  double epsilon;
  int64_t threads;
};

/// `row` followed by `column`.
SmallVector<Value> elementIndices(ArrayRef<Value> row, Value column) {
  SmallVector<Value> indices(row);
  indices.push_back(column);
  return indices;
}

} // namespace

SmallVector<Value> RMSNormKernelBuilder::rowIndices(ArrayRef<Value> sizes,
                                                    Value row) {
  SmallVector<Value> indices(sizes.size());
  for (size_t dim = sizes.size(); dim-- > 1;) {
    indices[dim] = arith::RemUIOp::create(b, loc, row, sizes[dim]);
    row = arith::DivUIOp::create(b, loc, row, sizes[dim]);
  }
  if (!sizes.empty())
    indices[0] = row;
  return indices;
}

Value RMSNormKernelBuilder::sumSquares(Value input, ArrayRef<Value> row,
                                       Value hidden, Value thread) {
  auto loop = scf::ForOp::create(b, loc, thread, hidden, index(threads),
                                 ValueRange{f32(0.0)});
  OpBuilder::InsertionGuard body(b);
  b.setInsertionPointToStart(loop.getBody());
  Value x = toF32(memref::LoadOp::create(
      b, loc, input, elementIndices(row, loop.getInductionVar())));
  scf::YieldOp::create(b, loc, fadd(loop.getRegionIterArgs()[0], fmul(x, x)));
  return loop.getResult(0);
}

Value RMSNormKernelBuilder::blockSum(Value value, Value thread, Value partial) {
  value = butterfly(value, kThreadsPerWarp / 2,
                    [&](Value x, Value y) { return fadd(x, y); });
  int64_t warps = threads / kThreadsPerWarp;
  if (warps == 1)
    return value;
  auto first = scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                            rem(thread, kThreadsPerWarp), index(0)),
      /*withElseRegion=*/false);
  {
    OpBuilder::InsertionGuard then(b);
    b.setInsertionPointToStart(first.thenBlock());
    memref::StoreOp::create(b, loc, value, partial,
                            ValueRange{div(thread, kThreadsPerWarp)});
  }
  gpu::BarrierOp::create(b, loc);
  // Every thread adds the few warp sums in the same order, so all get the
  // same total without a second barrier to hand it out.
  Value sum = memref::LoadOp::create(b, loc, partial, ValueRange{index(0)});
  for (int64_t i = 1; i < warps; ++i)
    sum = fadd(sum,
               memref::LoadOp::create(b, loc, partial, ValueRange{index(i)}));
  return sum;
}

void RMSNormKernelBuilder::writeNormalised(Value input, Value weight,
                                           Value result, ArrayRef<Value> row,
                                           Value hidden, Value thread,
                                           Value inv) {
  auto loop = scf::ForOp::create(b, loc, thread, hidden, index(threads));
  OpBuilder::InsertionGuard body(b);
  b.setInsertionPointToStart(loop.getBody());
  Value column = loop.getInductionVar();
  SmallVector<Value> indices = elementIndices(row, column);
  Value normed =
      fromF32(fmul(toF32(memref::LoadOp::create(b, loc, input, indices)), inv),
              type.getElementType());
  Value w = memref::LoadOp::create(b, loc, weight, ValueRange{column});
  memref::StoreOp::create(b, loc, arith::MulFOp::create(b, loc, w, normed),
                          result, indices);
}

void RMSNormKernelBuilder::build(Value input, Value weight, Value result) {
  int64_t rank = type.getRank();
  SmallVector<Value> leading;
  for (int64_t dim = 0; dim + 1 < rank; ++dim)
    leading.push_back(memref::DimOp::create(b, loc, input, dim));
  Value rows;
  for (Value size : leading)
    rows = rows ? mul(rows, size) : size;
  if (!rows)
    rows = index(1);
  Value hidden = memref::DimOp::create(b, loc, input, rank - 1);
  OpBuilder::InsertionGuard insertion(b);
  // An empty input still launches one block (CUDA refuses zero), which the
  // row guard leaves idle.
  int64_t warps = threads / kThreadsPerWarp;
  SmallVector<Type> buffers;
  if (warps > 1)
    buffers.push_back(workgroupBuffer({warps}, b.getF32Type()));
  gpu::LaunchOp kernel = launch({max(rows, index(1))}, threads, buffers);
  Value block = kernel.getBlockIds().x;
  Value thread = kernel.getThreadIds().x;
  // The same answer for the whole block, so its barrier is reached by all
  // threads or by none.
  auto inRange = scf::IfOp::create(b, loc, lessThan(block, rows),
                                   /*withElseRegion=*/false);
  b.setInsertionPointToStart(inRange.thenBlock());
  SmallVector<Value> row = rowIndices(leading, block);
  Value partial =
      warps > 1 ? Value(kernel.getWorkgroupAttributions()[0]) : Value();
  Value sum = blockSum(sumSquares(input, row, hidden, thread), thread, partial);
  Value count = arith::UIToFPOp::create(
      b, loc, b.getF32Type(),
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), hidden));
  Value mean = arith::DivFOp::create(b, loc, sum, count);
  Value inv = math::RsqrtOp::create(b, loc, fadd(mean, f32(epsilon)));
  writeNormalised(input, weight, result, row, hidden, thread, inv);
}

LogicalResult mlir::attn::buildRMSNormKernelCall(OpBuilder &b, Location loc,
                                                 DictionaryAttr params,
                                                 ArrayRef<Value> inputs,
                                                 Value output) {
  auto epsilon = params.getAs<FloatAttr>(kEpsilon);
  auto rankOf = [](Value buffer) -> int64_t {
    auto type = dyn_cast<MemRefType>(buffer.getType());
    return type ? type.getRank() : -1;
  };
  auto type =
      inputs.empty() ? MemRefType() : dyn_cast<MemRefType>(inputs[0].getType());
  if (inputs.size() != 2 || !epsilon || !type || type.getRank() < 1 ||
      !hasKernel(type.getElementType()) || rankOf(inputs[1]) != 1 ||
      rankOf(output) != type.getRank()) {
    // Only hand-written IR gets here: the pass writes valid calls.
    emitError(loc) << "attn-gpu-expand-kernel-calls: an " << kKind
                   << " kernel takes an f32, f16 or bf16 input buffer, a "
                      "rank-1 weight, an output of the input's rank and an '"
                   << kEpsilon << "' parameter; got inputs "
                   << ValueRange(inputs).getTypes() << ", output "
                   << output.getType() << " and parameters " << params;
    return failure();
  }
  RMSNormKernelBuilder(b, loc, type, epsilon.getValueAsDouble())
      .build(inputs[0], inputs[1], output);
  return success();
}

/// Replaces `op` by a call of the kernel on its buffers.
static void replaceRMSNorm(RMSNormOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  RankedTensorType type = op.getInput().getType();
  SmallVector<Value> sizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      sizes.push_back(tensor::DimOp::create(b, loc, op.getInput(), dim));
  DictionaryAttr params =
      b.getDictionaryAttr(b.getNamedAttr(kEpsilon, op.getEpsilonAttr()));
  Value normed =
      createKernelCall(b, loc, kKind, params,
                       ValueRange{op.getInput(), op.getWeight()}, type, sizes);
  op.replaceAllUsesWith(normed);
  op.erase();
}

namespace {

struct GPURMSNormPass : mlir::attn::impl::GPURMSNormPassBase<GPURMSNormPass> {
  using GPURMSNormPassBase::GPURMSNormPassBase;

  void runOnOperation() override {
    SmallVector<RMSNormOp> norms;
    getOperation()->walk([&](RMSNormOp op) {
      if (hasKernel(op.getInput().getType().getElementType()))
        norms.push_back(op);
    });
    for (RMSNormOp op : norms)
      replaceRMSNorm(op);
  }
};

} // namespace
