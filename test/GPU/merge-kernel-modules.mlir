// RUN: attn-opt %s --gpu-kernel-outlining --attn-gpu-merge-kernel-modules | FileCheck %s
// RUN: attn-opt %s --gpu-kernel-outlining | FileCheck %s --check-prefix=UNMERGED
// RUN: attn-opt %s --gpu-kernel-outlining --attn-gpu-merge-kernel-modules | grep -c "memref.global" | FileCheck %s --check-prefix=GLOBALS

// Outlining makes a module per kernel; merged, there is one, holding both
// kernels and the global they share once (the host's and the kernels'
// copies: two in all), and both launches point there.
// GLOBALS: 2
// UNMERGED-COUNT-2: gpu.module
// CHECK-LABEL: func.func @two_kernels(
// CHECK: gpu.launch_func @attn_kernels::@two_kernels_kernel{{ }}
// CHECK: gpu.launch_func @attn_kernels::@two_kernels_kernel_0
// CHECK: gpu.module @attn_kernels {
// CHECK-DAG: memref.global "private" constant @table
// CHECK-DAG: gpu.func @two_kernels_kernel(
// CHECK-DAG: gpu.func @two_kernels_kernel_0(
// CHECK-NOT: gpu.module
memref.global "private" constant @table : memref<4xf32> = dense<1.0>

func.func @two_kernels(%out: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %table = memref.get_global @table : memref<4xf32>
    %x = memref.load %table[%tx] : memref<4xf32>
    memref.store %x, %out[%tx] : memref<4xf32>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %table = memref.get_global @table : memref<4xf32>
    %x = memref.load %table[%tx] : memref<4xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %out[%tx] : memref<4xf32>
    gpu.terminator
  }
  return
}
