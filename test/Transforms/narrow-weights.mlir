// RUN: attn-opt %s --attn-narrow-weights --split-input-file | FileCheck %s

// A weight that only linears read becomes bf16 wherever it is read (both
// functions: the manifest has one dtype per name); the linears take it as
// it is and widen it.
// CHECK-LABEL: func.func @prefill
// CHECK: %[[W:.*]] = attn.weight "model.layers.{layer}.mlp.down_proj.weight"[%{{.*}}] : tensor<128x32xbf16>
// CHECK: attn.linear %{{.*}}, %[[W]] : (tensor<?x32xf32>, tensor<128x32xbf16>) -> tensor<?x128xf32>
// CHECK: attn.linear %{{.*}}, %[[W]] : (tensor<?x32xf32>, tensor<128x32xbf16>) -> tensor<?x128xf32>
// CHECK-LABEL: func.func @decode
// CHECK: attn.weight "model.layers.{layer}.mlp.down_proj.weight"[%{{.*}}] : tensor<128x32xbf16>
func.func @prefill(%x: tensor<?x32xf32>, %layer: index) -> (tensor<?x128xf32>, tensor<?x128xf32>) {
  %w = attn.weight "model.layers.{layer}.mlp.down_proj.weight"[%layer] : tensor<128x32xf32>
  %a = attn.linear %x, %w : (tensor<?x32xf32>, tensor<128x32xf32>) -> tensor<?x128xf32>
  %b = attn.linear %x, %w : (tensor<?x32xf32>, tensor<128x32xf32>) -> tensor<?x128xf32>
  return %a, %b : tensor<?x128xf32>, tensor<?x128xf32>
}
func.func @decode(%x: tensor<1x32xf32>, %layer: index) -> tensor<1x128xf32> {
  %w = attn.weight "model.layers.{layer}.mlp.down_proj.weight"[%layer] : tensor<128x32xf32>
  %a = attn.linear %x, %w : (tensor<1x32xf32>, tensor<128x32xf32>) -> tensor<1x128xf32>
  return %a : tensor<1x128xf32>
}

// -----

// The bias is read as a bias, not a weight: it keeps its type.
// CHECK-LABEL: func.func @bias
// CHECK: attn.weight "w" : tensor<64x32xbf16>
// CHECK: attn.weight "b" : tensor<64xf32>
func.func @bias(%x: tensor<4x32xf32>) -> tensor<4x64xf32> {
  %w = attn.weight "w" : tensor<64x32xf32>
  %bias = attn.weight "b" : tensor<64xf32>
  %r = attn.linear %x, %w bias %bias : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<64xf32>) -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// A tied embedding: the gather and the LM head both widen the table, so
// it becomes bf16 for both (the head is the largest projection of a small
// model).
// CHECK-LABEL: func.func @tied
// CHECK: %[[TABLE:.*]] = attn.weight "model.embed_tokens.weight" : tensor<64x32xbf16>
// CHECK: attn.embedding %[[TABLE]][%{{.*}}] : tensor<64x32xbf16>, tensor<?xi32> -> tensor<?x32xf32>
// CHECK: %[[HEAD:.*]] = attn.weight "model.embed_tokens.weight" : tensor<64x32xbf16>
// CHECK: attn.linear %{{.*}}, %[[HEAD]] : (tensor<?x32xf32>, tensor<64x32xbf16>) -> tensor<?x64xf32>
func.func @tied(%ids: tensor<?xi32>, %h: tensor<?x32xf32>) -> (tensor<?x32xf32>, tensor<?x64xf32>) {
  %table = attn.weight "model.embed_tokens.weight" : tensor<64x32xf32>
  %e = attn.embedding %table[%ids] : tensor<64x32xf32>, tensor<?xi32> -> tensor<?x32xf32>
  %head = attn.weight "model.embed_tokens.weight" : tensor<64x32xf32>
  %l = attn.linear %h, %head : (tensor<?x32xf32>, tensor<64x32xf32>) -> tensor<?x64xf32>
  return %e, %l : tensor<?x32xf32>, tensor<?x64xf32>
}

// -----

// A weight that one op reads as something else (here a linear's input as
// well as a gather's table) keeps f32 under every name's read.
// CHECK-LABEL: func.func @read_otherwise
// CHECK-NOT: bf16
func.func @read_otherwise(%ids: tensor<?xi32>) -> (tensor<?x32xf32>, tensor<64x64xf32>) {
  %table = attn.weight "t" : tensor<64x32xf32>
  %e = attn.embedding %table[%ids] : tensor<64x32xf32>, tensor<?xi32> -> tensor<?x32xf32>
  %again = attn.weight "t" : tensor<64x32xf32>
  %l = attn.linear %again, %again : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x64xf32>
  return %e, %l : tensor<?x32xf32>, tensor<64x64xf32>
}

// -----

// A weight read as a linear's input, a weight already narrow, and one of a
// bf16 graph keep their types.
// CHECK-LABEL: func.func @other_reads
// CHECK: attn.weight "square" : tensor<32x32xf32>
// CHECK: attn.weight "narrow" : tensor<64x32xf16>
// CHECK: attn.weight "v" : tensor<64x32xbf16>
// CHECK-NOT: tensor<64x32xbf16>, tensor<64x32xbf16>
func.func @other_reads(%y: tensor<?x32xbf16>) -> (tensor<32x32xf32>, tensor<32x64xf32>, tensor<?x64xbf16>) {
  %s = attn.weight "square" : tensor<32x32xf32>
  %a = attn.linear %s, %s : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
  %n = attn.weight "narrow" : tensor<64x32xf16>
  %b = attn.linear %s, %n : (tensor<32x32xf32>, tensor<64x32xf16>) -> tensor<32x64xf32>
  %v = attn.weight "v" : tensor<64x32xbf16>
  %c = attn.linear %y, %v : (tensor<?x32xbf16>, tensor<64x32xbf16>) -> tensor<?x64xbf16>
  return %a, %b, %c : tensor<32x32xf32>, tensor<32x64xf32>, tensor<?x64xbf16>
}
