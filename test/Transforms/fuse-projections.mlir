// RUN: attn-opt %s --attn-fuse-projections --split-input-file | FileCheck %s

// Q, K and V of one input and layer become one linear of a [128, 64] weight
// whose parts are recorded in graph order, and three column slices of it.
// CHECK-LABEL: func.func @qkv
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xf32>, %[[L:.*]]: index)
// CHECK: %[[W:.*]] = attn.weight "model.layers.{layer}.self_attn.q_proj+k_proj+v_proj.weight"[%[[L]]]
// CHECK-SAME: {attn.parts = [{name = "model.layers.{layer}.self_attn.q_proj.weight", shape = array<i64: 64, 64>}, {name = "model.layers.{layer}.self_attn.k_proj.weight", shape = array<i64: 32, 64>}, {name = "model.layers.{layer}.self_attn.v_proj.weight", shape = array<i64: 32, 64>}]} : tensor<128x64xf32>
// CHECK: %[[Y:.*]] = attn.linear %[[X]], %[[W]] : (tensor<?x64xf32>, tensor<128x64xf32>) -> tensor<?x128xf32>
// CHECK: %[[Q:.*]] = tensor.extract_slice %[[Y]][0, 0] [%{{.*}}, 64] [1, 1] : tensor<?x128xf32> to tensor<?x64xf32>
// CHECK: %[[K:.*]] = tensor.extract_slice %[[Y]][0, 64] [%{{.*}}, 32] [1, 1] : tensor<?x128xf32> to tensor<?x32xf32>
// CHECK: %[[V:.*]] = tensor.extract_slice %[[Y]][0, 96] [%{{.*}}, 32] [1, 1] : tensor<?x128xf32> to tensor<?x32xf32>
// CHECK-NOT: attn.linear
// CHECK: return %[[Q]], %[[K]], %[[V]]
func.func @qkv(%x: tensor<?x64xf32>, %l: index) -> (tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>) {
  %wq = attn.weight "model.layers.{layer}.self_attn.q_proj.weight"[%l] : tensor<64x64xf32>
  %q = attn.linear %x, %wq : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %wk = attn.weight "model.layers.{layer}.self_attn.k_proj.weight"[%l] : tensor<32x64xf32>
  %k = attn.linear %x, %wk : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
  %wv = attn.weight "model.layers.{layer}.self_attn.v_proj.weight"[%l] : tensor<32x64xf32>
  %v = attn.linear %x, %wv : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
  return %q, %k, %v : tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>
}

// -----

// Gate first, up second, each whole, whatever the users' order.
// CHECK-LABEL: func.func @gate_up
// CHECK: %[[W:.*]] = attn.weight "model.layers.{layer}.mlp.gate_proj+up_proj.weight"[%{{.*}}] {attn.parts = [{name = "model.layers.{layer}.mlp.gate_proj.weight", shape = array<i64: 96, 32>}, {name = "model.layers.{layer}.mlp.up_proj.weight", shape = array<i64: 96, 32>}]} : tensor<192x32xf32>
// CHECK: %[[Y:.*]] = attn.linear %{{.*}}, %[[W]] : (tensor<?x32xf32>, tensor<192x32xf32>) -> tensor<?x192xf32>
// CHECK: %[[G:.*]] = tensor.extract_slice %[[Y]][0, 0] [%{{.*}}, 96] [1, 1]
// CHECK: %[[U:.*]] = tensor.extract_slice %[[Y]][0, 96] [%{{.*}}, 96] [1, 1]
// CHECK: %[[S:.*]] = attn.silu %[[G]]
// CHECK: attn.mul %[[S]], %[[U]]
func.func @gate_up(%x: tensor<?x32xf32>, %l: index) -> tensor<?x96xf32> {
  %wg = attn.weight "model.layers.{layer}.mlp.gate_proj.weight"[%l] : tensor<96x32xf32>
  %g = attn.linear %x, %wg : (tensor<?x32xf32>, tensor<96x32xf32>) -> tensor<?x96xf32>
  %wu = attn.weight "model.layers.{layer}.mlp.up_proj.weight"[%l] : tensor<96x32xf32>
  %u = attn.linear %x, %wu : (tensor<?x32xf32>, tensor<96x32xf32>) -> tensor<?x96xf32>
  %s = attn.silu %g : tensor<?x96xf32>
  %m = attn.mul %s, %u : tensor<?x96xf32>
  return %m : tensor<?x96xf32>
}

