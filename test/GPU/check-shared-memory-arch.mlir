// RUN: not attn-opt %s --attn-gpu-check-shared-memory=chip=sm_75 2>&1 | FileCheck %s

// CHECK: unknown CUDA architecture 'sm_75' (expected one of sm_80, sm_86, sm_89, sm_90, sm_90a)
module {
}
