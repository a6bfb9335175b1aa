// REQUIRES: ptxas
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="format=cubin cuda-arch=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="format=cubin cuda-arch=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="format=cubin cuda-arch=sm_90 wgmma=false" | FileCheck %s --check-prefix=SM90-MMA

// ptxas assembles the tensor-core and GEMV kernels for both architectures:
// the warpgroup-MMA ones for sm_90a, the mma.sync ones for sm_80 and, with
// wgmma=false, for plain sm_90.
// SM80: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80"{{.*}}>, properties = {{.*}}, bin = "\7FELF
// SM90: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a"{{.*}}>, properties = {{.*}}, bin = "\7FELF
// SM90-MMA: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90"{{.*}}>, properties = {{.*}}, bin = "\7FELF
