// RUN: attn-opt %s --attn-convert-to-linalg --split-input-file | FileCheck %s

// x . W^T: loops (row, out, in), W read as [out, in].
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear
// CHECK: linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-NOT: linalg.generic
func.func @linear(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>) -> tensor<?x8xf32> {
  %r = attn.linear %x, %w : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// The bias is added after the sum, in place on the product.
// CHECK-LABEL: func.func @linear_bias
// CHECK: %[[MM:.*]] = linalg.generic {{.*}}"reduction"
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<8xf32>) outs(%[[MM]] : tensor<?x8xf32>)
// CHECK: arith.addf
func.func @linear_bias(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %r = attn.linear %x, %w bias %b : (tensor<?x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// A bf16 weight is widened inside the contraction's body: read narrow.
// CHECK-LABEL: func.func @linear_bf16_weight
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<8x16xbf16>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[W:.*]]: bf16, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[WIDE:.*]] = arith.extf %[[W]] : bf16 to f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[WIDE]] : f32
// CHECK-NEXT: arith.addf %[[ACC]], %[[P]] : f32
func.func @linear_bf16_weight(%x: tensor<?x16xf32>, %w: tensor<8x16xbf16>) -> tensor<?x8xf32> {
  %r = attn.linear %x, %w : (tensor<?x16xf32>, tensor<8x16xbf16>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}
