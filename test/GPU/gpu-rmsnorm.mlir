// RUN: attn-opt %s --attn-gpu-rmsnorm --split-input-file | FileCheck %s --check-prefix=CALL
// RUN: attn-opt %s --attn-gpu-rmsnorm --attn-gpu-expand-kernel-calls --split-input-file | FileCheck %s

// On tensors, the norm becomes a call of an "rms_norm" kernel declaration
// (carrying epsilon) on the read-only buffers of the input and weight and a
// new result buffer, which becomes the result tensor.
// CALL-LABEL: func.func @decode_norm(
// CALL-SAME: %[[X:.*]]: tensor<?x2048xf32>, %[[W:.*]]: tensor<2048xf32>)
// CALL-NOT: attn.rms_norm
// CALL: %[[ROWS:.*]] = tensor.dim %[[X]], %c0
// CALL: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
// CALL: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only
// CALL: %[[OUT:.*]] = memref.alloc(%[[ROWS]]) : memref<?x2048xf32>
// CALL: call @[[KERNEL:.*]](%[[XB]], %[[WB]], %[[OUT]])
// CALL: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CALL: return %[[R]]
// CALL: func.func private @[[KERNEL]](
// CALL-SAME: attn.gpu_kernel = {epsilon = 1.000000e-05 : f64, kind = "rms_norm"}

