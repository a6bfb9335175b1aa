// RUN: attn-opt %s | attn-opt | FileCheck %s

// CHECK-LABEL: func @linear
func.func @linear(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) -> tensor<?x16xf32> {
  // CHECK: attn.linear %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}
