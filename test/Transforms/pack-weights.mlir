// RUN: attn-opt %s --attn-pack-weights --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-pack-weights=panel-width=32 --split-input-file | FileCheck %s --check-prefix=W32
// RUN: attn-opt %s --attn-pack-weights=bf16 --split-input-file | FileCheck %s --check-prefix=BF16

// A weight that only linears read becomes [out / 64, in, 64] panels, with
// its checkpoint shape and layout recorded for the manifest, and the linear
// a contraction over the panels into the output viewed as [rows, 2, 64].
// CHECK-LABEL: func.func @only_linears
// CHECK: %[[W:.*]] = attn.weight "model.layers.{layer}.mlp.down_proj.weight"[%{{.*}}] {attn.layout = {kind = "panel", shape = array<i64: 128, 32>, width = 64 : i64}} : tensor<2x32x64xf32>
// CHECK: linalg.fill
// CHECK: tensor.expand_shape {{.*}} {{\[}}[0], [1, 2]] {{.*}} : tensor<?x128xf32> into tensor<?x2x64xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %[[W]] : tensor<?x32xf32>, tensor<2x32x64xf32>)
// CHECK: tensor.collapse_shape {{.*}} : tensor<?x2x64xf32> into tensor<?x128xf32>
// CHECK-NOT: attn.linear
// W32-LABEL: func.func @only_linears
// W32: tensor<4x32x32xf32>
// With bf16, the panels are bf16 and the contraction widens each element
// before the f32 multiply-add.
// BF16-LABEL: func.func @only_linears
// BF16: attn.weight "model.layers.{layer}.mlp.down_proj.weight"{{.*}} : tensor<2x32x64xbf16>
// BF16: linalg.generic
// BF16-SAME: tensor<?x32xf32>, tensor<2x32x64xbf16>
// BF16-NEXT: ^bb0(%[[A:.*]]: f32, %[[P:.*]]: bf16, %[[C:.*]]: f32):
// BF16-NEXT: %[[WIDE:.*]] = arith.extf %[[P]] : bf16 to f32
// BF16-NEXT: %[[PRODUCT:.*]] = arith.mulf %[[A]], %[[WIDE]] : f32
// BF16-NEXT: arith.addf %[[C]], %[[PRODUCT]] : f32
func.func @only_linears(%x: tensor<?x32xf32>, %layer: index) -> (tensor<?x128xf32>, tensor<?x128xf32>) {
  %w = attn.weight "model.layers.{layer}.mlp.down_proj.weight"[%layer] : tensor<128x32xf32>
  %a = attn.linear %x, %w : (tensor<?x32xf32>, tensor<128x32xf32>) -> tensor<?x128xf32>
  %b = attn.linear %x, %w : (tensor<?x32xf32>, tensor<128x32xf32>) -> tensor<?x128xf32>
  return %a, %b : tensor<?x128xf32>, tensor<?x128xf32>
}

// -----

// The bias is added after the contraction, as attn.linear's lowering does.
// CHECK-LABEL: func.func @bias
// CHECK: attn.weight "w" {attn.layout
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: arith.addf
func.func @bias(%x: tensor<4x32xf32>, %bias: tensor<64xf32>) -> tensor<4x64xf32> {
  %w = attn.weight "w" : tensor<64x32xf32>
  %r = attn.linear %x, %w bias %bias : (tensor<4x32xf32>, tensor<64x32xf32>, tensor<64xf32>) -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// A tied embedding: the same weight is gathered by attn.embedding, so it
// keeps its checkpoint layout everywhere, also for the LM head.
// CHECK-LABEL: func.func @tied
// CHECK-NOT: attn.layout
// CHECK: attn.linear
// With bf16 too: a weight that is not packed stays as the checkpoint's f32.
// BF16-LABEL: func.func @tied
// BF16-NOT: bf16
// BF16: attn.linear
// BF16-NOT: bf16
func.func @tied(%ids: tensor<?xi32>, %h: tensor<?x32xf32>) -> (tensor<?x32xf32>, tensor<?x64xf32>) {
  %table = attn.weight "model.embed_tokens.weight" : tensor<64x32xf32>
  %e = attn.embedding %table[%ids] : tensor<64x32xf32>, tensor<?xi32> -> tensor<?x32xf32>
  %head = attn.weight "model.embed_tokens.weight" : tensor<64x32xf32>
  %l = attn.linear %h, %head : (tensor<?x32xf32>, tensor<64x32xf32>) -> tensor<?x64xf32>
  return %e, %l : tensor<?x32xf32>, tensor<?x64xf32>
}

// -----

// Rows that the panel width does not divide (a single 8-wide KV head) and
// element types the kernel does not compute in keep their layout.
// CHECK-LABEL: func.func @not_divisible
// CHECK-NOT: attn.layout
// CHECK: attn.linear
// CHECK: attn.linear
// BF16-LABEL: func.func @not_divisible
// BF16: attn.weight "k" : tensor<8x32xf32>
// BF16: attn.linear
func.func @not_divisible(%x: tensor<?x32xf32>, %y: tensor<?x32xbf16>) -> (tensor<?x8xf32>, tensor<?x64xbf16>) {
  %w = attn.weight "k" : tensor<8x32xf32>
  %a = attn.linear %x, %w : (tensor<?x32xf32>, tensor<8x32xf32>) -> tensor<?x8xf32>
  %v = attn.weight "v" : tensor<64x32xbf16>
  %b = attn.linear %y, %v : (tensor<?x32xbf16>, tensor<64x32xbf16>) -> tensor<?x64xbf16>
  return %a, %b : tensor<?x8xf32>, tensor<?x64xbf16>
}
