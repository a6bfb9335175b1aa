//===- ManifestTest.cpp - Parsing and validating manifests ----------------===//

#include "attn/Runtime/Manifest.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace attn::rt;
using json = nlohmann::json;

namespace {

json goodManifest() {
  return json::parse(R"({
    "abi_version": 3, "model_type": "llama",
    "config": {"max_position_embeddings": 128, "hidden_size": 8},
    "num_hidden_layers": 2, "vocab_size": 10, "hidden_size": 8,
    "kv_cache": {"num_key_value_heads": 2, "head_dim": 4, "dtype": "f32"},
    "weights": [
      {"name": "model.embed_tokens.weight", "shape": [10, 8], "dtype": "f32",
       "per_layer": false},
      {"name": "model.layers.{layer}.input_layernorm.weight", "shape": [8],
       "dtype": "bf16", "per_layer": true},
      {"name": "model.norm.weight", "shape": [8], "dtype": "f16",
       "per_layer": false}]})",
                     nullptr, false);
}

void expectError(const json &doc, const std::string &needle,
                 attn_status code = ATTN_ERROR_MANIFEST) {
  Manifest m;
  Status status = parseManifest(doc.dump(), "lib.so", m);
  EXPECT_EQ(status.code(), code) << status.message();
  EXPECT_EQ(status.message().rfind("lib.so: manifest: ", 0), 0u)
      << status.message();
  EXPECT_NE(status.message().find(needle), std::string::npos)
      << "message: " << status.message() << "\nexpected: " << needle;
}

} // namespace

TEST(Manifest, ParsesAndExpandsSlots) {
  Manifest m;
  Status status = parseManifest(goodManifest().dump(), "lib.so", m);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(m.numLayers, 2);
  EXPECT_EQ(m.vocabSize, 10);
  EXPECT_EQ(m.maxPositionEmbeddings, 128);
  EXPECT_EQ(m.numKVHeads, 2);
  EXPECT_EQ(m.headDim, 4);
  std::vector<WeightSlot> slots = m.slots();
  ASSERT_EQ(slots.size(), 4u);
  EXPECT_EQ(slots[0].name, "model.embed_tokens.weight");
  EXPECT_EQ(slots[1].name, "model.layers.0.input_layernorm.weight");
  EXPECT_EQ(slots[2].name, "model.layers.1.input_layernorm.weight");
  EXPECT_EQ(slots[2].dtype, DType::BF16);
  EXPECT_EQ(slots[3].name, "model.norm.weight");
  EXPECT_EQ(slots[3].dtype, DType::F16);
}

TEST(Manifest, NotJson) {
  Manifest m;
  Status status = parseManifest("{\"abi_version\": ", "lib.so", m);
  EXPECT_EQ(status.code(), ATTN_ERROR_MANIFEST);
  EXPECT_EQ(status.message(),
            "lib.so: manifest: not valid JSON at line 1, column 17: syntax "
            "error while parsing value - unexpected end of input; expected "
            "'[', '{', or a literal");
  expectError(json::array(), "not a JSON object");
}

TEST(Manifest, AbiVersion) {
  json doc = goodManifest();
  doc["abi_version"] = 4;
  expectError(doc, "abi_version is 4; this runtime supports version 3",
              ATTN_ERROR_ABI_VERSION);
  doc.erase("abi_version");
  expectError(doc, "has no integer 'abi_version'");
}

TEST(Manifest, MissingAndBadFields) {
  for (const char *key : {"model_type", "config", "kv_cache", "weights"}) {
    json doc = goodManifest();
    doc.erase(key);
    expectError(doc, std::string("'") + key + "'");
  }
  json doc = goodManifest();
  doc["vocab_size"] = 0;
  expectError(doc, "'vocab_size' is 0; expected an integer in [1, ");
  doc = goodManifest();
  doc["num_hidden_layers"] = "2";
  expectError(doc, "'num_hidden_layers' is \"2\"");
  doc = goodManifest();
  doc["hidden_size"] = 2.5;
  expectError(doc, "'hidden_size' is 2.5");
  doc = goodManifest();
  doc["kv_cache"]["dtype"] = "f64";
  expectError(doc, "kv_cache dtype 'f64' is not one of f32, f16, bf16");
  doc = goodManifest();
  doc["kv_cache"].erase("head_dim");
  expectError(doc, "kv_cache has no 'head_dim'");
  doc = goodManifest();
  doc["config"]["max_position_embeddings"] = -1;
  expectError(doc, "config 'max_position_embeddings' is -1");
  doc = goodManifest();
  doc["weights"] = json::array();
  expectError(doc, "'weights' is empty");
}

