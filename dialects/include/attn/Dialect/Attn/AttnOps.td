//===- AttnOps.td - attn dialect ops -----------------------*- tablegen -*-===//
//
// Ops of the attn dialect. Every op states its formula (the reference
// semantics are Hugging Face transformers' Llama family) and the shape rules
// its verifier enforces.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_ATTNOPS_TD
#define ATTN_DIALECT_ATTN_ATTNOPS_TD

include "attn/Dialect/Attn/AttnDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/OpBase.td"

def Attn_FloatTensor : RankedTensorOf<[AnyFloat]>;

//===----------------------------------------------------------------------===//
// attn.weight
//===----------------------------------------------------------------------===//

def Attn_WeightOp : Attn_Op<"weight", [Pure]> {
  let summary = "a model weight, bound by name when the model is loaded";
  let description = [{
    Produces the model weight called `name`, a tensor of static shape whose
    contents the runtime binds when it loads the compiled model (mapped from
    the user's `.safetensors` files, converted to the element type the
    kernels use).

    Per-layer weights carry the placeholder `{layer}` in their name and take
    the layer index as an operand, so that one decoder-layer body serves
    every layer and the IR does not grow with the number of layers:

    ```mlir
    %emb = attn.weight "model.embed_tokens.weight" : tensor<32000x2048xf32>
    %wq = attn.weight "model.layers.{layer}.self_attn.q_proj.weight"[%l]
        : tensor<2048x2048xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, Optional<Index>:$layer);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $name (`[` $layer^ `]`)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The placeholder that per-layer weight names contain.
    static constexpr llvm::StringLiteral kLayerPlaceholder = "{layer}";
    /// Whether the weight is one tensor per layer.
    bool isPerLayer() { return static_cast<bool>(getLayer()); }
  }];
}

//===----------------------------------------------------------------------===//
// attn.embedding
//===----------------------------------------------------------------------===//

def Attn_EmbeddingOp : Attn_Op<"embedding", [Pure]> {
  let summary = "row lookup of token ids in an embedding table";
  let description = [{
    `result[i..., :] = table[ids[i...], :]` for a table of shape
    `[vocab, hidden]` and ids of any shape; the result has the ids' shape
    followed by `hidden`. Ids outside `[0, vocab)` have no defined result: the
    runtime rejects them before they reach compiled code. The table may have
    a narrower element type than the result, one the result's holds exactly
    (a bf16 table of an f32 graph): the rows are widened as they are read.

    ```mlir
    %h = attn.embedding %table[%ids]
        : tensor<32000x2048xf32>, tensor<?xi32> -> tensor<?x2048xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$table,
                       RankedTensorOf<[AnySignlessInteger, Index]>:$ids);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $table `[` $ids `]` attr-dict `:` type($table) `,` type($ids) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.rms_norm
//===----------------------------------------------------------------------===//

def Attn_RMSNormOp : Attn_Op<"rms_norm",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "root-mean-square normalisation over the last dimension";
  let description = [{
    `result = x * rsqrt(mean(x^2, last dim) + epsilon) * weight`, the Llama
    RMSNorm. `weight` has one element per entry of the last dimension of `x`.
    The mean is computed in at least f32.

    ```mlir
    %n = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64}
        : tensor<?x2048xf32>, tensor<2048xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, Attn_FloatTensor:$weight,
                       F64Attr:$epsilon);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `,` type($weight)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.linear
//===----------------------------------------------------------------------===//

def Attn_LinearOp : Attn_Op<"linear", [Pure]> {
  let summary = "x times the transpose of a weight matrix, plus a bias";
  let description = [{
    `result[..., n] = sum_k input[..., k] * weight[n, k] + bias[n]`, the
    `torch.nn.Linear` convention: `weight` is `[out_features, in_features]`
    as stored in Hugging Face checkpoints, and the optional `bias` is
    `[out_features]`.

    The weight may have a narrower element type than the input, one the
    input's type holds exactly (bf16 or f16 weights of an f32 graph, half
    the bytes to read): each weight element is widened to the input's type
    before the multiply.

    ```mlir
    %q = attn.linear %x, %wq bias %bq
        : (tensor<?x896xf32>, tensor<896x896xf32>, tensor<896xf32>)
        -> tensor<?x896xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, Attn_FloatTensor:$weight,
                       Optional<Attn_FloatTensor>:$bias);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.rope
//===----------------------------------------------------------------------===//

def Attn_RopeOp : Attn_Op<"rope", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "rotary position embedding in the rotate-half layout";
  let description = [{
    Rotates each head of `input` (`[seq, heads, head_dim]`) by its position.
    Row `s` sits at position `p = offset + s`. With `d = head_dim`, `h = d/2`
    and `inv_freq[i] = theta^(-2i/d)` for `i < h`, the angle is
    `a = p * inv_freq[i]` and

    ```
    result[s, n, i]     = x[s, n, i] * cos(a) - x[s, n, i + h] * sin(a)
    result[s, n, i + h] = x[s, n, i + h] * cos(a) + x[s, n, i] * sin(a)
    ```

    `scaling` rescales `inv_freq` as transformers does:
    - `none`: as above.
    - `linear`: positions are divided by `factor`.
    - `dynamic` (NTK): when the sequence seen so far (`offset + seq`) exceeds
      `max_position_embeddings`, theta becomes
      `theta * (factor * len / max_position_embeddings - (factor - 1))^(d / (d - 2))`.
    - `llama3`: wavelengths longer than
      `original_max_position_embeddings / low_freq_factor` are divided by
      `factor`, those shorter than `.../ high_freq_factor` are kept, and
      those in between are interpolated smoothly.

    A parameter that the kind does not use is rejected (a misread config
    would otherwise compute another model silently); only
    `max_position_embeddings`, a property of the model, may accompany any
    kind.

    With `into %init` (a tensor of the input's type, typically a slice of
    the KV cache at the rows being written), the rotated rows are written
    into `init` in destination-passing style, so that inserting the result
    back where `init` was extracted needs no copy: the keys are rotated as
    they are written into the cache (`--attn-fuse-rope`).

    ```mlir
    %r = attn.rope %q, %offset {theta = 5.0e+05 : f64,
        scaling = #attn<rope_scaling llama3>, factor = 8.0 : f64,
        low_freq_factor = 1.0 : f64, high_freq_factor = 4.0 : f64,
        original_max_position_embeddings = 8192 : i64}
        : tensor<?x32x64xf32>
    ```
  }];
  let arguments = (ins
    Attn_FloatTensor:$input, Index:$offset, F64Attr:$theta,
    DefaultValuedAttr<Attn_RopeScalingKindAttr,
                      "::mlir::attn::RopeScalingKind::none">:$scaling,
    OptionalAttr<F64Attr>:$factor,
    OptionalAttr<F64Attr>:$low_freq_factor,
    OptionalAttr<F64Attr>:$high_freq_factor,
    OptionalAttr<I64Attr>:$original_max_position_embeddings,
    OptionalAttr<I64Attr>:$max_position_embeddings,
    Optional<Attn_FloatTensor>:$init);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $offset attr-dict `:` type($input)
    (`into` $init^ `:` type($init))?
  }];
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$input,
      "::mlir::Value":$offset, "::mlir::FloatAttr":$theta,
      "::mlir::attn::RopeScalingKindAttr":$scaling,
      "::mlir::FloatAttr":$factor, "::mlir::FloatAttr":$low_freq_factor,
      "::mlir::FloatAttr":$high_freq_factor,
      "::mlir::IntegerAttr":$original_max_position_embeddings,
      "::mlir::IntegerAttr":$max_position_embeddings), [{
      build($_builder, $_state, result, input, offset, theta, scaling, factor,
            low_freq_factor, high_freq_factor,
            original_max_position_embeddings, max_position_embeddings,
            ::mlir::Value());
    }]>,
    OpBuilder<(ins "::mlir::Value":$input,
      "::mlir::Value":$offset, "::mlir::FloatAttr":$theta,
      "::mlir::attn::RopeScalingKindAttr":$scaling,
      "::mlir::FloatAttr":$factor, "::mlir::FloatAttr":$low_freq_factor,
      "::mlir::FloatAttr":$high_freq_factor,
      "::mlir::IntegerAttr":$original_max_position_embeddings,
      "::mlir::IntegerAttr":$max_position_embeddings), [{
      build($_builder, $_state, input.getType(), input, offset, theta,
            scaling, factor, low_freq_factor, high_freq_factor,
            original_max_position_embeddings, max_position_embeddings,
            ::mlir::Value());
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// attn.attention
//===----------------------------------------------------------------------===//

def Attn_AttentionOp : Attn_Op<"attention", [Pure]> {
  let summary = "scaled dot-product attention, causal and grouped-query";
  let description = [{
    `result[s, n, :] = sum_t softmax_t(scale * q[s, n, :] . k[t, g, :]) * v[t, g, :]`
    with `q: [seq, heads, head_dim]`, `k: [kv_seq, kv_heads, head_dim]`,
    `v: [kv_seq, kv_heads, v_head_dim]`, and query head `n` reading key/value
    head `g = n / (heads / kv_heads)` (grouped-query attention; `heads` must
    be a multiple of `kv_heads`).

    The queries are the last `seq` positions of the key sequence: query `s`
    sits at position `p = kv_seq - seq + s`, which is how a KV cache holding
    `kv_seq - seq` earlier tokens is read. With `causal`, key `t` is visible to
    query `s` only when `t <= p`; with `sliding_window = w` also only when
    `p - t < w` (Mistral's local attention).

    With `rope(%offset)` and the dictionary attribute `rope` (the attributes
    of an `attn.rope`: `theta`, `scaling`, `factor`, ...), the queries are
    first rotated exactly as `attn.rope %query, %offset {rope...}` would
    rotate them (row `s` at position `offset + s`); `--attn-fuse-rope`
    folds such an `attn.rope` into the attention, and the tiled lowering
    rotates each block of queries as it loads it instead of making a pass
    over all of them. The positions of the rotation and of the causal mask
    are independent operands, as in the unfused form.

    ```mlir
    %o = attn.attention %q, %k, %v rope(%offset) {scale = 0.125 : f64,
        causal, rope = {theta = 5.0e+05 : f64,
                        scaling = #attn<rope_scaling none>}}
        : tensor<?x32x64xf32>, tensor<?x8x64xf32>, tensor<?x8x64xf32>
        -> tensor<?x32x64xf32>
    ```

    ```mlir
    %o = attn.attention %q, %k, %v {scale = 0.125 : f64, causal}
        : tensor<?x32x64xf32>, tensor<?x8x64xf32>, tensor<?x8x64xf32>
        -> tensor<?x32x64xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$query, Attn_FloatTensor:$key,
                       Attn_FloatTensor:$value, F64Attr:$scale,
                       UnitAttr:$causal,
                       OptionalAttr<I64Attr>:$sliding_window,
                       Optional<Index>:$rope_offset,
                       OptionalAttr<DictionaryAttr>:$rope);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`rope` `(` $rope_offset^ `)`)? attr-dict `:`
    type($query) `,` type($key) `,` type($value) `->` type($result)
  }];
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$query,
      "::mlir::Value":$key, "::mlir::Value":$value,
      "::mlir::FloatAttr":$scale, "::mlir::UnitAttr":$causal,
      "::mlir::IntegerAttr":$sliding_window), [{
      build($_builder, $_state, result, query, key, value, scale, causal,
            sliding_window, ::mlir::Value(), ::mlir::DictionaryAttr());
    }]>
  ];
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

class Attn_ElementwiseBinaryOp<string mnemonic, string formula>
    : Attn_Op<mnemonic, [Pure, Commutative, SameOperandsAndResultType]> {
  let summary = "element-wise " # formula;
  let description = "`result = " # formula # "` element by element, on "
                    "operands of the same type (no broadcasting).";
  let arguments = (ins Attn_FloatTensor:$lhs, Attn_FloatTensor:$rhs);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
  // SameOperandsAndResultType accepts a static and a dynamic size side by
  // side; the assembly format prints one type, so the verifier asks for
  // identical types.
  let hasVerifier = 1;
}

def Attn_AddOp : Attn_ElementwiseBinaryOp<"add", "lhs + rhs">;
def Attn_MulOp : Attn_ElementwiseBinaryOp<"mul", "lhs * rhs">;

def Attn_SiLUOp : Attn_Op<"silu", [Pure, SameOperandsAndResultType]> {
  let summary = "element-wise SiLU (swish) activation";
  let description = [{
    `result = x * sigmoid(x) = x / (1 + exp(-x))`, element by element: the
    activation of the gated MLP (`hidden_act = "silu"`).
  }];
  let arguments = (ins Attn_FloatTensor:$input);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.sinusoidal_pe
//===----------------------------------------------------------------------===//

def Attn_SinusoidalPEOp : Attn_Op<"sinusoidal_pe", [Pure]> {
  let summary = "the sinusoidal position table of the original Transformer";
  let description = [{
    The table `PE[pos, 2i] = sin(pos / base^(2i/d))`,
    `PE[pos, 2i+1] = cos(pos / base^(2i/d))` for positions `0..seq-1` and
    `d` columns (`base` defaults to 10000, as in "Attention Is All You Need").
    A dynamic number of positions is given by the `length` operand; with a
    static shape the op folds to a constant (up to 2^20 elements: larger
    tables are cheaper to compute than to store in the binary). A `length`
    that is a non-negative constant canonicalises to the static op followed
    by a `tensor.cast` back to the dynamic type, which then folds.

    ```mlir
    %pe = attn.sinusoidal_pe : tensor<16x10xf32>
    %pe2 = attn.sinusoidal_pe %n : tensor<?x512xf32>
    ```
  }];
  let arguments = (ins Optional<Index>:$length,
                       DefaultValuedAttr<F64Attr, "10000.0">:$base);
  let results = (outs 2DTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = "($length^)? attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

#endif // ATTN_DIALECT_ATTN_ATTNOPS_TD
