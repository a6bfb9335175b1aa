//===- ByteLevel.h - GPT-2's byte-to-character mapping ----------*- C++ -*-===//
//
// Byte-level BPE vocabularies (GPT-2, Llama 3) spell every byte as a printable
// character: bytes that are printable Latin-1 stand for themselves, the others
// are moved to U+0100 and up. The tokenizer converts such a vocabulary back to
// raw bytes once at load, so encoding never maps text character by character.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_BYTELEVEL_H
#define ATTN_TOKENIZER_BYTELEVEL_H

#include <cstdint>
#include <string>
#include <string_view>

namespace attn::tokenizer {

/// The character that spells `byte` in a byte-level vocabulary.
uint32_t byteLevelChar(uint8_t byte);

/// Converts a byte-level token spelling to the bytes it stands for. Returns
/// false (leaving `bytes` unspecified) when a character has no byte, as in
/// added tokens whose text is not byte-level spelled.
bool byteLevelToBytes(std::string_view spelling, std::string &bytes);

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_BYTELEVEL_H
