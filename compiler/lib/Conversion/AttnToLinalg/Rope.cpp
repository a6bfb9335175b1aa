//===- Rope.cpp - attn.rope to linalg -------------------------------------===//
//
// Mirrors transformers' LlamaRotaryEmbedding: inv_freq is an f32 vector, the
// angle `position * inv_freq` and its cos/sin are f32, and cos/sin are cast
// to the input type before `x * cos + rotate_half(x) * sin`. For the none,
// linear and llama3 scalings inv_freq does not depend on the input, so it is
// computed here, in f32 as transformers does, and embedded as a constant;
// dynamic (NTK) scaling depends on the sequence length and is computed at run
// time.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

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
static SmallVector<float> staticInvFreq(RopeOp op, int64_t headDim) {
  int64_t half = headDim / 2;
  float base = static_cast<float>(op.getTheta().convertToDouble());
  SmallVector<float> inv(half);
  for (int64_t i = 0; i < half; ++i) {
    float exponent = static_cast<float>(2 * i) / static_cast<float>(headDim);
    inv[i] = 1.0f / std::pow(base, exponent);
  }
  if (op.getScaling() == RopeScalingKind::linear) {
    float factor = static_cast<float>(op.getFactor()->convertToDouble());
    for (float &f : inv)
      f /= factor;
  } else if (op.getScaling() == RopeScalingKind::llama3) {
    float factor = static_cast<float>(op.getFactor()->convertToDouble());
    float low = static_cast<float>(op.getLowFreqFactor()->convertToDouble());
    float high = static_cast<float>(op.getHighFreqFactor()->convertToDouble());
    float oldContext =
        static_cast<float>(*op.getOriginalMaxPositionEmbeddings());
    double lowWavelen =
        static_cast<double>(*op.getOriginalMaxPositionEmbeddings()) /
        op.getLowFreqFactor()->convertToDouble();
    double highWavelen =
        static_cast<double>(*op.getOriginalMaxPositionEmbeddings()) /
        op.getHighFreqFactor()->convertToDouble();
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
static Value dynamicTheta(OpBuilder &b, Location loc, RopeOp op, Value length,
                          int64_t headDim) {
  FloatType f64 = b.getF64Type();
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f64, v));
  };
  double theta = op.getTheta().convertToDouble();
  double factor = op.getFactor()->convertToDouble();
  double maxPositions = static_cast<double>(*op.getMaxPositionEmbeddings());
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

