// RUN: not attn-opt %s --attn-tile-attention="split-kv split-max-chunks=1" 2>&1 | FileCheck %s

// CHECK: attn-tile-attention: split-min-keys must be positive and split-max-chunks at least 2 (got 512, 1)
func.func @f() {
  return
}
