//===- FuseProjections.cpp - One linear for projections of one input ------===//
//
// Each decoder layer multiplies one normalised input by the Q, K and V
// weights, and another by the gate and up weights. One wider matmul reads
// that input once, fills the register tiles of the kernel better on the
// narrow K/V outputs and starts one parallel loop instead of three. The
// checkpoint keeps the parts apart, so the fused weight records them
// (kPartsAttrName) and the runtime concatenates them at load (docs/abi.md).
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"

#include "attn/Compiler/Manifest.h"
#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_FUSEPROJECTIONSPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// What must agree for linears to share one fused weight: the input, the
/// layer, the weight's input width and element type, the result's element
/// type, and whether there is a bias.
struct GroupKey {
  Value input;
  Value layer;
  int64_t inFeatures;
  Type weightElement;
  Type resultElement;
  bool hasBias;

  bool operator==(const GroupKey &other) const {
    return input == other.input && layer == other.layer &&
           inFeatures == other.inFeatures &&
           weightElement == other.weightElement &&
           resultElement == other.resultElement && hasBias == other.hasBias;
  }
};

/// An attn.weight that only `user` reads, under a name that no other
/// attn.weight of the module uses (a tied embedding's table is read twice
/// under one name), with a static shape of `rank`, not yet repacked.
WeightOp privateWeight(Value value, Operation *user, int64_t rank,
                       const llvm::StringMap<unsigned> &nameCounts) {
  auto weight = value.getDefiningOp<WeightOp>();
  if (!weight || !weight->hasOneUse() || *weight->user_begin() != user ||
      nameCounts.lookup(weight.getName()) != 1 ||
      weight->hasAttr(kLayoutAttrName) || weight->hasAttr(kPartsAttrName))
    return {};
  RankedTensorType type = weight.getType();
  if (type.getRank() != rank || !type.hasStaticShape())
    return {};
  return weight;
}

/// The key of `linear` when it may join a group, else none.
std::optional<GroupKey> fusionKey(LinearOp linear,
                                  const llvm::StringMap<unsigned> &nameCounts) {
  WeightOp weight =
      privateWeight(linear.getWeight(), linear, /*rank=*/2, nameCounts);
  if (!weight)
    return std::nullopt;
  auto result = cast<RankedTensorType>(linear.getResult().getType());
  GroupKey key{linear.getInput(),
               weight.getLayer(),
               weight.getType().getDimSize(1),
               weight.getType().getElementType(),
               result.getElementType(),
               static_cast<bool>(linear.getBias())};
  if (Value bias = linear.getBias()) {
    WeightOp biasWeight = privateWeight(bias, linear, /*rank=*/1, nameCounts);
    if (!biasWeight || biasWeight.getLayer() != key.layer ||
        biasWeight.getType().getElementType() != key.weightElement)
      return std::nullopt;
  }
  return key;
}

/// A name for the fused weight that says what it holds: the dotted
/// components the parts share around the ones that differ, these joined by
/// '+' ("model.layers.{layer}.mlp.gate_proj+up_proj.weight"). It cannot
/// clash with a checkpoint's tensor name, which has no '+'.
std::string fusedName(ArrayRef<StringRef> names) {
  SmallVector<SmallVector<StringRef>> split;
  for (StringRef name : names) {
    SmallVector<StringRef> components;
    name.split(components, '.');
    split.push_back(std::move(components));
  }
  size_t shortest = split.front().size();
  for (const auto &components : split)
    shortest = std::min(shortest, components.size());
  size_t prefix = 0, suffix = 0;
  auto sameAt = [&](auto index) {
    return llvm::all_of(split, [&](const SmallVector<StringRef> &components) {
      return index(components) == index(split.front());
    });
  };
  while (prefix < shortest && sameAt([&](const auto &c) { return c[prefix]; }))
    ++prefix;
  while (suffix < shortest - prefix &&
         sameAt([&](const auto &c) { return c[c.size() - 1 - suffix]; }))
    ++suffix;
  SmallVector<std::string> middles;
  for (const auto &components : split) {
    ArrayRef<StringRef> middle =
        ArrayRef(components).drop_front(prefix).drop_back(suffix);
    // Parts that differ in no component in between (one name extends
    // another) get their whole names joined instead.
    if (middle.empty())
      return llvm::join(names, "+");
    middles.push_back(llvm::join(middle, "."));
  }
  SmallVector<std::string> pieces;
  if (prefix)
    pieces.push_back(
        llvm::join(ArrayRef(split.front()).take_front(prefix), "."));
  pieces.push_back(llvm::join(middles, "+"));
  if (suffix)
    pieces.push_back(
        llvm::join(ArrayRef(split.front()).take_back(suffix), "."));
  return llvm::join(pieces, ".");
}

