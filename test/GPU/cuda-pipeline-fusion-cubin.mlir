// REQUIRES: ptxas
// RUN: attn-opt %s --attn-cuda-pipeline="format=cubin cuda-arch=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: attn-opt %s --attn-cuda-pipeline="format=cubin cuda-arch=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: attn-opt %S/cuda-pipeline-fusion.mlir --attn-cuda-pipeline="format=cubin cuda-arch=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: attn-opt %S/cuda-pipeline-fusion.mlir --attn-cuda-pipeline="format=cubin cuda-arch=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: attn-opt %s --attn-cuda-pipeline="cuda-arch=sm_80" | FileCheck %s --check-prefix=PTX

// ptxas assembles the RMSNorm kernels (f32 in cuda-pipeline-fusion.mlir,
// bf16 here) and the fused element-wise kernels for both architectures.
// SM80: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80"{{.*}}>, properties = {{.*}}, bin = "\7FELF
// SM90: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a"{{.*}}>, properties = {{.*}}, bin = "\7FELF

// The PTX of the bf16 norm over 4096: 8 warps' sums in 32 bytes of shared
// memory, the shuffle butterfly, one barrier, rsqrt, and x * inv rounded
// to bf16 before the weight multiplies it.
// PTX: gpu.binary @attn_kernels
// PTX-SAME: .entry norm_bf16_kernel(
// PTX-SAME: .shared .align 4 .b8 __wg_norm_bf16_kernel_0[32]
// PTX-SAME: shfl.sync.bfly.b32
// PTX-SAME: bar.sync \090;
// PTX-SAME: rsqrt.approx.f32
// PTX-SAME: cvt.rn.bf16.f32
func.func @norm_bf16(%x: tensor<?x4096xbf16>, %w: tensor<4096xbf16>) -> tensor<?x4096xbf16> {
  %n = attn.rms_norm %x, %w {epsilon = 1.0e-06 : f64} : tensor<?x4096xbf16>, tensor<4096xbf16>
  return %n : tensor<?x4096xbf16>
}
