// RUN: attn-opt %s --attn-tile-attention=split-kv --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile-attention="split-kv split-min-keys=256 split-max-chunks=4" --split-input-file | FileCheck %s --check-prefix=SMALL
// RUN: attn-opt %s --attn-tile-attention --split-input-file | FileCheck %s --check-prefix=OFF

// Dynamic lengths: at run time, one query whose visible keys fill two chunks
// of 512 takes the flash-decoding branch: an scf.forall over (head, chunk)
// whose tasks each run the key-block loop over their chunk and leave
// (max, sum, acc), then a combine that rescales by exp(m_chunk - m) and
// divides. Anything else takes the per-head branch.
// CHECK-LABEL: func.func @decode
// CHECK: %[[WANTED:.*]] = arith.divui %[[SPAN:.*]], %c512
// CHECK: %[[CAPPED:.*]] = arith.minui %c8, %[[WANTED]]
// CHECK: %[[ONE_QUERY:.*]] = arith.cmpi eq, %{{.*}}, %c1
// CHECK: %[[TWO:.*]] = arith.cmpi uge, %[[CAPPED]], %c2
// CHECK: %[[SPLIT:.*]] = arith.andi %[[ONE_QUERY]], %[[TWO]]
// CHECK: scf.if %[[SPLIT]] -> (tensor<?x4x8xf32>)
// CHECK: %[[LENGTH:.*]] = arith.muli %{{.*}}, %c128
// CHECK: %[[CHUNKS:.*]] = arith.ceildivui %[[SPAN]], %[[LENGTH]]
// CHECK: scf.forall (%[[HEAD:.*]], %[[CHUNK:.*]]) in (4, %[[CHUNKS]]) shared_outs
// CHECK: scf.for {{.*}} step %c128{{.*}} iter_args
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice {{.*}}[%[[HEAD]], %[[CHUNK]], 0] [1, 1, %{{.*}}] [1, 1, 1] : tensor<?xf32> into tensor<4x?x?xf32>
// CHECK-NEXT: tensor.parallel_insert_slice {{.*}}[%[[HEAD]], %[[CHUNK]], 0] [1, 1, %{{.*}}] [1, 1, 1] : tensor<?xf32> into tensor<4x?x?xf32>
// CHECK-NEXT: tensor.parallel_insert_slice {{.*}}[%[[HEAD]], %[[CHUNK]], 0, 0] [1, 1, %{{.*}}, 8] [1, 1, 1, 1] : tensor<?x8xf32> into tensor<4x?x?x8xf32>
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: } else {
// CHECK: scf.forall (%{{.*}}) in (4)
// SMALL-LABEL: func.func @decode
// SMALL: arith.divui %{{.*}}, %c256
// SMALL: arith.minui %c4,
// OFF-LABEL: func.func @decode
// OFF-NOT: scf.if
// OFF: scf.forall (%{{.*}}) in (4)
func.func @decode(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// -----

// A sliding window: the chunks cover the window's key range only.
// CHECK-LABEL: func.func @window
// CHECK: %[[END:.*]] = arith.minui
// CHECK: arith.cmpi ugt
// CHECK: %[[BEGIN:.*]] = arith.muli
// CHECK: arith.subi %[[END]], %[[BEGIN]]
// CHECK: scf.if
func.func @window(%q: tensor<1x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<1x4x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal, sliding_window = 4096 : i64} : tensor<1x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<1x4x8xf32>
  return %o : tensor<1x4x8xf32>
}

// -----

// A static query length other than one never splits: no run-time branch.
// CHECK-LABEL: func.func @prefill
// CHECK-NOT: scf.if
// CHECK: scf.forall (%{{.*}}) in (4)
func.func @prefill(%q: tensor<16x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<16x4x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<16x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<16x4x8xf32>
  return %o : tensor<16x4x8xf32>
}

// -----

// Static keys too few for two chunks never split either.
// CHECK-LABEL: func.func @short_context
// CHECK-NOT: scf.if
// CHECK: scf.forall (%{{.*}}) in (4)
// SMALL-LABEL: func.func @short_context
// SMALL: scf.if
func.func @short_context(%q: tensor<1x4x8xf32>, %k: tensor<1000x2x8xf32>, %v: tensor<1000x2x8xf32>) -> tensor<1x4x8xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<1x4x8xf32>, tensor<1000x2x8xf32>, tensor<1000x2x8xf32> -> tensor<1x4x8xf32>
  return %o : tensor<1x4x8xf32>
}
