// RUN: attn-opt %s --attn-gpu-tile-matmul=gemv-max-rows=-1 -verify-diagnostics

// expected-error @+1 {{attn-gpu-tile-matmul: gemv-max-rows is -1; expected 0 or more rows}}
module {
}