TEST(Manifest, BadWeights) {
  json doc = goodManifest();
  doc["weights"][1]["per_layer"] = false;
  expectError(doc, "weights[1] ('model.layers.{layer}.input_layernorm."
                   "weight') has '{layer}' in its name but is not per_layer");
  doc = goodManifest();
  doc["weights"][0]["per_layer"] = true;
  expectError(doc, "is per_layer but its name lacks '{layer}'");
  doc = goodManifest();
  doc["weights"][2]["name"] = "model.embed_tokens.weight";
  expectError(doc, "weights[2] ('model.embed_tokens.weight') appears twice");
  doc = goodManifest();
  doc["weights"][0]["shape"] = {10, 0};
  expectError(doc, "weights[0] ('model.embed_tokens.weight') shape entry 0 "
                   "is not a positive integer");
  // Printing a nested value recursed once per level (found with the
  // safetensors reader's twin of this message). The text is spliced
  // together, since dumping such a document would recurse as deep.
  {
    constexpr size_t kDepth = 1000000;
    doc = goodManifest();
    doc["weights"][0]["shape"] = "NESTED";
    std::string text = doc.dump();
    text.replace(text.find("\"NESTED\""), 8,
                 "[" + std::string(kDepth, '[') + std::string(kDepth, ']') +
                     "]");
    Manifest m;
    Status status = parseManifest(text, "lib.so", m);
    EXPECT_EQ(status.code(), ATTN_ERROR_MANIFEST);
    EXPECT_NE(status.message().find("weights[0] ('model.embed_tokens.weight') "
                                    "shape entry an array is not a positive "
                                    "integer"),
              std::string::npos)
        << status.message().substr(0, 200);
  }
  doc = goodManifest();
  doc["vocab_size"] = json::object({{"a", 1}});
  expectError(doc, "'vocab_size' is an object; expected an integer");
  doc = goodManifest();
  doc["weights"][0]["shape"] = json::array();
  expectError(doc, "has no non-empty 'shape' array");
  doc = goodManifest();
  doc["weights"][0]["shape"] = {1 << 30, 1 << 30, 1 << 30};
  expectError(doc, "is too large");
  doc = goodManifest();
  doc["weights"][0]["dtype"] = "int8";
  expectError(doc, "dtype 'int8' is not one of f32, f16, bf16");
  doc = goodManifest();
  doc["weights"][0].erase("per_layer");
  expectError(doc, "has no boolean 'per_layer'");
  doc = goodManifest();
  doc["weights"][0] = 7;
  expectError(doc, "weights[0] is not an object");
}

TEST(Manifest, PanelLayoutReachesTheSlots) {
  json doc = goodManifest();
  doc["weights"][0]["layout"] = {{"kind", "panel"}, {"width", 5}};
  Manifest m;
  Status status = parseManifest(doc.dump(), "lib.so", m);
  ASSERT_TRUE(status.ok()) << status.message();
  std::vector<WeightSlot> slots = m.slots();
  EXPECT_EQ(slots[0].panelWidth, 5);
  EXPECT_EQ(slots[0].shape, (std::vector<int64_t>{10, 8}));
  EXPECT_EQ(slots[1].panelWidth, 0);
}

TEST(Manifest, RejectsBadLayouts) {
  auto withLayout = [](json layout, int entry = 0) {
    json doc = goodManifest();
    doc["weights"][entry]["layout"] = std::move(layout);
    return doc;
  };
  expectError(withLayout("panel"),
              "weights[0] ('model.embed_tokens.weight') layout is \"panel\"; "
              "expected an object");
  expectError(withLayout({{"kind", "tiles"}, {"width", 5}}),
              "layout kind 'tiles' is not 'panel'");
  expectError(withLayout({{"width", 5}}), "layout has no string 'kind'");
  expectError(withLayout({{"kind", "panel"}, {"width", 0}}),
              "layout 'width' is 0; expected an integer");
  expectError(withLayout({{"kind", "panel"}, {"width", 3}}),
              "layout width 3 does not divide the rows of shape [10, 8]");
  expectError(withLayout({{"kind", "panel"}, {"width", 8}}, 1),
              "layout width 8 does not divide the rows of shape [8]");
}
