//===- Passes.td - attn passes for NVIDIA GPUs -------------*- tablegen -*-===//
//
// The passes of the CUDA backend that upstream MLIR has no equivalent for:
// mapping the loop nests of the bufferised graph to blocks and threads,
// keeping every buffer a kernel touches in device-accessible memory, and
// checking the kernels against the limits of the chosen architecture.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_GPU_PASSES_TD
#define ATTN_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CopiesToLinalgPass : Pass<"attn-gpu-copies-to-linalg"> {
  let summary = "Turn every memref.copy into linalg.copy, so that it runs on "
                "the device";
  let description = [{
    On the CPU a contiguous `memref.copy` becomes `memcpy`. In a CUDA model
    library the buffers the runtime passes (caches, tokens, output) are device
    memory that host code must never touch, so every copy becomes a
    `linalg.copy`, which is mapped to a kernel like any other linalg op.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def MapParallelLoopsPass : Pass<"attn-gpu-map-parallel-loops"> {
  let summary = "Launch every outermost scf.parallel as a one-dimensional "
                "grid of blocks of threads";
  let description = [{
    Each `scf.parallel` that is not nested in another one nor in a
    `gpu.launch` becomes a `gpu.launch` of `ceil(N / block-size)` blocks of
    `block-size` threads, where `N` is the number of iterations of all its
    dimensions together. Thread `blockIdx.x * block-size + threadIdx.x`
    computes the iteration with that linear index, the innermost dimension
    varying fastest so that neighbouring threads touch neighbouring
    elements; threads past `N` do nothing. Nested `scf.parallel` loops stay
    in the kernel and run sequentially in each thread.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block (1 to 1024)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def TileMatmulPass : Pass<"attn-gpu-tile-matmul"> {
  let summary = "Run the attn.linear contractions as tensor-core and GEMV "
                "kernels";
  let description = [{
    Each bufferised `linalg.generic` that computes `C[m, n] += A[m, k] *
    W[n, k]` in f32 with a statically shaped `W` (a weight: the contraction
    of `attn.linear`, not attention's `Q . K^T`), f32 or bf16 (widened in
    the body, as `--attn-narrow-weights` leaves it), becomes two
    `gpu.launch`es, one chosen at run time by the number of rows `m`:

    - `m <= gemv-max-rows`: a GEMV in f32, one warp per column of `C`
      reading the matching row of `W` with coalesced loads (128-bit
      `vector.load`s of 4 f32 or 8 bf16 where `k` is a multiple of that
      and `W` is 16-byte aligned), the lanes' partial sums added by
      `gpu.shuffle xor`;
    - otherwise, without `wgmma`: 64 x 64 tiles of `C` per block of 4
      warps; per 32 columns of `k`, `A`'s and `W`'s rows are rounded to
      bf16 into workgroup memory (10240 bytes, between two `gpu.barrier`s)
      and each warp multiplies its 32 x 32 sub-tile with `nvvm.mma.sync`
      m16n8k16 (bf16 operands, f32 accumulators);
    - otherwise, with `wgmma` (the kernels must then target sm_90a): 128 x
      128 tiles of `C` per block of 2 warpgroups; per 64 columns of `k`,
      `A`'s and `W`'s rows are staged as bf16 core matrices (32768 bytes)
      and each warpgroup issues four `nvvm.wgmma.mma_async` m64n128k16 on
      no-swizzle matrix descriptors, its 64 x 128 f32 accumulators in
      registers.

    Rows and columns past the ends are guarded.

    Other linalg ops are left to `--attn-gpu-map-parallel-loops`.
  }];
  let options = [
    Option<"gemvMaxRows", "gemv-max-rows", "int64_t", /*default=*/"4",
           "Most rows of A that take the GEMV kernel (0: always tensor "
           "cores)">,
    Option<"wgmma", "wgmma", "bool", /*default=*/"false",
           "Warpgroup MMA (sm_90a) rather than mma.sync for more rows">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def FlashAttentionPass
    : Pass<"attn-gpu-flash-attention", "::mlir::ModuleOp"> {
  let summary = "Run attn.attention as FlashAttention on tensor cores, or "
                "flash-decoding for a few query rows";
  let description = [{
    Replaces each `attn.attention` (before `--attn-convert-to-linalg`) by a
    call of a kernel declaration on the buffers of its operands
    (`bufferization.to_buffer`) and a new result buffer, which
    `--attn-gpu-expand-kernel-calls` replaces after bufferisation by
    kernels chosen at run time by the query rows `seq`:

    - `seq <= decode-max-rows`: flash-decoding. A block of 128 threads per
      (chunk of 256 keys, the query heads of up to 8 that share a key/value
      head, query row) computes the chunk's scores (warp-per-key dot
      products reduced by `gpu.shuffle xor`, each key read once for the
      heads), their max and exp2 sum, and its unnormalised output rows into
      two allocated buffers; a second kernel per (head, row) rescales and
      combines the chunks.
    - otherwise: FlashAttention-2. A block of 4 warps per (64 query rows,
      head); per block of 64 keys (32 when a head is wider than 128), K
      and V^T are staged in workgroup memory as packed `mma-type` pairs,
      Q.K^T and P.V run on `nvvm.mma.sync` m16n8k16 with f32 accumulators,
      and the online softmax (running max and sum, exp2) stays in
      registers. Causal blocks stop at the block's last position and a
      sliding window starts at its first visible key.

    Grouped-query heads read key/value head `head / (heads / kv_heads)`.
    A fused rotation (`rope(...)`, from `--attn-fuse-rope`) is applied to
    each query as the kernels load it, from cos/sin tables built once per
    op and passed to the call. Ops the kernels do not take are left to the
    generic lowering: dynamic head counts or sizes, a head_dim not a
    multiple of 16, a value head not a multiple of 8, heads wider than 256.
  }];
  let options = [
    Option<"mmaType", "mma-type", "std::string", /*default=*/"\"bf16\"",
           "What the tensor cores multiply: bf16 or f16 (f32 accumulation "
           "either way)">,
    Option<"decodeMaxRows", "decode-max-rows", "int64_t", /*default=*/"4",
           "Most query rows that take flash-decoding (0: always the "
           "tensor-core kernel)">
  ];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ExpandKernelCallsPass
    : Pass<"attn-gpu-expand-kernel-calls", "::mlir::ModuleOp"> {
  let summary = "Build the kernels of the calls that whole-op GPU passes left";
  let description = [{
    Passes that match a whole attn op before bufferisation
    (`--attn-gpu-flash-attention`, `--attn-gpu-rmsnorm`) replace it by a
    `func.call` of a private declaration marked `attn.gpu_kernel = {kind =
    ..., <parameters>}` on buffers, because the deallocation pipeline
    cannot look into kernel bodies. After bufferisation this pass replaces
    each such call by the kernels of its kind, built on the call's operands
    (the inputs, then the output buffer), and erases the declarations. A
    kind without a builder, or a use of a declaration that is not a call,
    is an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def SinkConstantsIntoKernelsPass
    : Pass<"attn-gpu-sink-constants", "::mlir::ModuleOp"> {
  let summary = "Move constant globals and index computations into the "
                "gpu.launch bodies that use them";
  let description = [{
    A `memref.get_global` of a constant table (RoPE frequencies) outside a
    kernel would hand the kernel a host address. Cloned into the launch
    body, it makes kernel outlining copy the global into the `gpu.module`,
    where it lives in device memory. Constants and other index computations
    are sunk as `gpu-kernel-outlining` does.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def MergeKernelModulesPass
    : Pass<"attn-gpu-merge-kernel-modules", "::mlir::ModuleOp"> {
  let summary = "Put every outlined kernel in one gpu.module";
  let description = [{
    `gpu-kernel-outlining` makes a `gpu.module` per kernel: as many PTX
    modules to compile, embed and load as the model has loop nests. This
    pass moves every kernel (and the globals they use, once) into the first
    module, renamed `@attn_kernels`, and points the launches at it.
  }];
}

def CheckSharedMemoryPass
    : Pass<"attn-gpu-check-shared-memory", "::mlir::ModuleOp"> {
  let summary = "Reject kernels that use more shared memory than the target "
                "architecture allows per block";
  let description = [{
    Adds up, for every kernel (`gpu.func` with `gpu.kernel` in a
    `gpu.module`), its workgroup attributions and the workgroup-address-space
    globals it uses, and for every `gpu.launch` its constant dynamic shared
    memory size. Static shared memory above 48 KiB cannot be declared in PTX;
    the total may not exceed the per-block limit of the architecture (sm_80:
    163 KiB, sm_90: 227 KiB). Each violation is an error on the kernel that
    names the bytes used and the limit.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "Target architecture (sm_80, sm_86, sm_89, sm_90)">
  ];
}

def ReportLaunchErrorsPass
    : Pass<"attn-cuda-report-launch-errors", "::mlir::ModuleOp"> {
  let summary = "Make the C entry points return the first CUDA error of the "
                "call";
  let description = [{
    The `mgpu*` functions that launched kernels call return nothing, so
    `attn_prefill` and `attn_logits` end with a call to
    `attn_cuda_take_error() -> i32` (runtime/lib/cuda), which returns the
    first CUDA error this thread met since its last call (0 if none) and
    clears it; the entry points return that instead of 0.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def RecordCUDATargetPass
    : Pass<"attn-cuda-record-target", "::mlir::ModuleOp"> {
  let summary = "Record the CUDA architecture in the manifest";
  let description = [{
    Adds `"target": {"kind": "cuda", "arch": "<chip>"}` to the module's
    `attn.manifest`, so that the runtime can tell a CUDA library from a CPU
    one and refuse a GPU older than the kernels were built for. Modules
    without a manifest are left alone.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "Target architecture">
  ];
}

def GPURMSNormPass : Pass<"attn-gpu-rmsnorm", "::mlir::ModuleOp"> {
  let summary = "Run each attn.rms_norm as one kernel of a block per row";
  let description = [{
    Lowered to linalg, `attn.rms_norm` becomes three kernels (a zero fill,
    the sums of squares, the normalised elements), and the sum of a row
    runs sequentially in one thread: for decode, one thread reads the whole
    hidden state while the GPU waits. This pass,
    run on tensors before `--attn-convert-to-linalg`, replaces each
    `attn.rms_norm` on f32, f16 or bf16 by a call of an `rms_norm` kernel
    declaration (`attn.gpu_kernel = {epsilon = ..., kind = "rms_norm"}`)
    on the buffers of the input and weight (`bufferization.to_buffer`) and
    a new result buffer; `--attn-gpu-expand-kernel-calls` builds the
    kernel in its place after bufferisation, one `gpu.launch`:

    - one block per row (the leading dimensions together), normalising over
      the last dimension, with 256 threads, or the fewest whole warps that
      cover a shorter static row;
    - each thread sums the squares of the elements `thread, thread +
      threads, ...` of its row in f32; the warp adds its lanes' sums by a
      `gpu.shuffle xor` butterfly, lane 0 writes them to a workgroup buffer
      of one f32 per warp, and after a `gpu.barrier` every thread adds the
      warps' sums in order;
    - `rsqrt(sum / hidden + epsilon)` once per row, then each thread writes
      `weight * (x * inv)` for its elements, `x * inv` narrowed to the
      input type before the weight multiplies it, as in
      `--attn-convert-to-linalg` (transformers' LlamaRMSNorm).

    Other element types (f64) are left to `--attn-convert-to-linalg`. The
    pass runs on a module, as it adds the kernel declarations to it.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // ATTN_GPU_PASSES_TD
