// RUN: attn-opt %s --split-input-file --attn-cpu-pipeline=stop-after=linalg | FileCheck %s --check-prefix=LINALG
// RUN: attn-opt %s --split-input-file --attn-cpu-pipeline=stop-after=bufferized | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-cpu-pipeline="stop-after=bufferized fuse-epilogues=false" | FileCheck %s --check-prefix=OFF

// Two residual adds in a row on panel matmuls (--attn-pack-weights), as in a
// decoder layer. The first residual is the argument, whose buffer has a
// dynamic layout: viewed as [rows, 2, 64] panels and collapsed back it
// would need a copy, so that add stays. The second residual is the first
// add's own fresh buffer: the second contraction starts from it viewed as
// panels, with no fill, no add, no allocation and no copy of its own. (Had
// the second matmul read %h itself it would read what it writes, and the
// add would stay.)
// LINALG-LABEL: func.func @two_residuals
// LINALG: linalg.fill
// LINALG: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// LINALG: %[[H:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// LINALG: arith.addf
// LINALG: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// LINALG: %[[V:.*]] = tensor.expand_shape %[[H]] {{\[}}[0], [1, 2]]
// LINALG-NOT: linalg.fill
// LINALG: %[[Z:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// LINALG-SAME: outs(%[[V]] : tensor<?x2x64xf32>)
// LINALG: %[[S:.*]] = tensor.collapse_shape %[[Z]]
// LINALG-NEXT: return %[[S]]
// CHECK-LABEL: func.func @two_residuals
// CHECK-COUNT-3: memref.alloc
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: return
// OFF-LABEL: func.func @two_residuals
// OFF-COUNT-5: memref.alloc
module attributes {attn.config = {num_hidden_layers = 1 : i64}} {
func.func @two_residuals(%r: tensor<?x128xf32>, %x: tensor<?x32xf32>, %layer: index) -> tensor<?x128xf32> {
  %w = attn.weight "model.layers.{layer}.w"[%layer] : tensor<128x32xf32>
  %y = attn.linear %x, %w : (tensor<?x32xf32>, tensor<128x32xf32>) -> tensor<?x128xf32>
  %h = attn.add %r, %y : tensor<?x128xf32>
  %w2 = attn.weight "model.layers.{layer}.w2"[%layer] : tensor<128x128xf32>
  %a = attn.silu %h : tensor<?x128xf32>
  %z = attn.linear %a, %w2 : (tensor<?x128xf32>, tensor<128x128xf32>) -> tensor<?x128xf32>
  %s = attn.add %h, %z : tensor<?x128xf32>
  return %s : tensor<?x128xf32>
}
}
