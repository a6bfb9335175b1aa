// RUN: attn-opt %s | attn-opt | FileCheck %s
// RUN: attn-opt --mlir-print-op-generic %s | attn-opt | FileCheck %s
// RUN: attn-opt --mlir-print-op-generic %s | FileCheck %s --check-prefix=GENERIC

// Every op of the attn dialect in every optional form prints in a form that
// parses back to the same IR, from the custom and from the generic syntax.

// CHECK-LABEL: func @weight_global
// GENERIC-LABEL: sym_name = "weight_global"
func.func @weight_global() -> tensor<32x16xf32> {
  // CHECK: attn.weight "model.embed_tokens.weight" : tensor<32x16xf32>
  // GENERIC: "attn.weight"() <{name = "model.embed_tokens.weight"}> : () -> tensor<32x16xf32>
  %0 = attn.weight "model.embed_tokens.weight" : tensor<32x16xf32>
  return %0 : tensor<32x16xf32>
}

// CHECK-LABEL: func @weight_per_layer
// GENERIC-LABEL: sym_name = "weight_per_layer"
func.func @weight_per_layer(%l: index) -> tensor<16x16xbf16> {
  // CHECK: attn.weight "model.layers.{layer}.self_attn.q_proj.weight"[%{{.*}}] : tensor<16x16xbf16>
  // GENERIC: "attn.weight"(%{{.*}}) <{name = "model.layers.{layer}.self_attn.q_proj.weight"}> : (index) -> tensor<16x16xbf16>
  %0 = attn.weight "model.layers.{layer}.self_attn.q_proj.weight"[%l] : tensor<16x16xbf16>
  return %0 : tensor<16x16xbf16>
}

