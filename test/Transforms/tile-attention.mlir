// RUN: attn-opt %s --attn-tile-attention --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile-attention="query-block=16 key-block=32" --split-input-file | FileCheck %s --check-prefix=BLOCKS

// Dynamic lengths: heads in an scf.forall, query blocks, and key blocks that
// carry (row max, row sum, accumulator); the scores are one
// [query block, key block] tile, and the key loop stops after the block's
// last query (causal).
// CHECK-LABEL: func.func @causal
// CHECK-NOT: attn.attention
// CHECK: scf.forall (%[[HEAD:.*]]) in (4) shared_outs
// CHECK: arith.divui %[[HEAD]], %c2
// CHECK: scf.for {{.*}} step %c64
// CHECK: arith.minui
// CHECK: linalg.fill {{.*}} -> tensor<?xf32>
// CHECK: scf.for {{.*}} step %c128 iter_args({{.*}}) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x8xf32>)
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<?x8xf32>, tensor<?x8xf32>) outs({{.*}} : tensor<?x?xf32>)
// CHECK: arith.select {{.*}} : f32
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.exp
// CHECK: scf.yield {{.*}} : tensor<?xf32>, tensor<?xf32>, tensor<?x8xf32>
// CHECK: arith.divf
// CHECK: tensor.parallel_insert_slice
// BLOCKS-LABEL: func.func @causal
// BLOCKS: scf.for {{.*}} step %c16
// BLOCKS: scf.for {{.*}} step %c32
func.func @causal(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// A sliding window: the key loop starts at the block of the first key the
// block's first query can see.
// CHECK-LABEL: func.func @window
// CHECK: scf.forall
// CHECK: %[[REACH:.*]] = arith.cmpi ugt
// CHECK: arith.select %[[REACH]]
// CHECK: arith.divui
// CHECK: arith.muli
// CHECK: scf.for
func.func @window(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal, sliding_window = 100 : i64} : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %o : tensor<?x2x8xf32>
}

// -----

// bf16 inputs: scores and sums in f32, the output narrowed back.
// CHECK-LABEL: func.func @bf16
// CHECK: arith.extf {{.*}} : bf16 to f32
// CHECK: arith.truncf {{.*}} : f32 to bf16
func.func @bf16(%q: tensor<?x2x8xbf16>, %k: tensor<?x2x8xbf16>, %v: tensor<?x2x8xbf16>) -> tensor<?x2x8xbf16> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x2x8xbf16>, tensor<?x2x8xbf16>, tensor<?x2x8xbf16> -> tensor<?x2x8xbf16>
  return %o : tensor<?x2x8xbf16>
}

// -----

// Static lengths within one block: the plain lowering is already one tile,
// so the op is left for --attn-convert-to-linalg.
// CHECK-LABEL: func.func @one_block
// CHECK: attn.attention
// CHECK-NOT: scf.forall
// BLOCKS-LABEL: func.func @one_block
// BLOCKS: scf.forall
func.func @one_block(%q: tensor<8x2x8xf32>, %k: tensor<40x2x8xf32>, %v: tensor<40x2x8xf32>) -> tensor<8x2x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<8x2x8xf32>, tensor<40x2x8xf32>, tensor<40x2x8xf32> -> tensor<8x2x8xf32>
  return %o : tensor<8x2x8xf32>
}
