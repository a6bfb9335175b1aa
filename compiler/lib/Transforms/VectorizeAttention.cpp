//===- VectorizeAttention.cpp - Vector softmax and P.V of tiled attention -===//
//
// --attn-tile-attention marks the generics of its key-block step (scores
// masking, row maximum, exponentials, row sums, rescaling, P.V,
// normalisation) with `attn.tiled_attention`; the scores q.k^T are a
// transposed matmul that --attn-vectorize-matmul already takes. On buffers,
// this pass turns the marked element-wise and row-reduction generics into
// loops whose innermost step is a masked vector of `vector-size` lanes along
// the contiguous dimension (exponentials by a polynomial, so that they stay
// in vector registers), and P.V into a loop per row that keeps four vector
// accumulators of the output row in registers across the keys of the block.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"
#include "attn/Transforms/TiledAttention.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_VECTORIZEATTENTIONPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Output vectors of P.V kept in registers per row.
constexpr int64_t kPVAccumulators = 4;

bool isF32Buffer(Value value, bool needsUnitInnerStride) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && type.getElementType().isF32() &&
         (!needsUnitInnerStride || type.isLastDimUnitStride());
}

/// Whether the loop `dim` indexes the operand of `map`.
bool usesDim(AffineMap map, unsigned dim) { return map.isFunctionOfDim(dim); }

/// Whether `op` is acc[s, e] += p[s, t] * v[t, e] on f32 buffers with loops
/// (s, t, e).
bool isPV(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 3)
    return false;
  MLIRContext *context = op.getContext();
  AffineExpr s = getAffineDimExpr(0, context), t = getAffineDimExpr(1, context),
             e = getAffineDimExpr(2, context);
  SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {s, t}, context),
                                     AffineMap::get(3, 0, {t, e}, context),
                                     AffineMap::get(3, 0, {s, e}, context)};
  if (op.getIndexingMapsArray() != expected)
    return false;
  auto &ops = op.getBody()->getOperations();
  if (ops.size() != 3)
    return false;
  auto mul = dyn_cast<arith::MulFOp>(ops.front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(ops.begin()));
  Block *body = op.getBody();
  return mul && add && mul.getLhs() == body->getArgument(0) &&
         mul.getRhs() == body->getArgument(1) &&
         add.getLhs() == body->getArgument(2) && add.getRhs() == mul &&
         isF32Buffer(op.getDpsInputs()[0], false) &&
         isF32Buffer(op.getDpsInputs()[1], true) &&
         isF32Buffer(op.getDpsInits()[0], true);
}

/// The combining kind of a row reduction whose body is `out = op(in, out)`.
std::optional<vector::CombiningKind> reductionKind(linalg::GenericOp op) {
  Block *body = op.getBody();
  if (body->getOperations().size() != 2)
    return std::nullopt;
  Operation *combiner = &body->front();
  if (combiner->getNumOperands() != 2 ||
      !llvm::is_contained(combiner->getOperands(), body->getArgument(0)) ||
      !llvm::is_contained(combiner->getOperands(), body->getArgument(1)))
    return std::nullopt;
  if (isa<arith::AddFOp>(combiner))
    return vector::CombiningKind::ADD;
  if (isa<arith::MaximumFOp>(combiner))
    return vector::CombiningKind::MAXIMUMF;
  return std::nullopt;
}

