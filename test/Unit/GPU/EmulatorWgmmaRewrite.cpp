//===- EmulatorWgmmaRewrite.cpp - wgmma's inline PTX, for the host --------===//

#include "EmulatorWgmmaRewrite.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

#include <optional>

using namespace attn_emu;

namespace {

/// A wgmma.mma_async the emulator runs, as its inline PTX spells it: what
/// each operand is, by its asm operand number ($i).
struct ParsedWgmma {
  int32_t n = 0;
  bool halfOperands = false;
  llvm::SmallVector<unsigned> accumulators;
  unsigned descA = 0, descB = 0, scaleD = 0;
  /// imm-scale-a, imm-scale-b, imm-trans-a, imm-trans-b.
  unsigned immediates[4] = {};
};

/// `$12` -> 12.
std::optional<unsigned> operandNumber(llvm::StringRef text) {
  unsigned number;
  text = text.trim();
  if (!text.consume_front("$") || text.getAsInteger(10, number))
    return std::nullopt;
  return number;
}

/// Splits `text` at the commas outside braces.
llvm::SmallVector<llvm::StringRef> splitOperands(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> parts;
  int depth = 0;
  size_t begin = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
    if (text[i] == ',' && depth == 0) {
      parts.push_back(text.slice(begin, i).trim());
      begin = i + 1;
    }
  }
  parts.push_back(text.substr(begin).trim());
  return parts;
}

/// The first line of `text` that is an instruction, to name it in errors.
std::string firstInstruction(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (!line.empty() && line != "{" && line != "}" &&
        !line.starts_with(".reg"))
      return line.str();
  }
  return text.trim().str();
}

/// Parses the PTX of a wgmma.mma_async call; false with `error` set if it
/// is none, or one of a form the emulator does not run.
bool parseWgmma(llvm::StringRef text, ParsedWgmma &parsed, std::string &error) {
  size_t at = text.find("wgmma.mma_async");
  if (at == llvm::StringRef::npos) {
    error = "the kernels use inline PTX the emulator does not run: `" +
            firstInstruction(text) + "`";
    return false;
  }
  llvm::StringRef rest = text.substr(at);
  size_t nameEnd = rest.find_first_of(" \t\n");
  llvm::StringRef name = rest.take_front(nameEnd);
  llvm::StringRef operandText = rest.slice(nameEnd, rest.find(';')).trim();
  std::string unsupported =
      "the emulator has no " + name.str() +
      " (only wgmma.mma_async.sync.aligned.m64nNk16.f32 with bf16 or f16 "
      "operands, both from shared memory through descriptors)";

  llvm::SmallVector<llvm::StringRef> parts;
  name.split(parts, '.');
  unsigned m = 0, k = 0;
  llvm::StringRef shape = parts.size() > 4 ? parts[4] : "";
  bool formOk =
      parts.size() == 8 && parts[2] == "sync" && parts[3] == "aligned" &&
      shape.consume_front("m") && !shape.consumeInteger(10, m) &&
      shape.consume_front("n") && !shape.consumeInteger(10, parsed.n) &&
      shape.consume_front("k") && !shape.consumeInteger(10, k) &&
      shape.empty() && m == 64 && k == 16 && parsed.n % 8 == 0 &&
      parsed.n >= 8 && parsed.n <= 256 && parts[5] == "f32" &&
      parts[6] == parts[7] && (parts[6] == "bf16" || parts[6] == "f16");
  if (!formOk) {
    error = unsupported;
    return false;
  }
  parsed.halfOperands = parts[6] == "f16";

  llvm::SmallVector<llvm::StringRef> operands = splitOperands(operandText);
  // That form has no imm-trans-a: seven operands.
  if (operands.size() > 1 && operands[1].starts_with("{")) {
    error = unsupported + ": A is in registers";
    return false;
  }
  // scale-d reaches the instruction as the predicate p, set from an operand.
  std::optional<unsigned> scaleD;
  size_t setp = text.find("setp.ne.b32 p,");
  if (setp != llvm::StringRef::npos)
    scaleD = operandNumber(text.substr(setp + 14).split(',').first);
  bool operandsOk = operands.size() == 8 && operands[0].starts_with("{") &&
                    operands[0].ends_with("}") && operands[3] == "p" && scaleD;
  if (operandsOk) {
    parsed.scaleD = *scaleD;
    llvm::SmallVector<llvm::StringRef> accumulators;
    operands[0].drop_front().drop_back().split(accumulators, ',');
    for (llvm::StringRef accumulator : accumulators) {
      std::optional<unsigned> number = operandNumber(accumulator);
      operandsOk = operandsOk && number;
      if (number)
        parsed.accumulators.push_back(*number);
    }
    operandsOk =
        operandsOk && int32_t(parsed.accumulators.size()) == parsed.n / 2;
    std::optional<unsigned> numbers[6];
    for (unsigned i = 0; i < 6; ++i) {
      numbers[i] = operandNumber(operands[i == 0 ? 1 : i == 1 ? 2 : i + 2]);
      operandsOk = operandsOk && numbers[i];
    }
    if (operandsOk) {
      parsed.descA = *numbers[0];
      parsed.descB = *numbers[1];
      for (unsigned i = 0; i < 4; ++i)
        parsed.immediates[i] = *numbers[i + 2];
    }
  }
  if (!operandsOk) {
    error = "unrecognised operands of " + name.str() + ": `" +
            operandText.str() + "`";
    return false;
  }
  return true;
}

