// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-gpu-check-shared-memory=chip=sm_80

// 180 KiB dynamic: within sm_90's 227 KiB (see the next case) but over
// sm_80's 163 KiB.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    // expected-error @+1 {{kernel 'big_dynamic' needs 184320 bytes of shared memory per block (0 static, 184320 dynamic); sm_80 allows at most 166912 bytes (163 KiB)}}
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
