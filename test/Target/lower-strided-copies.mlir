// RUN: attn-opt %s --attn-lower-strided-copies --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @strided
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<?x8xf32>) outs(%{{.*}} : memref<?x8xf32, strided<[?, ?], offset: ?>>)
func.func @strided(%a: memref<?x8xf32>, %b: memref<?x8xf32, strided<[?, ?], offset: ?>>) {
  memref.copy %a, %b : memref<?x8xf32> to memref<?x8xf32, strided<[?, ?], offset: ?>>
  return
}

// -----

// Contiguous copies stay: they lower to memcpy.
// CHECK-LABEL: func.func @contiguous
// CHECK: memref.copy
// CHECK-NOT: linalg.copy
func.func @contiguous(%a: memref<?x8xf32>, %b: memref<?x8xf32>) {
  memref.copy %a, %b : memref<?x8xf32> to memref<?x8xf32>
  return
}
