// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=nvvm cuda-arch=sm_80" | FileCheck %s

// The kernels are NVVM/LLVM functions for the chosen architecture; the
// host still launches them.
// CHECK: gpu.launch_func @attn_kernels::@decoder_layer_kernel
// CHECK: gpu.module @attn_kernels [#nvvm.target<O = 3, chip = "sm_80"{{.*}}>]
// CHECK: llvm.func @decoder_layer_kernel(
// CHECK-SAME: gpu.kernel
// CHECK-SAME: nvvm.kernel
// CHECK: nvvm.read.ptx.sreg.ctaid.x
// CHECK: nvvm.read.ptx.sreg.tid.x
// CHECK-NOT: gpu.func