/// Whether `op` is an element-wise map or a reduction along its innermost
/// loop, over at most two loops, that the lane-wise rewrite can take: the
/// innermost loop walks the contiguous dimension of every operand that
/// depends on it, and the body is scalar arith/math.
bool isInnermostVectorizable(linalg::GenericOp op) {
  unsigned loops = op.getNumLoops();
  if (!op.hasPureBufferSemantics() || loops < 1 || loops > 2 ||
      op.getNumDpsInits() != 1)
    return false;
  unsigned inner = loops - 1;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < inner; ++i)
    if (iterators[i] != utils::IteratorType::parallel)
      return false;
  bool reduction = iterators[inner] == utils::IteratorType::reduction;
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    bool inInit = op.isDpsInit(&operand);
    if (!map.isProjectedPermutation())
      return false;
    bool uses = usesDim(map, inner);
    if (uses &&
        map.getResults().back() != getAffineDimExpr(inner, op.getContext()))
      return false;
    if (inInit && (reduction ? uses : !uses || !map.isIdentity()))
      return false;
    if (!isF32Buffer(operand.get(), uses))
      return false;
  }
  if (reduction)
    return op.getNumDpsInputs() == 1 && reductionKind(op).has_value();
  for (Operation &bodyOp : op.getBody()->without_terminator()) {
    if (!isa<arith::ArithDialect, math::MathDialect>(bodyOp.getDialect()) &&
        !isa<linalg::IndexOp>(bodyOp))
      return false;
    if (bodyOp.getNumRegions() != 0 ||
        !llvm::all_of(bodyOp.getResultTypes(),
                      [](Type type) { return type.isIntOrIndexOrFloat(); }))
      return false;
  }
  return true;
}

/// Emits the vector form of one marked generic.
class AttentionVectorizer {
public:
  AttentionVectorizer(OpBuilder &b, linalg::GenericOp op, int64_t lanes)
      : b(b), op(op), loc(op.getLoc()), lanes(lanes),
        vectorType(VectorType::get({lanes}, b.getF32Type())),
        maskType(VectorType::get({lanes}, b.getI1Type())) {}

