// RUN: attn-opt %s --attn-cpu-pipeline=stop-after=loops | FileCheck %s --check-prefix=LOOPS
// RUN: attn-opt %s --attn-cpu-pipeline | FileCheck %s --check-prefix=OMP
// RUN: attn-opt %s --attn-cpu-pipeline="parallel=false" | FileCheck %s --check-prefix=SERIAL
// RUN: attn-opt %s --attn-cpu-pipeline="stop-after=loops vectorize-matmuls=false tile-attention=false" | FileCheck %s --check-prefix=PLAIN

// The optimisations fire in the pipeline: the matmul becomes the vectorised
// nest over 64-column blocks (4 of them for 256 outputs), attention the
// blocked online softmax with heads in parallel; both parallel loops become
// OpenMP worksharing loops, or plain loops with parallel=false.
// LOOPS-LABEL: func.func @layer
// LOOPS: scf.parallel
// LOOPS: vector.fma
// LOOPS: attn.matmul_blocks
// LOOPS: scf.parallel
// LOOPS: vector.reduction <maximumf>
// OMP-LABEL: llvm.func @layer
// OMP-COUNT-2: omp.wsloop
// OMP-NOT: scf.
// SERIAL-LABEL: llvm.func @layer
// SERIAL-NOT: omp.
// PLAIN-LABEL: func.func @layer
// PLAIN-NOT: vector.fma
// PLAIN-NOT: scf.parallel
func.func @layer(%x: tensor<?x16xf32>, %w: tensor<256x16xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> (tensor<?x256xf32>, tensor<?x2x8xf32>) {
  %y = attn.linear %x, %w : (tensor<?x16xf32>, tensor<256x16xf32>) -> tensor<?x256xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x16xf32>
  %q = tensor.expand_shape %x [[0], [1, 2]] output_shape [%n, 2, 8] : tensor<?x16xf32> into tensor<?x2x8xf32>
  %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal} : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %y, %o : tensor<?x256xf32>, tensor<?x2x8xf32>
}
