//===- DType.h - Element types of weights and caches ------------*- C++ -*-===//
//
// The element types the kernels read (manifest "f32", "f16", "bf16") and the
// exact conversions between them. Narrowing conversions round to nearest,
// ties to even, like hardware converts; widening conversions are exact.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_DTYPE_H
#define ATTN_RUNTIME_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace attn::rt {

enum class DType { F32, F16, BF16 };

/// Bytes per element.
size_t dtypeSize(DType type);
/// The manifest spelling: "f32", "f16", "bf16".
const char *dtypeName(DType type);
/// The safetensors spelling: "F32", "F16", "BF16".
const char *safetensorsDTypeName(DType type);
/// Parses a manifest spelling.
std::optional<DType> parseDType(std::string_view name);
/// Parses a safetensors spelling of one of the three types above.
std::optional<DType> parseSafetensorsDType(std::string_view name);

/// IEEE binary16 <-> binary32. NaNs stay NaNs (quieted), infinities and
/// subnormals are kept; values beyond the f16 range round to infinity.
uint16_t floatToHalf(float value);
float halfToFloat(uint16_t bits);
/// bfloat16 <-> binary32, with the same rounding and NaN rules.
uint16_t floatToBFloat16(float value);
float bfloat16ToFloat(uint16_t bits);

/// Converts `count` elements from `src` (of type `from`) into `dst` (of type
/// `to`). Neither pointer needs to be aligned; the buffers must not overlap.
void convertElements(const void *src, DType from, void *dst, DType to,
                     size_t count);

} // namespace attn::rt

#endif // ATTN_RUNTIME_DTYPE_H
