// RUN: attn-opt %s --attn-cpu-pipeline=stop-after=loops | FileCheck %s
// RUN: attn-opt %s --attn-cpu-pipeline="stop-after=loops vectorize-attention=false" | FileCheck %s --check-prefix=OFF

// In the pipeline the tiled attention's softmax and P.V are vector code:
// no scalar exp is left, the row reductions combine vector lanes, and the
// causal mask compares index vectors.
// CHECK-LABEL: func.func @f
// CHECK-NOT: math.exp
// CHECK-DAG: vector.step : vector<16xindex>
// CHECK-DAG: vector.reduction <maximumf>
// CHECK-DAG: vector.fma
// OFF-LABEL: func.func @f
// OFF-NOT: vector.step
// OFF: math.exp {{.*}} : f32
func.func @f(%q: tensor<?x4x128xf32>, %k: tensor<?x2x128xf32>, %v: tensor<?x2x128xf32>) -> tensor<?x4x128xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.088388347648318447 : f64, causal} : tensor<?x4x128xf32>, tensor<?x2x128xf32>, tensor<?x2x128xf32> -> tensor<?x4x128xf32>
  return %o : tensor<?x4x128xf32>
}
