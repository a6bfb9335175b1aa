//===- CacheLimit.cpp - $ATTN_CUDA_CACHE_BYTES ----------------------------===//

#include "CacheLimit.h"

#include <stdint.h>

using namespace attn::cuda;

bool attn::cuda::parseCacheBytes(const char *text, size_t &bytes) {
  const char *c = text;
  size_t value = 0;
  for (; *c >= '0' && *c <= '9'; ++c) {
    size_t digit = size_t(*c - '0');
    if (value > (SIZE_MAX - digit) / 10)
      return false;
    value = value * 10 + digit;
  }
  if (c == text)
    return false;
  unsigned shift = 0;
  switch (*c) {
  case 'k':
  case 'K':
    shift = 10;
    break;
  case 'm':
  case 'M':
    shift = 20;
    break;
  case 'g':
  case 'G':
    shift = 30;
    break;
  case '\0':
    break;
  default:
    return false;
  }
  if (shift && *++c != '\0')
    return false;
  if (value > (SIZE_MAX >> shift))
    return false;
  bytes = value << shift;
  return true;
}
