// RUN: not attn-opt %s --attn-fuse-epilogues=norm-rows=-1 2>&1 | FileCheck %s

// CHECK: attn-fuse-epilogues: norm-rows must not be negative (got -1)
func.func @f() {
  return
}
