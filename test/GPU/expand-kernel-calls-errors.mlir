// RUN: attn-opt %s --split-input-file --attn-gpu-expand-kernel-calls -verify-diagnostics

// A kind without a builder.
func.func @f(%o: memref<4xf32>) {
  call @attn_gpu_mystery(%o) : (memref<4xf32>) -> ()
  return
}
// expected-error @+1 {{attn-gpu-expand-kernel-calls: no kernel builder for attn.gpu_kernel {kind = "mystery"}}}
func.func private @attn_gpu_mystery(memref<4xf32>) attributes {attn.gpu_kernel = {kind = "mystery"}}

// -----

// A use that is not a call has no buffers to build on.
func.func @g(%q: memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, %k: memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, %o: memref<?x4x64xf32>) {
  %f = func.constant @attn_gpu_attention : (memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x4x64xf32>) -> ()
  return
}
// expected-error @+1 {{attn-gpu-expand-kernel-calls: a use of the kernel is not a call}}
func.func private @attn_gpu_attention(memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x4x64xf32>) attributes {attn.gpu_kernel = {causal = true, decode_max_rows = 4 : i64, kind = "attention", mma_type = "bf16", scale = 1.250000e-01 : f64}}

// -----

// An attention call the kernels were not made for (a key buffer of rank 2,
// no mma_type) fails the pass with what it expected.
func.func @h(%q: memref<?x4x64xf32>, %k: memref<?x64xf32>, %o: memref<?x4x64xf32>) {
  // expected-error @+1 {{attn-gpu-expand-kernel-calls: an attention kernel takes query, key and value buffers of rank 3}}
  call @attn_gpu_attention(%q, %k, %k, %o) : (memref<?x4x64xf32>, memref<?x64xf32>, memref<?x64xf32>, memref<?x4x64xf32>) -> ()
  return
}
func.func private @attn_gpu_attention(memref<?x4x64xf32>, memref<?x64xf32>, memref<?x64xf32>, memref<?x4x64xf32>) attributes {attn.gpu_kernel = {causal = true, decode_max_rows = 4 : i64, kind = "attention", scale = 1.250000e-01 : f64}}
