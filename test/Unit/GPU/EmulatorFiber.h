//===- EmulatorFiber.h - Cooperative threads for the emulator ---*- C++ -*-===//
//
// The emulator switches between GPU threads at every warp collective: tens
// of thousands of switches per kernel launch. swapcontext makes a system
// call per switch (the signal mask) and costs microseconds; this switch
// saves the callee-saved registers and the stack pointer, as a function
// call would, and costs nanoseconds. x86-64 System V only.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATORFIBER_H
#define ATTN_TEST_UNIT_GPU_EMULATORFIBER_H

#include <cstddef>

namespace attn_emu {

/// A suspended fiber: its saved stack pointer.
struct Fiber {
  void *stackPointer = nullptr;
};

/// Makes `fiber` run `entry` on `stack` (of `bytes`) when first resumed.
/// `entry` must never return: it ends by switching away for good.
void prepareFiber(Fiber &fiber, char *stack, size_t bytes, void (*entry)());

/// Suspends the caller into `from` and resumes `to`.
void switchFiber(Fiber &from, const Fiber &to);

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATORFIBER_H