  /// acc[s, e] += p[s, t] * v[t, e]: per row s and group of
  /// kPVAccumulators vectors of e, the accumulators stay in registers
  /// across t, each step one broadcast of p and one load of v per vector.
  void buildPV() {
    Value p = op.getDpsInputs()[0], v = op.getDpsInputs()[1],
          acc = op.getDpsInits()[0];
    Value rows = memref::DimOp::create(b, loc, p, 0);
    Value keys = memref::DimOp::create(b, loc, p, 1);
    Value width = memref::DimOp::create(b, loc, acc, 1);
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorType, 0.0f));
    forLoop(index(0), rows, 1, {}, [&](Value s, ValueRange) {
      forLoop(index(0), width, lanes * kPVAccumulators, {},
              [&](Value e, ValueRange) {
                SmallVector<Value> columns, masks, init;
                for (int64_t u = 0; u < kPVAccumulators; ++u) {
                  columns.push_back(
                      arith::AddIOp::create(b, loc, e, index(u * lanes)));
                  masks.push_back(maskFrom(columns.back(), width));
                  init.push_back(vector::MaskedLoadOp::create(
                      b, loc, vectorType, acc, ValueRange{s, columns[u]},
                      masks[u], zeros));
                }
                SmallVector<Value> sums = forLoop(
                    index(0), keys, 1, init, [&](Value t, ValueRange state) {
                      Value weight =
                          memref::LoadOp::create(b, loc, p, ValueRange{s, t});
                      Value splat = vector::BroadcastOp::create(
                          b, loc, vectorType, weight);
                      SmallVector<Value> next;
                      for (int64_t u = 0; u < kPVAccumulators; ++u) {
                        Value row = vector::MaskedLoadOp::create(
                            b, loc, vectorType, v, ValueRange{t, columns[u]},
                            masks[u], zeros);
                        next.push_back(vector::FMAOp::create(b, loc, splat, row,
                                                             state[u]));
                      }
                      return next;
                    });
                for (int64_t u = 0; u < kPVAccumulators; ++u)
                  vector::MaskedStoreOp::create(b, loc, acc,
                                                ValueRange{s, columns[u]},
                                                masks[u], sums[u]);
                return SmallVector<Value>{};
              });
      return SmallVector<Value>{};
    });
  }

  /// The lane-wise form of an element-wise map or innermost reduction.
  void buildInnermost() {
    SmallVector<Range, 4> ranges =
        cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, loc);
    unsigned inner = ranges.size() - 1;
    SmallVector<Value> sizes;
    for (Range range : ranges)
      sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    if (inner == 0) {
      emitRow({});
      return;
    }
    forLoop(index(0), sizes[0], 1, {}, [&](Value row, ValueRange) {
      emitRow({row});
      return SmallVector<Value>{};
    });
  }

  /// exp on vectors, left for the polynomial rewrite.
  SmallVector<Operation *> exponentials;

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  /// Lanes first .. first + lanes that are below `size`.
  Value maskFrom(Value first, Value size) {
    return vector::CreateMaskOp::create(
        b, loc, maskType,
        ValueRange{arith::SubIOp::create(b, loc, size, first)});
  }

  /// An scf.for whose body `body(iv, iterArgs)` returns what it yields.
  SmallVector<Value>
  forLoop(Value from, Value to, int64_t step, ValueRange init,
          function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto loop = scf::ForOp::create(
        b, loc, from, to, index(step), init,
        [&](OpBuilder &nested, Location, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          scf::YieldOp::create(b, loc, body(iv, args));
        });
    return SmallVector<Value>(loop.getResults());
  }

  /// The buffer indices of an operand at loop indices `ivs`.
  SmallVector<Value> indicesOf(AffineMap map, ArrayRef<Value> ivs) {
    SmallVector<Value> indices;
    for (AffineExpr expr : map.getResults())
      indices.push_back(ivs[cast<AffineDimExpr>(expr).getPosition()]);
    return indices;
  }

  /// One row (the outer loop index in `outer`) along the innermost loop.
  void emitRow(SmallVector<Value> outer) {
    SmallVector<Range, 4> ranges =
        cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, loc);
    unsigned inner = ranges.size() - 1;
    Value size = getValueOrCreateConstantIndexOp(b, loc, ranges[inner].size);
    std::optional<vector::CombiningKind> kind;
    if (op.getIteratorTypesArray()[inner] == utils::IteratorType::reduction)
      kind = reductionKind(op);
    Value neutral;
    if (kind)
      neutral = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(
              vectorType, *kind == vector::CombiningKind::ADD
                              ? 0.0f
                              : -std::numeric_limits<float>::infinity()));
    SmallVector<Value> init;
    if (kind)
      init.push_back(neutral);
    SmallVector<Value> result =
        forLoop(index(0), size, lanes, init, [&](Value j, ValueRange state) {
          SmallVector<Value> ivs = outer;
          ivs.push_back(j);
          Value mask = maskFrom(j, size);
          Value padding =
              kind ? neutral
                   : arith::ConstantOp::create(
                         b, loc, DenseElementsAttr::get(vectorType, 0.0f));
          IRMapping mapping;
          Block *body = op.getBody();
          for (OpOperand *input : op.getDpsInputOperands()) {
            AffineMap map = op.getMatchingIndexingMap(input);
            SmallVector<Value> indices = indicesOf(map, ivs);
            Value lanesValue;
            if (usesDim(map, inner)) {
              lanesValue = vector::MaskedLoadOp::create(
                  b, loc, vectorType, input->get(), indices, mask, padding);
            } else {
              Value scalar =
                  memref::LoadOp::create(b, loc, input->get(), indices);
              lanesValue =
                  vector::BroadcastOp::create(b, loc, vectorType, scalar);
            }
            mapping.map(body->getArgument(input->getOperandNumber()),
                        lanesValue);
          }
          OpOperand *outputOperand = op.getDpsInitOperand(0);
          Value output = outputOperand->get();
          AffineMap outputMap = op.getMatchingIndexingMap(outputOperand);
          Value outArg = body->getArgument(outputOperand->getOperandNumber());
          if (kind)
            mapping.map(outArg, state[0]);
          else if (!outArg.use_empty())
            mapping.map(outArg, vector::MaskedLoadOp::create(
                                    b, loc, vectorType, output,
                                    indicesOf(outputMap, ivs), mask, padding));
          for (Operation &scalarOp : body->without_terminator())
            cloneLanewise(scalarOp, mapping, ivs, inner);
          Value yielded = mapping.lookup(
              cast<linalg::YieldOp>(body->getTerminator()).getOperand(0));
          if (kind)
            return SmallVector<Value>{yielded};
          vector::MaskedStoreOp::create(
              b, loc, output, indicesOf(outputMap, ivs), mask, yielded);
          return SmallVector<Value>{};
        });
    if (!kind)
      return;
    // out = combine(out, the lanes combined).
    OpOperand *output = op.getDpsInitOperand(0);
    SmallVector<Value> indices =
        indicesOf(op.getMatchingIndexingMap(output), outer);
    Value old = memref::LoadOp::create(b, loc, output->get(), indices);
    Value combined = vector::ReductionOp::create(b, loc, *kind, result[0], old,
                                                 arith::FastMathFlags::reassoc);
    memref::StoreOp::create(b, loc, combined, output->get(), indices);
  }

  /// Splats `scalar`, a value of any int, index or float type, to lanes.
  Value splat(Value scalar) {
    return vector::BroadcastOp::create(
        b, loc, VectorType::get({lanes}, scalar.getType()), scalar);
  }

  /// Clones `scalarOp` with vector operands and results; values from
  /// outside the generic are splatted.
  void cloneLanewise(Operation &scalarOp, IRMapping &mapping,
                     ArrayRef<Value> ivs, unsigned inner) {
    if (auto indexOp = dyn_cast<linalg::IndexOp>(scalarOp)) {
      unsigned dim = indexOp.getDim();
      Value lanesValue = splat(ivs[dim]);
      if (dim == inner)
        lanesValue = arith::AddIOp::create(
            b, loc, lanesValue,
            vector::StepOp::create(b, loc,
                                   VectorType::get({lanes}, b.getIndexType())));
      mapping.map(indexOp.getResult(), lanesValue);
      return;
    }
    if (scalarOp.hasTrait<OpTrait::ConstantLike>()) {
      Operation *scalar = b.clone(scalarOp);
      mapping.map(scalarOp.getResult(0), splat(scalar->getResult(0)));
      return;
    }
    SmallVector<Value> operands;
    for (Value operand : scalarOp.getOperands()) {
      if (Value mapped = mapping.lookupOrNull(operand))
        operands.push_back(mapped);
      else
        operands.push_back(splat(operand));
    }
    SmallVector<Type> types;
    for (Type type : scalarOp.getResultTypes())
      types.push_back(VectorType::get({lanes}, type));
    OperationState state(loc, scalarOp.getName(), operands, types,
                         scalarOp.getAttrs());
    Operation *vectorOp = b.create(state);
    if (isa<math::ExpOp>(vectorOp))
      exponentials.push_back(vectorOp);
    mapping.map(scalarOp.getResults(), vectorOp->getResults());
  }

  OpBuilder &b;
  linalg::GenericOp op;
  Location loc;
  int64_t lanes;
  VectorType vectorType, maskType;
};

struct VectorizeAttention
    : public attn::impl::VectorizeAttentionPassBase<VectorizeAttention> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorSize < 1) {
      getOperation()->emitError()
          << "attn-vectorize-attention: vector-size must be positive (got "
          << int64_t(vectorSize) << ")";
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> generics;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kTiledAttentionAttrName))
        generics.push_back(op);
    });
    SmallVector<Operation *> exponentials;
    for (linalg::GenericOp op : generics) {
      bool pv = isPV(op);
      if (!pv && !isInnermostVectorizable(op))
        continue;
      IRRewriter rewriter(op);
      AttentionVectorizer vectorizer(rewriter, op, vectorSize);
      if (pv)
        vectorizer.buildPV();
      else
        vectorizer.buildInnermost();
      llvm::append_range(exponentials, vectorizer.exponentials);
      rewriter.eraseOp(op);
    }
    // exp as a polynomial in vector registers instead of a libm call per
    // lane; only the exponentials made here, not the model's scalar ones.
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name == math::ExpOp::getOperationName();
    });
    if (!exponentials.empty())
      (void)applyOpPatternsGreedily(exponentials, std::move(patterns));
  }
};

} // namespace
