//===- EmulatorKernels.cpp - The CUDA kernels, compiled for the host ------===//

#include "EmulatorKernels.h"
#include "EmulatorWgmmaRewrite.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <dlfcn.h>

using namespace attn_emu;

namespace {

/// A shared-memory global, renamed, and where it lies in the arena.
struct SharedSlot {
  std::string name;
  size_t offset, bytes;
};

/// What the rewrite of one kernel module found.
struct Rewritten {
  std::vector<std::string> kernels;
  std::vector<SharedSlot> shared;
  /// The arena's length: every shared global, one after another.
  size_t sharedBytes = 0;
};

/// What a wgmma descriptor's 14-bit start address (in 16-byte units)
/// reaches: the arena is aligned to this, so that the address is an offset
/// into it.
constexpr size_t kDescriptorReach = size_t(1) << 18;

/// `llvm.nvvm.a.b` -> `attn_emu_a_b`; `__nv_f` -> `attn_emu_libdevice_f`.
std::string emulatorName(llvm::StringRef name) {
  std::string renamed =
      name.consume_front("__nv_") ? "attn_emu_libdevice_" : "attn_emu_";
  name.consume_front("llvm.nvvm.");
  for (char c : name)
    renamed += c == '.' ? '_' : c;
  return renamed;
}

/// A function of `intrinsic`'s type that passes the fragments to
/// attn_emu_mma_m16n8k16 as i32 and returns D from memory: an LLVM IR
/// struct return is not the C ABI of any C function.
llvm::Function *mmaShim(llvm::Function &intrinsic, std::string &error) {
  llvm::LLVMContext &context = intrinsic.getContext();
  llvm::FunctionType *type = intrinsic.getFunctionType();
  llvm::Type *f32 = llvm::Type::getFloatTy(context);
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  auto *result = llvm::dyn_cast<llvm::StructType>(type->getReturnType());
  bool fits =
      result && result->getNumElements() == 4 && type->getNumParams() == 10;
  for (unsigned i = 0; fits && i < 4; ++i)
    fits = result->getElementType(i) == f32 && type->getParamType(6 + i) == f32;
  // bf16 pairs come as i32 (the name says bf16), f16 pairs as <2 x half>.
  llvm::Type *operand = type->getNumParams() ? type->getParamType(0) : f32;
  auto *vector = llvm::dyn_cast<llvm::FixedVectorType>(operand);
  bool half = vector && vector->getNumElements() == 2 &&
              vector->getElementType()->isHalfTy();
  llvm::StringRef name = intrinsic.getName();
  bool bf16 = operand == i32 && name.ends_with(".bf16");
  for (unsigned i = 0; fits && i < 6; ++i)
    fits = type->getParamType(i) == operand;
  if (!fits || !(half || bf16)) {
    error = "the emulator has no " + name.str() +
            " (only m16n8k16 row.col with bf16 or f16 operands and f32 "
            "accumulators)";
    return nullptr;
  }
  llvm::Module &module = *intrinsic.getParent();
  llvm::Type *ptr = llvm::PointerType::get(context, 0);
  llvm::SmallVector<llvm::Type *> calleeParams(1, i32);
  calleeParams.append(6, i32);
  calleeParams.append(4, f32);
  calleeParams.push_back(ptr);
  llvm::FunctionCallee callee = module.getOrInsertFunction(
      "attn_emu_mma_m16n8k16",
      llvm::FunctionType::get(llvm::Type::getVoidTy(context), calleeParams,
                              false));
  auto *shim =
      llvm::Function::Create(type, llvm::Function::InternalLinkage,
                             "attn_emu_shim_" + emulatorName(name), module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", shim));
  llvm::Type *dType = llvm::ArrayType::get(f32, 4);
  llvm::Value *d = b.CreateAlloca(dType);
  llvm::SmallVector<llvm::Value *> args = {b.getInt32(half)};
  for (unsigned i = 0; i < 6; ++i)
    args.push_back(b.CreateBitCast(shim->getArg(i), i32));
  for (unsigned i = 6; i < 10; ++i)
    args.push_back(shim->getArg(i));
  args.push_back(d);
  b.CreateCall(callee, args);
  llvm::Value *value = llvm::PoisonValue::get(result);
  for (unsigned i = 0; i < 4; ++i)
    value = b.CreateInsertValue(
        value, b.CreateLoad(f32, b.CreateConstInBoundsGEP2_32(dType, d, 0, i)),
        i);
  b.CreateRet(value);
  return shim;
}

/// `void <kernel>_emu(ptr params)`: loads argument i from params[i].
void addLaunchWrapper(llvm::Function &kernel) {
  llvm::LLVMContext &context = kernel.getContext();
  llvm::Type *ptr = llvm::PointerType::get(context, 0);
  auto *wrapper = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptr}, false),
      llvm::Function::ExternalLinkage, kernel.getName() + "_emu",
      kernel.getParent());
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", wrapper));
  llvm::SmallVector<llvm::Value *> args;
  for (llvm::Argument &arg : kernel.args()) {
    llvm::Value *slot =
        b.CreateConstInBoundsGEP1_64(ptr, wrapper->getArg(0), arg.getArgNo());
    args.push_back(b.CreateLoad(arg.getType(), b.CreateLoad(ptr, slot)));
  }
  b.CreateCall(&kernel, args);
  b.CreateRetVoid();
}

