#!/usr/bin/env python3
"""Writes the generated seed corpora under fuzz/corpus (safetensors, manifest,
tokenizer); corpus/config holds copies of real and hand-broken configs.

The seeds are small valid inputs and near misses of each check, so that the
fuzzers start next to every branch instead of having to find the format.
Run from anywhere: python3 fuzz/make-seed-corpus.py
"""

import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(kind, name, data):
    os.makedirs(os.path.join(ROOT, kind), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(ROOT, kind, name), "wb") as f:
        f.write(data)


def safetensors(header, data, header_size=None):
    text = json.dumps(header, separators=(",", ":")).encode()
    size = len(text) if header_size is None else header_size
    return struct.pack("<Q", size) + text + data


def tensor(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def safetensors_seeds():
    f32 = struct.pack("<6f", 1, 2, 3, 4, 5, 6)
    write("safetensors", "one-f32", safetensors(
        {"w": tensor("F32", [2, 3], 0, 24)}, f32))
    write("safetensors", "mixed-dtypes", safetensors(
        {"__metadata__": {"format": "pt"},
         "a": tensor("F16", [4], 0, 8), "b": tensor("BF16", [2, 2], 8, 16),
         "c": tensor("I64", [1], 16, 24), "e": tensor("U8", [0, 7], 24, 24)},
        bytes(range(24))))
    write("safetensors", "overlap", safetensors(
        {"a": tensor("F32", [2], 0, 8), "b": tensor("F32", [2], 4, 12)},
        bytes(12)))
    write("safetensors", "past-end", safetensors(
        {"a": tensor("F32", [4], 0, 16)}, bytes(8)))
    write("safetensors", "size-mismatch", safetensors(
        {"a": tensor("F32", [3], 0, 8)}, bytes(8)))
    write("safetensors", "overflowing-shape", safetensors(
        {"a": tensor("F64", [4294967296, 4294967296], 0, 8)}, bytes(8)))
    # A length claiming gigabytes in front of a tiny file.
    write("safetensors", "header-claims-gigabytes", safetensors(
        {"a": tensor("F32", [1], 0, 4)}, bytes(4), header_size=3 << 30))
    write("safetensors", "truncated", safetensors(
        {"a": tensor("F32", [2, 3], 0, 24)}, f32)[:20])


def manifest_seeds():
    def weight(name, shape, dtype="f32", per_layer=False):
        return {"name": name, "shape": shape, "dtype": dtype,
                "per_layer": per_layer}
    base = {
        "abi_version": 3, "model_type": "llama",
        "config": {"max_position_embeddings": 64},
        "num_hidden_layers": 2, "vocab_size": 11, "hidden_size": 4,
        "kv_cache": {"num_key_value_heads": 1, "head_dim": 2, "dtype": "f32"},
        "weights": [
            weight("model.embed_tokens.weight", [11, 4]),
            weight("model.layers.{layer}.input_layernorm.weight", [4],
                   per_layer=True),
            weight("model.layers.{layer}.mlp.bias", [4], "bf16", True),
            weight("model.norm.weight", [4]),
            weight("lm_head.weight", [11, 4], "f16")]}
    write("manifest", "fixture.json", json.dumps(base, indent=1))
    wrong_abi = dict(base, abi_version=999)
    write("manifest", "wrong-abi.json", json.dumps(wrong_abi))
    huge = dict(base, kv_cache={"num_key_value_heads": 1 << 20,
                                "head_dim": 1 << 20, "dtype": "bf16"})
    write("manifest", "huge-cache.json", json.dumps(huge))
    broken = json.loads(json.dumps(base))
    broken["weights"][1]["per_layer"] = False
    broken["weights"][3]["name"] = "model.embed_tokens.weight"
    broken["weights"][4]["shape"] = [11, -4]
    write("manifest", "bad-weights.json", json.dumps(broken))
    write("manifest", "truncated.json", json.dumps(base)[:120])


def byte_level_spelling(b):
    def printable(x):
        return 0x21 <= x <= 0x7E or 0xA1 <= x <= 0xAC or 0xAE <= x <= 0xFF
    if printable(b):
        return chr(b)
    return chr(0x100 + sum(1 for x in range(b) if not printable(x)))


def added(i, content, special=True, normalized=False, **flags):
    token = {"id": i, "content": content, "special": special,
             "normalized": normalized, "lstrip": False, "rstrip": False,
             "single_word": False}
    token.update(flags)
    return token


def sentencepiece_like():
    pieces = ["<unk>", "<s>", "</s>", "<0xC3>", "<0xA9>", "<0xE2>", "<0x82>",
              "<0xAC>", "\u2581", "a", "b", "c", "\u2581a", "ab", "\u2581ab",
              "bc", "abc", "\u2581abc", "bb"]
    return {
        "version": "1.0",
        "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>"),
                         added(19, "cc", False, True),
                         added(20, "<sep>", lstrip=True, rstrip=True),
                         added(21, "dd", False, single_word=True)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "},
             "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>"}},
                       {"Sequence": {"id": "A"}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1],
                                       "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"},
             "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>",
                  "fuse_unk": True, "byte_fallback": True,
                  "vocab": {p: i for i, p in enumerate(pieces)},
                  "merges": ["\u2581 a", "b c", "a b", "\u2581a b",
                             "\u2581ab c", "a bc", "b b"]}}


