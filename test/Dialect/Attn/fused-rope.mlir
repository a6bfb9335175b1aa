// RUN: attn-opt %s | attn-opt | FileCheck %s

// The fused forms of attn.rope round-trip: queries rotated inside attention,
// keys rotated into a cache slot.

// CHECK-LABEL: func @attention_rope
func.func @attention_rope(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  // CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} rope(%{{.*}}) {causal, rope = {factor = 2.000000e+00 : f64, scaling = #attn<rope_scaling linear>, theta = 1.000000e+04 : f64}, scale = 3.500000e-01 : f64}
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35 : f64, causal, rope = {scaling = #attn<rope_scaling linear>, factor = 2.0 : f64, theta = 1.0e+04 : f64}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// CHECK-LABEL: func @rope_into
func.func @rope_into(%k: tensor<?x2x8xf32>, %slot: tensor<?x2x8xf32>, %p: index) -> tensor<?x2x8xf32> {
  // CHECK: attn.rope %{{.*}}, %{{.*}} {theta = 1.000000e+04 : f64} : tensor<?x2x8xf32> into %{{.*}} : tensor<?x2x8xf32>
  %r = attn.rope %k, %p {theta = 1.0e+04 : f64} : tensor<?x2x8xf32> into %slot : tensor<?x2x8xf32>
  return %r : tensor<?x2x8xf32>
}
