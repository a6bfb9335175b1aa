//===- FlashAttention.cpp - The --attn-gpu-flash-attention pass -----------===//
//
// The generic lowering of attn.attention materialises one head's [seq,
// kv_seq] scores and runs each linalg op of the softmax as a kernel of its
// own. This pass replaces the op, while it is still one op, by the
// kernels of AttentionKernels.h on its buffers (in the two steps of
// KernelOnBuffers.h): flash-decoding for a few
// query rows, FlashAttention on tensor cores for more, chosen at run time
// because decode and prefill share one function.
//
//===----------------------------------------------------------------------===//

#include "AttentionKernels.h"
#include "KernelOnBuffers.h"

#include "attn/Conversion/RopeLowering.h"
#include "attn/Dialect/Attn/AttnOps.h"
#include "attn/Dialect/Attn/RopeParams.h"
#include "attn/GPU/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_FLASHATTENTIONPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// The parameters of `op`, if the kernels take it: static head counts and
/// head sizes the tensor-core kernel supports.
static std::optional<AttentionParams> matchAttention(AttentionOp op,
                                                     MmaOperandType type) {
  auto queryType = cast<RankedTensorType>(op.getQuery().getType());
  auto keyType = cast<RankedTensorType>(op.getKey().getType());
  auto valueType = cast<RankedTensorType>(op.getValue().getType());
  for (RankedTensorType type : {queryType, keyType, valueType})
    if (type.isDynamicDim(1) || type.isDynamicDim(2))
      return std::nullopt;
  AttentionParams params;
  params.heads = queryType.getDimSize(1);
  params.kvHeads = keyType.getDimSize(1);
  params.headDim = queryType.getDimSize(2);
  params.valueDim = valueType.getDimSize(2);
  params.scale = op.getScale().convertToDouble();
  params.causal = op.getCausal();
  params.slidingWindow = op.getSlidingWindow();
  params.operandType = type;
  if (!isTensorCoreAttentionShape(params))
    return std::nullopt;
  return params;
}

/// The call's parameters: what AttentionParams holds beyond the buffers'
/// shapes, and the decode threshold.
static DictionaryAttr encodeParams(OpBuilder &b, const AttentionParams &params,
                                   int64_t decodeMaxRows) {
  SmallVector<NamedAttribute> entries = {
      b.getNamedAttr("scale", b.getF64FloatAttr(params.scale)),
      b.getNamedAttr("causal", b.getBoolAttr(params.causal)),
      b.getNamedAttr("mma_type",
                     b.getStringAttr(params.operandType == MmaOperandType::F16
                                         ? "f16"
                                         : "bf16")),
      b.getNamedAttr("decode_max_rows", b.getI64IntegerAttr(decodeMaxRows))};
  if (params.slidingWindow)
    entries.push_back(b.getNamedAttr(
        "sliding_window", b.getI64IntegerAttr(*params.slidingWindow)));
  return b.getDictionaryAttr(entries);
}

/// The parameters of an attention call, or failure if the call is not one
/// the kernels were made for (hand-written IR).
static FailureOr<AttentionParams>
decodeParams(DictionaryAttr encoded, ArrayRef<Value> inputs, Value output) {
  auto rankOf = [](Value buffer) -> int64_t {
    auto type = dyn_cast<MemRefType>(buffer.getType());
    return type ? type.getRank() : -1;
  };
  if ((inputs.size() != 3 && inputs.size() != 5) || rankOf(output) != 3 ||
      llvm::any_of(inputs.take_front(3),
                   [&](Value input) { return rankOf(input) != 3; }) ||
      llvm::any_of(inputs.drop_front(3),
                   [&](Value table) { return rankOf(table) != 2; }))
    return failure();
  auto scale = encoded.getAs<FloatAttr>("scale");
  auto causal = encoded.getAs<BoolAttr>("causal");
  auto mmaType = encoded.getAs<StringAttr>("mma_type");
  auto decodeMaxRows = encoded.getAs<IntegerAttr>("decode_max_rows");
  Attribute window = encoded.get("sliding_window");
  if (!scale || !causal || !mmaType || !decodeMaxRows ||
      (window && !isa<IntegerAttr>(window)))
    return failure();
  std::optional<MmaOperandType> type = parseMmaOperandType(mmaType.getValue());
  if (!type)
    return failure();
  auto queryType = cast<MemRefType>(inputs[0].getType());
  AttentionParams params;
  params.heads = queryType.getDimSize(1);
  params.kvHeads = cast<MemRefType>(inputs[1].getType()).getDimSize(1);
  params.headDim = queryType.getDimSize(2);
  params.valueDim = cast<MemRefType>(inputs[2].getType()).getDimSize(2);
  params.scale = scale.getValueAsDouble();
  params.causal = causal.getValue();
  if (window)
    params.slidingWindow = cast<IntegerAttr>(window).getInt();
  params.operandType = *type;
  if (ShapedType::isDynamic(params.heads) ||
      ShapedType::isDynamic(params.kvHeads) || params.kvHeads == 0 ||
      ShapedType::isDynamic(params.headDim) ||
      ShapedType::isDynamic(params.valueDim) ||
      !isTensorCoreAttentionShape(params))
    return failure();
  return params;
}