// CHECK-LABEL: func @embedding_i32
func.func @embedding_i32(%t: tensor<32x16xf32>, %ids: tensor<?xi32>) -> tensor<?x16xf32> {
  // CHECK: attn.embedding %{{.*}}[%{{.*}}] : tensor<32x16xf32>, tensor<?xi32> -> tensor<?x16xf32>
  %0 = attn.embedding %t[%ids] : tensor<32x16xf32>, tensor<?xi32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// A table narrower than the result, which f32 holds exactly.
// CHECK-LABEL: func @embedding_bf16_table
func.func @embedding_bf16_table(%t: tensor<32x16xbf16>, %ids: tensor<?xi32>) -> tensor<?x16xf32> {
  // CHECK: attn.embedding %{{.*}}[%{{.*}}] : tensor<32x16xbf16>, tensor<?xi32> -> tensor<?x16xf32>
  %0 = attn.embedding %t[%ids] : tensor<32x16xbf16>, tensor<?xi32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// CHECK-LABEL: func @embedding_i64_2d
func.func @embedding_i64_2d(%t: tensor<32x16xf16>, %ids: tensor<2x?xi64>) -> tensor<2x?x16xf16> {
  // CHECK: attn.embedding %{{.*}}[%{{.*}}] : tensor<32x16xf16>, tensor<2x?xi64> -> tensor<2x?x16xf16>
  %0 = attn.embedding %t[%ids] : tensor<32x16xf16>, tensor<2x?xi64> -> tensor<2x?x16xf16>
  return %0 : tensor<2x?x16xf16>
}

// CHECK-LABEL: func @embedding_index
func.func @embedding_index(%t: tensor<32x16xf32>, %ids: tensor<4xindex>) -> tensor<4x16xf32> {
  // CHECK: attn.embedding %{{.*}}[%{{.*}}] : tensor<32x16xf32>, tensor<4xindex> -> tensor<4x16xf32>
  %0 = attn.embedding %t[%ids] : tensor<32x16xf32>, tensor<4xindex> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// CHECK-LABEL: func @rms_norm
// GENERIC-LABEL: sym_name = "rms_norm"
func.func @rms_norm(%x: tensor<?x16xf32>, %w: tensor<16xf32>) -> tensor<?x16xf32> {
  // CHECK: attn.rms_norm %{{.*}}, %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<?x16xf32>, tensor<16xf32>
  // GENERIC: "attn.rms_norm"(%{{.*}}, %{{.*}}) <{epsilon = 1.000000e-05 : f64}> : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %0 = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<16xf32>
  return %0 : tensor<?x16xf32>
}

// CHECK-LABEL: func @linear_no_bias
// GENERIC-LABEL: sym_name = "linear_no_bias"
func.func @linear_no_bias(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) -> tensor<?x16xf32> {
  // CHECK: attn.linear %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  // GENERIC: "attn.linear"(%{{.*}}, %{{.*}}) : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// A weight narrower than the input, which f32 holds exactly.
// CHECK-LABEL: func @linear_bf16_weight
// GENERIC-LABEL: sym_name = "linear_bf16_weight"
func.func @linear_bf16_weight(%x: tensor<?x8xf32>, %w: tensor<16x8xbf16>) -> tensor<?x16xf32> {
  // CHECK: attn.linear %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<16x8xbf16>) -> tensor<?x16xf32>
  // GENERIC: "attn.linear"(%{{.*}}, %{{.*}}) : (tensor<?x8xf32>, tensor<16x8xbf16>) -> tensor<?x16xf32>
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xbf16>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// CHECK-LABEL: func @linear_bias
// GENERIC-LABEL: sym_name = "linear_bias"
func.func @linear_bias(%x: tensor<2x?x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>) -> tensor<2x?x16xf32> {
  // CHECK: attn.linear %{{.*}}, %{{.*}} bias %{{.*}} : (tensor<2x?x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x?x16xf32>
  // GENERIC: "attn.linear"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x?x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x?x16xf32>
  %0 = attn.linear %x, %w bias %b : (tensor<2x?x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x?x16xf32>
  return %0 : tensor<2x?x16xf32>
}

// The default scaling is `none` and is not printed.
// CHECK-LABEL: func @rope_none
// GENERIC-LABEL: sym_name = "rope_none"
func.func @rope_none(%x: tensor<?x4x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  // CHECK: attn.rope %{{.*}}, %{{.*}} {theta = 1.000000e+04 : f64} : tensor<?x4x8xf32>
  // GENERIC: "attn.rope"(%{{.*}}, %{{.*}}) <{scaling = #attn<rope_scaling none>, theta = 1.000000e+04 : f64}> : (tensor<?x4x8xf32>, index) -> tensor<?x4x8xf32>
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64} : tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// CHECK-LABEL: func @rope_linear
func.func @rope_linear(%x: tensor<?x4x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  // CHECK: attn.rope %{{.*}}, %{{.*}} {factor = 2.000000e+00 : f64, scaling = #attn<rope_scaling linear>, theta = 1.000000e+04 : f64} : tensor<?x4x8xf32>
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling linear>, factor = 2.0 : f64} : tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// CHECK-LABEL: func @rope_dynamic
func.func @rope_dynamic(%x: tensor<?x4x8xf32>, %p: index) -> tensor<?x4x8xf32> {
  // CHECK: attn.rope %{{.*}}, %{{.*}} {factor = 4.000000e+00 : f64, max_position_embeddings = 2048 : i64, scaling = #attn<rope_scaling dynamic>, theta = 1.000000e+04 : f64} : tensor<?x4x8xf32>
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, factor = 4.0 : f64, max_position_embeddings = 2048 : i64} : tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// CHECK-LABEL: func @rope_llama3
func.func @rope_llama3(%x: tensor<?x32x64xbf16>, %p: index) -> tensor<?x32x64xbf16> {
  // CHECK: attn.rope %{{.*}}, %{{.*}} {factor = 8.000000e+00 : f64, high_freq_factor = 4.000000e+00 : f64, low_freq_factor = 1.000000e+00 : f64, original_max_position_embeddings = 8192 : i64, scaling = #attn<rope_scaling llama3>, theta = 5.000000e+05 : f64} : tensor<?x32x64xbf16>
  %0 = attn.rope %x, %p {theta = 5.0e+05 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 1.0 : f64, high_freq_factor = 4.0 : f64, original_max_position_embeddings = 8192 : i64} : tensor<?x32x64xbf16>
  return %0 : tensor<?x32x64xbf16>
}

// Without `causal` every key is visible to every query (an encoder).
// CHECK-LABEL: func @attention_full
// GENERIC-LABEL: sym_name = "attention_full"
func.func @attention_full(%q: tensor<4x8x16xf32>, %k: tensor<4x8x16xf32>, %v: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  // CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 2.500000e-01 : f64} : tensor<4x8x16xf32>, tensor<4x8x16xf32>, tensor<4x8x16xf32> -> tensor<4x8x16xf32>
  // GENERIC: "attn.attention"(%{{.*}}, %{{.*}}, %{{.*}}) <{scale = 2.500000e-01 : f64}> : (tensor<4x8x16xf32>, tensor<4x8x16xf32>, tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64} : tensor<4x8x16xf32>, tensor<4x8x16xf32>, tensor<4x8x16xf32> -> tensor<4x8x16xf32>
  return %0 : tensor<4x8x16xf32>
}

// Grouped-query decode step: one query against a KV cache of 9 positions.
// CHECK-LABEL: func @attention_causal_gqa
// GENERIC-LABEL: sym_name = "attention_causal_gqa"
func.func @attention_causal_gqa(%q: tensor<1x8x16xf32>, %k: tensor<9x2x16xf32>, %v: tensor<9x2x16xf32>) -> tensor<1x8x16xf32> {
  // CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal, scale = 2.500000e-01 : f64} : tensor<1x8x16xf32>, tensor<9x2x16xf32>, tensor<9x2x16xf32> -> tensor<1x8x16xf32>
  // GENERIC: "attn.attention"(%{{.*}}, %{{.*}}, %{{.*}}) <{causal, scale = 2.500000e-01 : f64}>
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<1x8x16xf32>, tensor<9x2x16xf32>, tensor<9x2x16xf32> -> tensor<1x8x16xf32>
  return %0 : tensor<1x8x16xf32>
}

// CHECK-LABEL: func @attention_sliding_window
func.func @attention_sliding_window(%q: tensor<?x8x16xf32>, %k: tensor<?x4x16xf32>, %v: tensor<?x4x32xf32>) -> tensor<?x8x32xf32> {
  // CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal, scale = 2.500000e-01 : f64, sliding_window = 4096 : i64} : tensor<?x8x16xf32>, tensor<?x4x16xf32>, tensor<?x4x32xf32> -> tensor<?x8x32xf32>
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal, sliding_window = 4096 : i64} : tensor<?x8x16xf32>, tensor<?x4x16xf32>, tensor<?x4x32xf32> -> tensor<?x8x32xf32>
  return %0 : tensor<?x8x32xf32>
}

// CHECK-LABEL: func @elementwise
// GENERIC-LABEL: sym_name = "elementwise"
func.func @elementwise(%a: tensor<?x16xf32>, %b: tensor<?x16xf32>) -> tensor<?x16xf32> {
  // CHECK: %[[S:.*]] = attn.silu %{{.*}} : tensor<?x16xf32>
  // CHECK: %[[M:.*]] = attn.mul %[[S]], %{{.*}} : tensor<?x16xf32>
  // CHECK: attn.add %[[M]], %{{.*}} : tensor<?x16xf32>
  // GENERIC: "attn.silu"(%{{.*}}) : (tensor<?x16xf32>) -> tensor<?x16xf32>
  // GENERIC: "attn.mul"(%{{.*}}, %{{.*}}) : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  // GENERIC: "attn.add"(%{{.*}}, %{{.*}}) : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  %0 = attn.silu %a : tensor<?x16xf32>
  %1 = attn.mul %0, %b : tensor<?x16xf32>
  %2 = attn.add %1, %a : tensor<?x16xf32>
  return %2 : tensor<?x16xf32>
}

// The default base (10000) is not printed; another base is.
// CHECK-LABEL: func @sinusoidal_pe_static
// GENERIC-LABEL: sym_name = "sinusoidal_pe_static"
func.func @sinusoidal_pe_static() -> (tensor<16x10xf32>, tensor<4x8xf16>) {
  // CHECK: attn.sinusoidal_pe : tensor<16x10xf32>
  // CHECK: attn.sinusoidal_pe {base = 1.000000e+02 : f64} : tensor<4x8xf16>
  // GENERIC: "attn.sinusoidal_pe"() <{base = 1.000000e+04 : f64}> : () -> tensor<16x10xf32>
  // GENERIC: "attn.sinusoidal_pe"() <{base = 1.000000e+02 : f64}> : () -> tensor<4x8xf16>
  %0 = attn.sinusoidal_pe : tensor<16x10xf32>
  %1 = attn.sinusoidal_pe {base = 100.0 : f64} : tensor<4x8xf16>
  return %0, %1 : tensor<16x10xf32>, tensor<4x8xf16>
}

// CHECK-LABEL: func @sinusoidal_pe_dynamic
// GENERIC-LABEL: sym_name = "sinusoidal_pe_dynamic"
func.func @sinusoidal_pe_dynamic(%n: index) -> tensor<?x512xf32> {
  // CHECK: attn.sinusoidal_pe %{{.*}} : tensor<?x512xf32>
  // GENERIC: "attn.sinusoidal_pe"(%{{.*}}) <{base = 1.000000e+04 : f64}> : (index) -> tensor<?x512xf32>
  %0 = attn.sinusoidal_pe %n : tensor<?x512xf32>
  return %0 : tensor<?x512xf32>
}
