// RUN: not attn-opt %S/Inputs/tiny-model.mlir --attn-cpu-pipeline=stop-after=everything 2>&1 | FileCheck %s --check-prefix=PHASE
// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-lower-weights --attn-generate-abi

// PHASE: unknown phase 'everything' for stop-after (expected linalg, abi, bufferized, loops or llvm)

// expected-error @+1 {{attn.abi_version is 4, but this compiler writes ABI version 3}}
module attributes {attn.abi_version = 4 : i64, attn.config = {num_hidden_layers = 1 : i64}} {
}

// -----

// expected-error @+1 {{the module has attn.abi_version but no @prefill function to export}}
module attributes {attn.abi_version = 3 : i64, attn.config = {num_hidden_layers = 1 : i64}} {
  func.func @logits(%h: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %h : tensor<?x4xf32>
  }
}

// -----

module attributes {attn.abi_version = 3 : i64, attn.config = {num_hidden_layers = 1 : i64}} {
  // expected-error @+1 {{@prefill takes 1 arguments besides the weight table, expected 4}}
  func.func @prefill(%t: tensor<?xi32>) -> tensor<?xi32> {
    return %t : tensor<?xi32>
  }
  func.func @logits(%h: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %h : tensor<?x4xf32>
  }
}

// -----

// A function that reads weights must have a body to thread the table into;
// the weight table needs the layer count.
// expected-error @+1 {{the weight table needs a positive integer attn.config.num_hidden_layers on the module}}
module {
  func.func @f() -> tensor<4xf32> {
    %w = attn.weight "w" : tensor<4xf32>
    return %w : tensor<4xf32>
  }
}
