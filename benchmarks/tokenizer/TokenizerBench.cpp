//===- TokenizerBench.cpp - Tokenizer throughput in MB/s ------------------===//
//
//   attn-tokenizer-bench TOKENIZER_DIR [TEXT_FILE] [MEGABYTES]
//
// Encodes about MEGABYTES (default 4) of text built from TEXT_FILE (default:
// a built-in multilingual sample) and prints encode and decode throughput.
// Each copy of the sample is numbered so that no two stretches of the text
// are identical.
//
//===----------------------------------------------------------------------===//

#include "attn/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const char *builtInSample =
    "The quick brown fox jumps over the lazy dog; it's 23.5\xC2\xB0"
    "C "
    "outside and we've counted 1,234,567 leaves.\n\n"
    "    def tokenize(text):\n        return [t for t in text.split()]\n"
    "Caf\xC3\xA9 na\xC3\xAFve fa\xC3\xA7"
    "ade r\xC3\xA9sum\xC3\xA9 \xC3\x86r\xC3"
    "\xB8sk\xC3\xB8"
    "bing Stra\xC3\x9F"
    "e.\n"
    "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80"
    "! \xD0\x9A\xD0\xB0\xD0\xBA \xD0\xB4\xD0\xB5\xD0\xBB\xD0\xB0?\n"
    "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9"
    "\xD8\xA7\xD9\x84\xD9\x85\n"
    "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C\xE3\x80\x82"
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\x86\xE3\x82\xAD"
    "\xE3\x82\xB9\xE3\x83\x88\n"
    "Emoji: \xF0\x9F\x98\x80\xF0\x9F\x8E\x89\xF0\x9F\x91\x8D \xF0\x9F\x87\xAB"
    "\xF0\x9F\x87\xB7\n";

std::string readFile(const char *path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s TOKENIZER_DIR [TEXT_FILE] [MEGABYTES]\n",
                 argv[0]);
    return 2;
  }
  std::string sample = builtInSample;
  if (argc >= 3 && argv[2][0]) {
    sample = readFile(argv[2]);
    if (sample.empty()) {
      std::fprintf(stderr, "error: %s: cannot read or empty\n", argv[2]);
      return 1;
    }
  }
  double megabytes = argc == 4 ? std::atof(argv[3]) : 4.0;
  if (!(megabytes > 0 && megabytes <= 1024)) {
    std::fprintf(stderr, "error: MEGABYTES must be in (0, 1024], got %s\n",
                 argv[3]);
    return 1;
  }

  attn_tokenizer *tok = nullptr;
  auto loadStart = std::chrono::steady_clock::now();
  if (attn_tokenizer_load(argv[1], &tok) != ATTN_TOKENIZER_OK) {
    std::fprintf(stderr, "error: %s\n", attn_tokenizer_last_error());
    return 1;
  }
  double loadSeconds = seconds(std::chrono::steady_clock::now() - loadStart);

  std::string text;
  size_t target = size_t(megabytes * 1e6);
  for (size_t copy = 0; text.size() < target; ++copy)
    text += std::to_string(copy) + ". " + sample;

  size_t count = 0;
  attn_tokenizer_encode(tok, text.data(), text.size(), 0, nullptr, 0, &count);
  std::vector<int32_t> ids(count);
  auto encodeStart = std::chrono::steady_clock::now();
  if (attn_tokenizer_encode(tok, text.data(), text.size(), 0, ids.data(),
                            ids.size(), &count) != ATTN_TOKENIZER_OK) {
    std::fprintf(stderr, "error: %s\n", attn_tokenizer_last_error());
    return 1;
  }
  double encodeSeconds =
      seconds(std::chrono::steady_clock::now() - encodeStart);

  std::string decoded(text.size() + 1, '\0');
  size_t len = 0;
  auto decodeStart = std::chrono::steady_clock::now();
  attn_tokenizer_status status = attn_tokenizer_decode(
      tok, ids.data(), ids.size(), 0, decoded.data(), decoded.size(), &len);
  double decodeSeconds =
      seconds(std::chrono::steady_clock::now() - decodeStart);
  bool roundTrip =
      status == ATTN_TOKENIZER_OK && std::string(decoded.data(), len) == text;

  double mb = double(text.size()) / 1e6;
  std::printf("tokenizer   %s (loaded in %.2f s)\n", argv[1], loadSeconds);
  std::printf("text        %.2f MB, %zu tokens (%.2f bytes/token)\n", mb,
              ids.size(), double(text.size()) / double(ids.size()));
  std::printf("encode      %.2f MB/s (%.0f tokens/s, one thread)\n",
              mb / encodeSeconds, double(ids.size()) / encodeSeconds);
  std::printf("decode      %.2f MB/s\n", mb / decodeSeconds);
  std::printf("round trip  %s\n", roundTrip ? "exact" : "MISMATCH");
  attn_tokenizer_free(tok);
  return roundTrip ? 0 : 1;
}
