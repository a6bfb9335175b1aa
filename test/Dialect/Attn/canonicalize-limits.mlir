// RUN: attn-opt %s -canonicalize -split-input-file --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s

// The folder stops at 2^20 elements: a larger table is cheaper to compute at
// run time than to store in the binary. Constants are elided in the output.

// 1024 x 1024 = 2^20 elements: the largest table that folds.
// CHECK-LABEL: func @sinusoidal_pe_at_limit_folds
func.func @sinusoidal_pe_at_limit_folds() -> tensor<1024x1024xf32> {
  // CHECK-NOT: attn.sinusoidal_pe
  // CHECK: arith.constant dense_resource<__elided__> : tensor<1024x1024xf32>
  %0 = attn.sinusoidal_pe : tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}

// -----

// CHECK-LABEL: func @sinusoidal_pe_above_limit_stays
func.func @sinusoidal_pe_above_limit_stays() -> tensor<1025x1024xf32> {
  // CHECK-NOT: arith.constant
  // CHECK: %[[PE:.*]] = attn.sinusoidal_pe : tensor<1025x1024xf32>
  // CHECK: return %[[PE]]
  %0 = attn.sinusoidal_pe : tensor<1025x1024xf32>
  return %0 : tensor<1025x1024xf32>
}

// -----

// A constant length still makes the shape static above the limit, but the
// table is not folded.
// CHECK-LABEL: func @sinusoidal_pe_constant_length_above_limit
func.func @sinusoidal_pe_constant_length_above_limit() -> tensor<?x512xf32> {
  // CHECK-NOT: arith.constant dense
  // CHECK: %[[PE:.*]] = attn.sinusoidal_pe : tensor<4096x512xf32>
  // CHECK: %[[CAST:.*]] = tensor.cast %[[PE]] : tensor<4096x512xf32> to tensor<?x512xf32>
  // CHECK: return %[[CAST]]
  %n = arith.constant 4096 : index
  %0 = attn.sinusoidal_pe %n : tensor<?x512xf32>
  return %0 : tensor<?x512xf32>
}

// -----

// positions * columns overflows int64 here; the size check must not.
// CHECK-LABEL: func @sinusoidal_pe_overflowing_size
func.func @sinusoidal_pe_overflowing_size() -> tensor<?x512xf32> {
  // CHECK: %[[PE:.*]] = attn.sinusoidal_pe : tensor<4611686018427387904x512xf32>
  // CHECK: tensor.cast %[[PE]]
  %n = arith.constant 4611686018427387904 : index
  %0 = attn.sinusoidal_pe %n : tensor<?x512xf32>
  return %0 : tensor<?x512xf32>
}
