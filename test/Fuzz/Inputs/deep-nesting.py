#!/usr/bin/env python3
"""Writes a safetensors file or a manifest whose shape entry is an array
nested DEPTH deep: python3 deep-nesting.py safetensors|manifest DEPTH.

Inputs that once overflowed the stack (the error message printed the entry
recursively); too large to keep as seed files, so made when tested."""

import struct
import sys

kind, depth = sys.argv[1], int(sys.argv[2])
nested = "[" * depth + "]" * depth
if kind == "safetensors":
    header = ('{"a": {"dtype": "F32", "shape": [%s], "data_offsets": [0, 0]}}'
              % nested).encode()
    sys.stdout.buffer.write(struct.pack("<Q", len(header)) + header)
else:
    sys.stdout.write(
        '{"abi_version": 3, "model_type": "llama", "config": {},'
        ' "num_hidden_layers": 1,'
        ' "vocab_size": 11, "hidden_size": 4, "kv_cache":'
        ' {"num_key_value_heads": 1, "head_dim": 2, "dtype": "f32"},'
        ' "weights": [{"name": "w", "shape": [%s], "dtype": "f32",'
        ' "per_layer": false}]}' % nested)
