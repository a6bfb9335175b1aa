// RUN: attn-opt %s --attn-cuda-pipeline=stop-after=kernels | FileCheck %s --check-prefix=KERNELS
// RUN: attn-opt %s --attn-cuda-pipeline="stop-after=kernels flash-attention=false" | FileCheck %s --check-prefix=OFF
// RUN: attn-opt %s --attn-cuda-pipeline="cuda-arch=sm_80" | FileCheck %s --check-prefix=PTX

// The attention of the CUDA pipeline: flash-decoding (two kernels) for up
// to 4 query rows, FlashAttention on tensor cores for more, reading the
// operands' buffers in place.
// KERNELS-LABEL: func.func @attention(
// KERNELS: arith.cmpi ule, %{{.*}}, %c4
// KERNELS: gpu.launch_func @attn_kernels::@[[PARTIALS:attention_kernel[_0-9]*]] blocks in ({{.*}}) threads in (%c128, %c1, %c1)
// KERNELS: gpu.launch_func @attn_kernels::@[[COMBINE:attention_kernel[_0-9]*]] blocks in ({{.*}}) threads in (%c128, %c1, %c1)
// KERNELS: } else {
// KERNELS: gpu.launch_func @attn_kernels::@[[FLASH:attention_kernel[_0-9]*]] blocks in ({{.*}}) threads in (%c128, %c1, %c1)
// KERNELS: gpu.module @attn_kernels
// KERNELS-DAG: gpu.func @[[PARTIALS]]({{.*}} workgroup(
// KERNELS-DAG: gpu.func @[[FLASH]]({{.*}} workgroup({{.*}} : memref<64x68xi32, #gpu.address_space<workgroup>>, {{.*}} : memref<128x36xi32, #gpu.address_space<workgroup>>)

// Without the pass, the generic lowering: no tensor cores, no shuffles.
// OFF-NOT: nvvm.mma.sync
// OFF-NOT: gpu.shuffle

// In the kernels' assembly: m16n8k16 bf16 mma and the butterflies.
// PTX: gpu.binary @attn_kernels
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-SAME: shfl.sync.bfly.b32
func.func @attention(%q: tensor<?x32x128xf32>, %k: tensor<?x8x128xf32>, %v: tensor<?x8x128xf32>) -> tensor<?x32x128xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.08838834764831845 : f64, causal} : tensor<?x32x128xf32>, tensor<?x8x128xf32>, tensor<?x8x128xf32> -> tensor<?x32x128xf32>
  return %o : tensor<?x32x128xf32>
}
