//===- EmulatorLibdevice.cpp - libdevice on the host ----------------------===//
//
// The libdevice functions the kernels call, as EmulatorKernels.cpp renames
// them (`__nv_f` -> `attn_emu_libdevice_f`), on the host's libm. libdevice's
// approximations (exp2f, rsqrtf: a few ulp) differ from libm's in the last
// bits, far below the tolerances of the numerics tests.
//
//===----------------------------------------------------------------------===//

#include <cmath>
#include <cstdint>
#include <cstring>

#define ATTN_EMU_LIBDEVICE(name, expression)                                   \
  extern "C" __attribute__((visibility("default"))) float                      \
  attn_emu_libdevice_##name(float x) {                                         \
    return expression;                                                         \
  }

ATTN_EMU_LIBDEVICE(exp2f, std::exp2(x))
ATTN_EMU_LIBDEVICE(expf, std::exp(x))
ATTN_EMU_LIBDEVICE(fast_expf, std::exp(x))
ATTN_EMU_LIBDEVICE(logf, std::log(x))
ATTN_EMU_LIBDEVICE(log2f, std::log2(x))
ATTN_EMU_LIBDEVICE(sqrtf, std::sqrt(x))
ATTN_EMU_LIBDEVICE(rsqrtf, 1 / std::sqrt(x))
ATTN_EMU_LIBDEVICE(tanhf, std::tanh(x))
ATTN_EMU_LIBDEVICE(sinf, std::sin(x))
ATTN_EMU_LIBDEVICE(cosf, std::cos(x))
ATTN_EMU_LIBDEVICE(fabsf, std::fabs(x))

/// f32 to bf16, rounding to nearest even as cvt.rn.bf16.f32 does: the
/// compiler-rt routine (`__truncsfbf2`) the x86 code of the kernels' fptrunc
/// calls, which this executable does not otherwise link. EmulatorKernels.cpp
/// binds it to that name in the JIT only.
extern "C" __attribute__((visibility("default"))) __bf16
attn_emu_truncsfbf2(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  uint16_t result = std::isnan(x)
                        ? uint16_t((bits >> 16) | 0x40)
                        : uint16_t((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
  __bf16 value;
  std::memcpy(&value, &result, sizeof(value));
  return value;
}