/// Replaces `call` (inline PTX parsed as `parsed`) with a call of `entry`.
bool replaceCall(llvm::CallInst &call, const ParsedWgmma &parsed,
                 llvm::FunctionCallee entry, std::string &error) {
  auto *asmCallee = llvm::cast<llvm::InlineAsm>(call.getCalledOperand());
  llvm::LLVMContext &context = call.getContext();
  llvm::Type *f32 = llvm::Type::getFloatTy(context);
  // Asm operand numbers count the outputs first, then the call's arguments.
  unsigned outputs = 0;
  llvm::SmallVector<int> tiedTo;
  for (const llvm::InlineAsm::ConstraintInfo &info :
       asmCallee->ParseConstraints()) {
    if (info.Type == llvm::InlineAsm::isOutput) {
      ++outputs;
    } else if (info.Type == llvm::InlineAsm::isInput) {
      unsigned tied;
      bool isTied = info.Codes.size() == 1 &&
                    !llvm::StringRef(info.Codes[0]).getAsInteger(10, tied);
      tiedTo.push_back(isTied ? int(tied) : -1);
    }
  }
  auto argument = [&](unsigned operand) -> llvm::Value * {
    if (operand < outputs || operand - outputs >= call.arg_size())
      return nullptr;
    return call.getArgOperand(operand - outputs);
  };
  auto *resultType = llvm::dyn_cast<llvm::StructType>(call.getType());
  bool typesOk = resultType && resultType->getNumElements() == outputs &&
                 outputs == parsed.accumulators.size() &&
                 tiedTo.size() == call.arg_size();
  for (unsigned i = 0; typesOk && i < outputs; ++i)
    typesOk =
        resultType->getElementType(i) == f32 && parsed.accumulators[i] == i;
  llvm::Value *descA = argument(parsed.descA), *descB = argument(parsed.descB);
  llvm::SmallVector<llvm::Value *> immediates = {argument(parsed.scaleD)};
  for (unsigned operand : parsed.immediates)
    immediates.push_back(argument(operand));
  typesOk = typesOk && descA && descB && descA->getType()->isIntegerTy(64) &&
            descB->getType()->isIntegerTy(64);
  for (llvm::Value *value : immediates)
    typesOk = typesOk && value && value->getType()->isIntegerTy(32);
  if (!typesOk) {
    error = "unrecognised operand types of wgmma.mma_async in " +
            call.getFunction()->getName().str();
    return false;
  }

  llvm::IRBuilder<> b(&*call.getFunction()->getEntryBlock().begin());
  llvm::Type *accumulatorsType = llvm::ArrayType::get(f32, outputs);
  llvm::Value *accumulators = b.CreateAlloca(accumulatorsType);
  b.SetInsertPoint(&call);
  for (unsigned i = 0; i < call.arg_size(); ++i)
    if (tiedTo[i] >= 0)
      b.CreateStore(call.getArgOperand(i),
                    b.CreateConstInBoundsGEP2_32(accumulatorsType, accumulators,
                                                 0, tiedTo[i]));
  llvm::SmallVector<llvm::Value *> args = {
      b.getInt32(parsed.n), b.getInt32(parsed.halfOperands), descA, descB};
  args.append(immediates.begin(), immediates.end());
  args.push_back(accumulators);
  b.CreateCall(entry, args);
  llvm::Value *result = llvm::PoisonValue::get(resultType);
  for (unsigned i = 0; i < outputs; ++i)
    result = b.CreateInsertValue(
        result,
        b.CreateLoad(f32, b.CreateConstInBoundsGEP2_32(accumulatorsType,
                                                       accumulators, 0, i)),
        i);
  call.replaceAllUsesWith(result);
  call.eraseFromParent();
  return true;
}

} // namespace

bool attn_emu::rewriteWgmmaAsm(llvm::Module &module, std::string &error) {
  llvm::SmallVector<llvm::CallInst *> calls;
  for (llvm::Function &function : module)
    for (llvm::Instruction &instruction : llvm::instructions(function))
      if (auto *call = llvm::dyn_cast<llvm::CallInst>(&instruction))
        if (call->isInlineAsm())
          calls.push_back(call);
  if (calls.empty())
    return true;
  llvm::LLVMContext &context = module.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  llvm::Type *i64 = llvm::Type::getInt64Ty(context);
  llvm::FunctionCallee entry = module.getOrInsertFunction(
      kWgmmaEntry,
      llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                              {i32, i32, i64, i64, i32, i32, i32, i32, i32,
                               llvm::PointerType::get(context, 0)},
                              false));
  for (llvm::CallInst *call : calls) {
    ParsedWgmma parsed;
    auto *asmCallee = llvm::cast<llvm::InlineAsm>(call->getCalledOperand());
    if (!parseWgmma(asmCallee->getAsmString(), parsed, error) ||
        !replaceCall(*call, parsed, entry, error))
      return false;
  }
  return true;
}
