// RUN: not attn-opt %s --attn-gpu-map-parallel-loops=block-size=2048 2>&1 | FileCheck %s

// CHECK: attn-gpu-map-parallel-loops: block-size is 2048; expected 1 to 1024 threads
func.func @f() {
  return
}
