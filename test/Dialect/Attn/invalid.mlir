// RUN: attn-opt %s -split-input-file -verify-diagnostics

// One case per verifier rule of the attn ops, then the type constraints that
// ODS enforces before the verifiers run.

//===----------------------------------------------------------------------===//
// attn.weight
//===----------------------------------------------------------------------===//

func.func @weight_empty_name() {
  // expected-error @+1 {{'attn.weight' op weight name must not be empty}}
  %0 = attn.weight "" : tensor<4xf32>
  return
}

// -----

func.func @weight_placeholder_without_layer() {
  // expected-error @+1 {{per-layer weight 'model.layers.{layer}.mlp.up_proj.weight' needs a layer index operand}}
  %0 = attn.weight "model.layers.{layer}.mlp.up_proj.weight" : tensor<8x4xf32>
  return
}

// -----

func.func @weight_layer_without_placeholder(%l: index) {
  // expected-error @+1 {{weight 'model.norm.weight' has a layer index but no '{layer}' placeholder in its name}}
  %0 = attn.weight "model.norm.weight"[%l] : tensor<4xf32>
  return
}

// -----

func.func @weight_dynamic_shape() {
  // expected-error @+1 {{weight 'model.norm.weight' must have a static shape, got 'tensor<?xf32>'}}
  %0 = attn.weight "model.norm.weight" : tensor<?xf32>
  return
}

// -----

func.func @weight_integer_elements() {
  // expected-error @+1 {{result #0 must be ranked tensor of floating-point values, but got 'tensor<4xi8>'}}
  %0 = attn.weight "model.norm.weight" : tensor<4xi8>
  return
}

// -----

//===----------------------------------------------------------------------===//
// attn.embedding
//===----------------------------------------------------------------------===//

func.func @embedding_table_rank(%t: tensor<32xf32>, %ids: tensor<4xi32>) {
  // expected-error @+1 {{table must have rank 2, got 'tensor<32xf32>'}}
  %0 = attn.embedding %t[%ids] : tensor<32xf32>, tensor<4xi32> -> tensor<4x16xf32>
  return
}

// -----

func.func @embedding_result_rank(%t: tensor<32x16xf32>, %ids: tensor<4xi32>) {
  // expected-error @+1 {{result must have rank 2 (ids rank + 1), got 'tensor<4x1x16xf32>'}}
  %0 = attn.embedding %t[%ids] : tensor<32x16xf32>, tensor<4xi32> -> tensor<4x1x16xf32>
  return
}

// -----

func.func @embedding_result_dim(%t: tensor<32x16xf32>, %ids: tensor<2x4xi32>) {
  // expected-error @+1 {{result dimension 1 (3) does not match ids dimension 4}}
  %0 = attn.embedding %t[%ids] : tensor<32x16xf32>, tensor<2x4xi32> -> tensor<2x3x16xf32>
  return
}

// -----

func.func @embedding_row_size(%t: tensor<32x16xf32>, %ids: tensor<?xi64>) {
  // expected-error @+1 {{result row size (8) does not match table row size (16)}}
  %0 = attn.embedding %t[%ids] : tensor<32x16xf32>, tensor<?xi64> -> tensor<?x8xf32>
  return
}

// -----

func.func @embedding_element_type(%t: tensor<32x16xf32>, %ids: tensor<?xindex>) {
  // expected-error @+1 {{table element type 'f32' does not convert exactly to 'f16'}}
  %0 = attn.embedding %t[%ids] : tensor<32x16xf32>, tensor<?xindex> -> tensor<?x16xf16>
  return
}

// -----

func.func @embedding_float_ids(%t: tensor<32x16xf32>, %ids: tensor<4xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of signless integer or index values, but got 'tensor<4xf32>'}}
  %0 = attn.embedding %t[%ids] : tensor<32x16xf32>, tensor<4xf32> -> tensor<4x16xf32>
  return
}

// -----

