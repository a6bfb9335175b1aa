// RUN: not attn-opt %s --attn-tile-attention="key-block=0" 2>&1 | FileCheck %s

// CHECK: attn-tile-attention: query-block and key-block must be positive (got 64, 0)
func.func @f() {
  return
}
