// RUN: attn-opt %s --attn-convert-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @rms_norm_f32
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.divf
// CHECK: math.rsqrt
func.func @rms_norm_f32(%x: tensor<?x16xf32>, %w: tensor<16xf32>) -> tensor<?x16xf32> {
  %r = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<16xf32>
  return %r : tensor<?x16xf32>
}

// -----

// Half-precision input: the mean is accumulated in f32, the normalised value
// is narrowed back before the weight multiplies it.
// CHECK-LABEL: func.func @rms_norm_f16
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: math.rsqrt %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f16
func.func @rms_norm_f16(%x: tensor<?x16xf16>, %w: tensor<16xf16>) -> tensor<?x16xf16> {
  %r = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xf16>, tensor<16xf16>
  return %r : tensor<?x16xf16>
}
