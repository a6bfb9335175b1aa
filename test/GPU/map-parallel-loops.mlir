// RUN: attn-opt %s --attn-gpu-map-parallel-loops=block-size=128 --split-input-file | FileCheck %s

// A 2-d nest over [n, 16]: one launch of ceil(16 n / 128) blocks of 128
// threads; the linear id is split with the innermost dimension fastest and
// guarded against the threads past the end.
// CHECK-LABEL: func.func @nest_2d(
// CHECK-SAME: %[[BUF:.*]]: memref<?x16xf32>, %[[N:.*]]: index)
// CHECK: %[[ROWS:.*]] = arith.maxsi
// CHECK: %[[COLS:.*]] = arith.maxsi
// CHECK: %[[TOTAL:.*]] = arith.muli %{{.*}}, %[[COLS]]
// CHECK: %[[C128:.*]] = arith.constant 128 : index
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[TOTAL]], %[[C128]]
// CHECK: %[[GRID:.*]] = arith.maxui %[[BLOCKS]]
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], {{.*}} threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C128]],
// CHECK: %[[BASE:.*]] = arith.muli %[[BX]], %[[C128]]
// CHECK: %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %[[TOTAL]]
// CHECK: scf.if %[[IN]] {
// CHECK: %[[COL:.*]] = arith.remui %[[ID]], %[[COLS]]
// CHECK: %[[ROW:.*]] = arith.divui %[[ID]], %[[COLS]]
// CHECK: %[[J:.*]] = arith.muli %[[COL]]
// CHECK: %[[J2:.*]] = arith.addi %{{.*}}, %[[J]]
// CHECK: %[[I:.*]] = arith.muli %[[ROW]]
// CHECK: %[[I2:.*]] = arith.addi %{{.*}}, %[[I]]
// CHECK: memref.store %{{.*}}, %[[BUF]][%[[I2]], %[[J2]]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
func.func @nest_2d(%buf: memref<?x16xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c16) step (%c1, %c1) {
    memref.store %zero, %buf[%i, %j] : memref<?x16xf32>
    scf.reduce
  }
  return
}

// -----

// A nested parallel loop stays in the kernel as it is (it runs sequentially
// in each thread); only the outer one is mapped.
// CHECK-LABEL: func.func @nested(
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK: scf.for
// CHECK: scf.parallel
// CHECK: gpu.terminator
func.func @nested(%buf: memref<?x8xf32>, %n: index, %k: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    scf.for %t = %c0 to %k step %c1 {
      scf.parallel (%e) = (%c0) to (%c8) step (%c1) {
        memref.store %zero, %buf[%i, %e] : memref<?x8xf32>
        scf.reduce
      }
    }
    scf.reduce
  }
  return
}

// -----

// Loops already in a kernel and code without parallel loops are left alone.
// CHECK-LABEL: func.func @inside_launch(
// CHECK: gpu.launch
// CHECK-NEXT: scf.parallel
// CHECK-NOT: gpu.launch
func.func @inside_launch(%buf: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      memref.store %zero, %buf[%i] : memref<8xf32>
      scf.reduce
    }
    gpu.terminator
  }
  return
}

// CHECK-LABEL: func.func @no_loops(
// CHECK-NOT: gpu.launch
func.func @no_loops(%buf: memref<8xf32>) {
  return
}
