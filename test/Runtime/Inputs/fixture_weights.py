"""Writes weights for the runtime's test fixture that script its greedy output.

The fixture (test/Unit/Runtime/Fixtures/TinyModel.c) is not a model: it
computes a small reproducible function of its weights. With layer norms of
ones, zero biases and a final norm of ones, its output for a token t is
embed[t] plus the same number in every component (a sum over the KV cache),
so lm_head rows whose components sum to zero cancel that number and
logits[v] = lm_head[v] . embed[t]. Here lm_head[v] is the unit vector at
angle 2*pi*v/11 in a plane of zero-sum vectors, and embed[t] points at the
angle of the token chosen to follow t, so greedy decoding after t picks
exactly that token (by a margin of 8 * (1 - cos(2*pi/11)) ~ 1.3).

usage: fixture_weights.py OUT.safetensors T:NEXT,T:NEXT,...
Tokens not named are followed by themselves.
"""

import json
import math
import struct
import sys

VOCAB, HIDDEN, LAYERS = 11, 4, 2
RADIUS = 8.0


def direction(token):
    angle = 2 * math.pi * token / VOCAB
    c, s = math.cos(angle) / math.sqrt(2), math.sin(angle) / math.sqrt(2)
    return [c, -c, s, -s]


def main():
    out, pairs = sys.argv[1], sys.argv[2]
    follower = list(range(VOCAB))
    for pair in pairs.split(","):
        token, next_token = (int(x) for x in pair.split(":"))
        follower[token] = next_token

    tensors = {
        "model.embed_tokens.weight": (
            [VOCAB, HIDDEN],
            [RADIUS * x for t in range(VOCAB) for x in direction(follower[t])],
        ),
        "model.norm.weight": ([HIDDEN], [1.0] * HIDDEN),
        "lm_head.weight": (
            [VOCAB, HIDDEN],
            [x for v in range(VOCAB) for x in direction(v)],
        ),
    }
    for layer in range(LAYERS):
        prefix = "model.layers.%d." % layer
        tensors[prefix + "input_layernorm.weight"] = ([HIDDEN], [1.0] * HIDDEN)
        tensors[prefix + "mlp.bias"] = ([HIDDEN], [0.0] * HIDDEN)

    header, data = {}, b""
    for name, (shape, values) in tensors.items():
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {
            "dtype": "F32",
            "shape": shape,
            "data_offsets": [len(data), len(data) + len(blob)],
        }
        data += blob
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
