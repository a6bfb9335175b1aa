// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline | FileCheck %s

// Host code in the LLVM dialect: buffers from the managed allocator of the
// launch functions, launches of the embedded PTX for sm_90 (as sm_90a, for
// wgmma), the entry points returning the call's CUDA status.
// CHECK-NOT: func.func
// CHECK: llvm.call @_mlir_memref_to_llvm_alloc
// CHECK: gpu.launch_func @attn_kernels::@decoder_layer_kernel
// CHECK: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a"{{.*}}>, properties = {{.*}}, assembly = "
// CHECK-SAME: .target sm_90a
// CHECK-SAME: .visible .entry decoder_layer_kernel(
// CHECK: llvm.func @attn_prefill(
// CHECK: %[[STATUS:.*]] = llvm.call @attn_cuda_take_error() : () -> i32
// CHECK: llvm.return %[[STATUS]] : i32
// CHECK-NOT: gpu.module
