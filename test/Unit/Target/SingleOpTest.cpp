//===- SingleOpTest.cpp - Each lowered attn op against a double reference -===//
//
// Each case compiles one function to a shared library, calls it through its
// C interface on random inputs, and compares with the op's formula evaluated
// in double precision.
//
//===----------------------------------------------------------------------===//

#include "CompiledLibrary.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace attn_test;

namespace {

std::unique_ptr<CompiledLibrary> compileOrFail(const std::string &source) {
  std::string error;
  auto library = CompiledLibrary::compile(source, {}, error);
  EXPECT_TRUE(library) << error;
  return library;
}

TEST(SingleOp, RMSNorm) {
  auto library = compileOrFail(R"mlir(
    func.func @f(%x: tensor<?x16xf32>, %w: tensor<16xf32>) -> tensor<?x16xf32>
        attributes {llvm.emit_c_interface} {
      %r = attn.rms_norm %x, %w {epsilon = 1.0e-05 : f64} : tensor<?x16xf32>, tensor<16xf32>
      return %r : tensor<?x16xf32>
    })mlir");
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<void (*)(MemRef<2> *, MemRef<2> *, MemRef<1> *)>(
      library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(1);
  int64_t rows = 5;
  auto x = randomValues(rng, rows * 16, -3, 3), w = randomValues(rng, 16);
  MemRef<2> xm = viewOf<2>(x, {rows, 16}), result;
  MemRef<1> wm = viewOf<1>(w, {16});
  fn(&result, &xm, &wm);
  std::vector<double> expected(rows * 16);
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t i = 0; i < 16; ++i)
      sum += double(x[r * 16 + i]) * x[r * 16 + i];
    double scale = 1 / std::sqrt(sum / 16 + 1e-5);
    for (int64_t i = 0; i < 16; ++i)
      expected[r * 16 + i] = x[r * 16 + i] * scale * w[i];
  }
  expectClose(takeResult(result), expected);
}

