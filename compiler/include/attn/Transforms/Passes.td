//===- Passes.td - attn optimisation passes ----------------*- tablegen -*-===//
//
// The passes that make the lowered model fast on the host: tiled,
// vectorised, multi-threaded matmuls and FlashAttention-style attention.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TRANSFORMS_PASSES_TD
#define ATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def VectorizeMatmulPass : Pass<"attn-vectorize-matmul"> {
  let summary = "Tile, vectorise and parallelise x . W^T matmuls on buffers";
  let description = [{
    Replaces each `linalg.generic` on f32 buffers that computes
    `C[m, n] += A[m, k] * B[n, k]` (the lowering of `attn.linear`, with the
    weight in its checkpoint layout `[out, in]`) by a register-tiled loop
    nest: an `scf.parallel` over blocks of `block-cols` output columns (so
    that one block of weight rows stays in a core's L2 while every row of A
    passes over it), and in it `tile-rows` x `tile-cols` output tiles whose
    `tile-rows * tile-cols` accumulators are `vector<vector-size x f32>`
    along `k`, reduced once at the end. The last partial vector of `k` is a
    masked load; rows and columns that do not fill a tile use 1-row and
    1-column tiles. Both operands are read along their contiguous dimension,
    so no packing is needed and decode (one row) streams each weight row once.

    Vector loads need a unit innermost stride: when the buffers' types do not
    say so, the tiled nest runs under an `scf.if` on the runtime strides and
    the original generic stays as the other branch. Other generics (other
    maps, element types, bodies, tensors) are left alone.

    The contraction `C[m, p, j] += A[m, k] * P[p, k, j]` that
    `--attn-pack-weights` makes of a linear with a panel-packed weight
    (`j` spanning `w`, a multiple of `vector-size`) becomes the
    outer-product kernel instead: an `scf.parallel` over panels, blocks of
    `k-block` steps of k (the block of the panel stays in L2 while every
    row of A passes over it; measured with `attn-bench --matmul`, blocks
    of 1024 ran 1.4x faster than blocks of 128 sized for L1, whose short
    runs along each row of A defeat the prefetchers), and `panel-rows` x `w` tiles of C held in
    `panel-rows * w / vector-size` vector registers, each step loading
    `w / vector-size` vectors of the panel and broadcasting one element of
    each row of A: no cross-lane reduction, no masks (k needs none). Rows
    that do not fill a tile use a 1-row tile, which is also the decode GEMV.
    bf16 panels (`--attn-pack-weights bf16`) are widened to f32: once per
    k-block into a scratch that the full tiles read, and at each load in
    the 1-row tiles (so decode copies nothing).
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", /*default=*/"16",
           "Lanes of f32 per vector (16 for AVX-512, 8 for AVX2)">,
    Option<"tileRows", "tile-rows", "int64_t", /*default=*/"4",
           "Rows of A per register tile">,
    Option<"tileCols", "tile-cols", "int64_t", /*default=*/"4",
           "Rows of B (output columns) per register tile">,
    Option<"blockCols", "block-cols", "int64_t", /*default=*/"64",
           "Output columns per parallel task">,
    Option<"panelRows", "panel-rows", "int64_t", /*default=*/"6",
           "Rows of A per register tile of the panel kernel">,
    Option<"kBlock", "k-block", "int64_t", /*default=*/"1024",
           "Steps of k per cache block of the panel kernel">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def PackWeightsPass : Pass<"attn-pack-weights", "::mlir::ModuleOp"> {
  let summary = "Store the weights that only matmuls read in column panels";
  let description = [{
    For each weight name whose every `attn.weight` is a static 2-D f32
    tensor `[out, in]` with `out` a multiple of `panel-width`, read only as
    the weight of 2-D f32 `attn.linear`s, changes the weight's type to the
    panel layout `[out / panel-width, in, panel-width]`
    (`P[n / w, k, n % w] = W[n, k]`), records
    `attn.layout = {kind = "panel", width, shape = [out, in]}` on it (the
    manifest tells the runtime to reorder the checkpoint's tensor so at
    load) and replaces each of those linears by a contraction over the
    panels into the output viewed as `[rows, out / w, w]`, plus the bias.
    `--attn-vectorize-matmul` turns that contraction into an outer-product
    kernel. Weights that anything else reads (a tied embedding's gather),
    that are used with other types, or whose `out` the width does not
    divide keep their layout.

    With `bf16`, the panels hold bf16 (the manifest's dtype for them, so the
    runtime rounds f32 or f16 checkpoints to nearest even at load and takes
    bf16 ones as they are) and the contraction widens each weight element
    to f32 before the multiply: half the bytes for decode to stream, the
    same f32 arithmetic.
  }];
  let options = [
    Option<"panelWidth", "panel-width", "int64_t", /*default=*/"64",
           "Output columns per panel (a multiple of the vector size)">,
    Option<"bf16", "bf16", "bool", /*default=*/"false",
           "Store the panels in bf16, widened to f32 in the matmul">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def NarrowWeightsPass : Pass<"attn-narrow-weights", "::mlir::ModuleOp"> {
  let summary = "Store the matrices that matmuls and embeddings read in "
                "bf16";
  let description = [{
    For each weight name whose every `attn.weight` is a 2-D f32 tensor read
    only as the weight of `attn.linear`s on f32 or the table of
    `attn.embedding`s into f32, changes the weight's element type to bf16.
    Those ops then widen each element to f32 where they read it (both accept
    a narrower type that f32 holds exactly), and the manifest gives the
    weight's dtype as bf16, so the runtime rounds f32 or f16 checkpoints to
    nearest even at load and takes bf16 ones as they are: half the bytes to
    keep and, in decode, to stream (a tied LM head too), the same f32
    arithmetic. Weights that anything else reads (a norm's scale, a bias, a
    linear's input) keep their type.
  }];
}

def TileAttentionPass : Pass<"attn-tile-attention"> {
  let summary = "Lower attn.attention FlashAttention-style: blocks of queries "
                "against blocks of keys with an online softmax";
  let description = [{
    Rewrites `attn.attention` into an `scf.forall` over query heads (each
    head on its own thread once lowered to OpenMP), a loop over blocks of
    `query-block` queries and, inside it, a loop over blocks of `key-block`
    keys that carries the running row maximum, the running sum of
    exponentials and the unnormalised output, rescaling both by
    `exp(m_old - m_new)` at each block. At most a `[query-block, key-block]`
    tile of scores exists at a time, so memory is linear in the sequence
    length. With a causal mask, key blocks after the block's last query are
    skipped, and with a sliding window so are those before its reach. The
    result is the same as `--attn-convert-to-linalg`'s lowering up to the
    order of the sums. Attention whose query and key lengths are both static
    and within one block is left for `--attn-convert-to-linalg`.

    A fused rotation of the queries (`rope`, see `--attn-fuse-rope`) is
    applied to each query block as it is sliced, from cos/sin tables built
    once per op.

    With `split-kv`, one query (decode) whose visible keys span at least two
    chunks of `split-min-keys` runs flash-decoding instead: an `scf.forall`
    over (head, chunk), up to `split-max-chunks` chunks of whole key blocks,
    each leaving a partial (row max, row sum, unnormalised output), then a
    combine that rescales the partials by `exp(m_chunk - m)`. The choice is
    an `scf.if` at run time, since prefill and decode share the code.
  }];
  let options = [
    Option<"queryBlock", "query-block", "int64_t", /*default=*/"64",
           "Queries per block">,
    Option<"keyBlock", "key-block", "int64_t", /*default=*/"128",
           "Keys per block">,
    Option<"splitKV", "split-kv", "bool", /*default=*/"false",
           "Flash-decoding: split the keys of a single query into chunks "
           "across threads, combined at the end">,
    Option<"splitMinKeys", "split-min-keys", "int64_t", /*default=*/"512",
           "Fewest keys per chunk (shorter contexts are not split)">,
    Option<"splitMaxChunks", "split-max-chunks", "int64_t", /*default=*/"8",
           "Most chunks per head">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def VectorizeAttentionPass : Pass<"attn-vectorize-attention"> {
  let summary = "Vectorise the softmax and P.V of tiled attention on buffers";
  let description = [{
    Takes the `linalg.generic` ops that `--attn-tile-attention` marks with
    `attn.tiled_attention`, once bufferised. Element-wise maps and row
    reductions over at most two loops become a loop over rows and, inside,
    masked `vector-size`-lane steps along the contiguous dimension (row
    reductions keep a vector accumulator and combine its lanes once per
    row); the exponentials become polynomial vector code. `P . V`
    (`acc[s, e] += p[s, t] * v[t, e]`) becomes, per row and per four
    vectors of `e`, a loop over `t` that keeps the four accumulators in
    registers. Unmarked generics, and marked ones whose operands are not f32
    buffers with a unit inner stride where the vectors run, are left alone.
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", /*default=*/"16",
           "Lanes of f32 per vector (16 for AVX-512, 8 for AVX2)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def InlineAllocaFreeScopesPass : Pass<"attn-inline-alloca-free-scopes"> {
  let summary = "Inline memref.alloca_scope regions that allocate nothing";
  let description = [{
    `--convert-scf-to-openmp` wraps every parallel loop body in a
    `memref.alloca_scope`, whose region must stay a single block, so the
    `scf` loops inside it cannot then be lowered to control flow. A scope
    whose region holds no `memref.alloca` frees nothing on exit: its body is
    moved in place of it. Scopes with allocas are kept.
  }];
}

def FuseProjectionsPass : Pass<"attn-fuse-projections", "::mlir::ModuleOp"> {
  let summary = "Fuse linears that read the same input into one wider linear";
  let description = [{
    Finds, in each block, `attn.linear`s that read the same input and whose
    weights (and biases, if all have one) are `attn.weight`s read by nothing
    else, with the same layer operand (or none), static 2-D shapes of the
    same input width and element type. Each such group of two or more (the
    Q/K/V projections; gate and up) becomes one `attn.weight` whose rows are
    the parts' rows in graph order, one `attn.linear`, and a
    `tensor.extract_slice` of its columns for each old result. The fused
    weight records its parts as `attn.parts = [{name, shape}, ...]`; the
    manifest lists them and the runtime concatenates the checkpoint's
    tensors at load (docs/abi.md). The fused weight is an ordinary weight
    to later passes, so `--attn-pack-weights` may still pack it.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def FuseEpiloguesPass : Pass<"attn-fuse-epilogues"> {
  let summary = "Fold residual adds, biases, element-wise chains and RMSNorm "
                "sweeps into fewer passes over memory (linalg on tensors)";
  let description = [{
    Runs on the `linalg.generic`s that `--attn-convert-to-linalg` (and
    `--attn-pack-weights`) build, before bufferisation:

    - A contraction whose init is a zero `linalg.fill` and whose only use is
      an element-wise add of a tensor `r` of the same type (directly, or
      through the `collapse_shape` of the panel form) accumulates into `r`
      instead: the fill and the add disappear. Only when every other use of
      `r` (and of what `r` views) comes before the contraction and `r` is not
      read-only, so that bufferisation writes it in place without a copy.
      A bias added after such a contraction becomes its init, broadcast.
    - Element-wise generics fuse into element-wise consumers (upstream's
      element-wise fusion), only where the producer has that one use and
      the consumer reads it through a permutation, so no work is repeated.
    - A row reduction (RMSNorm's sum of squares) and the element-wise
      generic that reads it with the same rows run in one `scf.forall` over
      blocks of `norm-rows` rows, so each row is normalised while in cache.
  }];
  let options = [
    Option<"normRows", "norm-rows", "int64_t", /*default=*/"4",
           "Rows per block of a fused row reduction (0: do not fuse them)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def FuseRopePass : Pass<"attn-fuse-rope"> {
  let summary = "Fold attn.rope into the attention that reads the queries "
                "and into the KV-cache write of the keys";
  let description = [{
    Removes the separate rotation passes over Q and K:

    - `attn.rope` whose only user is `attn.attention`'s query operand
      becomes the attention's `rope(%offset)` with the rope's attributes in
      the dictionary `rope`; `--attn-tile-attention` rotates each query
      block as it loads it.
    - `attn.rope` whose only user inserts it into a tensor (the KV cache)
      with `tensor.insert_slice` writes `into` the slice being replaced, so
      that the keys are rotated as they are stored and the cache still
      holds rotated keys for later steps.

    Both forms compute exactly what the rope did (the positions stay the
    rope's own operand), so no other condition applies; a rope with more
    than one user, or one feeding anything else, is left alone.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

#endif // ATTN_TRANSFORMS_PASSES_TD
