// RUN: not attn-opt %s --attn-vectorize-matmul="tile-rows=0" 2>&1 | FileCheck %s

// CHECK: attn-vectorize-matmul: vector-size, tile-rows, tile-cols, block-cols, panel-rows and k-block must be positive (got 16, 0, 4, 64, 6, 1024)
func.func @f() {
  return
}
