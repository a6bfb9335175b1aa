// RUN: attn-opt %s --attn-cuda-pipeline=stop-after=kernels | FileCheck %s
// RUN: attn-opt %s --attn-cuda-pipeline="stop-after=kernels fuse-rmsnorm=false" | FileCheck %s --check-prefix=NO-NORM
// RUN: attn-opt %s --attn-cuda-pipeline="stop-after=kernels fuse-epilogues=false" | FileCheck %s --check-prefix=NO-EPILOGUES
// RUN: attn-opt %s --attn-cuda-pipeline="stop-after=kernels fuse-rmsnorm=false fuse-epilogues=false" | FileCheck %s --check-prefix=OFF

// A Llama MLP block with its norm, weights passed as arguments (so the
// contractions keep the generic mapping: the tensor-core and GEMV kernels
// are cuda-pipeline-fusion-matmul.mlir's).

// The norm is one kernel of a block per row; SiLU·mul one element-wise
// kernel; the down projection accumulates straight into the residual %h,
// so no fill before it and no add after it.
// CHECK-LABEL: func.func @mlp(
// CHECK-SAME: %[[H:[^:]*]]: memref<?x512xf32
// CHECK: gpu.launch_func @attn_kernels::@[[NORM:mlp_kernel]] blocks in (%{{.*}}, %c1, %c1) threads in (%c256, %c1, %c1) args(%[[H]] : {{.*}}, %{{.*}} : {{.*}}, %[[Y:.*]] : memref<?x512xf32>)
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} args({{.*}}%[[G:[^ ]*]] : memref<?x1024xf32>)
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} args({{.*}}%[[Y]] : {{.*}}%[[G]] : memref<?x1024xf32>)
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} args({{.*}}%[[U:[^ ]*]] : memref<?x1024xf32>)
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} args({{.*}}%[[Y]] : {{.*}}%[[U]] : memref<?x1024xf32>)
// CHECK: gpu.launch_func @attn_kernels::@[[SILU_MUL:mlp_kernel_[0-9]+]] {{.*}} args(%{{.*}}, %{{.*}}, %[[G]] : memref<?x1024xf32>, %[[U]] : memref<?x1024xf32>, %[[GU:.*]] : memref<?x1024xf32>)
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} args({{.*}}%[[GU]] : {{.*}}, %[[H]] : memref<?x512xf32, strided<[?, ?], offset: ?>>)
// CHECK-NOT: gpu.launch_func
// CHECK: return %{{.*}} : memref<?x512xf32, strided<[?, ?], offset: ?>>

// The norm's kernel: 8 warps' sums through a workgroup buffer of 8 floats.
// CHECK: gpu.func @[[NORM]](
// CHECK-SAME: workgroup(%[[PARTIAL:.*]] : memref<8xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[PARTIAL]]
// CHECK: gpu.barrier
// CHECK: math.rsqrt
// CHECK: gpu.return
// SiLU and the product in one kernel: x / (1 + exp(-x)) times u.
// CHECK: gpu.func @[[SILU_MUL]](
// CHECK: %[[GI:.*]] = memref.load
// CHECK: %[[UI:.*]] = memref.load
// CHECK: %[[NEG:.*]] = arith.negf %[[GI]]
// CHECK: math.exp %[[NEG]]
// CHECK: %[[SILU:.*]] = arith.divf %[[GI]],
// CHECK: %[[PROD:.*]] = arith.mulf %[[SILU]], %[[UI]]
// CHECK: memref.store %[[PROD]]
// CHECK: gpu.return
func.func @mlp(%h: tensor<?x512xf32>, %ln: tensor<512xf32>, %wg: tensor<1024x512xf32>, %wu: tensor<1024x512xf32>, %wd: tensor<512x1024xf32>) -> tensor<?x512xf32> {
  %y = attn.rms_norm %h, %ln {epsilon = 1.0e-05 : f64} : tensor<?x512xf32>, tensor<512xf32>
  %g = attn.linear %y, %wg : (tensor<?x512xf32>, tensor<1024x512xf32>) -> tensor<?x1024xf32>
  %u = attn.linear %y, %wu : (tensor<?x512xf32>, tensor<1024x512xf32>) -> tensor<?x1024xf32>
  %s = attn.silu %g : tensor<?x1024xf32>
  %gu = attn.mul %s, %u : tensor<?x1024xf32>
  %d = attn.linear %gu, %wd : (tensor<?x1024xf32>, tensor<512x1024xf32>) -> tensor<?x512xf32>
  %h2 = attn.add %h, %d : tensor<?x512xf32>
  return %h2 : tensor<?x512xf32>
}

// Without --attn-gpu-rmsnorm the norm is the generic lowering's three
// kernels again (a zero fill, a sum per row in one thread, then the
// normalised elements), with no
// shuffles, barriers or workgroup memory anywhere; the epilogue fusions
// still apply.
// NO-NORM-LABEL: func.func @mlp(
// NO-NORM-COUNT-9: gpu.launch_func
// NO-NORM-NOT: gpu.launch_func
// NO-NORM: return
// NO-NORM-NOT: gpu.shuffle
// NO-NORM-NOT: gpu.barrier
// NO-NORM-NOT: workgroup(

// Without --attn-fuse-epilogues: SiLU and the product are two kernels, the
// down projection starts from a zero fill, and the residual add is a
// kernel of its own.
// NO-EPILOGUES-LABEL: func.func @mlp(
// NO-EPILOGUES-COUNT-10: gpu.launch_func
// NO-EPILOGUES-NOT: gpu.launch_func
// NO-EPILOGUES: return

// Both off: the pipeline as it was, 12 kernels where the default has 7.
// OFF-LABEL: func.func @mlp(
// OFF-COUNT-12: gpu.launch_func
// OFF-NOT: gpu.launch_func
// OFF: return
