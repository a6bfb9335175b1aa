//===- GenerateABI.cpp - The --attn-generate-abi pass ---------------------===//
//
// Wraps @prefill and @logits in the exported C entry points of docs/abi.md.
// The wrappers unpack `attn_call`, view its buffers as tensors and call the
// model functions; bufferization then turns the views back into the caller's
// buffers, so that the KV caches are updated where the runtime keeps them.
//
//===----------------------------------------------------------------------===//

#include "MemRefFromPointer.h"

#include "attn/Conversion/Passes.h"
#include "attn/abi.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include <cstddef>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_GENERATEABIPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// The fields of `attn_call`, in declaration order.
enum CallField : int32_t {
  Weights,
  Tokens,
  NumTokens,
  Position,
  KCache,
  VCache,
  CacheCapacity,
  Input,
  Output,
  NumFields
};

// The LLVM struct below mirrors attn_call field by field; every field is
// 8 bytes, so the C layout has no padding.
static_assert(offsetof(attn_call, output) == 8 * Output &&
                  sizeof(attn_call) == 8 * NumFields,
              "attn_call changed: update CallField and callStructType");

/// Loads the fields of the `attn_call` that a wrapper's argument points to.
class CallReader {
public:
  CallReader(OpBuilder &b, Location loc, Value call)
      : b(b), loc(loc), call(call) {
    MLIRContext *context = b.getContext();
    ptrType = LLVM::LLVMPointerType::get(context);
    Type i64 = b.getI64Type();
    structType = LLVM::LLVMStructType::getLiteral(
        context,
        {ptrType, ptrType, i64, i64, ptrType, ptrType, i64, ptrType, ptrType});
  }

  Value pointer(CallField field) { return load(field, ptrType); }

  Value index(CallField field) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                      load(field, b.getI64Type()));
  }

private:
  Value load(CallField field, Type type) {
    Value address = LLVM::GEPOp::create(
        b, loc, ptrType, structType, call,
        ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(field)});
    return LLVM::LoadOp::create(b, loc, type, address);
  }

  OpBuilder &b;
  Location loc;
  Value call;
  Type ptrType;
  Type structType;
};

