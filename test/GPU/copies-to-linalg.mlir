// RUN: attn-opt %s --attn-gpu-copies-to-linalg | FileCheck %s

// Every host copy, contiguous or not, becomes a linalg.copy (a kernel later).
// CHECK-LABEL: func.func @host_copies(
// CHECK: linalg.copy ins(%{{.*}} : memref<?x16xf32>) outs(%{{.*}} : memref<?x16xf32>)
// CHECK: linalg.copy ins(%{{.*}} : memref<?x8xf32, strided<[16, 1]>>) outs(%{{.*}} : memref<?x8xf32>)
// CHECK-NOT: memref.copy
func.func @host_copies(%a: memref<?x16xf32>, %b: memref<?x16xf32>,
                       %s: memref<?x8xf32, strided<[16, 1]>>, %d: memref<?x8xf32>) {
  memref.copy %a, %b : memref<?x16xf32> to memref<?x16xf32>
  memref.copy %s, %d : memref<?x8xf32, strided<[16, 1]>> to memref<?x8xf32>
  return
}

// A copy inside a kernel already runs on the device and stays.
// CHECK-LABEL: func.func @kernel_copy(
// CHECK: gpu.launch
// CHECK: memref.copy
// CHECK-NOT: linalg.copy
func.func @kernel_copy(%a: memref<4xf32>, %b: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    memref.copy %a, %b : memref<4xf32> to memref<4xf32>
    gpu.terminator
  }
  return
}
