// RUN: attn-opt %s --split-input-file --attn-gpu-flash-attention | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-gpu-flash-attention="mma-type=f16 decode-max-rows=0" | FileCheck %s --check-prefix=OPTIONS

// A causal grouped-query attention becomes a call of a kernel declaration
// on the buffers of its operands and a new result buffer; the declaration
// carries what the kernel builder needs.
// CHECK-LABEL: func.func @causal_gqa(
// CHECK-SAME: %[[Q:.*]]: tensor<?x4x64xf32>, %[[K:.*]]: tensor<?x2x64xf32>, %[[V:.*]]: tensor<?x2x64xf32>
// CHECK: %[[ROWS:.*]] = tensor.dim %[[Q]], %c0
// CHECK-DAG: %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<?x4x64xf32> to memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>
// CHECK-DAG: %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only
// CHECK-DAG: %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only
// CHECK: %[[OUT:.*]] = memref.alloc(%[[ROWS]]) : memref<?x4x64xf32>
// CHECK: call @attn_gpu_attention(%[[QB]], %[[KB]], %[[VB]], %[[OUT]])
// CHECK: %[[RESULT:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK-NOT: attn.attention
// CHECK: return %[[RESULT]]
// CHECK: func.func private @attn_gpu_attention(memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, {{.*}}, memref<?x4x64xf32>)
// CHECK-SAME: attn.gpu_kernel = {causal = true, decode_max_rows = 4 : i64, kind = "attention", mma_type = "bf16", scale = 1.250000e-01 : f64}
// OPTIONS-LABEL: func.func @causal_gqa(
// OPTIONS: attn.gpu_kernel = {causal = true, decode_max_rows = 0 : i64, kind = "attention", mma_type = "f16", scale = 1.250000e-01 : f64}
func.func @causal_gqa(%q: tensor<?x4x64xf32>, %k: tensor<?x2x64xf32>, %v: tensor<?x2x64xf32>) -> tensor<?x4x64xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.125 : f64, causal} : tensor<?x4x64xf32>, tensor<?x2x64xf32>, tensor<?x2x64xf32> -> tensor<?x4x64xf32>
  return %o : tensor<?x4x64xf32>
}

// -----

// Two attentions, two declarations; the sliding window and a non-causal
// op are recorded as such.
// CHECK-LABEL: func.func @two_ops(
// CHECK: call @attn_gpu_attention(
// CHECK: call @attn_gpu_attention_0(
// CHECK: func.func private @attn_gpu_attention(
// CHECK-SAME: attn.gpu_kernel = {causal = true, {{.*}}sliding_window = 4096 : i64}
// CHECK: func.func private @attn_gpu_attention_0(
// CHECK-SAME: attn.gpu_kernel = {causal = false,
func.func @two_ops(%q: tensor<?x8x128xf32>, %k: tensor<?x8x128xf32>, %v: tensor<?x8x128xf32>) -> (tensor<?x8x128xf32>, tensor<?x8x128xf32>) {
  %a = attn.attention %q, %k, %v {scale = 0.088 : f64, causal, sliding_window = 4096 : i64} : tensor<?x8x128xf32>, tensor<?x8x128xf32>, tensor<?x8x128xf32> -> tensor<?x8x128xf32>
  %b = attn.attention %q, %k, %v {scale = 0.088 : f64} : tensor<?x8x128xf32>, tensor<?x8x128xf32>, tensor<?x8x128xf32> -> tensor<?x8x128xf32>
  return %a, %b : tensor<?x8x128xf32>, tensor<?x8x128xf32>
}

// -----

// What the kernels do not take stays for the generic lowering: a head_dim
// that is no multiple of 16, heads wider than 256.
// CHECK-LABEL: func.func @left_alone(
// CHECK-COUNT-2: attn.attention
// CHECK-NOT: call
func.func @left_alone(%q: tensor<?x2x8xf32>, %k: tensor<?x1x8xf32>, %v: tensor<?x1x8xf32>, %wq: tensor<?x1x512xf32>, %wk: tensor<?x1x512xf32>) -> (tensor<?x2x8xf32>, tensor<?x1x512xf32>) {
  %a = attn.attention %q, %k, %v {scale = 0.35 : f64, causal} : tensor<?x2x8xf32>, tensor<?x1x8xf32>, tensor<?x1x8xf32> -> tensor<?x2x8xf32>
  %b = attn.attention %wq, %wk, %wk {scale = 0.04 : f64, causal} : tensor<?x1x512xf32>, tensor<?x1x512xf32>, tensor<?x1x512xf32> -> tensor<?x1x512xf32>
  return %a, %b : tensor<?x2x8xf32>, tensor<?x1x512xf32>
}

// -----

// A fused rotation: the cos/sin tables of the query rows' positions are
// built once (as the generic lowering builds them) and passed to the
// kernels, which rotate each query as they load it.
// CHECK-LABEL: func.func @fused_rope(
// CHECK-SAME: %[[Q:[^:]*]]: tensor<?x2x64xf32>, %[[K:[^:]*]]: tensor<?x1x64xf32>, %[[P:[^:]*]]: index
// CHECK: %[[TABLES:.*]]:2 = linalg.generic
// CHECK-DAG: %[[COS:.*]] = bufferization.to_buffer %[[TABLES]]#0 read_only : tensor<?x64xf32>
// CHECK-DAG: %[[SIN:.*]] = bufferization.to_buffer %[[TABLES]]#1 read_only : tensor<?x64xf32>
// CHECK: call @attn_gpu_attention(%{{.*}}, %{{.*}}, %{{.*}}, %[[COS]], %[[SIN]], %{{.*}})
// CHECK-NOT: attn.attention
func.func @fused_rope(%q: tensor<?x2x64xf32>, %k: tensor<?x1x64xf32>, %p: index) -> tensor<?x2x64xf32> {
  %o = attn.attention %q, %k, %k rope(%p) {scale = 0.125 : f64, causal, rope = {theta = 1.0e+04 : f64, scaling = #attn<rope_scaling none>}} : tensor<?x2x64xf32>, tensor<?x1x64xf32>, tensor<?x1x64xf32> -> tensor<?x2x64xf32>
  return %o : tensor<?x2x64xf32>
}
