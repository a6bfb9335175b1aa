// RUN: attn-opt %s --attn-gpu-expand-kernel-calls --split-input-file -verify-diagnostics

// A hand-written rms_norm kernel call without its epsilon.
func.func @no_epsilon(%x: memref<4x64xf32>, %w: memref<64xf32>, %out: memref<4x64xf32>) {
  // expected-error @+1 {{attn-gpu-expand-kernel-calls: an rms_norm kernel takes an f32, f16 or bf16 input buffer, a rank-1 weight, an output of the input's rank and an 'epsilon' parameter; got inputs 'memref<4x64xf32>', 'memref<64xf32>', output 'memref<4x64xf32>' and parameters {kind = "rms_norm"}}}
  call @attn_gpu_rms_norm(%x, %w, %out) : (memref<4x64xf32>, memref<64xf32>, memref<4x64xf32>) -> ()
  return
}
func.func private @attn_gpu_rms_norm(memref<4x64xf32>, memref<64xf32>, memref<4x64xf32>) attributes {attn.gpu_kernel = {kind = "rms_norm"}}

// -----

// f64 has no kernel (it would need 64-bit shuffles).
func.func @f64(%x: memref<4x64xf64>, %w: memref<64xf64>, %out: memref<4x64xf64>) {
  // expected-error @+1 {{an rms_norm kernel takes an f32, f16 or bf16 input buffer}}
  call @attn_gpu_rms_norm(%x, %w, %out) : (memref<4x64xf64>, memref<64xf64>, memref<4x64xf64>) -> ()
  return
}
func.func private @attn_gpu_rms_norm(memref<4x64xf64>, memref<64xf64>, memref<4x64xf64>) attributes {attn.gpu_kernel = {epsilon = 1.0e-05 : f64, kind = "rms_norm"}}

// -----

// The weight is missing.
func.func @one_input(%x: memref<4x64xf32>, %out: memref<4x64xf32>) {
  // expected-error @+1 {{got inputs 'memref<4x64xf32>', output 'memref<4x64xf32>' and parameters}}
  call @attn_gpu_rms_norm(%x, %out) : (memref<4x64xf32>, memref<4x64xf32>) -> ()
  return
}
func.func private @attn_gpu_rms_norm(memref<4x64xf32>, memref<4x64xf32>) attributes {attn.gpu_kernel = {epsilon = 1.0e-05 : f64, kind = "rms_norm"}}

// -----

// A weight of rank 2.
func.func @weight_rank(%x: memref<4x64xf32>, %w: memref<1x64xf32>, %out: memref<4x64xf32>) {
  // expected-error @+1 {{got inputs 'memref<4x64xf32>', 'memref<1x64xf32>'}}
  call @attn_gpu_rms_norm(%x, %w, %out) : (memref<4x64xf32>, memref<1x64xf32>, memref<4x64xf32>) -> ()
  return
}
func.func private @attn_gpu_rms_norm(memref<4x64xf32>, memref<1x64xf32>, memref<4x64xf32>) attributes {attn.gpu_kernel = {epsilon = 1.0e-05 : f64, kind = "rms_norm"}}
