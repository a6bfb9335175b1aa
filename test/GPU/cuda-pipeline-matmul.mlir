// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels wgmma=false" | FileCheck %s --check-prefix=KERNELS
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline=stop-after=kernels | FileCheck %s --check-prefix=WGMMA
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline | FileCheck %s --check-prefix=WGMMA-PTX
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="cuda-arch=sm_90 wgmma=false" | FileCheck %s --check-prefix=SM90-MMA
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="cuda-arch=sm_80" | FileCheck %s --check-prefix=PTX
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels tile-matmuls=false fuse-rmsnorm=false" | FileCheck %s --check-prefix=OFF
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=kernels gemv-max-rows=0 fuse-rmsnorm=false wgmma=false" | FileCheck %s --check-prefix=NO-GEMV
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=abi bf16-weights=true" | FileCheck %s --check-prefix=BF16
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="stop-after=abi" | FileCheck %s --check-prefix=F32

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

// On sm_90 (the default) the tensor-core kernel is the warpgroup-MMA one:
// 256 threads (two warpgroups) per 128 x 128 tile of C, two 16 KiB tiles of
// bf16 core-matrix rows, a proxy fence between the threads' stores and the
// tensor cores' reads, four m64n128k16 wgmma per 64 columns of k between a
// fence and a wait; the kernels target sm_90a.
// WGMMA-LABEL: func.func private @decoder_layer(
// WGMMA: scf.if %{{.*}} {
// WGMMA-NEXT: gpu.launch_func @attn_kernels::@[[GEMV:decoder_layer_kernel_[0-9]+]] blocks in ({{.*}}) threads in (%c256, %c1, %c1)
// WGMMA: } else {
// WGMMA: gpu.launch_func @attn_kernels::@[[WG:decoder_layer_kernel_[0-9]+]] blocks in (%c1, %{{.*}}, %c1) threads in (%c256, %c1, %c1)
// WGMMA: gpu.module @attn_kernels
// WGMMA: gpu.func @[[WG]](
// WGMMA-SAME: workgroup(%[[ATILE:.*]] : memref<1024xvector<8xbf16>, #gpu.address_space<workgroup>>, %[[WTILE:.*]] : memref<1024xvector<8xbf16>, #gpu.address_space<workgroup>>)
// WGMMA: memref.extract_aligned_pointer_as_index %[[ATILE]]
// WGMMA: memref.extract_aligned_pointer_as_index %[[WTILE]]
// WGMMA: llvm.mlir.zero : !llvm.struct<(f32, f32,
// WGMMA: gpu.barrier
// WGMMA: arith.truncf %{{.*}} : f32 to bf16
// WGMMA: memref.store %{{.*}}, %[[ATILE]]
// WGMMA: memref.store %{{.*}}, %[[WTILE]]
// WGMMA: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// WGMMA-NEXT: gpu.barrier
// WGMMA-NEXT: nvvm.wgmma.fence.aligned
// WGMMA-COUNT-4: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// WGMMA-NEXT: nvvm.wgmma.commit.group.sync.aligned
// WGMMA-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// WGMMA-NOT: nvvm.mma.sync
// WGMMA-PTX: chip = "sm_90a"
// WGMMA-PTX-SAME: .target sm_90a
// WGMMA-PTX-SAME: .shared .align 16 .b8 __wg_decoder_layer_kernel_{{[0-9]+}}_0[16384]
// WGMMA-PTX-SAME: fence.proxy.async.shared::cta
// WGMMA-PTX-SAME: wgmma.fence.sync.aligned
// WGMMA-PTX-SAME: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// WGMMA-PTX-SAME: wgmma.commit_group.sync.aligned
// WGMMA-PTX-SAME: wgmma.wait_group.sync.aligned {{\\09}}0;
// With wgmma=false, sm_90 gets the mma.sync kernels and plain sm_90.
// SM90-MMA: chip = "sm_90"
// SM90-MMA-SAME: .target sm_90{{\\0A}}
// SM90-MMA-NOT: wgmma
// SM90-MMA-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32

// gemv-max-rows=0: tensor cores whatever the rows.
// NO-GEMV-NOT: gpu.shuffle
// NO-GEMV: nvvm.mma.sync
// NO-GEMV-NOT: gpu.shuffle

// With bf16-weights the projections' weights and the embedding table are
// bf16 in the manifest (the runtime rounds f32 checkpoints at load); norms
// stay f32. Without it (attn-opt's default; attnc's where
// the checkpoint is not bf16) every weight is f32.
// BF16: attn_manifest_json
// BF16-SAME: embed_tokens.weight\22,\0A      \22shape\22: [\0A        32,\0A        16\0A      ],\0A      \22dtype\22: \22bf16\22
// BF16-SAME: input_layernorm.weight\22,\0A      \22shape\22: [\0A        16\0A      ],\0A      \22dtype\22: \22f32\22
// BF16-SAME: q_proj.weight\22,\0A      \22shape\22: [\0A        16,\0A        16\0A      ],\0A      \22dtype\22: \22bf16\22
// BF16-SAME: down_proj.weight\22,{{.*}}\22dtype\22: \22bf16\22
// F32: attn_manifest_json
// F32-NOT: bf16