def byte_level_like():
    vocab = {byte_level_spelling(b): b for b in range(256)}
    space = byte_level_spelling(ord(" "))
    vocab.update({"he": 256, "ll": 257, "hell": 258, "hello": 259,
                  space + "h": 260, space + "hey": 261})
    regex = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
             "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|"
             "\\s+(?!\\S)|\\s+")
    return {
        "added_tokens": [added(262, "<|eot_id|>"),
                         added(263, "<|start_header_id|>"),
                         added(264, "<|end_header_id|>"),
                         added(265, "<|begin_of_text|>")],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": regex},
             "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False,
             "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "ByteLevel"},
        "decoder": {"type": "ByteLevel"},
        "model": {"type": "BPE", "ignore_merges": True, "vocab": vocab,
                  "merges": [["h", "e"], ["l", "l"], ["he", "ll"],
                             ["hell", "o"], [space, "h"]]}}


def tokenizer_input(tokenizer, config, text):
    """tokenizer.json, tokenizer_config.json and a text, NUL-separated."""
    return (json.dumps(tokenizer, ensure_ascii=False) + "\0" +
            ("" if config is None else json.dumps(config)) + "\0" + text)


def tokenizer_seeds():
    sp = sentencepiece_like()
    bl = byte_level_like()
    text = "Hello abc<s> cc dd\u00e9\u20ac \U0001F600 x\r\n  12345 it's"
    write("tokenizer", "sentencepiece-like", tokenizer_input(
        sp, {"bos_token": "<s>", "eos_token": {"content": "</s>"},
             "add_bos_token": True, "add_eos_token": True}, text))
    write("tokenizer", "byte-level-like", tokenizer_input(
        bl, {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
        "<|start_header_id|>user<|end_header_id|>\n\n" + text + "<|eot_id|>"))
    far = json.loads(json.dumps(sp))
    far["model"]["vocab"]["zz"] = 100000
    write("tokenizer", "far-id", tokenizer_input(far, None, "zz"))
    unsupported = json.loads(json.dumps(bl))
    unsupported["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = \
        "\\w+"
    write("tokenizer", "unsupported-regex", tokenizer_input(
        unsupported, None, "x"))
    write("tokenizer", "truncated", tokenizer_input(sp, None, "")[:300])


if __name__ == "__main__":
    safetensors_seeds()
    manifest_seeds()
    tokenizer_seeds()
