// RUN: attn-opt %s --attn-convert-to-linalg --split-input-file | FileCheck %s

// Static scalings embed inv_freq (f32, repeated for both halves) as a
// constant; theta 1e4 and d = 4 give 1 and 0.01.
// CHECK-LABEL: func.func @rope_none
// CHECK: arith.constant dense<[1.000000e+00, 0.00999999977, 1.000000e+00, 0.00999999977]> : tensor<4xf32>
// CHECK: linalg.generic
// CHECK: math.cos
// CHECK: math.sin
// CHECK: linalg.generic
// CHECK: tensor.extract
func.func @rope_none(%x: tensor<?x2x4xf32>, %p: index) -> tensor<?x2x4xf32> {
  %r = attn.rope %x, %p {theta = 1.0e+04 : f64} : tensor<?x2x4xf32>
  return %r : tensor<?x2x4xf32>
}

// -----

// Linear scaling divides inv_freq by the factor.
// CHECK-LABEL: func.func @rope_linear
// CHECK: arith.constant dense<[2.500000e-01, 2.500000e-03, 2.500000e-01, 2.500000e-03]> : tensor<4xf32>
func.func @rope_linear(%x: tensor<?x2x4xf32>, %p: index) -> tensor<?x2x4xf32> {
  %r = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling linear>, factor = 4.0 : f64} : tensor<?x2x4xf32>
  return %r : tensor<?x2x4xf32>
}

// -----

// Dynamic NTK scaling computes theta from offset + seq at run time.
// CHECK-LABEL: func.func @rope_dynamic
// CHECK-NOT: dense<
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK: math.powf
func.func @rope_dynamic(%x: tensor<?x2x4xf32>, %p: index) -> tensor<?x2x4xf32> {
  %r = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, factor = 2.0 : f64, max_position_embeddings = 16 : i64} : tensor<?x2x4xf32>
  return %r : tensor<?x2x4xf32>
}

// -----

// llama3: with original 64 positions and factors 1/4 the long wavelength
// (628) is divided by 8; the short one (6.3) is kept.
// CHECK-LABEL: func.func @rope_llama3
// CHECK: arith.constant dense<[1.000000e+00, 1.250000e-03, 1.000000e+00, 1.250000e-03]> : tensor<4xf32>
func.func @rope_llama3(%x: tensor<?x2x4xf32>, %p: index) -> tensor<?x2x4xf32> {
  %r = attn.rope %x, %p {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64, low_freq_factor = 1.0 : f64, high_freq_factor = 4.0 : f64, original_max_position_embeddings = 64 : i64} : tensor<?x2x4xf32>
  return %r : tensor<?x2x4xf32>
}
