//===- FusedWeightTest.cpp - Weights concatenated from parts at load ------===//
//
// A manifest entry with "parts" (docs/abi.md, "Fused weights") is built by
// the runtime from several checkpoint tensors: parsed and checked here, then
// concatenated (converting the dtype, then packing into panels when asked)
// from a real safetensors file.
//
//===----------------------------------------------------------------------===//

#include "WeightRepacking.h"

#include "TestFiles.h"

#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/RandomWeights.h"
#include "attn/Runtime/SafeTensorsWriter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>

using namespace attn::rt;
using namespace attn::rt::test;
using json = nlohmann::json;

namespace {

/// A manifest whose only per-layer weight fuses a [3, 2] and a [1, 2] part.
json fusedManifest() {
  return json::parse(R"({
    "abi_version": 3, "model_type": "llama", "config": {},
    "num_hidden_layers": 2, "vocab_size": 4, "hidden_size": 2,
    "kv_cache": {"num_key_value_heads": 1, "head_dim": 2, "dtype": "f32"},
    "weights": [
      {"name": "model.layers.{layer}.self_attn.q_proj+k_proj.weight",
       "shape": [4, 2], "dtype": "f32", "per_layer": true,
       "parts": [
         {"name": "model.layers.{layer}.self_attn.q_proj.weight",
          "shape": [3, 2]},
         {"name": "model.layers.{layer}.self_attn.k_proj.weight",
          "shape": [1, 2]}]}]})",
                     nullptr, false);
}

Status parse(const json &doc, Manifest &m) {
  return parseManifest(doc.dump(), "lib.so", m);
}

void expectManifestError(const json &doc, const std::string &needle) {
  Manifest m;
  Status status = parse(doc, m);
  EXPECT_EQ(status.code(), ATTN_ERROR_MANIFEST) << status.message();
  EXPECT_NE(status.message().find(needle), std::string::npos)
      << "message: " << status.message() << "\nexpected: " << needle;
}

json &parts(json &doc) { return doc["weights"][0]["parts"]; }

TEST(FusedWeightManifest, PartsExpandPerLayer) {
  Manifest m;
  Status status = parse(fusedManifest(), m);
  ASSERT_TRUE(status.ok()) << status.message();
  std::vector<WeightSlot> slots = m.slots();
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[1].name, "model.layers.1.self_attn.q_proj+k_proj.weight");
  ASSERT_EQ(slots[1].parts.size(), 2u);
  EXPECT_EQ(slots[1].parts[0].name, "model.layers.1.self_attn.q_proj.weight");
  EXPECT_EQ(slots[1].parts[1].name, "model.layers.1.self_attn.k_proj.weight");
  EXPECT_EQ(slots[1].parts[0].shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(slots[1].parts[1].shape, (std::vector<int64_t>{1, 2}));
}

TEST(FusedWeightManifest, MalformedParts) {
  json doc = fusedManifest();
  parts(doc) = json::object();
  expectManifestError(doc, "weights[0] ('model.layers.{layer}.self_attn."
                           "q_proj+k_proj.weight') parts is an object; "
                           "expected a non-empty array");
  parts(doc) = json::array();
  expectManifestError(doc, "parts is empty; expected a non-empty array");

  doc = fusedManifest();
  parts(doc)[1] = 7;
  expectManifestError(doc, "parts[1] is 7; expected an object");

  doc = fusedManifest();
  parts(doc)[0].erase("name");
  expectManifestError(doc, "parts[0] has no string 'name'");

  doc = fusedManifest();
  parts(doc)[1].erase("shape");
  expectManifestError(doc, "parts[1] ('model.layers.{layer}.self_attn."
                           "k_proj.weight') has no non-empty 'shape' array");

  doc = fusedManifest();
  parts(doc)[1]["shape"] = {1, -2};
  expectManifestError(doc, "shape entry -2 is not a positive");

  doc = fusedManifest();
  parts(doc)[0]["name"] = "model.layers.0.self_attn.q_proj.weight";
  expectManifestError(doc, "lacks '{layer}' but the weight is per_layer");
}

TEST(FusedWeightManifest, PartShapesMustStack) {
  json doc = fusedManifest();
  parts(doc)[1]["shape"] = {1, 3};
  expectManifestError(doc, "parts[1] ('model.layers.{layer}.self_attn."
                           "k_proj.weight') shape [1, 3] does not stack "
                           "along dim 0 into the weight's shape [4, 2]");
  parts(doc)[1]["shape"] = {2};
  expectManifestError(doc, "shape [2] does not stack along dim 0");
  parts(doc)[1]["shape"] = {2, 2};
  expectManifestError(doc, "parts have 5 rows in all; the weight's shape "
                           "[4, 2] has 4");
}

/// Writes q (3 rows) and k (1 row) of layer 0 in `dtype`; element (r, c) of
/// q is 10 r + c, of k 100 + c.
void writeParts(const std::string &path, DType dtype,
                std::vector<int64_t> kShape = {1, 2}) {
  std::vector<float> k(elementCount(kShape));
  for (size_t i = 0; i < k.size(); ++i)
    k[i] = 100 + float(i);
  Status status = writeSafeTensors(
      path,
      {{"model.layers.0.self_attn.q_proj.weight", dtype, {3, 2}},
       {"model.layers.0.self_attn.k_proj.weight", dtype, kShape}},
      {{0, 1, 10, 11, 20, 21}, k});
  ASSERT_TRUE(status.ok()) << status.message();
}