// Expanded: a decode or prefill norm over 2048 is one launch of a block per
// row (at least one block) of 256 threads on the input's and weight's
// buffers, writing the new buffer. Each thread sums the squares of every
// 256th element from its own, the warp adds them by a butterfly, lane 0
// stores its warp's sum in an 8-float workgroup buffer, and after the
// barrier every thread adds the 8 sums; rsqrt(sum / 2048 + eps), then the
// same threads write weight * (x * inv).
// CHECK-LABEL: func.func @decode_norm(
// CHECK-SAME: %[[X:.*]]: tensor<?x2048xf32>, %[[W:.*]]: tensor<2048xf32>)
// CHECK-NOT: attn.rms_norm
// CHECK: %[[ROWS:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<?x2048xf32> to memref<?x2048xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<2048xf32> to memref<2048xf32, strided<[?], offset: ?>>
// CHECK: %[[OUT:.*]] = memref.alloc(%[[ROWS]]) : memref<?x2048xf32>
// CHECK-NOT: call
// CHECK: %[[N:.*]] = memref.dim %[[XB]], %c0{{.*}}
// CHECK: %[[HIDDEN:.*]] = memref.dim %[[XB]], %c1
// CHECK: %[[BLOCKS:.*]] = arith.maxui %[[N]], %c1
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[BLOCKS]], %{{.*}} = %c1{{[_0-9]*}}, %{{.*}} = %c1{{[_0-9]*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c256, %{{.*}} = %c1{{[_0-9]*}}, %{{.*}} = %c1{{[_0-9]*}})
// CHECK-SAME: workgroup(%[[PARTIAL:.*]] : memref<8xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[LIVE:.*]] = arith.cmpi ult, %[[BX]], %[[N]]
// CHECK: scf.if %[[LIVE]] {
// CHECK: %[[OWN:.*]] = scf.for %[[I:.*]] = %[[TX]] to %[[HIDDEN]] step %c256{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32) {
// CHECK: %[[XI:.*]] = memref.load %[[XB]][%[[BX]], %[[I]]]
// CHECK: %[[SQ:.*]] = arith.mulf %[[XI]], %[[XI]] : f32
// CHECK: arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK: gpu.shuffle xor %[[OWN]], %c16
// CHECK: gpu.shuffle xor %{{.*}}, %c8
// CHECK: gpu.shuffle xor %{{.*}}, %c4
// CHECK: gpu.shuffle xor %{{.*}}, %c2
// CHECK: %[[S1:.*]], %{{.*}} = gpu.shuffle xor %{{.*}}, %c1
// CHECK: %[[WARP:.*]] = arith.addf %{{.*}}, %[[S1]] : f32
// CHECK: %[[LANE:.*]] = arith.remui %[[TX]], %c32
// CHECK: %[[LANE0:.*]] = arith.cmpi eq, %[[LANE]], %c0
// CHECK: scf.if %[[LANE0]] {
// CHECK: %[[WID:.*]] = arith.divui %[[TX]], %c32
// CHECK: memref.store %[[WARP]], %[[PARTIAL]][%[[WID]]]
// CHECK: }
// CHECK: gpu.barrier
// CHECK-COUNT-8: memref.load %[[PARTIAL]]
// CHECK: %[[HIDDEN64:.*]] = arith.index_castui %[[HIDDEN]] : index to i64
// CHECK: %[[COUNT:.*]] = arith.uitofp %[[HIDDEN64]] : i64 to f32
// CHECK: %[[MEAN:.*]] = arith.divf %{{.*}}, %[[COUNT]] : f32
// CHECK: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK: %[[SHIFTED:.*]] = arith.addf %[[MEAN]], %[[EPS]] : f32
// CHECK: %[[INV:.*]] = math.rsqrt %[[SHIFTED]] : f32
// CHECK: scf.for %[[J:.*]] = %[[TX]] to %[[HIDDEN]] step %c256{{.*}} {
// CHECK: %[[XJ:.*]] = memref.load %[[XB]][%[[BX]], %[[J]]]
// CHECK: %[[NORMED:.*]] = arith.mulf %[[XJ]], %[[INV]] : f32
// CHECK: %[[WJ:.*]] = memref.load %[[WB]][%[[J]]]
// CHECK: %[[Y:.*]] = arith.mulf %[[WJ]], %[[NORMED]] : f32
// CHECK: memref.store %[[Y]], %[[OUT]][%[[BX]], %[[J]]]
// CHECK: gpu.terminator
// CHECK-NOT: call
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<?x2048xf32> to tensor<?x2048xf32>
// CHECK: return %[[R]]
// CHECK-NOT: func.func private
func.func @decode_norm(%x: tensor<?x2048xf32>, %w: tensor<2048xf32>) -> tensor<?x2048xf32> {
  %n = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x2048xf32>, tensor<2048xf32>
  return %n : tensor<?x2048xf32>
}

// -----

// One kernel per norm: two norms, two launches, no attn.rms_norm left;
// each call's declaration carries its own epsilon.
// CALL-LABEL: func.func @two_norms(
// CALL: call @[[K1:attn_gpu_rms_norm[_0-9]*]](
// CALL: call @[[K2:attn_gpu_rms_norm[_0-9]*]](
// CALL-DAG: func.func private @[[K1]]({{.*}} attributes {attn.gpu_kernel = {epsilon = 1.000000e-05 : f64, kind = "rms_norm"}}
// CALL-DAG: func.func private @[[K2]]({{.*}} attributes {attn.gpu_kernel = {epsilon = 9.9999999999999995E-7 : f64, kind = "rms_norm"}}
// CHECK-LABEL: func.func @two_norms(
// CHECK-NOT: attn.rms_norm
// CHECK: gpu.launch
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK: gpu.launch
// CHECK: arith.constant 9.99999997E-7 : f32
// CHECK-NOT: gpu.launch
// CHECK-NOT: attn.rms_norm
// CHECK: return
func.func @two_norms(%x: tensor<4x64xf32>, %w1: tensor<64xf32>, %w2: tensor<64xf32>) -> tensor<4x64xf32> {
  %a = attn.rms_norm %x, %w1 {epsilon = 1.0e-05 : f64} : tensor<4x64xf32>, tensor<64xf32>
  %b = attn.rms_norm %a, %w2 {epsilon = 1.0e-06 : f64} : tensor<4x64xf32>, tensor<64xf32>
  return %b : tensor<4x64xf32>
}

// -----

// bf16 rows of 48 over two leading dimensions: 2 x 3 = 6 blocks of the
// two warps that cover 48 elements, a 2-float workgroup buffer, the row's
// indices split from the block id (last leading dimension fastest). The
// squares are summed in f32; x * inv is narrowed to bf16 before the weight
// multiplies it.
// CHECK-LABEL: func.func @bf16_rank3(
// CHECK: %[[XB:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<2x3x48xbf16> to memref<2x3x48xbf16, strided<[?, ?, ?], offset: ?>>
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<2x3x48xbf16>
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in ({{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c64,
// CHECK-SAME: workgroup(%[[PARTIAL:.*]] : memref<2xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[INNER:.*]] = arith.remui %[[BX]], %{{.*}}
// CHECK: %[[OUTER:.*]] = arith.divui %[[BX]], %{{.*}}
// CHECK: scf.for %[[I:.*]] = %[[TX]] to %{{.*}} step %c64
// CHECK: %[[XI:.*]] = memref.load %[[XB]][%[[OUTER]], %[[INNER]], %[[I]]] : memref<2x3x48xbf16
// CHECK: %[[XF:.*]] = arith.extf %[[XI]] : bf16 to f32
// CHECK: arith.mulf %[[XF]], %[[XF]] : f32
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: gpu.barrier
// CHECK-COUNT-2: memref.load %[[PARTIAL]]
// CHECK: math.rsqrt
// CHECK: scf.for %[[J:.*]] = %[[TX]] to %{{.*}} step %c64
// CHECK: %[[XJ:.*]] = arith.extf %{{.*}} : bf16 to f32
// CHECK: %[[NORMED:.*]] = arith.mulf %[[XJ]], %{{.*}} : f32
// CHECK: %[[NARROW:.*]] = arith.truncf %[[NORMED]] : f32 to bf16
// CHECK: %[[WJ:.*]] = memref.load %{{.*}}[%[[J]]] : memref<48xbf16
// CHECK: %[[Y:.*]] = arith.mulf %[[WJ]], %[[NARROW]] : bf16
// CHECK: memref.store %[[Y]], %[[OUT]][%[[OUTER]], %[[INNER]], %[[J]]]
func.func @bf16_rank3(%x: tensor<2x3x48xbf16>, %w: tensor<48xbf16>) -> tensor<2x3x48xbf16> {
  %n = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<2x3x48xbf16>, tensor<48xbf16>
  return %n : tensor<2x3x48xbf16>
}

// -----

// A row of 16 fits one warp: 32 threads, the butterfly alone, no
// workgroup buffer and no barrier. A rank-1 input is one row.
// CHECK-LABEL: func.func @one_warp(
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c1{{[_0-9]*}}, {{.*}}) threads({{.*}}) in (%{{.*}} = %c32,
// CHECK-NOT: workgroup(
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK-NOT: gpu.barrier
// CHECK: math.rsqrt
// CHECK: gpu.terminator
func.func @one_warp(%x: tensor<16xf16>, %w: tensor<16xf16>) -> tensor<16xf16> {
  %n = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<16xf16>, tensor<16xf16>
  return %n : tensor<16xf16>
}

// -----

// A row of unknown length takes the full 256 threads.
// CHECK-LABEL: func.func @dynamic_hidden(
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c256,
// CHECK-SAME: workgroup(%{{.*}} : memref<8xf32, #gpu.address_space<workgroup>>)
func.func @dynamic_hidden(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %n = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x?xf32>, tensor<?xf32>
  return %n : tensor<?x?xf32>
}

// -----

// f64 would need 64-bit shuffles: the norm is left to
// --attn-convert-to-linalg, as is every other op.
// CALL-LABEL: func.func @left_alone(
// CALL-NOT: call
// CALL: attn.rms_norm
// CALL-NOT: call
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT: gpu.launch
// CHECK: attn.rms_norm %{{.*}} : tensor<?x64xf64>, tensor<64xf64>
// CHECK: attn.add
// CHECK-NOT: gpu.launch
func.func @left_alone(%x: tensor<?x64xf64>, %w: tensor<64xf64>) -> tensor<?x64xf64> {
  %n = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x64xf64>, tensor<64xf64>
  %s = attn.add %n, %x : tensor<?x64xf64>
  return %s : tensor<?x64xf64>
}
