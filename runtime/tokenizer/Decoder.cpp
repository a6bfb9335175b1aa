//===- Decoder.cpp - Token spellings back to text -------------------------===//

#include "Decoder.h"

#include "ByteLevel.h"
#include "Unicode.h"

namespace attn::tokenizer {

namespace {
/// The byte of a `<0xXX>` spelling, or -1.
int byteOfFallbackToken(std::string_view token) {
  if (token.size() != 6 || token.substr(0, 3) != "<0x" || token[5] != '>')
    return -1;
  auto hex = [](char c) {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    return -1;
  };
  int hi = hex(token[3]), lo = hex(token[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

void replaceAll(std::string &text, std::string_view pattern,
                std::string_view content) {
  if (pattern.empty() || text.find(pattern) == std::string::npos)
    return;
  std::string out;
  size_t start = 0;
  for (size_t hit; (hit = text.find(pattern, start)) != std::string::npos;
       start = hit + pattern.size()) {
    out.append(text, start, hit - start);
    out += content;
  }
  out.append(text, start, std::string::npos);
  text.swap(out);
}

/// Hugging Face's ByteLevel decoding of one spelling: its bytes if every
/// character has one, else the spelling's own UTF-8.
void appendByteLevelBytes(std::string_view token, std::string &bytes) {
  std::string decoded;
  if (byteLevelToBytes(token, decoded))
    bytes += decoded;
  else
    bytes += token;
}

void strip(std::string &token, std::string_view content, unsigned start,
           unsigned stop) {
  size_t begin = 0;
  for (unsigned i = 0;
       i < start && token.compare(begin, content.size(), content) == 0; ++i)
    begin += content.size();
  size_t end = token.size();
  for (unsigned i = 0;
       i < stop && end >= begin + content.size() &&
       token.compare(end - content.size(), content.size(), content) == 0;
       ++i)
    end -= content.size();
  token = token.substr(begin, end - begin);
}
} // namespace

void Decoder::addReplace(std::string pattern, std::string content) {
  steps.push_back({Kind::Replace, std::move(pattern), std::move(content)});
}

void Decoder::addByteFallback() { steps.push_back({Kind::ByteFallback}); }

void Decoder::addFuse() {
  steps.push_back({Kind::Fuse});
  fused = true;
}

void Decoder::addStrip(std::string content, unsigned start, unsigned stop) {
  // After a Fuse (or a ByteLevel, which also yields one string) the strip
  // applies to the start of the whole text.
  if (fused) {
    textStrip.content = content;
    textStrip.count = start;
  }
  Step step{Kind::Strip, std::move(content)};
  step.start = start;
  step.stop = stop;
  steps.push_back(std::move(step));
}

void Decoder::addByteLevel() {
  steps.push_back({Kind::ByteLevel});
  fused = true;
}

std::string Decoder::decode(std::vector<std::string> tokens) const {
  for (const Step &step : steps) {
    switch (step.kind) {
    case Kind::Replace:
      for (std::string &token : tokens)
        replaceAll(token, step.pattern, step.content);
      break;
    case Kind::ByteFallback: {
      // A run of byte tokens becomes its text if valid UTF-8, else one
      // U+FFFD per byte.
      std::vector<std::string> out;
      std::string run;
      auto flushRun = [&] {
        if (run.empty())
          return;
        if (findInvalidUtf8(run) == std::string::npos) {
          out.push_back(run);
        } else {
          for (size_t i = 0; i < run.size(); ++i) {
            out.emplace_back();
            appendUtf8(out.back(), ReplacementChar);
          }
        }
        run.clear();
      };
      for (std::string &token : tokens) {
        int byte = byteOfFallbackToken(token);
        if (byte >= 0) {
          run.push_back(static_cast<char>(byte));
          continue;
        }
        flushRun();
        out.push_back(std::move(token));
      }
      flushRun();
      tokens.swap(out);
      break;
    }
    case Kind::Fuse: {
      std::string all;
      for (const std::string &token : tokens)
        all += token;
      tokens.assign(1, std::move(all));
      break;
    }
    case Kind::Strip:
      for (std::string &token : tokens)
        strip(token, step.pattern, step.start, step.stop);
      break;
    case Kind::ByteLevel: {
      std::string bytes;
      for (const std::string &token : tokens)
        appendByteLevelBytes(token, bytes);
      std::string text;
      appendUtf8Lossy(text, bytes);
      tokens.assign(1, std::move(text));
      break;
    }
    }
  }
  std::string text;
  for (const std::string &token : tokens)
    text += token;
  return text;
}

void Decoder::appendPieceBytes(std::string_view spelling,
                               std::string &bytes) const {
  std::string token(spelling);
  bool whole = false; // Strips after this point act on the whole text.
  for (const Step &step : steps) {
    switch (step.kind) {
    case Kind::Replace:
      replaceAll(token, step.pattern, step.content);
      break;
    case Kind::ByteFallback:
      if (int byte = byteOfFallbackToken(token); byte >= 0)
        token.assign(1, static_cast<char>(byte));
      break;
    case Kind::Fuse:
      whole = true;
      break;
    case Kind::Strip:
      if (!whole)
        strip(token, step.pattern, step.start, step.stop);
      break;
    case Kind::ByteLevel: {
      std::string decoded;
      appendByteLevelBytes(token, decoded);
      token.swap(decoded);
      whole = true;
      break;
    }
    }
  }
  bytes += token;
}

} // namespace attn::tokenizer
