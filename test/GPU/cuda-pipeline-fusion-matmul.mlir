// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels wgmma=false" | FileCheck %s
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels fuse-epilogues=false wgmma=false" | FileCheck %s --check-prefix=OFF

// In the model, the residual adds after the attention output and down
// projections become the C of their tensor-core and GEMV kernels, which
// compute C += A . W^T: both write the layer's hidden state %[[H]] in
// place, so no add kernel follows them and the layer returns no new hidden
// state. The norms (hidden 16: one warp per row) read %[[H]] directly, and
// SiLU·mul is one kernel between the up and down projections.
// CHECK-LABEL: func.func private @decoder_layer(
// CHECK-SAME: %[[H:[^:]*]]: memref<?x16xf32, strided<[?, ?], offset: ?>>,
// CHECK-SAME: ) {
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} threads in (%c32, %c1, %c1) args(%[[H]] : memref<?x16xf32, strided<[?, ?], offset: ?>>, %{{.*}} : memref<16xf32>, %{{.*}} : memref<?x16xf32>)
// The attention output projection, GEMV or tensor cores, into %[[H]].
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} threads in (%c256, %c1, %c1) args(%{{.*}} : memref<?x16xf32>, %{{.*}} : memref<16x16xf32>, %[[H]] : memref<?x16xf32, strided<[?, ?], offset: ?>>)
// CHECK-NEXT: } else {
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} threads in (%c128, %c1, %c1) args(%{{.*}} : memref<?x16xf32>, %{{.*}} : memref<16x16xf32>, %[[H]] : memref<?x16xf32, strided<[?, ?], offset: ?>>)
// CHECK-NEXT: }
// The next kernel is the second norm, reading the updated %[[H]].
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} threads in (%c32, %c1, %c1) args(%[[H]] : memref<?x16xf32, strided<[?, ?], offset: ?>>, %{{.*}} : memref<16xf32>, %[[Y:.*]] : memref<?x16xf32>)
// Gate and up projections, each a zero fill then GEMV or tensor cores.
// CHECK-COUNT-4: gpu.launch_func {{.*}}%[[Y]] : memref<?x16xf32>
// SiLU·mul: one kernel from the two projections to a new buffer.
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} args(%{{.*}} : index, %c32 : index, %{{.*}} : memref<?x32xf32>, %{{.*}} : memref<?x32xf32>, %[[GU:.*]] : memref<?x32xf32>)
// The down projection into %[[H]], and nothing after it.
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} threads in (%c256, %c1, %c1) args({{.*}}%[[H]] : memref<?x16xf32, strided<[?, ?], offset: ?>>{{.*}})
// CHECK-NEXT: } else {
// CHECK: gpu.launch_func @attn_kernels::@{{.*}} threads in (%c128, %c1, %c1) args({{.*}}%[[H]] : memref<?x16xf32, strided<[?, ?], offset: ?>>{{.*}})
// CHECK-NEXT: }
// CHECK-NOT: gpu.launch_func
// CHECK: return{{$}}

// Without the epilogue fusions each residual add is a kernel writing a new
// hidden state, which the layer returns.
// OFF-LABEL: func.func private @decoder_layer(
// OFF-SAME: %[[H:[^:]*]]: memref<?x16xf32, strided<[?, ?], offset: ?>>,
// OFF-SAME: -> memref<?x16xf32> {
// OFF: gpu.launch_func {{.*}} args(%{{.*}} : index, %c16 : index, %[[H]] : memref<?x16xf32, strided<[?, ?], offset: ?>>, %{{.*}} : memref<?x16xf32>, %[[H1:.*]] : memref<?x16xf32>)
// OFF: gpu.launch_func {{.*}} args(%{{.*}} : index, %c16 : index, %[[H1]] : memref<?x16xf32>, %{{.*}} : memref<?x16xf32>, %[[H2:.*]] : memref<?x16xf32>)
// OFF-NOT: gpu.launch_func
// OFF: return %[[H2]] : memref<?x16xf32>
