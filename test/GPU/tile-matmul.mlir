// RUN: attn-opt %s --attn-gpu-tile-matmul --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-gpu-tile-matmul=gemv-max-rows=0 --split-input-file | FileCheck %s --check-prefix=MMA-ONLY
// RUN: attn-opt %s --attn-gpu-tile-matmul="gemv-max-rows=0 wgmma=true" --split-input-file | FileCheck %s --check-prefix=WGMMA

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// attn.linear's contraction: the rows of A choose, at run time, between
// the GEMV (a warp per column of C, 128-bit loads of W where it is aligned,
// else lanes 32 apart along k; a shuffle butterfly) and the tensor-core kernel (64 x 64 tiles of C on 4 warps,
// bf16 tiles of A and W in workgroup memory between barriers, mma.sync
// m16n8k16 on bf16 with f32 accumulators, C updated inside its bounds).
// CHECK-LABEL: func.func @linear(
// CHECK-SAME: %[[A:.*]]: memref<?x64xf32>, %[[W:.*]]: memref<96x64xf32>, %[[C:.*]]: memref<?x96xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[M:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[FEW:.*]] = arith.cmpi ule, %[[M]], %c4
// CHECK: scf.if %[[FEW]] {
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c256,
// CHECK: %[[COL:.*]] = arith.addi
// CHECK: %[[ADDRESS:.*]] = memref.extract_aligned_pointer_as_index %[[W]]
// CHECK: %[[MISALIGNED:.*]] = arith.remui %[[ADDRESS]], %c16
// CHECK: %[[ALIGNED:.*]] = arith.cmpi eq, %[[MISALIGNED]], %c0
// CHECK: scf.if
// CHECK: scf.for %[[ROW:.*]] = %c0{{.*}} to %{{.*}} step %c1 {
// CHECK: scf.if %[[ALIGNED]] -> (f32) {
// CHECK: scf.for %[[KV:.*]] = %{{.*}} to %{{.*}} step %c128{{.*}} iter_args
// CHECK: vector.load %[[W]][%[[COL]], %[[KV]]] {alignment = 16 : i64} : memref<96x64xf32>, vector<4xf32>
// CHECK-COUNT-4: memref.load %[[A]][%[[ROW]],
// CHECK: } else {
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %c32{{.*}} iter_args
// CHECK: memref.load %[[A]][%[[ROW]], %[[K]]]
// CHECK: memref.load %[[W]][%[[COL]], %[[K]]]
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[C]][%[[ROW]], %[[COL]]]
// CHECK: } else {
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c128,
// CHECK-SAME: workgroup(%[[ATILE:.*]] : memref<64x20xi32, #gpu.address_space<workgroup>>, %[[WTILE:.*]] : memref<64x20xi32, #gpu.address_space<workgroup>>)
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %{{.*}} step %c32{{.*}} iter_args(
// CHECK: gpu.barrier
// CHECK: memref.load %[[A]]
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: memref.store %{{.*}}, %[[ATILE]]
// CHECK: memref.load %[[W]]
// CHECK: memref.store %{{.*}}, %[[WTILE]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[ATILE]]
// CHECK: memref.load %[[WTILE]]
// CHECK: nvvm.mma.sync
// CHECK-SAME: multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>
// CHECK-SAME: shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK-SAME: (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-COUNT-15: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK: scf.yield
// CHECK: arith.cmpi ult, %{{.*}}, %[[M]]
// CHECK: memref.load %[[C]]
// CHECK: memref.store %{{.*}}, %[[C]]
// MMA-ONLY-LABEL: func.func @linear(
// MMA-ONLY-NOT: gpu.shuffle
// MMA-ONLY-NOT: scf.if %
// MMA-ONLY: gpu.launch
// MMA-ONLY: nvvm.mma.sync
func.func @linear(%a: memref<?x64xf32>, %w: memref<96x64xf32>, %c: memref<?x96xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf32>, memref<96x64xf32>) outs(%c : memref<?x96xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// The logits' A is a strided view of the last hidden state: still a
// linear, read through its strides.
// CHECK-LABEL: func.func @strided_input(
// CHECK: nvvm.mma.sync
// CHECK-NOT: linalg.generic
func.func @strided_input(%a: memref<?x16xf32, strided<[?, ?], offset: ?>>, %w: memref<32x16xf32>, %c: memref<?x32xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x16xf32, strided<[?, ?], offset: ?>>, memref<32x16xf32>) outs(%c : memref<?x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// k = 6: W's rows cannot all be 16-byte aligned, so the GEMV only has its
// 32-bit loads; the tensor-core kernel guards the k past 6 in its slice.
// CHECK-LABEL: func.func @odd_depth(
// CHECK-NOT: vector.load
// CHECK-NOT: memref.extract_aligned_pointer_as_index
// CHECK: gpu.shuffle xor
// CHECK: nvvm.mma.sync
func.func @odd_depth(%a: memref<?x6xf32>, %w: memref<8x6xf32>, %c: memref<?x8xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x6xf32>, memref<8x6xf32>) outs(%c : memref<?x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// Attention's Q . K^T has the same maps, but K is a dynamic, strided view
// of the cache, not a weight: it keeps the generic mapping (and f32).
// CHECK-LABEL: func.func @attention_scores(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
func.func @attention_scores(%q: memref<?x8xf32, strided<[16, 1], offset: ?>>, %k: memref<?x8xf32, strided<[?, ?], offset: ?>>, %s: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<?x8xf32, strided<[16, 1], offset: ?>>, memref<?x8xf32, strided<[?, ?], offset: ?>>) outs(%s : memref<?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %t = arith.addf %acc, %p : f32
    linalg.yield %t : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>

// A . B with B stored [k, n] is not attn.linear's layout.
// CHECK-LABEL: func.func @untransposed(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
func.func @untransposed(%a: memref<?x64xf32>, %b: memref<64x96xf32>, %c: memref<?x96xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x64xf32>, memref<64x96xf32>) outs(%c : memref<?x96xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#m = affine_map<(i, j) -> (i, j)>
#r = affine_map<(i, j) -> (i)>

// A row reduction (RMSNorm's sum of squares) is not a contraction.
// CHECK-LABEL: func.func @row_sum(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
func.func @row_sum(%x: memref<?x64xf32>, %s: memref<?xf32>) {
  linalg.generic {indexing_maps = [#m, #r], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<?x64xf32>) outs(%s : memref<?xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %p = arith.mulf %v, %v : f32
    %t = arith.addf %acc, %p : f32
    linalg.yield %t : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// f16 buffers are not what the graph produces; the pass leaves them.
// CHECK-LABEL: func.func @f16_linear(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
func.func @f16_linear(%a: memref<?x64xf16>, %w: memref<96x64xf16>, %c: memref<?x96xf16>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf16>, memref<96x64xf16>) outs(%c : memref<?x96xf16>) {
  ^bb0(%x: f16, %y: f16, %acc: f16):
    %p = arith.mulf %x, %y : f16
    %s = arith.addf %acc, %p : f16
    linalg.yield %s : f16
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// A C zero-filled right before (a projection with nothing to accumulate
// into): the fill goes, and both kernels store their products instead of
// adding them to C.
// CHECK-LABEL: func.func @zero_init(
// CHECK-SAME: %[[C:[^:]*]]: memref<?x96xf32>)
// CHECK-NOT: linalg.fill
// CHECK-NOT: memref.load %[[C]]
// CHECK: gpu.shuffle xor
// CHECK-NOT: memref.load %[[C]]
// CHECK: memref.store %{{.*}}, %[[C]]
// CHECK-NOT: memref.load %[[C]]
// CHECK: nvvm.mma.sync
// CHECK-NOT: memref.load %[[C]]
// CHECK: memref.store %{{.*}}, %[[C]]
// CHECK-NOT: memref.load %[[C]]
// CHECK: return
func.func @zero_init(%a: memref<?x64xf32>, %w: memref<96x64xf32>, %c: memref<?x96xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<?x96xf32>)
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf32>, memref<96x64xf32>) outs(%c : memref<?x96xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// A fill of another value is C's init like any other: kept, and added to.
// CHECK-LABEL: func.func @one_init(
// CHECK-SAME: %[[C:[^:]*]]: memref<?x96xf32>)
// CHECK: linalg.fill
// CHECK: memref.load %[[C]]
func.func @one_init(%a: memref<?x64xf32>, %w: memref<96x64xf32>, %c: memref<?x96xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<?x96xf32>)
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf32>, memref<96x64xf32>) outs(%c : memref<?x96xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// A bf16 weight (--attn-narrow-weights) widened in the body: the GEMV loads
// 8 bf16 per 128-bit load and widens each, the tensor-core kernel takes its
// bits as they are (no rounding of W).
// CHECK-LABEL: func.func @bf16_weight(
// CHECK-SAME: %[[A:.*]]: memref<?x64xf32>, %[[W:.*]]: memref<96x64xbf16>
// CHECK: scf.for %[[KV:.*]] = %{{.*}} to %{{.*}} step %c256{{.*}} iter_args
// CHECK: %[[V:.*]] = vector.load %[[W]][%{{.*}}, %[[KV]]] {alignment = 16 : i64} : memref<96x64xbf16>, vector<8xbf16>
// CHECK-COUNT-8: arith.extf %{{.*}} : bf16 to f32
// CHECK: } else {
// CHECK: %[[SCALAR:.*]] = memref.load %[[W]]
// CHECK-NEXT: arith.extf %[[SCALAR]] : bf16 to f32
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c128,
// CHECK: %[[WBF16:.*]] = memref.load %[[W]]
// CHECK-NEXT: %[[BITS:.*]] = arith.bitcast %[[WBF16]] : bf16 to i16
// CHECK: nvvm.mma.sync
// With wgmma: 256 threads per 128 x 128 tile, A's core-matrix rows rounded
// to bf16 from scalar loads, W's a 16-byte vector where aligned, four wgmma
// per 64 columns of k, and no mma.sync.
// WGMMA-LABEL: func.func @bf16_weight(
// WGMMA-SAME: %[[A:.*]]: memref<?x64xf32>, %[[W:.*]]: memref<96x64xbf16>
// WGMMA: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c256,
// WGMMA-SAME: workgroup(%{{.*}} : memref<1024xvector<8xbf16>, #gpu.address_space<workgroup>>, %{{.*}} : memref<1024xvector<8xbf16>, #gpu.address_space<workgroup>>)
// WGMMA: arith.truncf %{{.*}} : f32 to bf16
// WGMMA: vector.load %[[W]]{{.*}} {alignment = 16 : i64} : memref<96x64xbf16>, vector<8xbf16>
// WGMMA-COUNT-4: nvvm.wgmma.mma_async
// WGMMA-NOT: nvvm.mma.sync
func.func @bf16_weight(%a: memref<?x64xf32>, %w: memref<96x64xbf16>, %c: memref<?x96xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf32>, memref<96x64xbf16>) outs(%c : memref<?x96xf32>) {
  ^bb0(%x: f32, %y: bf16, %acc: f32):
    %wide = arith.extf %y : bf16 to f32
    %p = arith.mulf %x, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// The contraction interface looks through any chain of casts; a bf16
// weight read as its bits (an integer) is not attn.linear's widening.
// CHECK-LABEL: func.func @bf16_weight_as_integer(
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
func.func @bf16_weight_as_integer(%a: memref<?x64xf32>, %w: memref<96x64xbf16>, %c: memref<?x96xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x64xf32>, memref<96x64xbf16>) outs(%c : memref<?x96xf32>) {
  ^bb0(%x: f32, %y: bf16, %acc: f32):
    %bits = arith.bitcast %y : bf16 to i16
    %wide = arith.sitofp %bits : i16 to f32
    %p = arith.mulf %x, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// k = 1280 bf16: the GEMV's lanes keep 4 loads of W in flight per step over
// the first 1024 columns (4 x 32 lanes x 8), then one per step for the last
// 256.
// CHECK-LABEL: func.func @gemv_loads_in_flight(
// CHECK-SAME: %[[A:.*]]: memref<?x1280xf32>, %[[W:.*]]: memref<32x1280xbf16>
// CHECK: scf.for %[[I:.*]] = %[[FIRST:.*]] to %c1024{{.*}} step %c1024{{.*}} iter_args
// CHECK-COUNT-4: vector.load %[[W]]{{.*}} : memref<32x1280xbf16>, vector<8xbf16>
// CHECK-NOT: vector.load
// CHECK: scf.yield
// CHECK: %[[REST:.*]] = arith.addi %[[FIRST]], %c1024
// CHECK: scf.for %{{.*}} = %[[REST]] to %c1280{{.*}} step %c256{{.*}} iter_args
// CHECK-COUNT-1: vector.load %[[W]]
// CHECK-NOT: vector.load
// CHECK: scf.yield
func.func @gemv_loads_in_flight(%a: memref<?x1280xf32>, %w: memref<32x1280xbf16>, %c: memref<?x32xf32>) {
  linalg.generic {indexing_maps = [#a, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<?x1280xf32>, memref<32x1280xbf16>) outs(%c : memref<?x32xf32>) {
  ^bb0(%x: f32, %y: bf16, %acc: f32):
    %wide = arith.extf %y : bf16 to f32
    %p = arith.mulf %x, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
