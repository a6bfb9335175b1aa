// RUN: not attn-opt %s --attn-vectorize-attention="vector-size=0" 2>&1 | FileCheck %s

// CHECK: attn-vectorize-attention: vector-size must be positive (got 0)
func.func @f() {
  return
}