namespace {

struct RopeToGeneric : OpConversionPattern<RopeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RopeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), offset = adaptor.getOffset();
    auto type = cast<RankedTensorType>(input.getType());
    Type elementType = type.getElementType();
    int64_t headDim = type.getDimSize(2), half = headDim / 2;
    FloatType f32 = rewriter.getF32Type();
    MLIRContext *context = rewriter.getContext();

    OpFoldResult seq = tensor::getMixedSize(rewriter, loc, input, 0);
    OpFoldResult cols = rewriter.getIndexAttr(headDim);

    // The cos and sin tables, [seq, head_dim], in the input's type.
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    Value thetaF32;
    if (op.getScaling() == RopeScalingKind::dynamic) {
      Value seqValue = getValueOrCreateConstantIndexOp(rewriter, loc, seq);
      Value length = arith::AddIOp::create(rewriter, loc, offset, seqValue);
      thetaF32 = arith::TruncFOp::create(
          rewriter, loc, f32, dynamicTheta(rewriter, loc, op, length, headDim));
    } else {
      auto tableType = RankedTensorType::get({headDim}, f32);
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(tableType,
                                 ArrayRef(staticInvFreq(op, headDim)))));
      maps.push_back(
          AffineMap::get(2, 0, {getAffineDimExpr(1, context)}, context));
    }
    Value cosInit = createEmpty(rewriter, loc, {seq, cols}, elementType);
    Value sinInit = createEmpty(rewriter, loc, {seq, cols}, elementType);
    AffineMap identity2 = rewriter.getMultiDimIdentityMap(2);
    maps.append({identity2, identity2});
    auto tables = linalg::GenericOp::create(
        rewriter, loc, TypeRange{cosInit.getType(), sinInit.getType()}, inputs,
        ValueRange{cosInit, sinInit}, maps, iterators(2),
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value invFreq;
          if (thetaF32) {
            Value column = linalg::IndexOp::create(b, nested, 1);
            Value halfValue = arith::ConstantIndexOp::create(b, nested, half);
            Value pair = arith::RemUIOp::create(b, nested, column, halfValue);
            Value twice = arith::AddIOp::create(b, nested, pair, pair);
            Value exponent = arith::DivFOp::create(
                b, nested, indexToFloat(b, nested, twice, f32),
                arith::ConstantOp::create(
                    b, nested,
                    b.getFloatAttr(f32, static_cast<double>(headDim))));
            Value one =
                arith::ConstantOp::create(b, nested, b.getFloatAttr(f32, 1.0));
            invFreq = arith::DivFOp::create(
                b, nested, one,
                math::PowFOp::create(b, nested, thetaF32, exponent));
          } else {
            invFreq = args[0];
          }
          Value row = linalg::IndexOp::create(b, nested, 0);
          Value position = arith::AddIOp::create(b, nested, offset, row);
          Value angle = arith::MulFOp::create(
              b, nested, indexToFloat(b, nested, position, f32), invFreq);
          Value cos = castFloat(
              b, nested, math::CosOp::create(b, nested, angle), elementType);
          Value sin = castFloat(
              b, nested, math::SinOp::create(b, nested, angle), elementType);
          linalg::YieldOp::create(b, nested, ValueRange{cos, sin});
        });

    // x * cos + rotate_half(x) * sin, where rotate_half(x)[j] is -x[j + h]
    // for j < h and x[j - h] otherwise.
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    Value init = createEmpty(rewriter, loc, sizes, elementType);
    AffineMap identity3 = rewriter.getMultiDimIdentityMap(3);
    AffineMap rowColumn = AffineMap::get(
        3, 0, {getAffineDimExpr(0, context), getAffineDimExpr(2, context)},
        context);
    auto rotated = linalg::GenericOp::create(
        rewriter, loc, type,
        ValueRange{input, tables.getResult(0), tables.getResult(1)}, init,
        ArrayRef<AffineMap>{identity3, rowColumn, rowColumn, identity3},
        iterators(3), [&](OpBuilder &b, Location nested, ValueRange args) {
          Value row = linalg::IndexOp::create(b, nested, 0);
          Value head = linalg::IndexOp::create(b, nested, 1);
          Value column = linalg::IndexOp::create(b, nested, 2);
          Value halfValue = arith::ConstantIndexOp::create(b, nested, half);
          Value firstHalf = arith::CmpIOp::create(
              b, nested, arith::CmpIPredicate::ult, column, halfValue);
          Value partnerColumn = arith::SelectOp::create(
              b, nested, firstHalf,
              arith::AddIOp::create(b, nested, column, halfValue),
              arith::SubIOp::create(b, nested, column, halfValue));
          Value partner = tensor::ExtractOp::create(
              b, nested, input, ValueRange{row, head, partnerColumn});
          Value signedPartner = arith::SelectOp::create(
              b, nested, firstHalf, arith::NegFOp::create(b, nested, partner),
              partner);
          Value result = arith::AddFOp::create(
              b, nested, arith::MulFOp::create(b, nested, args[0], args[1]),
              arith::MulFOp::create(b, nested, signedPartner, args[2]));
          linalg::YieldOp::create(b, nested, result);
        });
    rewriter.replaceOp(op, rotated.getResults());
    return success();
  }
};

} // namespace

void mlir::attn::populateRopePatterns(RewritePatternSet &patterns) {
  patterns.add<RopeToGeneric>(patterns.getContext());
}