LogicalResult mlir::attn::buildAttentionKernelCall(OpBuilder &b, Location loc,
                                                   DictionaryAttr encoded,
                                                   ArrayRef<Value> inputs,
                                                   Value output) {
  FailureOr<AttentionParams> decoded = decodeParams(encoded, inputs, output);
  if (failed(decoded))
    return emitError(loc)
           << "attn-gpu-expand-kernel-calls: an attention kernel takes query, "
              "key and value buffers of rank 3 (static heads, head_dim a "
              "multiple of 16 up to 256, value_dim a multiple of 8), "
              "optionally cos and sin tables of rank 2, an output of rank 3 "
              "and 'scale', 'causal', 'mma_type' (bf16 or f16), "
              "'decode_max_rows' and optionally 'sliding_window' parameters; "
              "got inputs "
           << ValueRange(inputs).getTypes() << ", output " << output.getType()
           << " and parameters " << encoded;
  const AttentionParams &params = *decoded;
  int64_t decodeMaxRows =
      encoded.getAs<IntegerAttr>("decode_max_rows").getInt();

  AttentionBuffers buffers{inputs[0], inputs[1], inputs[2],
                           output,    Value(),   Value()};
  if (inputs.size() == 5) {
    buffers.ropeCos = inputs[3];
    buffers.ropeSin = inputs[4];
  }
  if (decodeMaxRows == 0) {
    buildTensorCoreAttention(b, loc, buffers, params);
    return success();
  }
  Value rows = memref::DimOp::create(b, loc, inputs[0], 0);
  Value few = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ule, rows,
      arith::ConstantIndexOp::create(b, loc, decodeMaxRows));
  auto choice = scf::IfOp::create(b, loc, few, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(choice.thenBlock()->getTerminator());
  buildSplitKVDecode(b, loc, buffers, params);
  b.setInsertionPoint(choice.elseBlock()->getTerminator());
  buildTensorCoreAttention(b, loc, buffers, params);
  return success();
}

static void replaceAttention(AttentionOp op, const AttentionParams &params,
                             int64_t decodeMaxRows) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  // The result's only possibly dynamic size is the query rows.
  SmallVector<Value> sizes;
  if (resultType.isDynamicDim(0))
    sizes.push_back(tensor::DimOp::create(b, loc, op.getQuery(), 0));
  SmallVector<Value> inputs = {op.getQuery(), op.getKey(), op.getValue()};
  // A fused rotation: the kernels rotate each query as they load it, from
  // the same tables the generic lowering builds.
  if (std::optional<RopeParams> rope = getQueryRopeParams(op)) {
    auto queryType = cast<RankedTensorType>(op.getQuery().getType());
    auto [cos, sin] =
        buildRopeTables(b, loc, *rope, op.getRopeOffset(),
                        tensor::getMixedSize(b, loc, op.getQuery(), 0),
                        queryType.getDimSize(2), queryType.getElementType());
    inputs.append({cos, sin});
  }
  Value result = createKernelCall(b, loc, "attention",
                                  encodeParams(b, params, decodeMaxRows),
                                  inputs, resultType, sizes);
  op.getResult().replaceAllUsesWith(result);
  op.erase();
}

namespace {

struct FlashAttentionPass
    : mlir::attn::impl::FlashAttentionPassBase<FlashAttentionPass> {
  using FlashAttentionPassBase::FlashAttentionPassBase;

  void runOnOperation() override {
    std::optional<MmaOperandType> type = parseMmaOperandType(mmaType);
    if (!type) {
      getOperation()->emitError()
          << "attn-gpu-flash-attention: mma-type is '" << mmaType.getValue()
          << "'; expected bf16 or f16";
      return signalPassFailure();
    }
    if (decodeMaxRows < 0) {
      getOperation()->emitError()
          << "attn-gpu-flash-attention: decode-max-rows is "
          << decodeMaxRows.getValue() << "; expected 0 or more rows";
      return signalPassFailure();
    }
    SmallVector<std::pair<AttentionOp, AttentionParams>> matches;
    getOperation()->walk([&](AttentionOp op) {
      if (std::optional<AttentionParams> params = matchAttention(op, *type))
        matches.emplace_back(op, *params);
    });
    for (auto &[op, params] : matches)
      replaceAttention(op, params, decodeMaxRows);
  }
};

} // namespace