func.func @embedding_integer_table(%t: tensor<32x16xi32>, %ids: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<32x16xi32>'}}
  %0 = attn.embedding %t[%ids] : tensor<32x16xi32>, tensor<4xi32> -> tensor<4x16xi32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// attn.rms_norm
//===----------------------------------------------------------------------===//

func.func @rms_norm_scalar_input(%x: tensor<f32>, %w: tensor<1xf32>) {
  // expected-error @+1 {{'attn.rms_norm' op input must have rank at least 1}}
  %0 = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<f32>, tensor<1xf32>
  return
}

// -----

func.func @rms_norm_weight_rank(%x: tensor<?x16xf32>, %w: tensor<1x16xf32>) {
  // expected-error @+1 {{weight must have rank 1, got 'tensor<1x16xf32>'}}
  %0 = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<1x16xf32>
  return
}

// -----

func.func @rms_norm_weight_size(%x: tensor<?x16xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{weight size (8) does not match the input's last dimension (16)}}
  %0 = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<8xf32>
  return
}

// -----

func.func @rms_norm_weight_element_type(%x: tensor<?x16xf32>, %w: tensor<16xbf16>) {
  // expected-error @+1 {{weight element type 'bf16' does not match 'f32'}}
  %0 = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<16xbf16>
  return
}

// -----

func.func @rms_norm_epsilon(%x: tensor<?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{epsilon must be positive, got 0.000000e+00}}
  %0 = attn.rms_norm %x, %w {epsilon = 0.0 : f64} : tensor<?x16xf32>, tensor<16xf32>
  return
}

// -----

func.func @rms_norm_result_type(%x: tensor<?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{all of {input, result} have same type}}
  %0 = "attn.rms_norm"(%x, %w) {epsilon = 1.0e-05 : f64} : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @rms_norm_integer_input(%x: tensor<?x16xi32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<?x16xi32>'}}
  %0 = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xi32>, tensor<16xf32>
  return
}

// -----

func.func @rms_norm_missing_epsilon(%x: tensor<?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{requires attribute 'epsilon'}}
  %0 = attn.rms_norm %x, %w : tensor<?x16xf32>, tensor<16xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// attn.linear
//===----------------------------------------------------------------------===//

func.func @linear_scalar_input(%x: tensor<f32>, %w: tensor<16x1xf32>) {
  // expected-error @+1 {{'attn.linear' op input must have rank at least 1}}
  %0 = attn.linear %x, %w : (tensor<f32>, tensor<16x1xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @linear_weight_rank(%x: tensor<?x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{weight must have rank 2, got 'tensor<8xf32>'}}
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return
}

// -----

// The weight is [out_features, in_features]: a [in, out] weight is caught.
func.func @linear_in_features(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{input features (8) do not match weight in_features (16); weight is [out_features, in_features]}}
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @linear_result_rank(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+1 {{result must have rank 2, got 'tensor<16xf32>'}}
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @linear_result_dim(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+1 {{result dimension 0 (5) does not match input dimension 4}}
  %0 = attn.linear %x, %w : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<5x16xf32>
  return
}

// -----

func.func @linear_out_features(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+1 {{result features (8) do not match weight out_features (16)}}
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @linear_weight_element_type(%x: tensor<?x8xf32>, %w: tensor<16x8xf64>) {
  // expected-error @+1 {{weight element type 'f64' does not convert exactly to 'f32'}}
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xf64>) -> tensor<?x16xf32>
  return
}

// -----

func.func @linear_bf16_weight_of_f16(%x: tensor<?x8xf16>, %w: tensor<16x8xbf16>) {
  // expected-error @+1 {{weight element type 'bf16' does not convert exactly to 'f16'}}
  %0 = attn.linear %x, %w : (tensor<?x8xf16>, tensor<16x8xbf16>) -> tensor<?x16xf16>
  return
}

// -----

func.func @linear_result_element_type(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+1 {{result element type 'bf16' does not match 'f32'}}
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xbf16>
  return
}

// -----

func.func @linear_bias_rank(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>, %b: tensor<1x16xf32>) {
  // expected-error @+1 {{bias must have rank 1, got 'tensor<1x16xf32>'}}
  %0 = attn.linear %x, %w bias %b : (tensor<?x8xf32>, tensor<16x8xf32>, tensor<1x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @linear_bias_size(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{bias size (8) does not match weight out_features (16)}}
  %0 = attn.linear %x, %w bias %b : (tensor<?x8xf32>, tensor<16x8xf32>, tensor<8xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @linear_bias_element_type(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf16>) {
  // expected-error @+1 {{bias element type 'f16' does not match 'f32'}}
  %0 = attn.linear %x, %w bias %b : (tensor<?x8xf32>, tensor<16x8xf32>, tensor<16xf16>) -> tensor<?x16xf32>
  return
}

// -----

func.func @linear_integer_weight(%x: tensor<?x8xf32>, %w: tensor<16x8xi8>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of floating-point values, but got 'tensor<16x8xi8>'}}
  %0 = attn.linear %x, %w : (tensor<?x8xf32>, tensor<16x8xi8>) -> tensor<?x16xf32>
  return
}

// -----

func.func @linear_unranked_input(%x: tensor<*xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<*xf32>'}}
  %0 = attn.linear %x, %w : (tensor<*xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// attn.rope
//===----------------------------------------------------------------------===//

func.func @rope_rank(%x: tensor<?x64xf32>, %p: index) {
  // expected-error @+1 {{input must have rank 3, got 'tensor<?x64xf32>'}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64} : tensor<?x64xf32>
  return
}

// -----

func.func @rope_dynamic_head_dim(%x: tensor<?x4x?xf32>, %p: index) {
  // expected-error @+1 {{head_dim (dimension 2) must be static}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64} : tensor<?x4x?xf32>
  return
}

// -----

func.func @rope_empty_head_dim(%x: tensor<?x4x0xf32>, %p: index) {
  // expected-error @+1 {{head_dim must be positive, got 0}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64} : tensor<?x4x0xf32>
  return
}

// -----

func.func @rope_odd_head_dim(%x: tensor<?x4x7xf32>, %p: index) {
  // expected-error @+1 {{head_dim must be even for the rotate-half layout, got 7}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64} : tensor<?x4x7xf32>
  return
}

// -----

func.func @rope_theta(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{theta must be positive, got -1.000000e+00}}
  %0 = attn.rope %x, %p {theta = -1.0 : f64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_max_positions(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{'max_position_embeddings' must be positive, got 0}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, max_position_embeddings = 0 : i64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_none_with_factor(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling parameters given without a scaling kind}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, factor = 2.0 : f64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_linear_without_factor(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'linear' requires 'factor'}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling linear>} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_linear_negative_factor(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{'factor' must be positive, got -2.000000e+00}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling linear>, factor = -2.0 : f64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_linear_with_llama3_parameter(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'linear' does not use 'low_freq_factor'}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling linear>, factor = 2.0 : f64, low_freq_factor = 1.0 : f64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_dynamic_with_llama3_parameter(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'dynamic' does not use 'original_max_position_embeddings'}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, factor = 2.0 : f64, max_position_embeddings = 2048 : i64, original_max_position_embeddings = 2048 : i64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_dynamic_without_factor(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'dynamic' requires 'factor'}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, max_position_embeddings = 2048 : i64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_dynamic_without_max_positions(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'dynamic' requires a positive 'max_position_embeddings'}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, factor = 2.0 : f64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_llama3_without_high_freq_factor(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'llama3' requires 'high_freq_factor'}}
  %0 = attn.rope %x, %p {theta = 5.0e+05 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 1.0 : f64, original_max_position_embeddings = 8192 : i64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_llama3_zero_low_freq_factor(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{'low_freq_factor' must be positive, got 0.000000e+00}}
  %0 = attn.rope %x, %p {theta = 5.0e+05 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 0.0 : f64, high_freq_factor = 4.0 : f64, original_max_position_embeddings = 8192 : i64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_llama3_without_original_max_positions(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{scaling 'llama3' requires a positive 'original_max_position_embeddings'}}
  %0 = attn.rope %x, %p {theta = 5.0e+05 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 1.0 : f64, high_freq_factor = 4.0 : f64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_llama3_frequency_order(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{'high_freq_factor' (1.000000e+00) must exceed 'low_freq_factor' (4.000000e+00)}}
  %0 = attn.rope %x, %p {theta = 5.0e+05 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 4.0 : f64, high_freq_factor = 1.0 : f64, original_max_position_embeddings = 8192 : i64} : tensor<?x4x8xf32>
  return
}

// -----

func.func @rope_integer_input(%x: tensor<?x4x8xi32>, %p: index) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<?x4x8xi32>'}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64} : tensor<?x4x8xi32>
  return
}

// -----

func.func @rope_result_type(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+1 {{all of {input, result} have same type}}
  %0 = "attn.rope"(%x, %p) {theta = 1.0e+04 : f64} : (tensor<?x4x8xf32>, index) -> tensor<?x4x8xf16>
  return
}

// -----

func.func @rope_unknown_scaling(%x: tensor<?x4x8xf32>, %p: index) {
  // expected-error @+2 {{expected ::mlir::attn::RopeScalingKind to be one of: none, linear, dynamic, llama3}}
  // expected-error @+1 {{failed to parse}}
  %0 = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling yarn>} : tensor<?x4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// attn.attention
//===----------------------------------------------------------------------===//

func.func @attention_query_rank(%q: tensor<4x64xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{query must have rank 3, got 'tensor<4x64xf32>'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x64xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_key_rank(%q: tensor<4x4x16xf32>, %k: tensor<4x32xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{key must have rank 3, got 'tensor<4x32xf32>'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x32xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_value_rank(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<1x4x2x16xf32>) {
  // expected-error @+1 {{value must have rank 3, got 'tensor<1x4x2x16xf32>'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<1x4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_result_rank(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{result must have rank 3, got 'tensor<4x64xf32>'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @attention_dynamic_heads(%q: tensor<4x?x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{head counts (dimension 1) must be static}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x?x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @attention_zero_kv_heads(%q: tensor<4x4x16xf32>, %k: tensor<4x0x16xf32>, %v: tensor<4x0x16xf32>) {
  // expected-error @+1 {{head counts must be positive, got 4 query heads and 0 key/value heads}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x0x16xf32>, tensor<4x0x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_gqa_divisibility(%q: tensor<4x6x16xf32>, %k: tensor<4x4x16xf32>, %v: tensor<4x4x16xf32>) {
  // expected-error @+1 {{query heads (6) must be a multiple of key/value heads (4)}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x6x16xf32>, tensor<4x4x16xf32>, tensor<4x4x16xf32> -> tensor<4x6x16xf32>
  return
}

// -----

func.func @attention_value_heads(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x4x16xf32>) {
  // expected-error @+1 {{value heads (4) do not match key heads (2)}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x4x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_head_dim(%q: tensor<4x4x16xf32>, %k: tensor<4x2x8xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{query head_dim (16) does not match key head_dim (8)}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x8xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_kv_length(%q: tensor<?x4x16xf32>, %k: tensor<8x2x16xf32>, %v: tensor<7x2x16xf32>) {
  // expected-error @+1 {{key sequence length (8) does not match value sequence length (7)}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<?x4x16xf32>, tensor<8x2x16xf32>, tensor<7x2x16xf32> -> tensor<?x4x16xf32>
  return
}

// -----

func.func @attention_query_longer_than_keys(%q: tensor<9x4x16xf32>, %k: tensor<8x2x16xf32>, %v: tensor<8x2x16xf32>) {
  // expected-error @+1 {{query length (9) exceeds key length (8): the queries are the last positions of the key sequence}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<9x4x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32> -> tensor<9x4x16xf32>
  return
}

// -----

func.func @attention_result_heads(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{result type 'tensor<4x2x16xf32>' must be [query length, query heads, value head_dim]}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x2x16xf32>
  return
}

// -----

// The result has the value's head_dim, not the query's.
func.func @attention_result_head_dim(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x32xf32>) {
  // expected-error @+1 {{result type 'tensor<4x4x16xf32>' must be [query length, query heads, value head_dim]}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x32xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_key_element_type(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf16>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{key element type 'f16' does not match 'f32'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf16>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_value_element_type(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xbf16>) {
  // expected-error @+1 {{value element type 'bf16' does not match 'f32'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xbf16> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_result_element_type(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{result element type 'f16' does not match 'f32'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf16>
  return
}

// -----

func.func @attention_scale(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{scale must be positive, got 0.000000e+00}}
  %0 = attn.attention %q, %k, %v {scale = 0.0 : f64, causal} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_sliding_window_size(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{sliding_window must be positive, got 0}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal, sliding_window = 0 : i64} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_sliding_window_not_causal(%q: tensor<4x4x16xf32>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{sliding_window requires causal attention}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, sliding_window = 2 : i64} : tensor<4x4x16xf32>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

func.func @attention_integer_query(%q: tensor<4x4x16xi8>, %k: tensor<4x2x16xf32>, %v: tensor<4x2x16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<4x4x16xi8>'}}
  %0 = attn.attention %q, %k, %v {scale = 0.25 : f64, causal} : tensor<4x4x16xi8>, tensor<4x2x16xf32>, tensor<4x2x16xf32> -> tensor<4x4x16xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

func.func @add_mismatched_operands(%a: tensor<4x16xf32>, %b: tensor<4x8xf32>) {
  // expected-error @+1 {{'attn.add' op requires the same type for all operands and results}}
  %0 = "attn.add"(%a, %b) : (tensor<4x16xf32>, tensor<4x8xf32>) -> tensor<4x16xf32>
  return
}

// -----

// Compatible is not enough: the custom form prints one type for all operands.
func.func @add_static_and_dynamic(%a: tensor<4x16xf32>, %b: tensor<?x16xf32>) {
  // expected-error @+1 {{'attn.add' op operand #1 type 'tensor<?x16xf32>' differs from result type 'tensor<4x16xf32>'; element-wise ops do not broadcast}}
  %0 = "attn.add"(%a, %b) : (tensor<4x16xf32>, tensor<?x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @mul_dynamic_result(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{'attn.mul' op operand #0 type 'tensor<4x16xf32>' differs from result type 'tensor<?x16xf32>'; element-wise ops do not broadcast}}
  %0 = "attn.mul"(%a, %b) : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @silu_dynamic_result(%a: tensor<4x16xf32>) {
  // expected-error @+1 {{'attn.silu' op operand #0 type 'tensor<4x16xf32>' differs from result type 'tensor<?x16xf32>'; element-wise ops do not broadcast}}
  %0 = "attn.silu"(%a) : (tensor<4x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @mul_mismatched_result(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{'attn.mul' op requires the same type for all operands and results}}
  %0 = "attn.mul"(%a, %b) : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf16>
  return
}

// -----

func.func @silu_integer(%a: tensor<4x16xi32>) {
  // expected-error @+1 {{'attn.silu' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4x16xi32>'}}
  %0 = attn.silu %a : tensor<4x16xi32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// attn.sinusoidal_pe
//===----------------------------------------------------------------------===//

func.func @sinusoidal_pe_dynamic_columns(%n: index) {
  // expected-error @+1 {{the number of columns (dimension 1) must be static}}
  %0 = attn.sinusoidal_pe %n : tensor<?x?xf32>
  return
}

// -----

func.func @sinusoidal_pe_no_columns() {
  // expected-error @+1 {{the number of columns must be positive}}
  %0 = attn.sinusoidal_pe : tensor<4x0xf32>
  return
}

// -----

func.func @sinusoidal_pe_dynamic_without_length() {
  // expected-error @+1 {{a dynamic number of positions needs a length operand}}
  %0 = attn.sinusoidal_pe : tensor<?x8xf32>
  return
}

// -----

func.func @sinusoidal_pe_static_with_length(%n: index) {
  // expected-error @+1 {{a length operand needs a dynamic number of positions}}
  %0 = attn.sinusoidal_pe %n : tensor<4x8xf32>
  return
}

// -----

func.func @sinusoidal_pe_base() {
  // expected-error @+1 {{base must be positive, got -1.000000e+04}}
  %0 = attn.sinusoidal_pe {base = -1.0e+04 : f64} : tensor<4x8xf32>
  return
}

// -----

func.func @sinusoidal_pe_rank() {
  // expected-error @+1 {{result #0 must be 2D tensor of floating-point values, but got 'tensor<4x8x2xf32>'}}
  %0 = attn.sinusoidal_pe : tensor<4x8x2xf32>
  return
}

// -----

func.func @sinusoidal_pe_integer() {
  // expected-error @+1 {{result #0 must be 2D tensor of floating-point values, but got 'tensor<4x8xi32>'}}
  %0 = attn.sinusoidal_pe : tensor<4x8xi32>
  return
}
