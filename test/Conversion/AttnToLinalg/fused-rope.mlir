// RUN: attn-opt %s --attn-convert-to-linalg --split-input-file | FileCheck %s

// Untiled attention with a fused rotation rotates all queries first (the
// same tables and product as attn.rope), then attends.
// CHECK-LABEL: func.func @attention_rope
// CHECK: math.cos
// CHECK: %[[ROTATED:.*]] = linalg.generic {{.*}} ins(%arg0, %{{.*}}, %{{.*}} : tensor<4x4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK: arith.negf
// CHECK: scf.for
// CHECK: tensor.extract_slice %[[ROTATED]]
func.func @attention_rope(%q: tensor<4x4x8xf32>, %k: tensor<4x2x8xf32>, %v: tensor<4x2x8xf32>, %p: index) -> tensor<4x4x8xf32> {
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35355339059327373 : f64, causal, rope = {theta = 1.0e+04 : f64}} : tensor<4x4x8xf32>, tensor<4x2x8xf32>, tensor<4x2x8xf32> -> tensor<4x4x8xf32>
  return %o : tensor<4x4x8xf32>
}

// -----

// A rope into a cache slot writes the rotated rows into that slot.
// CHECK-LABEL: func.func @rope_into
// CHECK-SAME: (%[[K:.*]]: tensor<?x2x8xf32>, %[[SLOT:.*]]: tensor<?x2x8xf32>
// CHECK: linalg.generic {{.*}} ins(%[[K]], %{{.*}}, %{{.*}} : tensor<?x2x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) outs(%[[SLOT]] : tensor<?x2x8xf32>)
func.func @rope_into(%k: tensor<?x2x8xf32>, %slot: tensor<?x2x8xf32>, %p: index) -> tensor<?x2x8xf32> {
  %r = attn.rope %k, %p {theta = 1.0e+04 : f64} : tensor<?x2x8xf32> into %slot : tensor<?x2x8xf32>
  return %r : tensor<?x2x8xf32>
}