WeightSlot layer0Slot(DType dtype, int64_t panelWidth = 0) {
  Manifest m;
  json doc = fusedManifest();
  doc["weights"][0]["dtype"] = dtype == DType::F32 ? "f32" : "f16";
  if (panelWidth)
    doc["weights"][0]["layout"] = {{"kind", "panel"}, {"width", panelWidth}};
  Status status = parse(doc, m);
  EXPECT_TRUE(status.ok()) << status.message();
  return m.slots().at(0);
}

std::vector<float> asFloats(const void *data, DType dtype, size_t count) {
  std::vector<float> result(count);
  convertElements(data, dtype, result.data(), DType::F32, count);
  return result;
}

/// A checkpoint file in a scratch directory and one slot built from it.
class FusedWeightBinding : public testing::Test {
protected:
  std::string path() { return dir.file("w.safetensors"); }

  /// Opens the checkpoint and builds `slot` from it into `pointer` (and
  /// `owned` when the bytes had to be made).
  Status build(const WeightSlot &slot) {
    Status opened = WeightStore::open(path(), store);
    if (!opened.ok())
      return opened;
    return buildWeightTensor(*store, slot, pointer, owned);
  }

  ScratchDir dir;
  std::unique_ptr<WeightStore> store;
  const void *pointer = nullptr;
  AlignedBuffer owned;
};

TEST_F(FusedWeightBinding, ConcatenatesRowsInOrder) {
  writeParts(path(), DType::F32);
  Status status = build(layer0Slot(DType::F32));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(pointer, owned.data());
  EXPECT_EQ(owned.size(), 8 * sizeof(float));
  EXPECT_EQ(asFloats(pointer, DType::F32, 8),
            (std::vector<float>{0, 1, 10, 11, 20, 21, 100, 101}));
}

TEST_F(FusedWeightBinding, ConvertsEachPart) {
  // f32 on disk, f16 for the kernels: every part goes through conversion.
  writeParts(path(), DType::F32);
  Status status = build(layer0Slot(DType::F16));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(owned.size(), 8 * sizeof(uint16_t));
  EXPECT_EQ(asFloats(pointer, DType::F16, 8),
            (std::vector<float>{0, 1, 10, 11, 20, 21, 100, 101}));
}

TEST_F(FusedWeightBinding, PacksTheConcatenation) {
  // Width 2 over the 4 fused rows: panel 0 holds rows 0-1 (q), panel 1
  // rows 2-3, which straddle q's last row and k's only one.
  writeParts(path(), DType::F16);
  Status status = build(layer0Slot(DType::F32, 2));
  ASSERT_TRUE(status.ok()) << status.message();
  // P[p][c][j] = W[2p + j][c].
  EXPECT_EQ(asFloats(pointer, DType::F32, 8),
            (std::vector<float>{0, 10, 1, 11, 20, 100, 21, 101}));
}

TEST_F(FusedWeightBinding, MissingPartNamesItAndTheFusedWeight) {
  Status written = writeSafeTensors(
      path(), {{"model.layers.0.self_attn.q_proj.weight", DType::F32, {3, 2}}},
      {{0, 1, 10, 11, 20, 21}});
  ASSERT_TRUE(written.ok()) << written.message();
  Status status = build(layer0Slot(DType::F32));
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHT_MISMATCH);
  EXPECT_NE(status.message().find(
                "no tensor 'model.layers.0.self_attn.k_proj.weight' (part 1 "
                "of fused weight 'model.layers.0.self_attn.q_proj+k_proj."
                "weight') (the model expects shape [1, 2], f32)"),
            std::string::npos)
      << status.message();
  EXPECT_EQ(owned.data(), nullptr);
}

TEST_F(FusedWeightBinding, PartShapeMismatch) {
  writeParts(path(), DType::F32, {2, 2});
  Status status = build(layer0Slot(DType::F32));
  EXPECT_EQ(status.code(), ATTN_ERROR_WEIGHT_MISMATCH);
  EXPECT_NE(status.message().find(
                "tensor 'model.layers.0.self_attn.k_proj.weight' (part 1 of "
                "fused weight 'model.layers.0.self_attn.q_proj+k_proj."
                "weight') has shape [2, 2]; the model expects [1, 2]"),
            std::string::npos)
      << status.message();
}

TEST_F(FusedWeightBinding, RandomWeightsWriteTheParts) {
  // Random weights stand for a checkpoint: they hold the parts under their
  // own names, from which the fused weight then builds.
  Manifest m;
  ASSERT_TRUE(parse(fusedManifest(), m).ok());
  Status written = writeRandomWeights(m, path(), DType::BF16, 1);
  ASSERT_TRUE(written.ok()) << written.message();
  Status status = build(m.slots().at(1));
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(store->find("model.layers.0.self_attn.q_proj+k_proj.weight"),
            nullptr);
  const LocatedTensor *k =
      store->find("model.layers.1.self_attn.k_proj.weight");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->tensor->shape, (std::vector<int64_t>{1, 2}));
}

TEST_F(FusedWeightBinding, UnfusedWeightStaysInPlace) {
  // Without parts or layout, a tensor already in the kernels' dtype is read
  // from the mapping: nothing is copied.
  writeParts(path(), DType::F32);
  WeightSlot slot{
      "model.layers.0.self_attn.q_proj.weight", {3, 2}, DType::F32, 0, {}};
  Status status = build(slot);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(owned.data(), nullptr);
  EXPECT_EQ(
      pointer,
      store->find("model.layers.0.self_attn.q_proj.weight")->tensor->data);
}

} // namespace
