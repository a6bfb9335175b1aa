// RUN: attn-opt %s --attn-fuse-projections --attn-pack-weights=panel-width=32 | FileCheck %s
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cpu-pipeline="stop-after=abi vector-size=8" | FileCheck %s --check-prefix=MANIFEST
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cpu-pipeline="stop-after=abi vector-size=8" | grep @attn_manifest_json | grep -o 'self_attn.q_proj.weight' | count 1
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cpu-pipeline="stop-after=abi fuse-projections=false" | grep @attn_manifest_json | grep -o 'self_attn.q_proj.weight' | count 1
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cpu-pipeline="stop-after=abi fuse-projections=false" | FileCheck %s --check-prefix=OFF

// A fused weight is an ordinary weight to --attn-pack-weights: the 128 rows
// of Q, K and V become 4 panels of 32 (the 32-row K and V each fill one),
// and the slices read the output of the contraction.
// CHECK-LABEL: func.func @qkv_packed
// CHECK: %[[W:.*]] = attn.weight "l.{layer}.q+k+v.weight"[%{{.*}}] {attn.layout = {kind = "panel", shape = array<i64: 128, 64>, width = 32 : i64}, attn.parts = [{name = "l.{layer}.q.weight", shape = array<i64: 64, 64>}, {name = "l.{layer}.k.weight", shape = array<i64: 32, 64>}, {name = "l.{layer}.v.weight", shape = array<i64: 32, 64>}]} : tensor<4x64x32xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %[[W]] : tensor<?x64xf32>, tensor<4x64x32xf32>)
// CHECK: %[[Y:.*]] = tensor.collapse_shape {{.*}} : tensor<?x4x32xf32> into tensor<?x128xf32>
// CHECK: tensor.extract_slice %[[Y]][0, 0] [%{{.*}}, 64] [1, 1]
// CHECK: tensor.extract_slice %[[Y]][0, 64] [%{{.*}}, 32] [1, 1]
// CHECK: tensor.extract_slice %[[Y]][0, 96] [%{{.*}}, 32] [1, 1]
// CHECK-NOT: attn.linear
func.func @qkv_packed(%x: tensor<?x64xf32>, %l: index) -> (tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>) {
  %wq = attn.weight "l.{layer}.q.weight"[%l] : tensor<64x64xf32>
  %q = attn.linear %x, %wq : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %wk = attn.weight "l.{layer}.k.weight"[%l] : tensor<32x64xf32>
  %k = attn.linear %x, %wk : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
  %wv = attn.weight "l.{layer}.v.weight"[%l] : tensor<32x64xf32>
  %v = attn.linear %x, %wv : (tensor<?x64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
  return %q, %k, %v : tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x32xf32>
}

// The manifest the pipeline embeds lists the fused weight once, with its
// concatenated shape, the panel layout and its parts in order, and no
// entry for the parts themselves (their names appear once, as parts).
// With fuse-projections=false the parts are weights of their own.
// OFF-NOT: attn.parts
// OFF-NOT: \22parts\22
// OFF: \22name\22: \22model.layers.{layer}.self_attn.q_proj.weight\22,\0A      \22shape
// MANIFEST: llvm.mlir.global internal constant @attn_manifest_json(
// MANIFEST-SAME: \22name\22: \22model.layers.{layer}.self_attn.q_proj+k_proj+v_proj.weight\22,\0A      \22shape\22: [\0A        32,\0A        16\0A      ],\0A      \22dtype\22: \22f32\22,\0A      \22per_layer\22: true,\0A      \22layout\22: {\0A        \22kind\22: \22panel\22,\0A        \22width\22: 16\0A      },\0A      \22parts\22: [\0A        {\0A          \22name\22: \22model.layers.{layer}.self_attn.q_proj.weight\22,\0A          \22shape\22: [\0A            16,\0A            16\0A          ]\0A        },\0A        {\0A          \22name\22: \22model.layers.{layer}.self_attn.k_proj.weight\22,
// MANIFEST-SAME: \22name\22: \22model.layers.{layer}.self_attn.v_proj.weight\22,
// MANIFEST-SAME: \22name\22: \22model.layers.{layer}.mlp.gate_proj+up_proj.weight\22,\0A      \22shape\22: [\0A        64,\0A        16\0A      ],
// MANIFEST-SAME: \22parts\22: [\0A        {\0A          \22name\22: \22model.layers.{layer}.mlp.gate_proj.weight\22,
// MANIFEST-SAME: \22name\22: \22model.layers.{layer}.mlp.up_proj.weight\22,
