// RUN: not attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline=stop-after=ptx 2>&1 | FileCheck %s --check-prefix=PHASE
// RUN: not attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline=format=fatbin 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not attn-opt %S/../Target/Inputs/tiny-model.mlir --attn-cuda-pipeline=cuda-arch=sm_70 2>&1 | FileCheck %s --check-prefix=ARCH

// PHASE: attn-cuda-pipeline: unknown phase 'ptx' for stop-after (expected linalg, abi, bufferized, kernels, nvvm or llvm)
// FORMAT: attn-cuda-pipeline: unknown format 'fatbin' (expected ptx or cubin)
// ARCH: unknown CUDA architecture 'sm_70' (expected one of sm_80, sm_86, sm_89, sm_90, sm_90a)
