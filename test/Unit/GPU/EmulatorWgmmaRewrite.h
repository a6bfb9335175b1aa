//===- EmulatorWgmmaRewrite.h - wgmma's inline PTX, for the host -*- C++ -*-=//
//
// convert-nvvm-to-llvm lowers nvvm.wgmma.mma_async to inline PTX, not to an
// intrinsic:
//
//   {
//   .reg .pred p;
//   setp.ne.b32 p, $10, 0;
//   wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 {$0, $1, $2, $3},
//       $8, $9, p, $11, $12, $13, $14;
//   }
//
// with constraints "=f,...,0,1,2,3,l,l,n,n,n,n,n": the accumulators out and
// tied in, the two descriptors, then scale-d, imm-scale-a, imm-scale-b,
// imm-trans-a, imm-trans-b. The x86 JIT cannot assemble that, so each such
// call becomes a call of the emulator's attn_emu_wgmma_mma_async with the
// accumulators passed through memory; any other inline assembly is an
// error, since it would be PTX the emulator does not run.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATORWGMMAREWRITE_H
#define ATTN_TEST_UNIT_GPU_EMULATORWGMMAREWRITE_H

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace attn_emu {

/// The emulator's entry point the rewritten calls go to.
constexpr const char *kWgmmaEntry = "attn_emu_wgmma_mma_async";

/// Rewrites the inline assembly of `module` (see the file comment). False
/// with `error` set, naming the instruction, for inline assembly that is
/// not a wgmma.mma_async or a wgmma.mma_async of a form the emulator does
/// not run (only m64nNk16 with f32 accumulators and bf16 or f16 operands,
/// both through descriptors).
bool rewriteWgmmaAsm(llvm::Module &module, std::string &error);

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATORWGMMAREWRITE_H
