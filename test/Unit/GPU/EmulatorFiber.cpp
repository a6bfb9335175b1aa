//===- EmulatorFiber.cpp - Cooperative threads for the emulator -----------===//

#include "EmulatorFiber.h"

#include <cstdint>

#if !defined(__x86_64__)
#error "the emulator's fibers are written for x86-64"
#endif

// attn_emu_switch(void **save, void *resume): pushes the callee-saved
// registers (rbp, rbx, r12-r15), saves the stack pointer in *save, and pops
// the same from `resume`'s stack. The SSE and x87 control words, also
// callee-saved, are left alone: nothing in the tests changes them, and
// saving them would double the cost of a switch.
asm(R"(
  .text
  .p2align 4
  .type attn_emu_switch,@function
attn_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size attn_emu_switch, .-attn_emu_switch
)");

extern "C" void attn_emu_switch(void **save, void *resume);

namespace attn_emu {

void prepareFiber(Fiber &fiber, char *stack, size_t bytes, void (*entry)()) {
  // What attn_emu_switch pops, from the lowest address: six registers, the
  // address `ret` jumps to, then a null return address for `entry`, which
  // thus starts with the stack aligned as after a call.
  auto top = reinterpret_cast<uintptr_t>(stack + bytes) & ~uintptr_t(15);
  auto *frame = reinterpret_cast<uint64_t *>(top) - 8;
  for (int i = 0; i < 6; ++i)
    frame[i] = 0;
  frame[6] = reinterpret_cast<uint64_t>(entry);
  frame[7] = 0;
  fiber.stackPointer = frame;
}

void switchFiber(Fiber &from, const Fiber &to) {
  attn_emu_switch(&from.stackPointer, to.stackPointer);
}

} // namespace attn_emu
