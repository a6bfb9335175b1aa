// RUN: attn-opt %s --attn-vectorize-matmul --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-vectorize-matmul="vector-size=16 panel-rows=2 k-block=32" --split-input-file | FileCheck %s --check-prefix=SMALL

#x = affine_map<(m, p, j, k) -> (m, k)>
#w = affine_map<(m, p, j, k) -> (p, k, j)>
#c = affine_map<(m, p, j, k) -> (m, p, j)>

// The contraction over panels of 64 columns that --attn-pack-weights makes:
// an scf.parallel over panels, a loop over blocks of k, 6-row tiles of C in
// 24 vector registers (4 vectors of the panel per step, each multiplied by
// a broadcast element of each of the 6 rows), then 1-row tiles for the rows
// that remain. No reduction across lanes, no masks.
// CHECK-LABEL: func.func @panels
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: scf.for
// CHECK-COUNT-24: vector.load {{.*}} : memref<?x32x64xf32>, vector<16xf32>
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-4: vector.load {{.*}} : memref<32x2048x64xf32>, vector<16xf32>
// CHECK: memref.load
// CHECK: vector.broadcast
// CHECK-COUNT-4: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-24: vector.store
// CHECK: scf.for
// CHECK-COUNT-4: vector.load {{.*}} : memref<?x32x64xf32>, vector<16xf32>
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-4: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-4: vector.store
// CHECK: attn.matmul_panels
// CHECK-NOT: vector.reduction
// CHECK-NOT: vector.maskedload
// SMALL-LABEL: func.func @panels
// SMALL: arith.constant 32 : index
// SMALL: scf.for {{.*}} iter_args
// SMALL-COUNT-8: vector.fma
// SMALL: scf.yield
func.func @panels(%a: memref<?x2048xf32, strided<[?, 1], offset: ?>>, %w: memref<32x2048x64xf32>, %out: memref<?x32x64xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x2048xf32, strided<[?, 1], offset: ?>>, memref<32x2048x64xf32>) outs(%out : memref<?x32x64xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, p, j, k) -> (m, k)>
#w = affine_map<(m, p, j, k) -> (p, k, j)>
#c = affine_map<(m, p, j, k) -> (m, p, j)>

// A panel whose width is not a multiple of the vector size is left alone.
// CHECK-LABEL: func.func @narrow_panels
// CHECK: linalg.generic
// CHECK-NOT: vector.fma
func.func @narrow_panels(%a: memref<?x8xf32>, %w: memref<2x8x8xf32>, %out: memref<?x2x8xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x8xf32>, memref<2x8x8xf32>) outs(%out : memref<?x2x8xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, p, j, k) -> (m, k)>
#w = affine_map<(m, p, j, k) -> (p, k, j)>
#c = affine_map<(m, p, j, k) -> (m, p, j)>

// A panel buffer whose inner stride is not known to be 1 is left alone.
// CHECK-LABEL: func.func @strided_panels
// CHECK: linalg.generic
// CHECK-NOT: vector.fma
func.func @strided_panels(%a: memref<?x8xf32>, %w: memref<2x8x16xf32, strided<[?, ?, ?], offset: ?>>, %out: memref<?x2x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x8xf32>, memref<2x8x16xf32, strided<[?, ?, ?], offset: ?>>) outs(%out : memref<?x2x16xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, p, j, k) -> (m, k)>
#w = affine_map<(m, p, j, k) -> (p, k, j)>
#c = affine_map<(m, p, j, k) -> (m, p, j)>

// bf16 panels (--attn-pack-weights bf16); A and C stay f32. When there are
// full 6-row tiles, each block of the panel is widened once into an f32
// scratch that they read; the 1-row tiles (decode) widen as they load.
// CHECK-LABEL: func.func @bf16_panels
// CHECK: scf.parallel
// CHECK: %[[SCRATCH:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1024x64xf32>
// CHECK: scf.if
// CHECK: %[[HALF:.*]] = vector.load %{{.*}} : memref<2x64x64xbf16>, vector<16xbf16>
// CHECK-NEXT: %[[WIDE:.*]] = arith.extf %[[HALF]] : vector<16xbf16> to vector<16xf32>
// CHECK-NEXT: vector.store %[[WIDE]], %[[SCRATCH]]
// CHECK: %[[FROMSCRATCH:.*]] = vector.load %[[SCRATCH]][{{.*}}] : memref<1024x64xf32>, vector<16xf32>
// CHECK: vector.fma %{{.*}}, %[[FROMSCRATCH]], %{{.*}} : vector<16xf32>
// CHECK: %[[ONEHALF:.*]] = vector.load %{{.*}} : memref<2x64x64xbf16>, vector<16xbf16>
// CHECK-NEXT: %[[ONEWIDE:.*]] = arith.extf %[[ONEHALF]] : vector<16xbf16> to vector<16xf32>
// CHECK: vector.fma %{{.*}}, %[[ONEWIDE]], %{{.*}} : vector<16xf32>
// CHECK: memref.dealloc %[[SCRATCH]]
// CHECK-NOT: linalg.generic
func.func @bf16_panels(%a: memref<?x64xf32>, %w: memref<2x64x64xbf16>, %out: memref<?x2x64xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf32>, memref<2x64x64xbf16>) outs(%out : memref<?x2x64xf32>) {
  ^bb0(%in: f32, %wt: bf16, %acc: f32):
    %wide = arith.extf %wt : bf16 to f32
    %p = arith.mulf %in, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, p, j, k) -> (m, k)>
#w = affine_map<(m, p, j, k) -> (p, k, j)>
#c = affine_map<(m, p, j, k) -> (m, p, j)>

// Other narrow element types are not panels the kernel reads.
// CHECK-LABEL: func.func @f16_panels_stay
// CHECK: linalg.generic
func.func @f16_panels_stay(%a: memref<?x64xf32>, %w: memref<2x64x64xf16>, %out: memref<?x2x64xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf32>, memref<2x64x64xf16>) outs(%out : memref<?x2x64xf32>) {
  ^bb0(%in: f32, %wt: f16, %acc: f32):
    %wide = arith.extf %wt : f16 to f32
    %p = arith.mulf %in, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