struct GenerateABIPass
    : mlir::attn::impl::GenerateABIPassBase<GenerateABIPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto version = module->getAttrOfType<IntegerAttr>("attn.abi_version");
    if (!version)
      return;
    if (version.getInt() != ATTN_ABI_VERSION) {
      module.emitError() << "attn.abi_version is " << version.getInt()
                         << ", but this compiler writes ABI version "
                         << ATTN_ABI_VERSION;
      return signalPassFailure();
    }
    auto manifest = module->getAttrOfType<StringAttr>("attn.manifest");
    if (!manifest) {
      module.emitError("the module has no attn.manifest; run "
                       "--attn-lower-weights first, which records it");
      return signalPassFailure();
    }
    auto prefill = lookupEntry(module, "prefill", 4);
    auto logits = lookupEntry(module, "logits", 1);
    if (failed(prefill) || failed(logits))
      return signalPassFailure();

    // Everything but the ABI is internal to the library.
    for (auto func : module.getOps<func::FuncOp>())
      func.setPrivate();

    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    buildVersion(b, loc);
    buildManifest(b, loc, manifest.getValue());
    if (failed(buildPrefill(b, loc, *prefill)) ||
        failed(buildLogits(b, loc, *logits)))
      return signalPassFailure();
  }

  /// The function `name`, after checking that it takes `numArguments`
  /// arguments besides the weight table.
  FailureOr<func::FuncOp> lookupEntry(ModuleOp module, StringRef name,
                                      unsigned numArguments) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func)
      return module.emitError() << "the module has attn.abi_version but no @"
                                << name << " function to export";
    unsigned table = hasTable(func) ? 1 : 0;
    if (func.getNumArguments() != numArguments + table)
      return func.emitError()
             << "@" << name << " takes " << func.getNumArguments() - table
             << " arguments besides the weight table, "
                "expected "
             << numArguments;
    return func;
  }

  static bool hasTable(func::FuncOp func) {
    return func.getNumArguments() > 0 &&
           isa<LLVM::LLVMPointerType>(func.getArgumentTypes().front());
  }

  /// A public function `name` of type `(!llvm.ptr) -> result` or
  /// `() -> result`, with its builder positioned in its body.
  func::FuncOp createExport(OpBuilder &b, Location loc, StringRef name,
                            TypeRange arguments, Type result) {
    auto func = func::FuncOp::create(b, loc, name,
                                     b.getFunctionType(arguments, result));
    b.setInsertionPointToStart(func.addEntryBlock());
    return func;
  }

  void buildVersion(OpBuilder &b, Location loc) {
    OpBuilder::InsertionGuard guard(b);
    createExport(b, loc, "attn_abi_version", {}, b.getI32Type());
    Value version = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(ATTN_ABI_VERSION));
    func::ReturnOp::create(b, loc, version);
  }

  void buildManifest(OpBuilder &b, Location loc, StringRef json) {
    OpBuilder::InsertionGuard guard(b);
    std::string text = json.str();
    text.push_back('\0');
    auto arrayType = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/true,
                           LLVM::Linkage::Internal, "attn_manifest_json",
                           b.getStringAttr(text));
    auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
    createExport(b, loc, "attn_manifest", {}, ptrType);
    Value address =
        LLVM::AddressOfOp::create(b, loc, ptrType, "attn_manifest_json");
    func::ReturnOp::create(b, loc, address);
  }

  /// attn_prefill: @prefill(tokens, position, k_cache, v_cache) with the
  /// caches updated in place and the hidden states written to `output`.
  LogicalResult buildPrefill(OpBuilder &b, Location loc, func::FuncOp prefill) {
    OpBuilder::InsertionGuard guard(b);
    auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
    func::FuncOp wrapper =
        createExport(b, loc, "attn_prefill", ptrType, b.getI32Type());
    CallReader call(b, loc, wrapper.getArgument(0));
    unsigned first = hasTable(prefill) ? 1 : 0;
    TypeRange types = prefill.getArgumentTypes().drop_front(first);
    auto tokensType = dyn_cast<RankedTensorType>(types[0]);
    auto cacheType = dyn_cast<RankedTensorType>(types[2]);
    auto hiddenType =
        prefill.getNumResults() == 3
            ? dyn_cast<RankedTensorType>(prefill.getResultTypes()[0])
            : RankedTensorType();
    if (!tokensType || tokensType.getRank() != 1 || !types[1].isIndex() ||
        !cacheType || cacheType.getRank() != 4 || types[3] != cacheType ||
        !hiddenType || hiddenType.getRank() != 2)
      return prefill.emitError()
             << "@prefill must be (tensor<?xi32>, index, tensor<Lx?xKVxDxf32>, "
                "tensor<Lx?xKVxDxf32>) -> (tensor<?xHxf32>, caches), got "
             << prefill.getFunctionType();

    Value numTokens = call.index(NumTokens);
    Value capacity = call.index(CacheCapacity);
    SmallVector<Value> operands;
    if (first)
      operands.push_back(call.pointer(Weights));
    operands.push_back(createTensorFromPointer(b, loc, call.pointer(Tokens),
                                               tokensType, numTokens, false));
    operands.push_back(call.index(Position));
    operands.push_back(createTensorFromPointer(b, loc, call.pointer(KCache),
                                               cacheType, capacity, true));
    operands.push_back(createTensorFromPointer(b, loc, call.pointer(VCache),
                                               cacheType, capacity, true));
    auto result = func::CallOp::create(b, loc, prefill, operands);
    writeOutput(b, loc, result.getResult(0), call.pointer(Output), numTokens);
    return success();
  }

  /// attn_logits: @logits(input) written to `output`.
  LogicalResult buildLogits(OpBuilder &b, Location loc, func::FuncOp logits) {
    OpBuilder::InsertionGuard guard(b);
    auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
    func::FuncOp wrapper =
        createExport(b, loc, "attn_logits", ptrType, b.getI32Type());
    CallReader call(b, loc, wrapper.getArgument(0));
    unsigned first = hasTable(logits) ? 1 : 0;
    auto inputType =
        dyn_cast<RankedTensorType>(logits.getArgumentTypes()[first]);
    if (!inputType || inputType.getRank() != 2 || logits.getNumResults() != 1 ||
        !isa<RankedTensorType>(logits.getResultTypes()[0]))
      return logits.emitError()
             << "@logits must be (tensor<?xHxf32>) -> tensor<?xVxf32>, got "
             << logits.getFunctionType();
    Value numTokens = call.index(NumTokens);
    SmallVector<Value> operands;
    if (first)
      operands.push_back(call.pointer(Weights));
    operands.push_back(createTensorFromPointer(b, loc, call.pointer(Input),
                                               inputType, numTokens, false));
    auto result = func::CallOp::create(b, loc, logits, operands);
    writeOutput(b, loc, result.getResult(0), call.pointer(Output), numTokens);
    return success();
  }

  /// Stores `value` into the row-major buffer at `pointer` and returns 0.
  void writeOutput(OpBuilder &b, Location loc, Value value, Value pointer,
                   Value numTokens) {
    auto type = cast<RankedTensorType>(value.getType());
    auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
    Value destination =
        createMemRefFromPointer(b, loc, pointer, memrefType, numTokens);
    bufferization::MaterializeInDestinationOp::create(
        b, loc, Type(), value, destination, /*restrict=*/true,
        /*writable=*/true);
    Value ok = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
    func::ReturnOp::create(b, loc, ok);
  }
};

} // namespace
