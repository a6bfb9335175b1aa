// RUN: attn-opt %s --attn-inline-alloca-free-scopes --split-input-file | FileCheck %s

// A scope that allocates nothing is replaced by its body, results included.
// CHECK-LABEL: func.func @no_alloca
// CHECK-NOT: memref.alloca_scope
// CHECK: %[[V:.*]] = memref.load
// CHECK: return %[[V]]
func.func @no_alloca(%m: memref<4xf32>, %i: index) -> f32 {
  %r = memref.alloca_scope -> (f32) {
    %v = memref.load %m[%i] : memref<4xf32>
    memref.alloca_scope.return %v : f32
  }
  return %r : f32
}

// -----

// A scope with an alloca (even nested in a loop) releases it on exit: kept.
// CHECK-LABEL: func.func @with_alloca
// CHECK: memref.alloca_scope
// CHECK: memref.alloca
func.func @with_alloca(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  memref.alloca_scope {
    scf.for %i = %c0 to %n step %c1 {
      %a = memref.alloca() : memref<4xf32>
    }
  }
  return
}
