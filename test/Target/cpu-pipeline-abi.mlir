// RUN: attn-opt %S/Inputs/tiny-model.mlir --attn-cpu-pipeline=stop-after=abi | FileCheck %s

// The weights come from the table, which every function that reads weights
// takes first; per-layer slots are the first slot plus the layer. Slot order:
// embed_tokens 0, norm 1, input_layernorm 2-3, q_proj+k_proj+v_proj 4-5
// (--attn-fuse-projections), ..., lm_head 14.
// CHECK-LABEL: func.func private @decoder_layer(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: tensor<?x16xf32>, %{{.*}}: index, %[[LAYER:[^:]*]]: index,
// CHECK: %[[L:.*]] = arith.index_cast %[[LAYER]] : index to i64
// CHECK: %[[SLOT:.*]] = arith.addi %[[L]], %c2_i64
// CHECK: llvm.getelementptr %{{.*}}[%[[SLOT]]] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.ptr
// CHECK: builtin.unrealized_conversion_cast %{{.*}} to memref<16xf32>
// CHECK: bufferization.to_tensor %{{.*}} restrict : memref<16xf32> to tensor<16xf32>
// CHECK-NOT: attn.weight

// CHECK-LABEL: func.func private @prefill(%{{.*}}: !llvm.ptr,
// CHECK-LABEL: func.func private @logits(%{{.*}}: !llvm.ptr,
// CHECK: %[[HEAD:.*]] = llvm.getelementptr %{{.*}}[14] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr

// @decode is not part of the ABI and is gone.
// CHECK-NOT: @decode(

// CHECK-LABEL: func.func @attn_abi_version() -> i32
// CHECK: arith.constant 3 : i32
// CHECK: llvm.mlir.global internal constant @attn_manifest_json("{\0A  \22abi_version\22: 3,
// CHECK-LABEL: func.func @attn_manifest() -> !llvm.ptr
// CHECK: llvm.mlir.addressof @attn_manifest_json

// The caches are the caller's buffers, updated in place.
// CHECK-LABEL: func.func @attn_prefill(
// CHECK-SAME: %[[CALL:[^:]*]]: !llvm.ptr) -> i32
// CHECK-DAG: llvm.getelementptr %[[CALL]][0, 4] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, i64, i64, ptr, ptr, i64, ptr, ptr)>
// CHECK-DAG: bufferization.to_tensor %{{.*}} restrict writable : memref<2x?x1x8xf32> to tensor<2x?x1x8xf32>
// CHECK: call @prefill(
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %{{.*}} : (tensor<?x16xf32>, memref<?x16xf32>) -> ()

// CHECK-LABEL: func.func @attn_logits(%{{.*}}: !llvm.ptr) -> i32
// CHECK: call @logits(
// CHECK: bufferization.materialize_in_destination %{{.*}} : (tensor<?x32xf32>, memref<?x32xf32>) -> ()
