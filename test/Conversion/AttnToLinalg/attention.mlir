// RUN: attn-opt %s --attn-convert-to-linalg --split-input-file | FileCheck %s

// One [seq, kv_seq] score tile per query head inside a loop over the heads;
// GQA by dividing the head index by the group size.
// CHECK-LABEL: func.func @attention_gqa
// CHECK: scf.for %[[H:[^ ]*]] = %{{.*}} to %c4 step
// CHECK: %[[G:.*]] = arith.divui %[[H]], %c2
// CHECK: tensor.extract_slice %{{.*}}[0, %[[H]], 0]
// CHECK: tensor.extract_slice %{{.*}}[0, %[[G]], 0]
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: arith.cmpi ule
// CHECK-NOT: arith.cmpi ugt
// CHECK: arith.select
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, %[[H]], 0]
func.func @attention_gqa(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// The sliding window adds a second bound to the causal mask.
// CHECK-LABEL: func.func @attention_window
// CHECK: arith.cmpi ule
// CHECK: arith.addi %{{.*}}, %c3
// CHECK: arith.cmpi ugt
// CHECK: arith.andi
func.func @attention_window(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal, sliding_window = 3 : i64} : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %o : tensor<?x2x8xf32>
}

// -----

// Without causal there is no mask.
// CHECK-LABEL: func.func @attention_full
// CHECK-NOT: arith.cmpi
// CHECK: return
func.func @attention_full(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64} : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %o : tensor<?x2x8xf32>
}
