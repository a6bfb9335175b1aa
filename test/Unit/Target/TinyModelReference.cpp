//===- TinyModelReference.cpp - A plain double-precision Llama ------------===//

#include "TinyModelReference.h"

#include <cmath>

using namespace attn_test;

namespace {

using Matrix = std::vector<std::vector<double>>;

Matrix rmsNorm(const Matrix &x, const std::vector<float> &w, double eps) {
  Matrix out = x;
  for (auto &row : out) {
    double sum = 0;
    for (double v : row)
      sum += v * v;
    double scale = 1 / std::sqrt(sum / row.size() + eps);
    for (size_t i = 0; i < row.size(); ++i)
      row[i] *= scale * w[i];
  }
  return out;
}

/// x . W^T with W stored [out, in].
Matrix linear(const Matrix &x, const std::vector<float> &w, int64_t out) {
  Matrix y(x.size(), std::vector<double>(out, 0.0));
  for (size_t r = 0; r < x.size(); ++r)
    for (int64_t n = 0; n < out; ++n)
      for (size_t k = 0; k < x[r].size(); ++k)
        y[r][n] += x[r][k] * w[n * x[r].size() + k];
  return y;
}

/// Rotate-half RoPE on rows of `heads * dim` features at positions 0, 1, ...
void rope(Matrix &x, int64_t heads, int64_t dim, double theta) {
  int64_t half = dim / 2;
  for (size_t pos = 0; pos < x.size(); ++pos)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < half; ++i) {
        double angle = pos * std::pow(theta, -2.0 * i / dim);
        double &a = x[pos][h * dim + i], &b = x[pos][h * dim + i + half];
        double ra = a * std::cos(angle) - b * std::sin(angle);
        double rb = b * std::cos(angle) + a * std::sin(angle);
        a = ra;
        b = rb;
      }
}

} // namespace

std::vector<double>
attn_test::referenceLogits(const TinyConfig &c, const WeightLookup &weight,
                           const std::vector<int32_t> &tokens) {
  size_t n = tokens.size();
  const auto &embed = weight("model.embed_tokens.weight");
  Matrix h(n, std::vector<double>(c.hidden));
  for (size_t t = 0; t < n; ++t)
    for (int64_t i = 0; i < c.hidden; ++i)
      h[t][i] = embed[tokens[t] * c.hidden + i];

  for (int64_t l = 0; l < c.layers; ++l) {
    auto w = [&](const std::string &suffix) -> const std::vector<float> & {
      return weight("model.layers." + std::to_string(l) + "." + suffix);
    };
    Matrix x = rmsNorm(h, w("input_layernorm.weight"), c.eps);
    Matrix q = linear(x, w("self_attn.q_proj.weight"), c.heads * c.headDim);
    Matrix k = linear(x, w("self_attn.k_proj.weight"), c.kvHeads * c.headDim);
    Matrix v = linear(x, w("self_attn.v_proj.weight"), c.kvHeads * c.headDim);
    rope(q, c.heads, c.headDim, c.theta);
    rope(k, c.kvHeads, c.headDim, c.theta);
    Matrix attn(n, std::vector<double>(c.heads * c.headDim, 0.0));
    for (size_t s = 0; s < n; ++s)
      for (int64_t head = 0; head < c.heads; ++head) {
        int64_t g = head / (c.heads / c.kvHeads);
        std::vector<double> scores(s + 1);
        double max = -INFINITY, sum = 0;
        for (size_t t = 0; t <= s; ++t) {
          double dot = 0;
          for (int64_t d = 0; d < c.headDim; ++d)
            dot += q[s][head * c.headDim + d] * k[t][g * c.headDim + d];
          scores[t] = dot / std::sqrt(double(c.headDim));
          max = std::max(max, scores[t]);
        }
        for (double &score : scores) {
          score = std::exp(score - max);
          sum += score;
        }
        for (size_t t = 0; t <= s; ++t)
          for (int64_t d = 0; d < c.headDim; ++d)
            attn[s][head * c.headDim + d] +=
                scores[t] / sum * v[t][g * c.headDim + d];
      }
    Matrix o = linear(attn, w("self_attn.o_proj.weight"), c.hidden);
    for (size_t t = 0; t < n; ++t)
      for (int64_t i = 0; i < c.hidden; ++i)
        h[t][i] += o[t][i];
    Matrix y = rmsNorm(h, w("post_attention_layernorm.weight"), c.eps);
    Matrix gate = linear(y, w("mlp.gate_proj.weight"), c.intermediate);
    Matrix up = linear(y, w("mlp.up_proj.weight"), c.intermediate);
    for (size_t t = 0; t < n; ++t)
      for (int64_t i = 0; i < c.intermediate; ++i)
        gate[t][i] = gate[t][i] / (1 + std::exp(-gate[t][i])) * up[t][i];
    Matrix down = linear(gate, w("mlp.down_proj.weight"), c.hidden);
    for (size_t t = 0; t < n; ++t)
      for (int64_t i = 0; i < c.hidden; ++i)
        h[t][i] += down[t][i];
  }
  Matrix normed = rmsNorm(h, weight("model.norm.weight"), c.eps);
  Matrix logits = linear(normed, weight("lm_head.weight"), c.vocab);
  std::vector<double> flat;
  for (const auto &row : logits)
    flat.insert(flat.end(), row.begin(), row.end());
  return flat;
}
