// RUN: attn-opt %s --attn-convert-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @add
// CHECK-NOT: attn.add
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.addf
func.func @add(%a: tensor<?x8xf32>, %b: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %r = attn.add %a, %b : tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @silu_mul
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @silu_mul(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %s = attn.silu %a : tensor<4xf32>
  %r = attn.mul %s, %b : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Ops of other dialects, and attn.weight, are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK: attn.weight "w" : tensor<4xf32>
// CHECK: arith.addf %{{.*}}, %{{.*}} : tensor<4xf32>
// CHECK-NOT: linalg.generic
func.func @untouched(%a: tensor<4xf32>) -> tensor<4xf32> {
  %w = attn.weight "w" : tensor<4xf32>
  %r = arith.addf %a, %w : tensor<4xf32>
  return %r : tensor<4xf32>
}
