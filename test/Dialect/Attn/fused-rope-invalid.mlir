// RUN: attn-opt %s -split-input-file -verify-diagnostics

func.func @rope_without_offset(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) {
  // expected-error @+1 {{'rope' and the rope offset come together: both or neither}}
  %o = attn.attention %q, %k, %v {scale = 0.35 : f64, causal, rope = {theta = 1.0e+04 : f64}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @offset_without_rope(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) {
  // expected-error @+1 {{'rope' and the rope offset come together: both or neither}}
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_unknown_key(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) {
  // expected-error @+1 {{unknown rope parameter 'base' (expected the attributes of attn.rope)}}
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35 : f64, causal, rope = {theta = 1.0e+04 : f64, base = 2.0 : f64}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_wrong_kind(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) {
  // expected-error @+1 {{rope parameter 'theta' has the wrong kind of value: "big"}}
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35 : f64, causal, rope = {theta = "big"}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_without_theta(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) {
  // expected-error @+1 {{rope parameters need 'theta'}}
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35 : f64, causal, rope = {}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

// The rope op's own rules apply to the fused parameters.
func.func @rope_llama3_incomplete(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'llama3' requires 'high_freq_factor'}}
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35 : f64, causal, rope = {theta = 5.0e+05 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 1.0 : f64, original_max_position_embeddings = 8192 : i64}} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_odd_query_head_dim(%q: tensor<?x4x7xf32>, %k: tensor<?x2x7xf32>, %v: tensor<?x2x8xf32>, %p: index) {
  // expected-error @+1 {{head_dim must be even for the rotate-half layout, got 7}}
  %o = attn.attention %q, %k, %v rope(%p) {scale = 0.35 : f64, causal, rope = {theta = 1.0e+04 : f64}} : tensor<?x4x7xf32>, tensor<?x2x7xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_into_wrong_type(%k: tensor<?x2x8xf32>, %slot: tensor<4x2x8xf32>, %p: index) {
  // expected-error @+1 {{init type 'tensor<4x2x8xf32>' must match the input type 'tensor<?x2x8xf32>'}}
  %r = attn.rope %k, %p {theta = 1.0e+04 : f64} : tensor<?x2x8xf32> into %slot : tensor<4x2x8xf32>
  return
}
