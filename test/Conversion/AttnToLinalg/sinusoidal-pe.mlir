// RUN: attn-opt %s --attn-convert-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @pe
// CHECK: tensor.empty(%arg0) : tensor<?x6xf32>
// CHECK: linalg.generic
// CHECK: math.powf
// CHECK: math.sin
// CHECK: math.cos
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @pe(%n: index) -> tensor<?x6xf32> {
  %pe = attn.sinusoidal_pe %n : tensor<?x6xf32>
  return %pe : tensor<?x6xf32>
}
