// RUN: attn-opt %s --attn-vectorize-attention --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-vectorize-attention="vector-size=8" --split-input-file | FileCheck %s --check-prefix=LANES8

#s_t = affine_map<(s, t, e) -> (s, t)>
#t_e = affine_map<(s, t, e) -> (t, e)>
#s_e = affine_map<(s, t, e) -> (s, e)>

// P.V: per row, four output vectors in registers across the keys, each key
// one load of p broadcast and one masked load of v per vector.
// CHECK-LABEL: func.func @pv
// CHECK-NOT: linalg.generic
// CHECK: scf.for
// CHECK: scf.for {{.*}} step %c64
// CHECK-COUNT-4: vector.maskedload %arg2
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: memref.load %arg0
// CHECK: vector.broadcast {{.*}} : f32 to vector<16xf32>
// CHECK-COUNT-4: vector.fma
// CHECK-COUNT-4: vector.maskedstore %arg2
// LANES8-LABEL: func.func @pv
// LANES8: scf.for {{.*}} step %c32
// LANES8: vector.fma {{.*}} : vector<8xf32>
func.func @pv(%p: memref<?x?xf32>, %v: memref<?x128xf32, strided<[1024, 1], offset: ?>>, %acc: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [#s_t, #t_e, #s_e], iterator_types = ["parallel", "reduction", "parallel"]} ins(%p, %v : memref<?x?xf32>, memref<?x128xf32, strided<[1024, 1], offset: ?>>) outs(%acc : memref<?x128xf32>) attrs = {attn.tiled_attention} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#id = affine_map<(s, t) -> (s, t)>
#row = affine_map<(s, t) -> (s)>

// A row maximum: a vector accumulator padded with -inf, its lanes combined
// with the old maximum once per row.
// CHECK-LABEL: func.func @row_max
// CHECK-NOT: linalg.generic
// CHECK: %[[NEG:.*]] = arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK: %[[ACC:.*]] = scf.for {{.*}} step %c16 iter_args(%{{.*}} = %[[NEG]]) -> (vector<16xf32>)
// CHECK: vector.create_mask
// CHECK: vector.maskedload %arg0{{.*}}, %[[NEG]]
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: memref.load %arg1
// CHECK: vector.reduction <maximumf>, %[[ACC]]
// CHECK: memref.store
func.func @row_max(%scores: memref<?x?xf32>, %max: memref<?xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%scores : memref<?x?xf32>) outs(%max : memref<?xf32>) attrs = {attn.tiled_attention} {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id = affine_map<(s, t) -> (s, t)>
#row = affine_map<(s, t) -> (s)>

// exp(scores - m) in place: the row's m broadcast, the exponential a
// polynomial on vectors (no math.exp left), the result a masked store.
// CHECK-LABEL: func.func @exp_in_place
// CHECK-NOT: linalg.generic
// CHECK-NOT: math.exp
// CHECK: memref.load %arg0
// CHECK: vector.broadcast
// CHECK: vector.maskedload %arg1
// CHECK: arith.subf {{.*}} : vector<16xf32>
// CHECK: math.fma
// CHECK: vector.maskedstore %arg1
func.func @exp_in_place(%m: memref<?xf32>, %scores: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]} ins(%m : memref<?xf32>) outs(%scores : memref<?x?xf32>) attrs = {attn.tiled_attention} {
  ^bb0(%a: f32, %b: f32):
    %d = arith.subf %b, %a : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  }
  return
}

// -----

#id = affine_map<(s, t) -> (s, t)>

// The causal mask: linalg.index of the vector dimension becomes the step
// vector plus the column, values from outside are broadcast.
// CHECK-LABEL: func.func @causal_mask
// CHECK: vector.step : vector<16xindex>
// CHECK: arith.cmpi ule, {{.*}} : vector<16xindex>
// CHECK: arith.select {{.*}} : vector<16xi1>, vector<16xf32>
func.func @causal_mask(%scores: memref<?x?xf32>, %first: index) {
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%scores : memref<?x?xf32>) attrs = {attn.tiled_attention} {
  ^bb0(%a: f32):
    %row = linalg.index 0 : index
    %col = linalg.index 1 : index
    %pos = arith.addi %first, %row : index
    %ok = arith.cmpi ule, %col, %pos : index
    %ninf = arith.constant 0xFF800000 : f32
    %r = arith.select %ok, %a, %ninf : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#id = affine_map<(s, t) -> (s, t)>
#row = affine_map<(s, t) -> (s)>

// Not marked by --attn-tile-attention: left alone.
// CHECK-LABEL: func.func @unmarked
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @unmarked(%scores: memref<?x?xf32>, %max: memref<?xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%scores : memref<?x?xf32>) outs(%max : memref<?xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id = affine_map<(s, t) -> (s, t)>
#row = affine_map<(s, t) -> (s)>

// Marked, but the vector dimension is not contiguous: left alone.
// CHECK-LABEL: func.func @strided
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @strided(%scores: memref<?x?xf32, strided<[?, ?]>>, %max: memref<?xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%scores : memref<?x?xf32, strided<[?, ?]>>) outs(%max : memref<?xf32>) attrs = {attn.tiled_attention} {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id = affine_map<(s, t) -> (s, t)>
#row = affine_map<(s, t) -> (s)>

// Marked, but on tensors (before bufferisation): left alone.
// CHECK-LABEL: func.func @tensors
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @tensors(%scores: tensor<?x?xf32>, %max: tensor<?xf32>) -> tensor<?xf32> {
  %r = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%scores : tensor<?x?xf32>) outs(%max : tensor<?xf32>) attrs = {attn.tiled_attention} {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}
