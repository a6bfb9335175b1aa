//===- Rope.cpp - attn.rope to linalg -------------------------------------===//
//
// Mirrors transformers' LlamaRotaryEmbedding: inv_freq is an f32 vector, the
// angle `position * inv_freq` and its cos/sin are f32, and cos/sin are cast
// to the input type before `x * cos + rotate_half(x) * sin`. For the none,
// linear and llama3 scalings inv_freq does not depend on the input, so it is
// computed here, in f32 as transformers does, and embedded as a constant;
// dynamic (NTK) scaling depends on the sequence length and is computed at run
// time. The tables and the product are public builders
// (attn/Conversion/RopeLowering.h) that the tiled attention also uses to
// rotate its queries block by block.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "attn/Conversion/RopeLowering.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/Support/MathExtras.h"
#include <cmath>

using namespace mlir;
using namespace mlir::attn;

/// inv_freq for the scalings that do not depend on the sequence, repeated
/// twice (the `cat(freqs, freqs)` of transformers) so that column j of the
/// head reads entry j. Python scalars meet f32 tensors as f32, as in torch.
static SmallVector<float> staticInvFreq(const RopeParams &params,
                                        int64_t headDim) {
  int64_t half = headDim / 2;
  float base = static_cast<float>(params.theta);
  SmallVector<float> inv(half);
  for (int64_t i = 0; i < half; ++i) {
    float exponent = static_cast<float>(2 * i) / static_cast<float>(headDim);
    inv[i] = 1.0f / std::pow(base, exponent);
  }
  if (params.scaling == RopeScalingKind::linear) {
    float factor = static_cast<float>(*params.factor);
    for (float &f : inv)
      f /= factor;
  } else if (params.scaling == RopeScalingKind::llama3) {
    float factor = static_cast<float>(*params.factor);
    float low = static_cast<float>(*params.lowFreqFactor);
    float high = static_cast<float>(*params.highFreqFactor);
    float oldContext =
        static_cast<float>(*params.originalMaxPositionEmbeddings);
    double lowWavelen =
        static_cast<double>(*params.originalMaxPositionEmbeddings) /
        *params.lowFreqFactor;
    double highWavelen =
        static_cast<double>(*params.originalMaxPositionEmbeddings) /
        *params.highFreqFactor;
    for (float &f : inv) {
      float wavelen = static_cast<float>(2 * llvm::numbers::pi) / f;
      float scaled = wavelen > static_cast<float>(lowWavelen) ? f / factor : f;
      float smooth = (oldContext / wavelen - low) / (high - low);
      float smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
      bool medium = !(wavelen < static_cast<float>(highWavelen)) &&
                    !(wavelen > static_cast<float>(lowWavelen));
      f = medium ? smoothed : scaled;
    }
  }
  SmallVector<float> repeated(inv);
  repeated.append(inv.begin(), inv.end());
  return repeated;
}

/// The theta of dynamic NTK scaling for a sequence of `length` tokens:
/// `theta * (factor * len / max - (factor - 1))^(d / (d - 2))` once the
/// length exceeds max_position_embeddings, else theta (in f64, as Python
/// computes it).
static Value dynamicTheta(OpBuilder &b, Location loc, const RopeParams &params,
                          Value length, int64_t headDim) {
  FloatType f64 = b.getF64Type();
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f64, v));
  };
  double theta = params.theta;
  double factor = *params.factor;
  double maxPositions = static_cast<double>(*params.maxPositionEmbeddings);
  Value len = indexToFloat(b, loc, length, f64);
  Value ratio = arith::DivFOp::create(
      b, loc, arith::MulFOp::create(b, loc, constant(factor), len),
      constant(maxPositions));
  Value grown = arith::SubFOp::create(b, loc, ratio, constant(factor - 1));
  Value power =
      math::PowFOp::create(b, loc, grown,
                           constant(static_cast<double>(headDim) /
                                    static_cast<double>(headDim - 2)));
  Value scaled = arith::MulFOp::create(b, loc, constant(theta), power);
  Value exceeds = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, len,
                                        constant(maxPositions));
  return arith::SelectOp::create(b, loc, exceeds, scaled, constant(theta));
}

