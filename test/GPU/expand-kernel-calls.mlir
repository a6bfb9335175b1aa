// RUN: attn-opt %s --split-input-file --attn-gpu-expand-kernel-calls | FileCheck %s

// An attention call becomes, by the query rows, flash-decoding (up to
// decode_max_rows rows) or FlashAttention on tensor cores; the declaration
// goes.
// CHECK-LABEL: func.func @attention(
// CHECK-SAME: %[[Q:[^:]*]]: memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, %[[K:[^:]*]]: memref<?x2x64xf32
// CHECK: %[[ROWS:.*]] = memref.dim %[[Q]], %c0
// CHECK: %[[FEW:.*]] = arith.cmpi ule, %[[ROWS]], %c4
// CHECK: scf.if %[[FEW]] {

// Flash-decoding: partials per (chunk of 256 keys, the 2 query heads that
// share a key/value head, row) in two new buffers, a block of 128 threads
// with the heads' query rows, their scores for the chunk and a word per
// warp and head in shared memory ...
// CHECK: %[[KEYS:.*]] = memref.dim %[[K]], %c0
// CHECK: %[[CHUNKS:.*]] = arith.ceildivui %[[KEYS]], %c256
// CHECK: %[[STATS:.*]] = memref.alloc({{.*}}) : memref<?x4x?x2xf32>
// CHECK: %[[PARTIAL:.*]] = memref.alloc({{.*}}) : memref<?x4x?x64xf32>
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %c2{{.*}}, {{.*}} = %{{.*}}) threads({{.*}}) in ({{.*}} = %c128{{.*}}) workgroup({{.*}} : memref<2x64xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<2x256xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<2x4xf32, #gpu.address_space<workgroup>>)
// CHECK: gpu.shuffle xor
// CHECK: math.exp2
// CHECK: gpu.barrier
// ... then a block per (head, row) combines the chunks, and the partials
// are freed.
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c4{{.*}}) threads({{.*}}) in ({{.*}} = %c128
// CHECK-NOT: gpu.barrier
// CHECK: math.exp2
// CHECK: memref.dealloc %[[STATS]]
// CHECK: memref.dealloc %[[PARTIAL]]

// FlashAttention: blocks of 64 rows per head, K and V^T of 64 keys as
// packed pairs in shared memory, 32 mma for Q.K^T and 32 for P.V per key
// block, the quad's row max by shuffles, exp2.
// CHECK: } else {
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %c4{{.*}}) threads({{.*}}) in ({{.*}} = %c128{{.*}}) workgroup({{.*}} : memref<64x36xi32, #gpu.address_space<workgroup>>, {{.*}} : memref<64x36xi32, #gpu.address_space<workgroup>>)
// CHECK: scf.for
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK-COUNT-32: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>
// CHECK: gpu.shuffle xor
// CHECK: math.exp2
// CHECK-COUNT-32: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK: return
// CHECK-NOT: attn_gpu_attention
func.func @attention(%q: memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, %k: memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, %v: memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, %o: memref<?x4x64xf32>) {
  call @attn_gpu_attention(%q, %k, %v, %o) : (memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x4x64xf32>) -> ()
  return
}
func.func private @attn_gpu_attention(memref<?x4x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x4x64xf32>) attributes {attn.gpu_kernel = {causal = true, decode_max_rows = 4 : i64, kind = "attention", mma_type = "bf16", scale = 1.250000e-01 : f64}}

// -----

// Heads of 256 take key blocks of 32, so that K (32 x 132 words) and V^T
// (256 x 20 words) fit in 48 KiB of static shared memory; f16 operands;
// decode_max_rows = 0 leaves only the tensor-core kernel.
// CHECK-LABEL: func.func @wide_heads(
// CHECK-NOT: memref.alloc
// CHECK: gpu.launch {{.*}} workgroup({{.*}} : memref<32x132xi32, #gpu.address_space<workgroup>>, {{.*}} : memref<256x20xi32, #gpu.address_space<workgroup>>)
// CHECK: nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32)
func.func @wide_heads(%q: memref<?x2x256xf32, strided<[?, ?, ?], offset: ?>>, %k: memref<?x1x256xf32, strided<[?, ?, ?], offset: ?>>, %v: memref<?x1x256xf32, strided<[?, ?, ?], offset: ?>>, %o: memref<?x2x256xf32>) {
  call @attn_gpu_attention(%q, %k, %v, %o) : (memref<?x2x256xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x256xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x256xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x256xf32>) -> ()
  return
}
func.func private @attn_gpu_attention(memref<?x2x256xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x256xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x256xf32, strided<[?, ?, ?], offset: ?>>, memref<?x2x256xf32>) attributes {attn.gpu_kernel = {causal = true, decode_max_rows = 0 : i64, kind = "attention", mma_type = "f16", scale = 6.250000e-02 : f64}}

// -----

// With cos/sin tables the kernels read each query element's rotate-half
// partner (half a head away, negated in the first half) and the row's
// cos and sin.
// CHECK-LABEL: func.func @rotated(
// CHECK-SAME: %[[Q:[^:]*]]: memref<?x2x64xf32{{.*}}, %[[COS:[^:]*]]: memref<?x64xf32{{.*}}, %[[SIN:[^:]*]]: memref<?x64xf32
// CHECK: gpu.launch
// CHECK: %[[FIRST:.*]] = arith.cmpi ult, %{{.*}}, %c32
// CHECK: arith.select %[[FIRST]]
// CHECK: memref.load %[[Q]]
// CHECK: arith.negf
// CHECK: memref.load %[[COS]]
// CHECK: memref.load %[[SIN]]
func.func @rotated(%q: memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, %k: memref<?x1x64xf32, strided<[?, ?, ?], offset: ?>>, %cos: memref<?x64xf32, strided<[?, ?], offset: ?>>, %sin: memref<?x64xf32, strided<[?, ?], offset: ?>>, %o: memref<?x2x64xf32>) {
  call @attn_gpu_attention(%q, %k, %k, %cos, %sin, %o) : (memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x64xf32, strided<[?, ?], offset: ?>>, memref<?x64xf32, strided<[?, ?], offset: ?>>, memref<?x2x64xf32>) -> ()
  return
}
func.func private @attn_gpu_attention(memref<?x2x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x1x64xf32, strided<[?, ?, ?], offset: ?>>, memref<?x64xf32, strided<[?, ?], offset: ?>>, memref<?x64xf32, strided<[?, ?], offset: ?>>, memref<?x2x64xf32>) attributes {attn.gpu_kernel = {causal = true, decode_max_rows = 4 : i64, kind = "attention", mma_type = "bf16", scale = 1.250000e-01 : f64}}

// -----

// Calls of functions that are not kernel declarations are left alone.
// CHECK-LABEL: func.func @plain_call(
// CHECK: call @helper(%{{.*}}) : (memref<4xf32>) -> ()
// CHECK: func.func private @helper(memref<4xf32>)
func.func @plain_call(%o: memref<4xf32>) {
  call @helper(%o) : (memref<4xf32>) -> ()
  return
}
func.func private @helper(memref<4xf32>)