/// Adds `function` and every function it calls, directly or not, to
/// `reached`.
void addCallees(llvm::Function &function,
                llvm::SmallPtrSetImpl<llvm::Function *> &reached) {
  if (!reached.insert(&function).second)
    return;
  for (llvm::Instruction &instruction : llvm::instructions(function))
    if (auto *call = llvm::dyn_cast<llvm::CallBase>(&instruction))
      if (llvm::Function *callee = call->getCalledFunction())
        addCallees(*callee, reached);
}

/// The functions of the kernels that issue wgmma.mma_async (after
/// rewriteWgmmaAsm): those kernels and all they call.
llvm::SmallPtrSet<llvm::Function *, 16> wgmmaFunctions(llvm::Module &module) {
  llvm::SmallPtrSet<llvm::Function *, 16> functions;
  for (llvm::Function &kernel : module) {
    if (kernel.getCallingConv() != llvm::CallingConv::PTX_Kernel)
      continue;
    llvm::SmallPtrSet<llvm::Function *, 16> reached;
    addCallees(kernel, reached);
    if (llvm::any_of(reached, [](llvm::Function *function) {
          return function->getName() == kWgmmaEntry;
        }))
      functions.insert(reached.begin(), reached.end());
  }
  return functions;
}

/// Whether an instruction of `functions` uses `value`, directly or through
/// constant expressions.
bool usedIn(const llvm::Value &value,
            const llvm::SmallPtrSetImpl<llvm::Function *> &functions) {
  for (const llvm::User *user : value.users()) {
    if (auto *instruction = llvm::dyn_cast<llvm::Instruction>(user)) {
      if (functions.contains(instruction->getFunction()))
        return true;
    } else if (llvm::isa<llvm::Constant>(user) && usedIn(*user, functions)) {
      return true;
    }
  }
  return false;
}

/// Gives each shared-memory global its offset in one arena and makes it an
/// external declaration, which EmulatedKernels::create binds to the
/// arena. The buffers of the kernels that issue wgmma.mma_async come first:
/// a descriptor reaches only the arena's first 256 KiB (the GPU's shared
/// memory is smaller still, but the arena holds every kernel's buffers).
bool placeSharedGlobals(llvm::Module &module, Rewritten &found,
                        std::string &error) {
  llvm::SmallPtrSet<llvm::Function *, 16> wgmma = wgmmaFunctions(module);
  std::vector<llvm::GlobalVariable *> shared, others;
  for (llvm::GlobalVariable &global : module.globals())
    if (global.getAddressSpace() == 3)
      (usedIn(global, wgmma) ? shared : others).push_back(&global);
  size_t wgmmaGlobals = shared.size();
  shared.insert(shared.end(), others.begin(), others.end());
  const llvm::DataLayout &layout = module.getDataLayout();
  size_t wgmmaBytes = 0;
  for (size_t i = 0; i < shared.size(); ++i) {
    llvm::GlobalVariable &global = *shared[i];
    llvm::Type *type = global.getValueType();
    size_t bytes = layout.getTypeAllocSize(type);
    size_t offset =
        llvm::alignTo(found.sharedBytes,
                      global.getAlign().value_or(layout.getABITypeAlign(type)));
    std::string name = "attn_emu_shared_" +
                       std::to_string(found.shared.size()) + "_" +
                       global.getName().str();
    found.shared.push_back({name, offset, bytes});
    found.sharedBytes = offset + bytes;
    if (i < wgmmaGlobals)
      wgmmaBytes = found.sharedBytes;
    // Shared memory has no initial value: the launch fills it per block.
    auto *declaration = new llvm::GlobalVariable(
        module, type, false, llvm::GlobalValue::ExternalLinkage, nullptr, name);
    declaration->setAlignment(global.getAlign());
    global.replaceAllUsesWith(
        llvm::ConstantExpr::getAddrSpaceCast(declaration, global.getType()));
    global.eraseFromParent();
  }
  if (wgmmaBytes > kDescriptorReach) {
    error = "the shared memory of the kernels that issue wgmma.mma_async "
            "takes " +
            std::to_string(wgmmaBytes) +
            " bytes, more than a matrix descriptor reaches (" +
            std::to_string(kDescriptorReach) + ")";
    return false;
  }
  return true;
}

