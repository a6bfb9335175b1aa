// RUN: attn-opt %s --attn-tile-attention --split-input-file | FileCheck %s

// A fused rotation of the queries: the cos/sin tables are built once, before
// the heads, and each block of queries is rotated as it is sliced; the
// scores read the rotated block.
// CHECK-LABEL: func.func @rope_on_load
// CHECK-SAME: %[[P:[^:]*]]: index)
// CHECK: %[[TABLES:.*]]:2 = linalg.generic
// CHECK: arith.addi %[[P]]
// CHECK: math.cos
// CHECK: math.sin
// CHECK: scf.forall
// CHECK: scf.for %[[FIRST:.*]] = %{{.*}} step %c64
// CHECK: %[[Q:.*]] = tensor.extract_slice %arg0[%[[FIRST]], %{{.*}}, 0]
// CHECK: %[[COS:.*]] = tensor.extract_slice %[[TABLES]]#0[%[[FIRST]], 0]
// CHECK: %[[SIN:.*]] = tensor.extract_slice %[[TABLES]]#1[%[[FIRST]], 0]
// CHECK: %[[ROTATED:.*]] = linalg.generic {{.*}} ins(%[[Q]], %[[COS]], %[[SIN]] :
// CHECK: tensor.extract %[[Q]]
// CHECK: arith.negf
// CHECK: scf.for
// CHECK: linalg.generic {{.*}} ins(%[[ROTATED]], %{{.*}} : tensor<?x8xf32>, tensor<?x8xf32>)
func.func @rope_on_load(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35355339059327373 : f64, causal, rope = {theta = 1.0e+04 : f64}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// Dynamic NTK scaling: theta from offset + seq, computed before the heads.
// CHECK-LABEL: func.func @rope_dynamic
// CHECK: math.powf {{.*}} : f64
// CHECK: linalg.generic
// CHECK: math.powf {{.*}} : f32
// CHECK: math.cos
// CHECK: scf.forall
func.func @rope_dynamic(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35355339059327373 : f64, causal, rope = {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, factor = 2.0 : f64, max_position_embeddings = 16 : i64}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// Without a rotation no tables are built.
// CHECK-LABEL: func.func @no_rope
// CHECK-NOT: math.cos
// CHECK: scf.forall
func.func @no_rope(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}
