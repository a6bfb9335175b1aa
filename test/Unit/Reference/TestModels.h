//===- TestModels.h - Tiny models for the reference's own tests -*- C++ -*-===//

#ifndef ATTN_TEST_UNIT_REFERENCE_TESTMODELS_H
#define ATTN_TEST_UNIT_REFERENCE_TESTMODELS_H

#include "attn/Reference/Model.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace attn::reference::testing {

/// Two layers, four query heads over two KV heads, head_dim (8) apart from
/// hidden / heads (24 / 4).
ReferenceConfig tinyConfig();

/// Random weights large enough (stddev 0.2) that every weight moves logits
/// well above double rounding.
WeightMap tinyWeights(const ReferenceConfig &config, uint64_t seed = 1);

/// Creates the model, adding a test failure with the error when it fails.
std::optional<ReferenceModel> makeModel(const ReferenceConfig &config,
                                        const WeightMap &weights);

/// Runs `tokens` from `start`, failing the current test on error.
ReferenceTensor run(ReferenceModel &model, const std::vector<int64_t> &tokens,
                    int64_t start = 0);

/// Rows [first, first + count) of a [rows, cols] tensor.
ReferenceTensor rows(const ReferenceTensor &t, int64_t first, int64_t count);

/// Stacks `parts` (each [rows_i, cols]) into one tensor.
ReferenceTensor concatRows(const std::vector<ReferenceTensor> &parts);

/// max |a - b| over all elements; infinity when the shapes differ.
double maxAbsDiff(const ReferenceTensor &a, const ReferenceTensor &b);

/// 17 tokens in [0, vocab).
std::vector<int64_t> sampleTokens(const ReferenceConfig &config);

} // namespace attn::reference::testing

#endif // ATTN_TEST_UNIT_REFERENCE_TESTMODELS_H