std::pair<Value, Value> mlir::attn::buildRopeTables(
    OpBuilder &b, Location loc, const RopeParams &params, Value offset,
    OpFoldResult seq, int64_t headDim, Type elementType) {
  int64_t half = headDim / 2;
  FloatType f32 = b.getF32Type();
  MLIRContext *context = b.getContext();
  OpFoldResult cols = b.getIndexAttr(headDim);

  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  Value thetaF32;
  if (params.scaling == RopeScalingKind::dynamic) {
    Value seqValue = getValueOrCreateConstantIndexOp(b, loc, seq);
    Value length = arith::AddIOp::create(b, loc, offset, seqValue);
    thetaF32 = arith::TruncFOp::create(
        b, loc, f32, dynamicTheta(b, loc, params, length, headDim));
  } else {
    auto tableType = RankedTensorType::get({headDim}, f32);
    inputs.push_back(arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(tableType,
                               ArrayRef(staticInvFreq(params, headDim)))));
    maps.push_back(
        AffineMap::get(2, 0, {getAffineDimExpr(1, context)}, context));
  }
  Value cosInit = createEmpty(b, loc, {seq, cols}, elementType);
  Value sinInit = createEmpty(b, loc, {seq, cols}, elementType);
  AffineMap identity2 = b.getMultiDimIdentityMap(2);
  maps.append({identity2, identity2});
  auto tables = linalg::GenericOp::create(
      b, loc, TypeRange{cosInit.getType(), sinInit.getType()}, inputs,
      ValueRange{cosInit, sinInit}, maps, iterators(2),
      [&](OpBuilder &nb, Location nested, ValueRange args) {
        Value invFreq;
        if (thetaF32) {
          Value column = linalg::IndexOp::create(nb, nested, 1);
          Value halfValue = arith::ConstantIndexOp::create(nb, nested, half);
          Value pair = arith::RemUIOp::create(nb, nested, column, halfValue);
          Value twice = arith::AddIOp::create(nb, nested, pair, pair);
          Value exponent = arith::DivFOp::create(
              nb, nested, indexToFloat(nb, nested, twice, f32),
              arith::ConstantOp::create(
                  nb, nested,
                  nb.getFloatAttr(f32, static_cast<double>(headDim))));
          Value one =
              arith::ConstantOp::create(nb, nested, nb.getFloatAttr(f32, 1.0));
          invFreq = arith::DivFOp::create(
              nb, nested, one,
              math::PowFOp::create(nb, nested, thetaF32, exponent));
        } else {
          invFreq = args[0];
        }
        Value row = linalg::IndexOp::create(nb, nested, 0);
        Value position = arith::AddIOp::create(nb, nested, offset, row);
        Value angle = arith::MulFOp::create(
            nb, nested, indexToFloat(nb, nested, position, f32), invFreq);
        Value cos = castFloat(
            nb, nested, math::CosOp::create(nb, nested, angle), elementType);
        Value sin = castFloat(
            nb, nested, math::SinOp::create(nb, nested, angle), elementType);
        linalg::YieldOp::create(nb, nested, ValueRange{cos, sin});
      });
  return {tables.getResult(0), tables.getResult(1)};
}

Value mlir::attn::buildRotateHalf(OpBuilder &b, Location loc, Value input,
                                  Value cos, Value sin, Value init) {
  auto type = cast<RankedTensorType>(init.getType());
  unsigned rank = type.getRank();
  int64_t half = type.getDimSize(rank - 1) / 2;
  MLIRContext *context = b.getContext();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap rowColumn = AffineMap::get(
      rank, 0,
      {getAffineDimExpr(0, context), getAffineDimExpr(rank - 1, context)},
      context);
  // rotate_half(x)[j] is -x[j + h] for j < h and x[j - h] otherwise.
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{input, cos, sin}, init,
             ArrayRef<AffineMap>{identity, rowColumn, rowColumn, identity},
             iterators(rank),
             [&](OpBuilder &nb, Location nested, ValueRange args) {
               SmallVector<Value> indices;
               for (unsigned dim = 0; dim < rank; ++dim)
                 indices.push_back(linalg::IndexOp::create(nb, nested, dim));
               Value column = indices.back();
               Value halfValue =
                   arith::ConstantIndexOp::create(nb, nested, half);
               Value firstHalf = arith::CmpIOp::create(
                   nb, nested, arith::CmpIPredicate::ult, column, halfValue);
               indices.back() = arith::SelectOp::create(
                   nb, nested, firstHalf,
                   arith::AddIOp::create(nb, nested, column, halfValue),
                   arith::SubIOp::create(nb, nested, column, halfValue));
               Value partner =
                   tensor::ExtractOp::create(nb, nested, input, indices);
               Value signedPartner = arith::SelectOp::create(
                   nb, nested, firstHalf,
                   arith::NegFOp::create(nb, nested, partner), partner);
               Value result = arith::AddFOp::create(
                   nb, nested,
                   arith::MulFOp::create(nb, nested, args[0], args[1]),
                   arith::MulFOp::create(nb, nested, signedPartner, args[2]));
               linalg::YieldOp::create(nb, nested, result);
             })
      .getResult(0);
}

namespace {

/// attn.rope: the tables, then the product into `init` (the op's own, a
/// slice of the KV cache after --attn-fuse-rope, or a new tensor).
struct RopeToGeneric : OpConversionPattern<RopeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RopeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    auto [cos, sin] =
        buildRopeTables(rewriter, loc, getRopeParams(op), adaptor.getOffset(),
                        tensor::getMixedSize(rewriter, loc, input, 0),
                        type.getDimSize(2), type.getElementType());
    Value init = adaptor.getInit();
    if (!init)
      init = createEmpty(rewriter, loc,
                         tensor::getMixedSizes(rewriter, loc, input),
                         type.getElementType());
    rewriter.replaceOp(op,
                       buildRotateHalf(rewriter, loc, input, cos, sin, init));
    return success();
  }
};

} // namespace

void mlir::attn::populateRopePatterns(RewritePatternSet &patterns) {
  patterns.add<RopeToGeneric>(patterns.getContext());
}