/// Rewrites the kernel module `module` for the host (see the file comment).
bool rewriteForHost(llvm::Module &module, Rewritten &found,
                    std::string &error) {
  if (!rewriteWgmmaAsm(module, error) ||
      !placeSharedGlobals(module, found, error))
    return false;
  // Globals in the GPU's other address spaces become plain globals, reached
  // through an addrspacecast, which is a no-op on x86-64.
  int moved = 0;
  for (llvm::GlobalVariable &global :
       llvm::make_early_inc_range(module.globals())) {
    unsigned space = global.getAddressSpace();
    if (space == 0)
      continue;
    llvm::Type *type = global.getValueType();
    llvm::Constant *init =
        global.hasInitializer() &&
                !llvm::isa<llvm::UndefValue>(global.getInitializer())
            ? global.getInitializer()
            : llvm::Constant::getNullValue(type);
    std::string name = "attn_emu_global_" + std::to_string(moved++) + "_" +
                       global.getName().str();
    auto *replacement = new llvm::GlobalVariable(
        module, type, global.isConstant(), llvm::GlobalValue::ExternalLinkage,
        init, name);
    replacement->setAlignment(global.getAlign());
    global.replaceAllUsesWith(
        llvm::ConstantExpr::getAddrSpaceCast(replacement, global.getType()));
    global.eraseFromParent();
  }
  for (llvm::Function &function : llvm::make_early_inc_range(module)) {
    llvm::StringRef name = function.getName();
    if (!function.isDeclaration()) {
      function.removeFnAttr("target-cpu");
      function.removeFnAttr("target-features");
      if (function.getCallingConv() == llvm::CallingConv::PTX_Kernel) {
        function.setCallingConv(llvm::CallingConv::C);
        found.kernels.push_back(name.str());
      }
      continue;
    }
    llvm::Function *replacement = nullptr;
    if (name.starts_with("llvm.nvvm.mma.")) {
      replacement = mmaShim(function, error);
      if (!replacement)
        return false;
    } else if (name.starts_with("llvm.nvvm.") || name.starts_with("__nv_")) {
      replacement = llvm::Function::Create(function.getFunctionType(),
                                           llvm::Function::ExternalLinkage,
                                           emulatorName(name), module);
    } else {
      continue;
    }
    // Checked here, where the error can name what the kernel called; the
    // JIT would only report the symbol missing.
    if (replacement->isDeclaration() &&
        !dlsym(RTLD_DEFAULT, replacement->getName().str().c_str())) {
      error = "the kernels call " + name.str() +
              ", which the emulator does not provide (no " +
              replacement->getName().str() + " in the test executable)";
      return false;
    }
    function.replaceAllUsesWith(replacement);
    function.eraseFromParent();
  }
  for (const std::string &kernel : found.kernels)
    addLaunchWrapper(*module.getFunction(kernel));
  if (llvm::NamedMDNode *annotations =
          module.getNamedMetadata("nvvm.annotations"))
    module.eraseNamedMetadata(annotations);
  llvm::raw_string_ostream os(error);
  if (llvm::verifyModule(module, &os))
    return false;
  return true;
}

