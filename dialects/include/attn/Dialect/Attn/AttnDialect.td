//===- AttnDialect.td - The attn dialect -------------------*- tablegen -*-===//
//
// The `attn` dialect: the ops of a Llama-family decoder on ranked tensors.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_ATTNDIALECT_TD
#define ATTN_DIALECT_ATTN_ATTNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let cppNamespace = "::mlir::attn";
  let summary = "Ops of Llama-family attention models on ranked tensors";
  let description = [{
    The `attn` dialect describes the forward pass of a decoder-only attention
    model (Llama 2/3, Mistral, Qwen2, SmolLM, ...) at the granularity at which
    compilers for these models reason about it: embedding lookups, RMS
    normalisation, linear projections, rotary position embeddings, causal
    grouped-query attention and the element-wise ops of the gated MLP.

    All ops work on ranked tensors with value semantics. Activations are laid
    out `[sequence, ...]`; per-head tensors are `[sequence, heads, head_dim]`.
    Weights are referenced by their Hugging Face tensor names through
    `attn.weight` and bound by the runtime when a compiled model is loaded.

    The numerics are those of Hugging Face transformers' Llama family; each op
    states its formula.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  // Folders materialise arith constants; canonicalisation inserts tensor
  // casts where a dynamic shape becomes static.
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

class Attn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attn_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Enums and attributes
//===----------------------------------------------------------------------===//

def Attn_RopeScalingNone : I32EnumAttrCase<"none", 0>;
def Attn_RopeScalingLinear : I32EnumAttrCase<"linear", 1>;
def Attn_RopeScalingDynamic : I32EnumAttrCase<"dynamic", 2>;
def Attn_RopeScalingLlama3 : I32EnumAttrCase<"llama3", 3>;

def Attn_RopeScalingKind : I32EnumAttr<"RopeScalingKind",
    "how rotary frequencies are rescaled for long contexts",
    [Attn_RopeScalingNone, Attn_RopeScalingLinear, Attn_RopeScalingDynamic,
     Attn_RopeScalingLlama3]> {
  let cppNamespace = "::mlir::attn";
  let genSpecializedAttr = 0;
}

def Attn_RopeScalingKindAttr : EnumAttr<Attn_Dialect, Attn_RopeScalingKind,
                                        "rope_scaling">;

#endif // ATTN_DIALECT_ATTN_ATTNDIALECT_TD
