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
    of `attn.linear`, not attention's `Q . K^T`) becomes two `gpu.launch`es,
    one chosen at run time by the number of rows `m`:

    - `m <= gemv-max-rows`: a GEMV in f32, one warp per column of `C`
      reading the matching row of `W` with coalesced loads (128-bit
      `vector.load`s where `k % 4 == 0` and `W` is 16-byte aligned), the
      lanes' partial sums added by `gpu.shuffle xor`;
    - otherwise: 64 x 64 tiles of `C` per block of 4 warps; per 32 columns
      of `k`, `A`'s and `W`'s rows are rounded to bf16 into workgroup
      memory (10240 bytes, between two `gpu.barrier`s) and each warp
      multiplies its 32 x 32 sub-tile with `nvvm.mma.sync` m16n8k16 (bf16
      operands, f32 accumulators). Rows and columns past the ends are
      guarded.

    Other linalg ops are left to `--attn-gpu-map-parallel-loops`.
  }];
  let options = [
    Option<"gemvMaxRows", "gemv-max-rows", "int64_t", /*default=*/"4",
           "Most rows of A that take the GEMV kernel (0: always tensor "
           "cores)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
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

#endif // ATTN_GPU_PASSES_TD