// -----

// Biases (Qwen2's q/k/v) fuse the same way, into one bias of the parts'.
// CHECK-LABEL: func.func @biases
// CHECK-DAG: %[[W:.*]] = attn.weight "q+k.weight" {attn.parts = [{name = "q.weight", shape = array<i64: 16, 8>}, {name = "k.weight", shape = array<i64: 8, 8>}]} : tensor<24x8xf32>
// CHECK-DAG: %[[B:.*]] = attn.weight "q+k.bias" {attn.parts = [{name = "q.bias", shape = array<i64: 16>}, {name = "k.bias", shape = array<i64: 8>}]} : tensor<24xf32>
// CHECK: attn.linear %{{.*}}, %[[W]] bias %[[B]] : (tensor<4x8xf32>, tensor<24x8xf32>, tensor<24xf32>) -> tensor<4x24xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 0] [4, 16] [1, 1] : tensor<4x24xf32> to tensor<4x16xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 16] [4, 8] [1, 1] : tensor<4x24xf32> to tensor<4x8xf32>
func.func @biases(%x: tensor<4x8xf32>) -> (tensor<4x16xf32>, tensor<4x8xf32>) {
  %wq = attn.weight "q.weight" : tensor<16x8xf32>
  %bq = attn.weight "q.bias" : tensor<16xf32>
  %q = attn.linear %x, %wq bias %bq : (tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %wk = attn.weight "k.weight" : tensor<8x8xf32>
  %bk = attn.weight "k.bias" : tensor<8xf32>
  %k = attn.linear %x, %wk bias %bk : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %q, %k : tensor<4x16xf32>, tensor<4x8xf32>
}

// -----

// Two groups in one block: each input gets its own fused linear.
// CHECK-LABEL: func.func @two_inputs
// CHECK: %[[AB:.*]] = attn.weight "a+b.weight"
// CHECK: attn.linear %{{.*}}, %[[AB]]
// CHECK: %[[CD:.*]] = attn.weight "c+d.weight"
// CHECK: attn.linear %{{.*}}, %[[CD]]
// CHECK-NOT: attn.linear
func.func @two_inputs(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %wa = attn.weight "a.weight" : tensor<8x8xf32>
  %a = attn.linear %x, %wa : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %wc = attn.weight "c.weight" : tensor<8x8xf32>
  %c = attn.linear %y, %wc : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %wb = attn.weight "b.weight" : tensor<8x8xf32>
  %b = attn.linear %x, %wb : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %wd = attn.weight "d.weight" : tensor<8x8xf32>
  %d = attn.linear %y, %wd : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  return %a, %b, %c, %d : tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// Linears of different inputs stay apart.
// CHECK-LABEL: func.func @different_inputs
// CHECK-NOT: attn.parts
// CHECK-COUNT-2: attn.linear
func.func @different_inputs(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %wa = attn.weight "a.weight" : tensor<8x8xf32>
  %a = attn.linear %x, %wa : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %wb = attn.weight "b.weight" : tensor<8x8xf32>
  %b = attn.linear %y, %wb : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  return %a, %b : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// A weight that something else reads under its name (a tied embedding's
// gather) keeps its own tensor; a weight op with a second user too.
// CHECK-LABEL: func.func @shared_weights
// CHECK-NOT: attn.parts
// CHECK-COUNT-3: attn.linear
func.func @shared_weights(%ids: tensor<?xi32>, %x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %table = attn.weight "model.embed_tokens.weight" : tensor<16x8xf32>
  %e = attn.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi32> -> tensor<?x8xf32>
  %head = attn.weight "model.embed_tokens.weight" : tensor<16x8xf32>
  %l = attn.linear %x, %head : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  %wa = attn.weight "a.weight" : tensor<8x8xf32>
  %a = attn.linear %x, %wa : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %a2 = attn.linear %e, %wa : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  return %e, %l, %a, %a2, %a2 : tensor<?x8xf32>, tensor<?x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// All with a bias or all without: one of each stays apart.
// CHECK-LABEL: func.func @mixed_bias
// CHECK-NOT: attn.parts
// CHECK-COUNT-2: attn.linear
func.func @mixed_bias(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %wq = attn.weight "q.weight" : tensor<8x8xf32>
  %bq = attn.weight "q.bias" : tensor<8xf32>
  %q = attn.linear %x, %wq bias %bq : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %wk = attn.weight "k.weight" : tensor<8x8xf32>
  %k = attn.linear %x, %wk : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %q, %k : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A bias that is not a weight of its own (computed) keeps its linear apart.
// CHECK-LABEL: func.func @computed_bias
// CHECK-NOT: attn.parts
// CHECK-COUNT-2: attn.linear
func.func @computed_bias(%x: tensor<4x8xf32>, %bias: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %wq = attn.weight "q.weight" : tensor<8x8xf32>
  %q = attn.linear %x, %wq bias %bias : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %wk = attn.weight "k.weight" : tensor<8x8xf32>
  %bk = attn.weight "k.bias" : tensor<8xf32>
  %k = attn.linear %x, %wk bias %bk : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %q, %k : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Weights that are not attn.weight ops (a dynamic shape is only possible
// there) stay apart.
// CHECK-LABEL: func.func @dynamic_weights
// CHECK-NOT: attn.parts
// CHECK-COUNT-2: attn.linear
func.func @dynamic_weights(%x: tensor<?x8xf32>, %wa: tensor<?x8xf32>, %wb: tensor<?x8xf32>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  %a = attn.linear %x, %wa : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x?xf32>
  %b = attn.linear %x, %wb : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x?xf32>
  return %a, %b : tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// One linear alone has nothing to fuse with.
// CHECK-LABEL: func.func @alone
// CHECK-NOT: attn.parts
// CHECK: attn.weight "a.weight" : tensor<8x8xf32>
func.func @alone(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %wa = attn.weight "a.weight" : tensor<8x8xf32>
  %a = attn.linear %x, %wa : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  return %a : tensor<?x8xf32>
}

// -----

// Weights of different layers (or one per-layer and one not) stay apart.
// CHECK-LABEL: func.func @different_layers
// CHECK-NOT: attn.parts
// CHECK-COUNT-3: attn.linear
func.func @different_layers(%x: tensor<?x8xf32>, %l0: index, %l1: index) -> (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %wa = attn.weight "l.{layer}.a.weight"[%l0] : tensor<8x8xf32>
  %a = attn.linear %x, %wa : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %wb = attn.weight "l.{layer}.b.weight"[%l1] : tensor<8x8xf32>
  %b = attn.linear %x, %wb : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %wc = attn.weight "c.weight" : tensor<8x8xf32>
  %c = attn.linear %x, %wc : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// Weights in f16 fuse like f32 ones: the parts keep the element type.
// CHECK-LABEL: func.func @half
// CHECK: attn.weight "a+b.weight" {attn.parts = [{{.*}}]} : tensor<16x8xf16>
// CHECK: attn.linear {{.*}} -> tensor<?x16xf16>
func.func @half(%x: tensor<?x8xf16>) -> (tensor<?x8xf16>, tensor<?x8xf16>) {
  %wa = attn.weight "a.weight" : tensor<8x8xf16>
  %a = attn.linear %x, %wa : (tensor<?x8xf16>, tensor<8x8xf16>) -> tensor<?x8xf16>
  %wb = attn.weight "b.weight" : tensor<8x8xf16>
  %b = attn.linear %x, %wb : (tensor<?x8xf16>, tensor<8x8xf16>) -> tensor<?x8xf16>
  return %a, %b : tensor<?x8xf16>, tensor<?x8xf16>
}

// -----

// Linears in different blocks stay apart, even of one input.
// CHECK-LABEL: func.func @different_blocks
// CHECK-NOT: attn.parts
// CHECK-COUNT-2: attn.linear
func.func @different_blocks(%x: tensor<?x8xf32>, %c: i1) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %wa = attn.weight "a.weight" : tensor<8x8xf32>
  %a = attn.linear %x, %wa : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %b = scf.if %c -> tensor<?x8xf32> {
    %wb = attn.weight "b.weight" : tensor<8x8xf32>
    %r = attn.linear %x, %wb : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
    scf.yield %r : tensor<?x8xf32>
  } else {
    scf.yield %x : tensor<?x8xf32>
  }
  return %a, %b : tensor<?x8xf32>, tensor<?x8xf32>
}
