//===- PackWeights.cpp - Weights read only by matmuls, in panel order -----===//
//
// The outer-product matmul kernel wants, for each k, a few vectors of
// consecutive output columns of the weight: W^T in column panels,
// P[n / w, k, n % w] = W[n, k]. Checkpoints store W as [out, in], so the
// runtime reorders such weights once, at load, following the layout this
// pass records on attn.weight (the manifest carries it, docs/abi.md), and
// the matmuls that read them become contractions over the panels. A weight
// that anything else reads (the tied embedding's gather) keeps its layout.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"

#include "attn/Compiler/Manifest.h"
#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_PACKWEIGHTSPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Whether `linear` reads `weight` as its weight operand only, in the 2-D f32
/// form the panel kernel computes.
bool isPackableUse(OpOperand &use) {
  auto linear = dyn_cast<LinearOp>(use.getOwner());
  if (!linear || use.getOperandNumber() != 1 ||
      linear.getInput() == use.get() || linear.getBias() == use.get())
    return false;
  auto input = cast<RankedTensorType>(linear.getInput().getType());
  auto result = cast<RankedTensorType>(linear.getResult().getType());
  return input.getRank() == 2 && input.getElementType().isF32() &&
         result.getElementType().isF32();
}

/// Whether every attn.weight of one name can be packed into panels of
/// `width` columns.
bool isPackable(ArrayRef<WeightOp> ops, int64_t width) {
  for (WeightOp op : ops) {
    RankedTensorType type = op.getType();
    if (op->hasAttr(kLayoutAttrName) || type.getRank() != 2 ||
        !type.hasStaticShape() || !type.getElementType().isF32() ||
        type.getDimSize(0) % width != 0 || op->use_empty())
      return false;
    if (!llvm::all_of(op->getUses(), isPackableUse))
      return false;
  }
  return true;
}

/// `x . W^T (+ bias)` with W in panels: C viewed as [m, n / w, w] so that the
/// contraction (m, p, j, k) reads P[p, k, j] with unit stride along j.
Value buildPanelLinear(OpBuilder &b, LinearOp linear, Value panels) {
  Location loc = linear.getLoc();
  Value input = linear.getInput();
  auto resultType = cast<RankedTensorType>(linear.getResult().getType());
  auto panelType = cast<RankedTensorType>(panels.getType());
  int64_t numPanels = panelType.getDimSize(0), width = panelType.getDimSize(2);
  Type f32 = b.getF32Type();

  OpFoldResult rows = tensor::getMixedSize(b, loc, input, 0);
  Value empty = tensor::EmptyOp::create(
      b, loc, ArrayRef<OpFoldResult>{rows, b.getIndexAttr(numPanels * width)},
      f32);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value filled = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
  auto tiledType = RankedTensorType::get(
      {cast<RankedTensorType>(filled.getType()).getDimSize(0), numPanels,
       width},
      f32);
  Value tiled = tensor::ExpandShapeOp::create(
      b, loc, tiledType, filled, reassociation,
      ArrayRef<OpFoldResult>{rows, b.getIndexAttr(numPanels),
                             b.getIndexAttr(width)});

  MLIRContext *context = b.getContext();
  AffineExpr m, p, j, k;
  bindDims(context, m, p, j, k);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {m, k}, context),
                                 AffineMap::get(4, 0, {p, k, j}, context),
                                 AffineMap::get(4, 0, {m, p, j}, context)};
  auto parallel = utils::IteratorType::parallel;
  SmallVector<utils::IteratorType> iterators = {parallel, parallel, parallel,
                                                utils::IteratorType::reduction};
  auto matmul = linalg::GenericOp::create(
      b, loc, tiledType, ValueRange{input, panels}, tiled, maps, iterators,
      [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // bf16 panels are widened exactly; the arithmetic stays f32.
        Value weight = args[1];
        if (!weight.getType().isF32())
          weight = arith::ExtFOp::create(nested, nestedLoc, nested.getF32Type(),
                                         weight);
        Value product =
            arith::MulFOp::create(nested, nestedLoc, args[0], weight);
        Value sum = arith::AddFOp::create(nested, nestedLoc, args[2], product);
        linalg::YieldOp::create(nested, nestedLoc, sum);
      });
  Value result = tensor::CollapseShapeOp::create(
      b, loc, filled.getType(), matmul.getResult(0), reassociation);
  if (result.getType() != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);

  // The bias is added after the sum, as attn.linear's lowering does.
  if (Value bias = linear.getBias()) {
    AffineMap identity = b.getMultiDimIdentityMap(2);
    auto biased = linalg::GenericOp::create(
        b, loc, resultType, bias, result,
        ArrayRef<AffineMap>{identity.getSubMap({1}), identity},
        ArrayRef<utils::IteratorType>{parallel, parallel},
        [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          Value sum =
              arith::AddFOp::create(nested, nestedLoc, args[1], args[0]);
          linalg::YieldOp::create(nested, nestedLoc, sum);
        });
    result = biased.getResult(0);
  }
  return result;
}

struct PackWeights : public attn::impl::PackWeightsPassBase<PackWeights> {
  using Base::Base;

  void runOnOperation() override {
    if (panelWidth < 1) {
      getOperation()->emitError()
          << "attn-pack-weights: panel-width must be positive (got "
          << int64_t(panelWidth) << ")";
      return signalPassFailure();
    }
    llvm::MapVector<StringRef, SmallVector<WeightOp>> byName;
    getOperation()->walk(
        [&](WeightOp op) { byName[op.getName()].push_back(op); });
    MLIRContext *context = &getContext();
    for (auto &[name, ops] : byName) {
      if (!isPackable(ops, panelWidth))
        continue;
      for (WeightOp op : ops) {
        RankedTensorType type = op.getType();
        int64_t out = type.getDimSize(0), in = type.getDimSize(1);
        Type element =
            bf16 ? Type(BFloat16Type::get(context)) : type.getElementType();
        auto panelType = RankedTensorType::get(
            {out / panelWidth, in, int64_t(panelWidth)}, element);
        NamedAttrList layout;
        layout.append("kind", StringAttr::get(context, kPanelLayout));
        layout.append("width", IntegerAttr::get(IntegerType::get(context, 64),
                                                int64_t(panelWidth)));
        layout.append("shape", DenseI64ArrayAttr::get(context, {out, in}));
        op->setAttr(kLayoutAttrName, layout.getDictionary(context));
        op.getResult().setType(panelType);
        SmallVector<LinearOp> users;
        for (Operation *user : op->getUsers())
          users.push_back(cast<LinearOp>(user));
        for (LinearOp linear : users) {
          OpBuilder b(linear);
          linear.getResult().replaceAllUsesWith(
              buildPanelLinear(b, linear, op.getResult()));
          linear.erase();
        }
      }
    }
  }
};

} // namespace
