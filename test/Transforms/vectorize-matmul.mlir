// RUN: attn-opt %s --attn-vectorize-matmul --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-vectorize-matmul="vector-size=8 tile-rows=2 tile-cols=3 block-cols=32" --split-input-file | FileCheck %s --check-prefix=SMALL

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// The lowering of attn.linear on contiguous buffers: an scf.parallel over
// blocks of output columns, 4x4 tiles of vector<16xf32> accumulators along k
// (16 fused multiply-adds per step), a masked step for the tail of k, and one
// reduction per output. No stride check: the types prove unit strides.
// CHECK-LABEL: func.func @contiguous
// CHECK-NOT: linalg.generic
// CHECK-NOT: scf.if
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-8: vector.load {{.*}} : memref<?x?xf32>, vector<16xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.yield
// CHECK: vector.create_mask
// CHECK-COUNT-8: vector.maskedload
// CHECK: vector.reduction <add>, {{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK: attn.matmul_blocks
// SMALL-LABEL: func.func @contiguous
// SMALL: scf.for {{.*}} iter_args
// SMALL-COUNT-5: vector.load {{.*}} vector<8xf32>
// SMALL-COUNT-6: vector.fma {{.*}} : vector<8xf32>
func.func @contiguous(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %out: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%out : memref<?x?xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// Buffers with dynamic strides (function arguments after bufferisation): the
// tiled nest runs when every innermost stride is 1, on views that say so;
// otherwise the original generic does.
// CHECK-LABEL: func.func @strided
// CHECK: %[[META:.*]] = memref.extract_strided_metadata %arg0
// CHECK: arith.cmpi eq
// CHECK: scf.if
// CHECK: memref.reinterpret_cast {{.*}} to memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK: scf.parallel
// CHECK: vector.fma
// CHECK: } else {
// CHECK: linalg.generic
func.func @strided(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %b: memref<?x?xf32, strided<[?, ?], offset: ?>>, %out: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>) outs(%out : memref<?x?xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>

// A weight laid out [in, out] is not walked along k contiguously: left alone.
// CHECK-LABEL: func.func @not_transposed
// CHECK: linalg.generic
// CHECK-NOT: vector.fma
func.func @not_transposed(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %out: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%out : memref<?x?xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// f16 operands: the kernel is f32 only.
// CHECK-LABEL: func.func @f16
// CHECK: linalg.generic
// CHECK-NOT: vector.fma
func.func @f16(%a: memref<?x?xf16>, %b: memref<?x?xf16>, %out: memref<?x?xf16>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf16>, memref<?x?xf16>) outs(%out : memref<?x?xf16>) {
  ^bb0(%in: f16, %wt: f16, %acc: f16):
    %p = arith.mulf %in, %wt : f16
    %s = arith.addf %acc, %p : f16
    linalg.yield %s : f16
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// A body that is not multiply-add (here max) is not a matmul.
// CHECK-LABEL: func.func @not_multiply_add
// CHECK: linalg.generic
// CHECK-NOT: vector.fma
func.func @not_multiply_add(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %out: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%out : memref<?x?xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.maximumf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// On tensors (before bufferisation) the pass does nothing.
// CHECK-LABEL: func.func @tensors
// CHECK: linalg.generic
// CHECK-NOT: vector.fma
func.func @tensors(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>, %out: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>) outs(%out : tensor<?x?xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// A bf16 weight (a tied LM head of --attn-narrow-weights): its rows load as
// vector<16xbf16>, masked in the tail with bf16 zeros, and widen to f32
// before the fused multiply-adds; A stays f32.
// CHECK-LABEL: func.func @bf16_weight
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-4: vector.load {{.*}} : memref<?x?xf32>, vector<16xf32>
// CHECK: %[[W:.*]] = vector.load {{.*}} : memref<?x2048xbf16>, vector<16xbf16>
// CHECK-NEXT: arith.extf %[[W]] : vector<16xbf16> to vector<16xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// CHECK: %[[TAIL:.*]] = vector.maskedload {{.*}} : memref<?x2048xbf16>, vector<16xi1>, vector<16xbf16> into vector<16xbf16>
// CHECK-NEXT: arith.extf %[[TAIL]] : vector<16xbf16> to vector<16xf32>
func.func @bf16_weight(%a: memref<?x?xf32>, %b: memref<?x2048xbf16>, %out: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32>, memref<?x2048xbf16>) outs(%out : memref<?x?xf32>) {
  ^bb0(%in: f32, %wt: bf16, %acc: f32):
    %wide = arith.extf %wt : bf16 to f32
    %p = arith.mulf %in, %wide : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