/// The error of `value`, as text.
template <typename T> std::string message(llvm::Expected<T> &value) {
  return llvm::toString(value.takeError());
}

} // namespace

EmulatedKernels::~EmulatedKernels() = default;

std::unique_ptr<EmulatedKernels> EmulatedKernels::create(mlir::ModuleOp module,
                                                         std::string &error) {
  llvm::SmallVector<mlir::gpu::GPUModuleOp> gpuModules(
      module.getOps<mlir::gpu::GPUModuleOp>());
  if (gpuModules.size() != 1) {
    error = "expected one gpu.module at the NVVM phase, found " +
            std::to_string(gpuModules.size());
    return nullptr;
  }
  // The kernels alone, as a module the LLVM IR translation accepts.
  mlir::OwningOpRef<mlir::ModuleOp> kernels =
      mlir::ModuleOp::create(gpuModules.front().getLoc());
  mlir::OpBuilder builder = mlir::OpBuilder::atBlockEnd(kernels->getBody());
  for (mlir::Operation &op : gpuModules.front().getBody()->getOperations())
    if (!op.hasTrait<mlir::OpTrait::IsTerminator>())
      builder.clone(op);

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) {
    error = "cannot create the JIT: " + message(jit);
    return nullptr;
  }
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(*kernels, *context, "attn_emu_kernels");
  if (!llvmModule) {
    error = "the kernels do not translate to LLVM IR";
    return nullptr;
  }
  llvmModule->setDataLayout((*jit)->getDataLayout());
  llvmModule->setTargetTriple((*jit)->getTargetTriple());
  Rewritten found;
  if (!rewriteForHost(*llvmModule, found, error))
    return nullptr;

  // The emulator's functions and host math come from the test executable
  // (linked with its symbols exported) and libc.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process) {
    error = "cannot search the process for symbols: " + message(process);
    return nullptr;
  }
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  // The runtime routines x86 code generation may call that the process
  // lacks, under their compiler-rt names.
  llvm::orc::SymbolMap runtime;
  if (void *address = dlsym(RTLD_DEFAULT, "attn_emu_truncsfbf2"))
    runtime[(*jit)->mangleAndIntern("__truncsfbf2")] = {
        llvm::orc::ExecutorAddr::fromPtr(address),
        llvm::JITSymbolFlags::Exported};
  // Shared memory is one arena, aligned so that a wgmma descriptor's start
  // address is an offset into it.
  std::unique_ptr<EmulatedKernels> result(new EmulatedKernels());
  if (found.sharedBytes) {
    result->arena.reset(static_cast<char *>(std::aligned_alloc(
        kDescriptorReach, llvm::alignTo(found.sharedBytes, kDescriptorReach))));
    if (!result->arena) {
      error = "cannot allocate " + std::to_string(found.sharedBytes) +
              " bytes of shared memory";
      return nullptr;
    }
  }
  for (const SharedSlot &slot : found.shared) {
    char *data = result->arena.get() + slot.offset;
    runtime[(*jit)->mangleAndIntern(slot.name)] = {
        llvm::orc::ExecutorAddr::fromPtr(data), llvm::JITSymbolFlags::Exported};
    result->module.shared.push_back({data, slot.bytes});
  }
  result->module.sharedArena = result->arena.get();
  result->module.sharedArenaBytes = found.sharedBytes;
  if (llvm::Error defined = (*jit)->getMainJITDylib().define(
          llvm::orc::absoluteSymbols(std::move(runtime)))) {
    error = "cannot define the runtime routines: " +
            llvm::toString(std::move(defined));
    return nullptr;
  }
  if (llvm::Error added = (*jit)->addIRModule(llvm::orc::ThreadSafeModule(
          std::move(llvmModule),
          llvm::orc::ThreadSafeContext(std::move(context))))) {
    error = "the JIT rejects the kernels: " + llvm::toString(std::move(added));
    return nullptr;
  }
  for (const std::string &kernel : found.kernels) {
    auto address = (*jit)->lookup(kernel + "_emu");
    if (!address) {
      error = "kernel " + kernel +
              " does not compile for the host: " + message(address);
      return nullptr;
    }
    result->module.kernels[kernel] = address->toPtr<KernelEntry>();
  }
  result->jit = std::move(*jit);
  return result;
}
