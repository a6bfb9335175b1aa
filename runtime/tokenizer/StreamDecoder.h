//===- StreamDecoder.h - Decoding one token at a time -----------*- C++ -*-===//
//
// Generation prints each token as it comes, but a token may end inside a
// multi-byte character (byte-fallback tokens, byte-level pieces of an emoji).
// The stream holds such bytes back until the character is complete, so what
// it returns is always valid UTF-8.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOKENIZER_STREAMDECODER_H
#define ATTN_TOKENIZER_STREAMDECODER_H

#include "Tokenizer.h"

#include <string>

namespace attn::tokenizer {

class StreamDecoder {
public:
  StreamDecoder(const Tokenizer &tokenizer, bool skipSpecial)
      : tok(tokenizer), skipSpecial(skipSpecial) {
    reset();
  }

  /// Adds `id`; `text` gets the characters it completes. Returns false with
  /// a message in `error` for an id that names no token (the stream is
  /// unchanged).
  bool push(int32_t id, std::string &text, std::string &error);

  /// Ends the text: held-back bytes become U+FFFD in `text`.
  void finish(std::string &text);

private:
  void reset();
  /// Moves the complete characters of `pending` into `text`.
  void drain(std::string &text);

  const Tokenizer &tok;
  bool skipSpecial;
  std::string pending;
  /// Leading strip characters still to remove at the start of the text.
  unsigned stripLeft = 0;
};

} // namespace attn::tokenizer

#endif // ATTN_TOKENIZER_STREAMDECODER_H
