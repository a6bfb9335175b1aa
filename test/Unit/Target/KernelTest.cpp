//===- KernelTest.cpp - The optimised kernels against a double reference --===//
//
// The tiled matmul and the FlashAttention lowering on shapes that cross
// every tile and block boundary (remainder rows, columns and k, key blocks
// hidden by the causal mask or the sliding window), compared with the plain
// formulas evaluated in double precision.
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

using LinearFn = void (*)(MemRef<2> *, MemRef<2> *, MemRef<2> *);

std::unique_ptr<CompiledLibrary> compileLinear() {
  return compileOrFail(R"mlir(
    func.func @f(%x: tensor<?x?xf32>, %w: tensor<?x?xf32>) -> tensor<?x?xf32>
        attributes {llvm.emit_c_interface} {
      %r = attn.linear %x, %w : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
      return %r : tensor<?x?xf32>
    })mlir");
}

/// x [rows, in] . w[out, in]^T in double.
std::vector<double> referenceLinear(const std::vector<float> &x,
                                    const std::vector<float> &w, int64_t rows,
                                    int64_t in, int64_t out,
                                    int64_t xRowStride) {
  std::vector<double> result(rows * out);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t n = 0; n < out; ++n) {
      double sum = 0;
      for (int64_t k = 0; k < in; ++k)
        sum += double(x[r * xRowStride + k]) * w[n * in + k];
      result[r * out + n] = sum;
    }
  return result;
}

TEST(Kernel, LinearShapesAcrossTiles) {
  auto library = compileLinear();
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<LinearFn>(library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(11);
  // (rows, in, out): one row (decode), rows and columns that leave partial
  // register tiles and a partial column block, k below, at and above a
  // multiple of the vector size.
  const int64_t shapes[][3] = {{1, 64, 8},  {1, 37, 130},  {4, 16, 4},
                               {7, 33, 70}, {9, 5, 3},     {13, 200, 129},
                               {5, 1, 1},   {64, 128, 192}};
  for (const auto &shape : shapes) {
    int64_t rows = shape[0], in = shape[1], out = shape[2];
    SCOPED_TRACE("rows " + std::to_string(rows) + ", in " + std::to_string(in) +
                 ", out " + std::to_string(out));
    auto x = randomValues(rng, rows * in), w = randomValues(rng, out * in);
    MemRef<2> xm = viewOf<2>(x, {rows, in}), wm = viewOf<2>(w, {out, in}),
              result;
    fn(&result, &xm, &wm);
    expectClose(takeResult(result), referenceLinear(x, w, rows, in, out, in));
  }
}

/// The contraction over column panels that --attn-pack-weights makes of a
/// linear with a packed weight: x [m, k] . P[k-major panels of 64 columns],
/// into C viewed as [m, panels, 64].
const char *const kPanelLinear = R"mlir(
  #x = affine_map<(m, p, j, k) -> (m, k)>
  #w = affine_map<(m, p, j, k) -> (p, k, j)>
  #c = affine_map<(m, p, j, k) -> (m, p, j)>
  func.func @f(%x: tensor<?x?xf32>, %w: tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
      attributes {llvm.emit_c_interface} {
    %c0 = arith.constant 0 : index
    %m = tensor.dim %x, %c0 : tensor<?x?xf32>
    %p = tensor.dim %w, %c0 : tensor<?x?x64xf32>
    %e = tensor.empty(%m, %p) : tensor<?x?x64xf32>
    %z = arith.constant 0.0 : f32
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
    %r = linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<?x?xf32>, tensor<?x?x64xf32>) outs(%f : tensor<?x?x64xf32>) {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %pr = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %pr : f32
      linalg.yield %s : f32
    } -> tensor<?x?x64xf32>
    return %r : tensor<?x?x64xf32>
  })mlir";

