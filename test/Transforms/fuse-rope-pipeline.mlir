// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cpu-pipeline=stop-after=bufferized | FileCheck %s
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cpu-pipeline="stop-after=bufferized fuse-rope=false split-kv=false" | FileCheck %s --check-prefix=OFF

// In the CPU pipeline the queries are no longer rotated into a buffer of
// their own ([n, heads, head_dim] = ?x2x8 in the tiny model) before
// attention, and decode may take the flash-decoding branch (a forall over
// heads and chunks); the options turn both off.
// CHECK-LABEL: func.func private @decoder_layer
// CHECK-NOT: memref.alloc({{.*}}) {{.*}} : memref<?x2x8xf32>
// CHECK: scf.forall ({{.*}}, {{.*}}) in (2, {{.*}})
// CHECK-LABEL: func.func private @prefill
// OFF-LABEL: func.func private @decoder_layer
// OFF: memref.alloc({{.*}}) {{.*}} : memref<?x2x8xf32>
// OFF-NOT: scf.forall ({{.*}}, {{.*}}) in
// OFF-LABEL: func.func private @prefill
