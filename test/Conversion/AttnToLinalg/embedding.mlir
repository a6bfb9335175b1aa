// RUN: attn-opt %s --attn-convert-to-linalg --split-input-file | FileCheck %s

// A gather: the ids index the rows, tensor.extract reads the table.
// CHECK-LABEL: func.func @embedding
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?xi32>
// CHECK: tensor.empty(%[[N]]) : tensor<?x16xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<?xi32>)
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: linalg.index 1
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<32x16xf32>
func.func @embedding(%table: tensor<32x16xf32>, %ids: tensor<?xi32>) -> tensor<?x16xf32> {
  %e = attn.embedding %table[%ids] : tensor<32x16xf32>, tensor<?xi32> -> tensor<?x16xf32>
  return %e : tensor<?x16xf32>
}

// -----

// A bf16 table: each row element is widened as it is read.
// CHECK-LABEL: func.func @embedding_bf16_table
// CHECK: %[[E:.*]] = tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<32x16xbf16>
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[E]] : bf16 to f32
// CHECK-NEXT: linalg.yield %[[W]] : f32
func.func @embedding_bf16_table(%table: tensor<32x16xbf16>, %ids: tensor<?xi32>) -> tensor<?x16xf32> {
  %e = attn.embedding %table[%ids] : tensor<32x16xbf16>, tensor<?xi32> -> tensor<?x16xf32>
  return %e : tensor<?x16xf32>
}
