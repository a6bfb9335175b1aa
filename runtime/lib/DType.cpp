//===- DType.cpp - Element types of weights and caches --------------------===//

#include "attn/Runtime/DType.h"

#include <cstring>

namespace attn::rt {

size_t dtypeSize(DType type) {
  switch (type) {
  case DType::F32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  }
  return 0;
}

const char *dtypeName(DType type) {
  switch (type) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  }
  return "?";
}

const char *safetensorsDTypeName(DType type) {
  switch (type) {
  case DType::F32:
    return "F32";
  case DType::F16:
    return "F16";
  case DType::BF16:
    return "BF16";
  }
  return "?";
}

std::optional<DType> parseDType(std::string_view name) {
  if (name == "f32")
    return DType::F32;
  if (name == "f16")
    return DType::F16;
  if (name == "bf16")
    return DType::BF16;
  return std::nullopt;
}

std::optional<DType> parseSafetensorsDType(std::string_view name) {
  if (name == "F32")
    return DType::F32;
  if (name == "F16")
    return DType::F16;
  if (name == "BF16")
    return DType::BF16;
  return std::nullopt;
}

static uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

static float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

uint16_t floatToHalf(float value) {
  uint32_t bits = floatBits(value);
  uint16_t sign = (bits >> 16) & 0x8000;
  uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000) // NaN: keep the top payload bits, force quiet.
    return sign | 0x7e00 | ((magnitude >> 13) & 0x3ff);
  // 65520 is the midpoint between the largest half (65504) and 2^16; from
  // there on round-to-nearest-even gives infinity.
  if (magnitude >= 0x477ff000)
    return sign | 0x7c00;
  if (magnitude < 0x38800000) { // Below 2^-14: a half subnormal or zero.
    uint32_t exponent = magnitude >> 23;
    if (exponent == 0) // f32 subnormals are far below the half range.
      return sign;
    uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000;
    // value = mantissa * 2^(exponent - 150); in units of 2^-24 that is
    // mantissa >> (126 - exponent).
    uint32_t shift = 126 - exponent;
    if (shift > 24)
      return sign;
    uint32_t quotient = mantissa >> shift;
    uint32_t remainder = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (quotient & 1)))
      ++quotient;
    return sign | quotient;
  }
  // Rebias the exponent from 127 to 15 and round away the 13 low bits; a
  // carry out of the mantissa correctly bumps the exponent.
  uint32_t half = (magnitude - 0x38000000) >> 13;
  uint32_t remainder = magnitude & 0x1fff;
  if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1)))
    ++half;
  return sign | half;
}

float halfToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0x1f)
    return bitsToFloat(sign | 0x7f800000 | (mantissa << 13));
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24 is exact in f32.
    float magnitude = float(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t floatToBFloat16(float value) {
  uint32_t bits = floatBits(value);
  if ((bits & 0x7fffffff) > 0x7f800000)
    return uint16_t((bits >> 16) | 0x40);
  uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return uint16_t((bits + rounding) >> 16);
}

float bfloat16ToFloat(uint16_t bits) {
  return bitsToFloat(uint32_t(bits) << 16);
}

static float loadAsFloat(const unsigned char *src, DType type) {
  switch (type) {
  case DType::F32: {
    float value;
    std::memcpy(&value, src, 4);
    return value;
  }
  case DType::F16:
  case DType::BF16: {
    uint16_t bits;
    std::memcpy(&bits, src, 2);
    return type == DType::F16 ? halfToFloat(bits) : bfloat16ToFloat(bits);
  }
  }
  return 0;
}

static void storeFloat(unsigned char *dst, DType type, float value) {
  switch (type) {
  case DType::F32:
    std::memcpy(dst, &value, 4);
    return;
  case DType::F16:
  case DType::BF16: {
    uint16_t bits =
        type == DType::F16 ? floatToHalf(value) : floatToBFloat16(value);
    std::memcpy(dst, &bits, 2);
    return;
  }
  }
}

void convertElements(const void *src, DType from, void *dst, DType to,
                     size_t count) {
  if (from == to) {
    std::memcpy(dst, src, count * dtypeSize(from));
    return;
  }
  // Every supported type widens exactly to f32, so one path covers all
  // pairs; f16 <-> bf16 thus rounds once, like a direct conversion would.
  auto *in = static_cast<const unsigned char *>(src);
  auto *out = static_cast<unsigned char *>(dst);
  size_t inSize = dtypeSize(from), outSize = dtypeSize(to);
  for (size_t i = 0; i < count; ++i)
    storeFloat(out + i * outSize, to, loadAsFloat(in + i * inSize, from));
}

} // namespace attn::rt
