// REQUIRES: ptxas
// RUN: attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline="format=cubin cuda-arch=sm_90" | FileCheck %s

// With ptxas the kernels are embedded as an ELF cubin.
// CHECK: gpu.binary @attn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a"{{.*}}>, properties = {{.*}}, bin = "\7FELF
