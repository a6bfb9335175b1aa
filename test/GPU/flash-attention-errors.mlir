// RUN: attn-opt %s --split-input-file --attn-gpu-flash-attention=mma-type=tf32 -verify-diagnostics
// RUN: not attn-opt %s --split-input-file --attn-gpu-flash-attention=decode-max-rows=-1 2>&1 | FileCheck %s --check-prefix=ROWS

// expected-error @+1 {{attn-gpu-flash-attention: mma-type is 'tf32'; expected bf16 or f16}}
module {
}

// ROWS: attn-gpu-flash-attention: decode-max-rows is -1; expected 0 or more rows
