// RUN: attn-opt %S/Inputs/tiny-model.mlir --attn-cpu-pipeline | FileCheck %s
// RUN: attn-opt %S/Inputs/tiny-model.mlir --attn-cpu-pipeline=stop-after=loops | FileCheck %s --check-prefix=LOOPS

// Everything is in the LLVM dialect, with the four entry points of the ABI
// and no call into MLIR's runtime support libraries.
// CHECK-NOT: func.func
// CHECK-NOT: memrefCopy
// CHECK-DAG: llvm.func @attn_abi_version() -> i32
// CHECK-DAG: llvm.func @attn_manifest() -> !llvm.ptr
// CHECK-DAG: llvm.func @attn_prefill(%{{.*}}: !llvm.ptr) -> i32
// CHECK-DAG: llvm.func @attn_logits(%{{.*}}: !llvm.ptr) -> i32
// CHECK-DAG: llvm.mlir.global internal constant @attn_manifest_json

// The linear layers are loop nests whose innermost loop walks the input
// features (a row of x and a row of W, both contiguous).
// LOOPS-LABEL: func.func private @logits
// LOOPS: scf.for %[[IN:.*]] = %c0 to %c16 step %c1 {
// LOOPS-NEXT: memref.load %arg1[%{{.*}}, %[[IN]]] : memref<?x16xf32
// LOOPS-NEXT: memref.load %{{.*}}[%{{.*}}, %[[IN]]] : memref<32x16xf32>
