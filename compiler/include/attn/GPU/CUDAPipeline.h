//===- CUDAPipeline.h - From the attn graph to kernels and host code -*- C++
//-*-===//
//
// The CUDA pipeline as a list of phases, like the CPU pipeline
// (attn/Pipelines/CPUPipeline.h): the same attn -> linalg lowering, weight
// table and C entry points, then the loop nests become kernels in
// gpu.modules, the kernels NVVM and PTX (or cubins), and the host code the
// LLVM dialect with calls to the mgpu* launch functions.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_GPU_CUDAPIPELINE_H
#define ATTN_GPU_CUDAPIPELINE_H

#include "mlir/Support/LLVM.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
class OpPassManager;
namespace attn {

/// The phases of the CUDA pipeline, in order.
enum class CUDAPhase {
  /// attn ops lowered to linalg/tensor/arith/math/scf, canonicalised.
  Linalg,
  /// attn.weight read from the weight table; the C entry points added; the
  /// manifest names the target.
  ABI,
  /// Tensors bufferised (caches in place), deallocations inserted.
  Bufferized,
  /// Every loop nest a gpu.launch, outlined into gpu.modules; shared memory
  /// checked against the architecture.
  Kernels,
  /// Kernels in the NVVM and LLVM dialects, with an NVVM target attribute.
  NVVM,
  /// Kernels serialised (gpu.binary), host code in the LLVM dialect.
  LLVM,
};

/// The phase's name on the command line ("linalg", "abi", ...).
llvm::StringRef stringifyCUDAPhase(CUDAPhase phase);
/// The phase named `name`, if there is one.
std::optional<CUDAPhase> parseCUDAPhase(llvm::StringRef name);

/// What `gpu-module-to-binary` embeds.
enum class CUDABinaryFormat {
  /// PTX text, compiled by the driver when the library is loaded (runs on
  /// the chosen architecture and every later one).
  PTX,
  /// A cubin assembled by ptxas (runs only on the chosen architecture's
  /// major version, loads without JIT).
  Cubin,
};

struct CUDAPipelineOptions {
  /// The last phase to run.
  CUDAPhase stopAfter = CUDAPhase::LLVM;
  /// The architecture: sm_80, sm_86, sm_89 or sm_90.
  std::string arch = "sm_90";
  /// Threads per block of the element-wise and loop-nest kernels.
  int64_t blockSize = 256;
  /// Whether the attn.linear contractions get the tensor-core and GEMV
  /// kernels of --attn-gpu-tile-matmul (else one thread per element).
  bool tileMatmuls = true;
  /// Most rows of A that take the GEMV kernel rather than tensor cores.
  int64_t gemvMaxRows = 4;
  /// Whether, where the architecture has an architecture-specific target
  /// with warpgroup MMA (sm_90 -> sm_90a), the kernels target it and the
  /// matmuls use wgmma rather than mma.sync. The library then runs on
  /// exactly that compute capability (9.0), not on later GPUs.
  bool wgmma = true;
  /// Whether each attn.rms_norm is one kernel of a block per row
  /// (--attn-gpu-rmsnorm) rather than the generic lowering's three.
  bool fuseRMSNorm = true;
  /// Whether the weights that only projections read are stored in bf16
  /// (--attn-narrow-weights): half the bytes to upload, keep and stream in
  /// decode. Unset means no; attnc sets it where the checkpoint is bf16.
  std::optional<bool> bf16Weights;
  /// Whether residual adds and biases accumulate into the contractions and
  /// element-wise chains fuse (--attn-fuse-epilogues without its row
  /// tiling), so that each is no kernel of its own.
  bool fuseEpilogues = true;
  /// Whether attn.rope folds into the attention that reads the queries and
  /// into the cache write of the keys (--attn-fuse-rope).
  bool fuseRope = true;
  /// Whether attn.attention runs as FlashAttention on tensor cores and
  /// flash-decoding (--attn-gpu-flash-attention) rather than the generic
  /// lowering's kernels, with their operand type (bf16 or f16) and the most
  /// query rows that take flash-decoding.
  bool flashAttention = true;
  std::string mmaType = "bf16";
  int64_t decodeMaxRows = 4;
  /// NVPTX optimisation level, 0 to 3.
  unsigned optLevel = 3;
  CUDABinaryFormat format = CUDABinaryFormat::PTX;
  /// The CUDA toolkit (for ptxas); empty lets MLIR look in its default
  /// place and on PATH.
  std::string toolkitPath;
};

/// The target the kernels are compiled for: the architecture-specific one
/// where `options.wgmma` and the architecture has one (sm_90 -> sm_90a),
/// else `options.arch`.
std::string kernelTarget(const CUDAPipelineOptions &options);

/// Adds the passes of the CUDA pipeline, up to `options.stopAfter`, to `pm`
/// (which runs on a builtin.module). `options.arch` must be known to
/// lookupCUDAArch; the pass that uses it reports an unknown one.
void populateCUDAPipeline(OpPassManager &pm,
                          const CUDAPipelineOptions &options);

/// Sets `options` from `text`, the options of `--attn-cuda-pipeline` (and of
/// `attnc --target=cuda --pipeline-options`); options `text` does not name
/// get their defaults. A text that does not parse, an unknown phase or
/// format is reported through `errorHandler`.
LogicalResult parseCUDAPipelineOptions(
    llvm::StringRef text, CUDAPipelineOptions &options,
    llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler);

/// Registers `--attn-cuda-pipeline` (options `stop-after=<phase>`,
/// `cuda-arch=sm_XX`, `format=ptx|cubin`, `block-size=N`,
/// `tile-matmuls=true|false`, `gemv-max-rows=N`, `wgmma=true|false`,
/// `bf16-weights=true|false`, `fuse-rmsnorm=true|false`,
/// `fuse-epilogues=true|false`, `fuse-rope=true|false`,
/// `flash-attention=true|false`,
/// `mma-type=bf16|f16`, `decode-max-rows=N`).
void registerCUDAPipeline();

} // namespace attn
} // namespace mlir

#endif // ATTN_GPU_CUDAPIPELINE_H
