// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels fuse-rmsnorm=false" | FileCheck %s

// (The RMSNorm kernels have their own tests: gpu-rmsnorm.mlir,
// cuda-pipeline-fusion.mlir; here every norm is a loop nest too.)

// Every loop nest of the model is a kernel in the one module @attn_kernels,
// launched from the host functions on 256-thread blocks; no loop nest, copy
// or linalg op is left on the host.
// CHECK-LABEL: func.func private @decoder_layer(
// CHECK-NOT: scf.parallel
// CHECK-NOT: memref.copy
// CHECK-NOT: linalg.
// CHECK: gpu.launch_func @attn_kernels::@decoder_layer_kernel blocks in (%{{.*}}, %c1, %c1) threads in (%c256, %c1, %c1)
// The attention's per-head loop stays on the host, launching kernels.
// CHECK: scf.for
// CHECK: gpu.launch_func @attn_kernels::
// CHECK: gpu.module @attn_kernels
// Each kernel: its linear thread id, a bounds guard, the loop body.
// CHECK: gpu.func @decoder_layer_kernel(
// CHECK-SAME: kernel
// CHECK: %[[BX:.*]] = gpu.block_id x
// CHECK: %[[TX:.*]] = gpu.thread_id x
// CHECK: %[[BASE:.*]] = arith.muli %[[BX]], %c256
// CHECK: %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: arith.cmpi ult, %[[ID]]
// CHECK: scf.if
// The RoPE frequencies are a global of the kernel module.
// CHECK: memref.global "private" constant @__constant_8xf32
// CHECK-NOT: gpu.module
// CHECK-LABEL: func.func @attn_prefill(
// CHECK: call @attn_cuda_take_error()
