// RUN: attn-opt %S/Inputs/tiny-model.mlir --attn-cpu-pipeline=stop-after=bufferized | FileCheck %s

// The caches are bufferised in place: @decoder_layer and @prefill no longer
// return them, each layer gets a view (subview) of its slice, and nothing
// copies, clones or allocates a whole cache.
// CHECK-NOT: bufferization.clone
// CHECK-NOT: memref.alloc{{.*}}2x?x1x8xf32
// CHECK-NOT: memref.copy {{.*}}2x?x1x8xf32
// The residual adds accumulate into the layer's input (--attn-fuse-epilogues),
// so @decoder_layer returns nothing: its output is its input's buffer.
// CHECK-LABEL: func.func private @decoder_layer
// CHECK-SAME: memref<?x1x8xf32, strided<[?, ?, ?], offset: ?>>) {
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<?x1x8xf32{{.*}}> to memref<?x1x8xf32, strided<[?, ?, ?], offset: ?>>
// CHECK-LABEL: func.func private @prefill
// CHECK-SAME: -> memref<?x16xf32> {
// CHECK: scf.for
// CHECK: memref.subview %{{.*}}[%{{.*}}, 0, 0, 0] [1, %{{.*}}, 1, 8] [1, 1, 1, 1] : memref<2x?x1x8xf32, strided<[?, ?, ?, ?], offset: ?>> to memref<?x1x8xf32, strided<[?, ?, ?], offset: ?>>
// CHECK: call @decoder_layer
// CHECK-LABEL: func.func @attn_prefill
// CHECK: call @prefill
// CHECK-NOT: bufferization.clone
// CHECK-NOT: memref.alloc{{.*}}2x?x1x8xf32
// CHECK-NOT: memref.copy {{.*}}2x?x1x8xf32
