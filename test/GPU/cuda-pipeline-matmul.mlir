// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline=stop-after=kernels | FileCheck %s --check-prefix=KERNELS
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="cuda-arch=sm_80" | FileCheck %s --check-prefix=PTX
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels tile-matmuls=false fuse-rmsnorm=false" | FileCheck %s --check-prefix=OFF
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels gemv-max-rows=0 fuse-rmsnorm=false" | FileCheck %s --check-prefix=NO-GEMV

// Each projection launches, by the rows of its input, the GEMV (256
// threads, 8 warps) or the tensor-core kernel (128 threads, a grid of
// 64 x 64 tiles of C) ...
// KERNELS-LABEL: func.func private @decoder_layer(
// KERNELS: %[[FEW:.*]] = arith.cmpi ule, %{{.*}}, %c4
// KERNELS: scf.if %[[FEW]] {
// KERNELS-NEXT: gpu.launch_func @attn_kernels::@[[GEMV:decoder_layer_kernel_[0-9]+]] blocks in ({{.*}}) threads in (%c256, %c1, %c1)
// KERNELS: } else {
// KERNELS: gpu.launch_func @attn_kernels::@[[MMA:decoder_layer_kernel_[0-9]+]] blocks in (%c1, %{{.*}}, %c1) threads in (%c128, %c1, %c1)
// ... whose workgroup buffers the shared-memory check counts.
// KERNELS: gpu.module @attn_kernels
// KERNELS: gpu.func @[[GEMV]](
// KERNELS: gpu.shuffle xor
// KERNELS: gpu.func @[[MMA]](
// KERNELS-SAME: workgroup(%{{.*}} : memref<64x20xi32, #gpu.address_space<workgroup>>, %{{.*}} : memref<64x20xi32, #gpu.address_space<workgroup>>)
// KERNELS: gpu.barrier
// KERNELS: nvvm.mma.sync

// The PTX has 10240 bytes of shared memory in two buffers, the GEMV's
// 128-bit loads and shuffle butterfly, bar.sync around the staging, bf16
// tensor-core instructions.
// PTX: gpu.binary @attn_kernels
// PTX-SAME: .target sm_80
// PTX-SAME: .shared .align 4 .b8 __wg_decoder_layer_kernel_{{[0-9]+}}_0[5120]
// PTX-SAME: .shared .align 4 .b8 __wg_decoder_layer_kernel_{{[0-9]+}}_1[5120]
// PTX-SAME: ld.global.v4.b32
// PTX-SAME: shfl.sync.bfly.b32
// PTX-SAME: bar.sync \090;
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32

// Without the pass the projections are one thread per element again (and,
// with fuse-rmsnorm=false, no other kernel shuffles).
// OFF-NOT: nvvm.mma.sync
// OFF-NOT: gpu.shuffle
// OFF-NOT: workgroup(

// gemv-max-rows=0: tensor cores whatever the rows.
// NO-GEMV-NOT: gpu.shuffle
// NO-GEMV: nvvm.mma.sync
// NO-GEMV-NOT: gpu.shuffle