/// w [out, in] in panels of `width` columns: P[n / width][k][n % width].
std::vector<float> packPanels(const std::vector<float> &w, int64_t out,
                              int64_t in, int64_t width) {
  std::vector<float> panels(w.size());
  for (int64_t n = 0; n < out; ++n)
    for (int64_t k = 0; k < in; ++k)
      panels[((n / width) * in + k) * width + n % width] = w[n * in + k];
  return panels;
}

TEST(Kernel, PanelLinearShapesAcrossTiles) {
  auto library = compileOrFail(kPanelLinear);
  ASSERT_TRUE(library);
  using PanelFn = void (*)(MemRef<3> *, MemRef<2> *, MemRef<3> *);
  auto fn = reinterpret_cast<PanelFn>(library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(12);
  // (rows, in, out): decode; fewer rows than a tile; full 6-row tiles plus
  // remainders; k below, at and across the 128-step cache blocks.
  const int64_t shapes[][3] = {{1, 64, 64},   {1, 300, 192}, {5, 1, 64},
                               {6, 128, 128}, {13, 129, 64}, {20, 257, 256}};
  for (const auto &shape : shapes) {
    int64_t rows = shape[0], in = shape[1], out = shape[2];
    SCOPED_TRACE("rows " + std::to_string(rows) + ", in " + std::to_string(in) +
                 ", out " + std::to_string(out));
    auto x = randomValues(rng, rows * in), w = randomValues(rng, out * in);
    auto panels = packPanels(w, out, in, 64);
    MemRef<2> xm = viewOf<2>(x, {rows, in});
    MemRef<3> pm = viewOf<3>(panels, {out / 64, in, 64}), result;
    fn(&result, &xm, &pm);
    expectClose(takeResult(result), referenceLinear(x, w, rows, in, out, in));
  }
}

TEST(Kernel, LinearStridedInputTakesTheGeneralPath) {
  auto library = compileLinear();
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<LinearFn>(library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(12);
  int64_t rows = 6, in = 20, out = 9;
  // Every other element of a [rows, 2 * in] buffer: inner stride 2.
  auto storage = randomValues(rng, rows * 2 * in),
       w = randomValues(rng, out * in);
  MemRef<2> xm{storage.data(), storage.data(), 0, {rows, in}, {2 * in, 2}};
  MemRef<2> wm = viewOf<2>(w, {out, in}), result;
  fn(&result, &xm, &wm);
  std::vector<float> x(rows * in);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < in; ++k)
      x[r * in + k] = storage[r * 2 * in + 2 * k];
  expectClose(takeResult(result), referenceLinear(x, w, rows, in, out, in));
}

struct AttentionCase {
  int64_t seq, kvSeq, heads, kvHeads, dim;
  std::optional<int64_t> window;
};

/// Causal attention of q [seq, heads, dim] over k, v [kvSeq, kvHeads, dim]
/// in double, the queries at the last seq positions.
std::vector<double> referenceAttention(const AttentionCase &c,
                                       const std::vector<float> &q,
                                       const std::vector<float> &k,
                                       const std::vector<float> &v) {
  std::vector<double> out(c.seq * c.heads * c.dim, 0.0);
  int64_t group = c.heads / c.kvHeads;
  std::vector<double> weights(c.kvSeq);
  for (int64_t s = 0; s < c.seq; ++s) {
    int64_t p = c.kvSeq - c.seq + s;
    for (int64_t n = 0; n < c.heads; ++n) {
      int64_t g = n / group;
      auto visible = [&](int64_t t) {
        return t <= p && (!c.window || p - t < *c.window);
      };
      double max = -INFINITY, sum = 0;
      for (int64_t t = 0; t < c.kvSeq; ++t) {
        if (!visible(t))
          continue;
        double dot = 0;
        for (int64_t d = 0; d < c.dim; ++d)
          dot += double(q[(s * c.heads + n) * c.dim + d]) *
                 k[(t * c.kvHeads + g) * c.dim + d];
        weights[t] = dot / std::sqrt(double(c.dim));
        max = std::max(max, weights[t]);
      }
      for (int64_t t = 0; t < c.kvSeq; ++t) {
        weights[t] = visible(t) ? std::exp(weights[t] - max) : 0;
        sum += weights[t];
      }
      for (int64_t t = 0; t < c.kvSeq; ++t)
        if (weights[t] != 0)
          for (int64_t d = 0; d < c.dim; ++d)
            out[(s * c.heads + n) * c.dim + d] +=
                weights[t] / sum * v[(t * c.kvHeads + g) * c.dim + d];
    }
  }
  return out;
}

void runAttention(const AttentionCase &c) {
  std::string h = std::to_string(c.heads), kv = std::to_string(c.kvHeads),
              d = std::to_string(c.dim);
  std::string q3 = "tensor<?x" + h + "x" + d + "xf32>",
              k3 = "tensor<?x" + kv + "x" + d + "xf32>";
  std::string window =
      c.window ? ", sliding_window = " + std::to_string(*c.window) + " : i64"
               : "";
  char scale[64];
  snprintf(scale, sizeof(scale), "%.17g", 1 / std::sqrt(double(c.dim)));
  auto library = compileOrFail(
      "func.func @f(%q: " + q3 + ", %k: " + k3 + ", %v: " + k3 + ") -> " + q3 +
      " attributes {llvm.emit_c_interface} {\n"
      "  %o = attn.attention %q, %k, %v {scale = " +
      scale + " : f64, causal" + window + "} : " + q3 + ", " + k3 + ", " + k3 +
      " -> " + q3 + "\n  return %o : " + q3 + "\n}");
  ASSERT_TRUE(library);
  auto fn = reinterpret_cast<void (*)(MemRef<3> *, MemRef<3> *, MemRef<3> *,
                                      MemRef<3> *)>(
      library->symbol("_mlir_ciface_f"));
  ASSERT_TRUE(fn);
  std::mt19937 rng(13);
  auto q = randomValues(rng, c.seq * c.heads * c.dim, -2, 2),
       k = randomValues(rng, c.kvSeq * c.kvHeads * c.dim, -2, 2),
       v = randomValues(rng, c.kvSeq * c.kvHeads * c.dim);
  MemRef<3> qm = viewOf<3>(q, {c.seq, c.heads, c.dim}),
            km = viewOf<3>(k, {c.kvSeq, c.kvHeads, c.dim}),
            vm = viewOf<3>(v, {c.kvSeq, c.kvHeads, c.dim}), result;
  fn(&result, &qm, &km, &vm);
  expectClose(takeResult(result), referenceAttention(c, q, k, v));
}

// 2048 tokens: 32 query blocks against 16 key blocks, the score matrix
// ([2048, 2048] per head) never built.
TEST(Kernel, AttentionLongSequence) { runAttention({2048, 2048, 2, 1, 8, {}}); }

// Queries after a history (decode-like offsets) with GQA.
TEST(Kernel, AttentionAfterHistory) { runAttention({70, 400, 4, 2, 16, {}}); }

// One query (decode) over many key blocks.
TEST(Kernel, AttentionSingleQuery) { runAttention({1, 777, 2, 2, 8, {}}); }

// A window shorter than a key block: the first key blocks are skipped for
// late query blocks, and some rows see no key of a visited block.
TEST(Kernel, AttentionSlidingWindowAcrossBlocks) {
  runAttention({300, 300, 2, 1, 8, 100});
}

// Llama's head_dim: P.V's four vector accumulators cover 64 of the 128
// columns, so each row takes two full groups.
TEST(Kernel, AttentionHeadDim128) { runAttention({200, 300, 4, 2, 128, {}}); }

// 72 columns: the second group of P.V accumulators is partly masked, and
// the score and softmax rows end in masked vector steps.
TEST(Kernel, AttentionHeadDimWithVectorTail) {
  runAttention({131, 131, 2, 1, 72, {}});
}

} // namespace
