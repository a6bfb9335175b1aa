// RUN: attn-opt %s --split-input-file --attn-convert-to-linalg --attn-fuse-epilogues | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-convert-to-linalg --attn-fuse-epilogues=norm-rows=0 | FileCheck %s --check-prefix=ROWS0

// A residual add after a matmul: the contraction accumulates into %r; no
// fill, no separate add.
// CHECK-LABEL: func.func @residual
// CHECK-SAME: (%[[R:[a-z0-9]+]]: tensor<?x32xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[MM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%[[R]] : tensor<?x32xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[MM]]
func.func @residual(%r: tensor<?x32xf32>, %x: tensor<?x16xf32>, %w: tensor<32x16xf32>) -> tensor<?x32xf32> {
  %y = attn.linear %x, %w : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
  %s = attn.add %r, %y : tensor<?x32xf32>
  return %s : tensor<?x32xf32>
}

// -----

// The residual on the right of the add, and read before the matmul (as
// RMSNorm reads it): still fine to overwrite.
// CHECK-LABEL: func.func @residual_read_before
// CHECK-SAME: (%[[R:[a-z0-9]+]]: tensor<?x32xf32>
// CHECK: linalg.generic {{.*}} ins(%[[R]]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%[[R]] : tensor<?x32xf32>)
// CHECK-NOT: linalg.fill
func.func @residual_read_before(%r: tensor<?x32xf32>, %w: tensor<32x32xf32>) -> tensor<?x32xf32> {
  %a = attn.silu %r : tensor<?x32xf32>
  %y = attn.linear %a, %w : (tensor<?x32xf32>, tensor<32x32xf32>) -> tensor<?x32xf32>
  %s = attn.add %y, %r : tensor<?x32xf32>
  return %s : tensor<?x32xf32>
}

// -----

// %r is returned as well: the contraction would have to write a copy of
// it, so the add stays.
// CHECK-LABEL: func.func @residual_used_after
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: arith.addf
func.func @residual_used_after(%r: tensor<?x32xf32>, %x: tensor<?x16xf32>, %w: tensor<32x16xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>) {
  %y = attn.linear %x, %w : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
  %s = attn.add %r, %y : tensor<?x32xf32>
  return %s, %r : tensor<?x32xf32>, tensor<?x32xf32>
}

// -----

// A read-only argument cannot be written in place.
// CHECK-LABEL: func.func @residual_read_only
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
func.func @residual_read_only(%r: tensor<?x32xf32> {bufferization.writable = false}, %x: tensor<?x16xf32>, %w: tensor<32x16xf32>) -> tensor<?x32xf32> {
  %y = attn.linear %x, %w : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
  %s = attn.add %r, %y : tensor<?x32xf32>
  return %s : tensor<?x32xf32>
}

// -----

// The matmul's result is read by something else too: it must stay the
// plain product.
// CHECK-LABEL: func.func @product_used_twice
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
func.func @product_used_twice(%r: tensor<?x32xf32>, %x: tensor<?x16xf32>, %w: tensor<32x16xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>) {
  %y = attn.linear %x, %w : (tensor<?x16xf32>, tensor<32x16xf32>) -> tensor<?x32xf32>
  %s = attn.add %r, %y : tensor<?x32xf32>
  return %s, %y : tensor<?x32xf32>, tensor<?x32xf32>
}

// -----

// A bias after a zero-init contraction becomes its init, broadcast.
// CHECK-LABEL: func.func @bias
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<32xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[B]] : tensor<32xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]]
// CHECK: %[[MM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%[[INIT]] : tensor<?x32xf32>)
// CHECK: return %[[MM]]
func.func @bias(%x: tensor<?x16xf32>, %w: tensor<32x16xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = attn.linear %x, %w bias %b : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----

// SiLU then mul: one generic.
// CHECK-LABEL: func.func @silu_mul
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
func.func @silu_mul(%g: tensor<?x32xf32>, %u: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %a = attn.silu %g : tensor<?x32xf32>
  %m = attn.mul %a, %u : tensor<?x32xf32>
  return %m : tensor<?x32xf32>
}

// -----

// Gate and up as slices of one concatenated matmul result (the fused
// projections): silu(slice 0) * slice 1 is still one generic.
// CHECK-LABEL: func.func @silu_mul_slices
// CHECK: %[[G:.*]] = tensor.extract_slice %{{.*}}[0, 0] [%{{.*}}, 32]
// CHECK: %[[U:.*]] = tensor.extract_slice %{{.*}}[0, 32] [%{{.*}}, 32]
// CHECK: linalg.generic {{.*}} ins(%[[G]], %[[U]] :
// CHECK: math.exp
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
func.func @silu_mul_slices(%gu: tensor<?x64xf32>) -> tensor<?x32xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %gu, %c0 : tensor<?x64xf32>
  %g = tensor.extract_slice %gu[0, 0] [%n, 32] [1, 1] : tensor<?x64xf32> to tensor<?x32xf32>
  %u = tensor.extract_slice %gu[0, 32] [%n, 32] [1, 1] : tensor<?x64xf32> to tensor<?x32xf32>
  %a = attn.silu %g : tensor<?x32xf32>
  %m = attn.mul %a, %u : tensor<?x32xf32>
  return %m : tensor<?x32xf32>
}

// -----

// The SiLU is also returned: fusing would compute it twice.
// CHECK-LABEL: func.func @silu_used_twice
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-NOT: math.exp
// CHECK: arith.mulf
func.func @silu_used_twice(%g: tensor<?x32xf32>, %u: tensor<?x32xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>) {
  %a = attn.silu %g : tensor<?x32xf32>
  %m = attn.mul %a, %u : tensor<?x32xf32>
  return %m, %a : tensor<?x32xf32>, tensor<?x32xf32>
}

// -----

// RMSNorm: the sum of squares and the normalisation of each block of 4 rows
// in one scf.forall iteration.
// CHECK-LABEL: func.func @rms_norm
// CHECK: scf.forall (%[[I:.*]]) = (0) to (%{{.*}}) step (4)
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: math.rsqrt
// CHECK: tensor.parallel_insert_slice
// ROWS0-LABEL: func.func @rms_norm
// ROWS0-NOT: scf.forall
func.func @rms_norm(%x: tensor<?x32xf32>, %w: tensor<32xf32>) -> tensor<?x32xf32> {
  %n = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x32xf32>, tensor<32xf32>
  return %n : tensor<?x32xf32>
}