TEST(SingleOp, LinearWithBias) {
  auto library = compileOrFail(R"mlir(
    func.func @f(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32>
        attributes {llvm.emit_c_interface} {
      %r = attn.linear %x, %w bias %b : (tensor<?x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<?x8xf32>
      return %r : tensor<?x8xf32>
    })mlir");
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<void (*)(MemRef<2> *, MemRef<2> *, MemRef<2> *,
                                      MemRef<1> *)>(
      library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(2);
  int64_t rows = 3;
  auto x = randomValues(rng, rows * 16), w = randomValues(rng, 8 * 16),
       b = randomValues(rng, 8);
  MemRef<2> xm = viewOf<2>(x, {rows, 16}), wm = viewOf<2>(w, {8, 16}), result;
  MemRef<1> bm = viewOf<1>(b, {8});
  fn(&result, &xm, &wm, &bm);
  std::vector<double> expected(rows * 8);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t n = 0; n < 8; ++n) {
      double sum = b[n];
      for (int64_t k = 0; k < 16; ++k)
        sum += double(x[r * 16 + k]) * w[n * 16 + k];
      expected[r * 8 + n] = sum;
    }
  expectClose(takeResult(result), expected);
}

/// Applies rotate-half RoPE to x [seq, heads, dim] with the given inv_freq.
std::vector<double> referenceRope(const std::vector<float> &x, int64_t seq,
                                  int64_t heads, int64_t dim, int64_t offset,
                                  const std::vector<double> &invFreq) {
  std::vector<double> out(x.size());
  int64_t half = dim / 2;
  for (int64_t s = 0; s < seq; ++s)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < half; ++i) {
        double angle = double(offset + s) * invFreq[i];
        const float *row = &x[(s * heads + h) * dim];
        double *o = &out[(s * heads + h) * dim];
        o[i] = row[i] * std::cos(angle) - row[i + half] * std::sin(angle);
        o[i + half] =
            row[i + half] * std::cos(angle) + row[i] * std::sin(angle);
      }
  return out;
}

void runRope(const std::string &attributes, const std::vector<double> &invFreq,
             int64_t offset) {
  auto library = compileOrFail(R"mlir(
    func.func @f(%x: tensor<?x2x8xf32>, %p: index) -> tensor<?x2x8xf32>
        attributes {llvm.emit_c_interface} {
      %r = attn.rope %x, %p )mlir" +
                               attributes + R"mlir( : tensor<?x2x8xf32>
      return %r : tensor<?x2x8xf32>
    })mlir");
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<void (*)(MemRef<3> *, MemRef<3> *, int64_t)>(
      library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(3);
  int64_t seq = 4;
  auto x = randomValues(rng, seq * 2 * 8);
  MemRef<3> xm = viewOf<3>(x, {seq, 2, 8}), result;
  fn(&result, &xm, offset);
  expectClose(takeResult(result), referenceRope(x, seq, 2, 8, offset, invFreq));
}

std::vector<double> defaultInvFreq(double theta, int64_t dim) {
  std::vector<double> inv(dim / 2);
  for (int64_t i = 0; i < dim / 2; ++i)
    inv[i] = std::pow(theta, -2.0 * i / dim);
  return inv;
}

TEST(SingleOp, RopeNone) {
  runRope("{theta = 1.0e+04 : f64}", defaultInvFreq(1e4, 8), 7);
}

TEST(SingleOp, RopeLinear) {
  auto inv = defaultInvFreq(1e4, 8);
  for (double &f : inv)
    f /= 4.0;
  runRope("{theta = 1.0e+04 : f64, scaling = #attn<rope_scaling linear>, "
          "factor = 4.0 : f64}",
          inv, 11);
}

TEST(SingleOp, RopeDynamicBeyondMaxPositions) {
  // offset + seq = 20 > max_position_embeddings = 8: theta grows.
  int64_t length = 16 + 4;
  double factor = 2.0, theta = 1e4;
  double base =
      theta * std::pow(factor * length / 8.0 - (factor - 1), 8.0 / (8 - 2));
  runRope("{theta = 1.0e+04 : f64, scaling = #attn<rope_scaling dynamic>, "
          "factor = 2.0 : f64, max_position_embeddings = 8 : i64}",
          defaultInvFreq(base, 8), 16);
}

TEST(SingleOp, RopeLlama3) {
  // Wavelengths of inv_freq for theta 1e4, d = 8: 6.3, 63, 628, 6283. With
  // original 64 positions and factors 1 and 4, the first is kept, the last
  // two are divided by 8 and the second is interpolated.
  auto inv = defaultInvFreq(1e4, 8);
  double factor = 8, low = 1, high = 4, original = 64;
  for (double &f : inv) {
    double wavelen = 2 * M_PI / f;
    if (wavelen > original / low) {
      f /= factor;
    } else if (wavelen >= original / high) {
      double smooth = (original / wavelen - low) / (high - low);
      f = (1 - smooth) * f / factor + smooth * f;
    }
  }
  runRope("{theta = 1.0e+04 : f64, scaling = #attn<rope_scaling llama3>, "
          "factor = 8.0 : f64, low_freq_factor = 1.0 : f64, "
          "high_freq_factor = 4.0 : f64, "
          "original_max_position_embeddings = 64 : i64}",
          inv, 5);
}

TEST(SingleOp, AttentionGQASlidingWindowWithHistory) {
  auto library = compileOrFail(R"mlir(
    func.func @f(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32>
        attributes {llvm.emit_c_interface} {
      %o = attn.attention %q, %k, %v {scale = 0.35355339059327373 : f64, causal, sliding_window = 3 : i64}
          : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
      return %o : tensor<?x4x8xf32>
    })mlir");
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<void (*)(MemRef<3> *, MemRef<3> *, MemRef<3> *,
                                      MemRef<3> *)>(
      library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(4);
  int64_t seq = 3, kvSeq = 7, window = 3;
  auto q = randomValues(rng, seq * 4 * 8, -2, 2),
       k = randomValues(rng, kvSeq * 2 * 8, -2, 2),
       v = randomValues(rng, kvSeq * 2 * 8);
  MemRef<3> qm = viewOf<3>(q, {seq, 4, 8}), km = viewOf<3>(k, {kvSeq, 2, 8}),
            vm = viewOf<3>(v, {kvSeq, 2, 8}), result;
  fn(&result, &qm, &km, &vm);
  std::vector<double> expected(seq * 4 * 8, 0.0);
  for (int64_t s = 0; s < seq; ++s) {
    int64_t p = kvSeq - seq + s;
    for (int64_t n = 0; n < 4; ++n) {
      int64_t g = n / 2;
      std::vector<double> weights(kvSeq, 0.0);
      double max = -INFINITY, sum = 0;
      for (int64_t t = 0; t < kvSeq; ++t) {
        if (t > p || p - t >= window)
          continue;
        double dot = 0;
        for (int64_t d = 0; d < 8; ++d)
          dot += double(q[(s * 4 + n) * 8 + d]) * k[(t * 2 + g) * 8 + d];
        weights[t] = dot / std::sqrt(8.0);
        max = std::max(max, weights[t]);
      }
      for (int64_t t = 0; t < kvSeq; ++t) {
        weights[t] =
            (t > p || p - t >= window) ? 0 : std::exp(weights[t] - max);
        sum += weights[t];
      }
      for (int64_t t = 0; t < kvSeq; ++t)
        for (int64_t d = 0; d < 8; ++d)
          expected[(s * 4 + n) * 8 + d] +=
              weights[t] / sum * v[(t * 2 + g) * 8 + d];
    }
  }
  expectClose(takeResult(result), expected);
}

TEST(SingleOp, EmbeddingSiLUMulAdd) {
  auto library = compileOrFail(R"mlir(
    func.func @f(%table: tensor<10x4xf32>, %ids: tensor<?xi32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32>
        attributes {llvm.emit_c_interface} {
      %e = attn.embedding %table[%ids] : tensor<10x4xf32>, tensor<?xi32> -> tensor<?x4xf32>
      %s = attn.silu %e : tensor<?x4xf32>
      %m = attn.mul %s, %y : tensor<?x4xf32>
      %a = attn.add %m, %e : tensor<?x4xf32>
      return %a : tensor<?x4xf32>
    })mlir");
  ASSERT_TRUE(library);
  struct Ids {
    int32_t *allocated, *aligned;
    int64_t offset, size, stride;
  };
  auto fn =
      reinterpret_cast<void (*)(MemRef<2> *, MemRef<2> *, Ids *, MemRef<2> *)>(
          library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(5);
  auto table = randomValues(rng, 40, -4, 4);
  std::vector<int32_t> ids = {3, 0, 9, 3, 7};
  auto y = randomValues(rng, ids.size() * 4);
  Ids idsRef{ids.data(), ids.data(), 0, int64_t(ids.size()), 1};
  MemRef<2> tm = viewOf<2>(table, {10, 4}),
            ym = viewOf<2>(y, {int64_t(ids.size()), 4}), result;
  fn(&result, &tm, &idsRef, &ym);
  std::vector<double> expected;
  for (size_t r = 0; r < ids.size(); ++r)
    for (int64_t c = 0; c < 4; ++c) {
      double e = table[ids[r] * 4 + c];
      expected.push_back(e / (1 + std::exp(-e)) * y[r * 4 + c] + e);
    }
  expectClose(takeResult(result), expected);
}

TEST(SingleOp, SinusoidalPEDynamic) {
  auto library = compileOrFail(R"mlir(
    func.func @f(%n: index) -> tensor<?x6xf32> attributes {llvm.emit_c_interface} {
      %pe = attn.sinusoidal_pe %n : tensor<?x6xf32>
      return %pe : tensor<?x6xf32>
    })mlir");
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<void (*)(MemRef<2> *, int64_t)>(
      library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  MemRef<2> result;
  fn(&result, 9);
  std::vector<double> expected;
  for (int64_t pos = 0; pos < 9; ++pos)
    for (int64_t col = 0; col < 6; ++col) {
      double angle = pos / std::pow(10000.0, double(col - col % 2) / 6);
      expected.push_back(col % 2 ? std::cos(angle) : std::sin(angle));
    }
  expectClose(takeResult(result), expected);
}

} // namespace
