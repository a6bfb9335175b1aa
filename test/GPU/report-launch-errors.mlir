// RUN: attn-opt %s --split-input-file --attn-cuda-report-launch-errors | FileCheck %s

// The entry points return the first CUDA error of the call instead of 0.
// CHECK-LABEL: func.func @attn_prefill(
// CHECK: %[[STATUS:.*]] = call @attn_cuda_take_error() : () -> i32
// CHECK: return %[[STATUS]] : i32
// CHECK-LABEL: func.func @attn_logits(
// CHECK: %[[STATUS:.*]] = call @attn_cuda_take_error() : () -> i32
// CHECK: return %[[STATUS]] : i32
// CHECK: func.func private @attn_cuda_take_error() -> i32
module {
  func.func @attn_prefill(%call: !llvm.ptr) -> i32 {
    %ok = arith.constant 0 : i32
    return %ok : i32
  }
  func.func @attn_logits(%call: !llvm.ptr) -> i32 {
    %ok = arith.constant 0 : i32
    return %ok : i32
  }
}

// -----

// Other functions, and modules without the entry points, are left alone.
// CHECK-LABEL: func.func @helper(
// CHECK: return %{{.*}} : i32
// CHECK-NOT: attn_cuda_take_error
module {
  func.func @helper() -> i32 {
    %ok = arith.constant 0 : i32
    return %ok : i32
  }
}
