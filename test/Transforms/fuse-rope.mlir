// RUN: attn-opt %s --attn-fuse-rope --split-input-file | FileCheck %s

// The query rotation moves into the attention: the rope's input and offset
// become the attention's query and rope(offset), its attributes the `rope`
// dictionary.
// CHECK-LABEL: func.func @query
// CHECK-SAME: (%[[Q:.*]]: tensor<?x4x8xf32>, %[[K:.*]]: tensor<?x2x8xf32>, %[[V:.*]]: tensor<?x2x8xf32>, %[[P:.*]]: index)
// CHECK-NOT: attn.rope
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]] rope(%[[P]]) {causal, rope = {scaling = #attn<rope_scaling none>, theta = 1.000000e+04 : f64}, scale = {{.*}}}
func.func @query(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  %r = attn.rope %q, %p {theta = 1.0e+04 : f64} : tensor<?x4x8xf32>
  %o = attn.attention %r, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// Every scaling parameter travels: llama3.
// CHECK-LABEL: func.func @query_llama3
// CHECK: attn.attention {{.*}} rope(%{{.*}}) {causal, rope = {factor = 8.000000e+00 : f64, high_freq_factor = 4.000000e+00 : f64, low_freq_factor = 1.000000e+00 : f64, original_max_position_embeddings = 8192 : i64, scaling = #attn<rope_scaling llama3>, theta = 5.000000e+05 : f64}
func.func @query_llama3(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  %r = attn.rope %q, %p {theta = 5.0e+05 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 1.0 : f64, high_freq_factor = 4.0 : f64, original_max_position_embeddings = 8192 : i64} : tensor<?x4x8xf32>
  %o = attn.attention %r, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// Dynamic NTK scaling keeps max_position_embeddings; a non-causal
// attention with a sliding window-free mask fuses too, since the rotation's
// positions are its own operand and not the mask's.
// CHECK-LABEL: func.func @query_dynamic_not_causal
// CHECK: attn.attention {{.*}} rope(%{{.*}}) {rope = {factor = 2.000000e+00 : f64, max_position_embeddings = 16 : i64, scaling = #attn<rope_scaling dynamic>, theta = 1.000000e+04 : f64}
func.func @query_dynamic_not_causal(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  %r = attn.rope %q, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, factor = 2.0 : f64, max_position_embeddings = 16 : i64} : tensor<?x4x8xf32>
  %o = attn.attention %r, %k, %v {scale = 0.35355339059327373 : f64} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// The key rotation writes into the cache slot the insert replaces.
// CHECK-LABEL: func.func @key_into_cache
// CHECK-SAME: (%[[K:.*]]: tensor<?x2x8xf32>, %[[CACHE:.*]]: tensor<?x2x8xf32>, %[[P:.*]]: index, %[[N:.*]]: index)
// CHECK: %[[SLOT:.*]] = tensor.extract_slice %[[CACHE]][%[[P]], 0, 0] [%[[N]], 2, 8] [1, 1, 1]
// CHECK: %[[R:.*]] = attn.rope %[[K]], %[[P]] {theta = 1.000000e+04 : f64} : tensor<?x2x8xf32> into %[[SLOT]] : tensor<?x2x8xf32>
// CHECK: tensor.insert_slice %[[R]] into %[[CACHE]][%[[P]], 0, 0] [%[[N]], 2, 8] [1, 1, 1]
func.func @key_into_cache(%k: tensor<?x2x8xf32>, %cache: tensor<?x2x8xf32>, %p: index, %n: index) -> tensor<?x2x8xf32> {
  %r = attn.rope %k, %p {theta = 1.0e+04 : f64} : tensor<?x2x8xf32>
  %c = tensor.insert_slice %r into %cache[%p, 0, 0] [%n, 2, 8] [1, 1, 1] : tensor<?x2x8xf32> into tensor<?x2x8xf32>
  return %c : tensor<?x2x8xf32>
}

// -----

// A rotated query that something else also reads stays a rope of its own.
// CHECK-LABEL: func.func @query_other_user
// CHECK: attn.rope
// CHECK: attn.attention
// CHECK-NOT: rope(
func.func @query_other_user(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> (tensor<?x4x8xf32>, tensor<?x4x8xf32>) {
  %r = attn.rope %q, %p {theta = 1.0e+04 : f64} : tensor<?x4x8xf32>
  %o = attn.attention %r, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o, %r : tensor<?x4x8xf32>, tensor<?x4x8xf32>
}

// -----

// A rope read as the keys of attention (not through a cache) is not a query
// rotation; it is left alone.
// CHECK-LABEL: func.func @key_operand
// CHECK: %[[R:.*]] = attn.rope
// CHECK: attn.attention %{{.*}}, %[[R]], %{{.*}} {causal
func.func @key_operand(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) -> tensor<?x2x8xf32> {
  %r = attn.rope %k, %p {theta = 1.0e+04 : f64} : tensor<?x2x8xf32>
  %o = attn.attention %q, %r, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %o : tensor<?x2x8xf32>
}

// -----

// Rotated keys inserted into a cache and also read directly: no fusion.
// CHECK-LABEL: func.func @key_other_user
// CHECK: %[[R:.*]] = attn.rope %{{.*}}, %{{.*}} {theta = 1.000000e+04 : f64} : tensor<?x2x8xf32>
// CHECK-NOT: into
// CHECK: tensor.insert_slice %[[R]]
func.func @key_other_user(%k: tensor<?x2x8xf32>, %cache: tensor<?x2x8xf32>, %p: index, %n: index) -> (tensor<?x2x8xf32>, tensor<?x2x8xf32>) {
  %r = attn.rope %k, %p {theta = 1.0e+04 : f64} : tensor<?x2x8xf32>
  %c = tensor.insert_slice %r into %cache[%p, 0, 0] [%n, 2, 8] [1, 1, 1] : tensor<?x2x8xf32> into tensor<?x2x8xf32>
  return %c, %r : tensor<?x2x8xf32>, tensor<?x2x8xf32>
}

// -----

// A rope that is the destination of an insert, not its source, is not a
// write into a cache.
// CHECK-LABEL: func.func @rope_as_destination
// CHECK: %[[R:.*]] = attn.rope %{{.*}}, %{{.*}} {theta = 1.000000e+04 : f64} : tensor<?x2x8xf32>
// CHECK-NOT: into %
// CHECK: tensor.insert_slice %{{.*}} into %[[R]]
func.func @rope_as_destination(%k: tensor<?x2x8xf32>, %x: tensor<1x2x8xf32>, %p: index) -> tensor<?x2x8xf32> {
  %r = attn.rope %k, %p {theta = 1.0e+04 : f64} : tensor<?x2x8xf32>
  %c = tensor.insert_slice %x into %r[0, 0, 0] [1, 2, 8] [1, 1, 1] : tensor<1x2x8xf32> into tensor<?x2x8xf32>
  return %c : tensor<?x2x8xf32>
}
