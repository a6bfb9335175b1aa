// RUN: attn-opt %s --attn-gpu-check-shared-memory=chip=sm_90 | FileCheck %s

// The launch that sm_80 rejects (check-shared-memory-sm80.mlir) fits sm_90.
// CHECK: gpu.func @big_dynamic() kernel
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @big_dynamic() kernel {
      gpu.return
    }
  }
  func.func @host() {
    %c1 = arith.constant 1 : index
    %smem = arith.constant 184320 : i32
    gpu.launch_func @kernels::@big_dynamic blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) dynamic_shared_memory_size %smem
    return
  }
}