/// One attn.weight of the rows of `parts`, in order, with the parts recorded
/// for the manifest.
WeightOp buildFusedWeight(OpBuilder &b, ArrayRef<WeightOp> parts) {
  MLIRContext *context = b.getContext();
  WeightOp lead = parts.front();
  RankedTensorType first = lead.getType();
  SmallVector<int64_t> shape(first.getShape());
  shape[0] = 0;
  SmallVector<StringRef> names;
  SmallVector<Attribute> records;
  for (WeightOp part : parts) {
    shape[0] += part.getType().getDimSize(0);
    names.push_back(part.getName());
    NamedAttrList record;
    record.append("name", part.getNameAttr());
    record.append("shape",
                  DenseI64ArrayAttr::get(context, part.getType().getShape()));
    records.push_back(record.getDictionary(context));
  }
  auto type = RankedTensorType::get(shape, first.getElementType());
  auto fused = WeightOp::create(b, lead.getLoc(), type, fusedName(names),
                                lead.getLayer());
  fused->setAttr(kPartsAttrName, ArrayAttr::get(context, records));
  return fused;
}

/// Replaces `linears` (one group, in block order) by one linear of their
/// fused weights and a slice of its last dimension for each.
void fuseGroup(ArrayRef<LinearOp> linears) {
  LinearOp lead = linears.front();
  OpBuilder b(lead);
  Location loc = b.getFusedLoc(llvm::map_to_vector(
      linears, [](LinearOp linear) { return linear.getLoc(); }));
  SmallVector<WeightOp> weights, biases;
  for (LinearOp linear : linears) {
    weights.push_back(linear.getWeight().getDefiningOp<WeightOp>());
    if (Value bias = linear.getBias())
      biases.push_back(bias.getDefiningOp<WeightOp>());
  }
  WeightOp weight = buildFusedWeight(b, weights);
  Value bias;
  if (!biases.empty())
    bias = buildFusedWeight(b, biases).getResult();

  auto leadType = cast<RankedTensorType>(lead.getResult().getType());
  int64_t last = leadType.getRank() - 1;
  SmallVector<int64_t> shape(leadType.getShape());
  shape[last] = weight.getType().getDimSize(0);
  auto fusedType = RankedTensorType::get(shape, leadType.getElementType());
  auto fused =
      LinearOp::create(b, loc, fusedType, lead.getInput(), weight, bias);

  // The leading sizes are the input's, also where the old result types
  // spelled them statically and the input's do not.
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(b, loc, fused.getResult());
  SmallVector<OpFoldResult> offsets(sizes.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(sizes.size(), b.getIndexAttr(1));
  int64_t offset = 0;
  for (auto [oldLinear, oldWeight] : llvm::zip_equal(linears, weights)) {
    LinearOp linear = oldLinear;
    WeightOp part = oldWeight;
    int64_t width = part.getType().getDimSize(0);
    offsets[last] = b.getIndexAttr(offset);
    sizes[last] = b.getIndexAttr(width);
    offset += width;
    Value slice = tensor::ExtractSliceOp::create(
        b, linear.getLoc(), fused.getResult(), offsets, sizes, strides);
    if (slice.getType() != linear.getResult().getType())
      slice = tensor::CastOp::create(b, linear.getLoc(),
                                     linear.getResult().getType(), slice);
    linear.getResult().replaceAllUsesWith(slice);
  }
  for (LinearOp linear : linears)
    linear.erase();
  for (WeightOp old : llvm::concat<WeightOp>(weights, biases))
    old.erase();
}

struct FuseProjections
    : public attn::impl::FuseProjectionsPassBase<FuseProjections> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<unsigned> nameCounts;
    module.walk([&](WeightOp op) { ++nameCounts[op.getName()]; });

    // Groups per block, in block order. The fused ops go where the group's
    // first linear was, which its input and layer (its weight's operand)
    // already dominate.
    SmallVector<SmallVector<LinearOp>> groups;
    module.walk([&](Block *block) {
      SmallVector<std::pair<GroupKey, SmallVector<LinearOp>>> inBlock;
      for (auto linear : block->getOps<LinearOp>()) {
        std::optional<GroupKey> key = fusionKey(linear, nameCounts);
        if (!key)
          continue;
        auto *it = llvm::find_if(
            inBlock, [&](const auto &entry) { return entry.first == *key; });
        if (it == inBlock.end())
          inBlock.push_back({*key, {linear}});
        else
          it->second.push_back(linear);
      }
      for (auto &entry : inBlock)
        if (entry.second.size() >= 2)
          groups.push_back(std::move(entry.second));
    });
    for (ArrayRef<LinearOp> group : groups)
      fuseGroup(group);
  }
};

} // namespace
