// RUN: attn-opt %s --attn-gpu-sink-constants --gpu-kernel-outlining | FileCheck %s
// RUN: attn-opt %s --gpu-kernel-outlining | FileCheck %s --check-prefix=NOSINK

// The constant table is read in the kernel: sunk into the launch, outlining
// copies the global into the kernel module, so the kernel reads device
// memory and not the host's copy.
// Without the pass the kernel takes the host's table as an argument.
// CHECK-LABEL: func.func @rope_table(
// CHECK: gpu.launch_func @rope_table_kernel::@rope_table_kernel {{.*}} args(%{{[a-z0-9]*}} : memref<4xf32>){{$}}
// CHECK: gpu.module @rope_table_kernel
// CHECK: gpu.func @rope_table_kernel(%{{[a-z0-9]*}}: memref<4xf32>) kernel
// CHECK: memref.get_global @inv_freq
// CHECK: memref.global "private" constant @inv_freq
// NOSINK: gpu.func @rope_table_kernel(%{{[a-z0-9]*}}: memref<4xf32>, %{{[a-z0-9]*}}: memref<4xf32>) kernel
memref.global "private" constant @inv_freq : memref<4xf32> = dense<[1.0, 0.1, 0.01, 0.001]>

func.func @rope_table(%out: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %table = memref.get_global @inv_freq : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %x = memref.load %table[%tx] : memref<4xf32>
    memref.store %x, %out[%tx] : memref<4xf32>
    gpu.terminator
  }
  return
}
