//===- GraphBuilderTest.cpp - ModelConfig to a verified module ------------===//

#include "SharedConfigs.h"

#include "attn/Compiler/Manifest.h"
#include "attn/Frontend/ConfigParser.h"
#include "attn/Frontend/GraphBuilder.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace mlir;
using namespace mlir::attn;

namespace {

TEST(GraphBuilderTest, WeightTableSlotsFollowTheManifest) {
  llvm::Expected<ParsedConfig> parsed =
      parseModelConfig(attn_test::kTinyLlama, "tiny.json");
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  MLIRContext context;
  OwningOpRef<ModuleOp> module =
      buildModelGraph(&context, parsed->config, UnknownLoc::get(&context));
  ASSERT_TRUE(module);

  FailureOr<WeightTable> table = buildWeightTable(*module);
  ASSERT_TRUE(succeeded(table));
  // embed, norm, 9 per-layer tensors (2 norms, q, k, v, o, gate, up, down),
  // lm_head.
  ASSERT_EQ(table->entries.size(), 12u);
  EXPECT_EQ(table->entries[0].name, "model.embed_tokens.weight");
  EXPECT_EQ(table->entries[1].name, "model.norm.weight");
  EXPECT_EQ(table->entries[2].name,
            "model.layers.{layer}.input_layernorm.weight");
  EXPECT_TRUE(table->entries[2].perLayer);
  EXPECT_EQ(table->entries[2].firstSlot, 2);
  EXPECT_EQ(table->entries[3].firstSlot, 4);
  EXPECT_EQ(table->entries.back().name, "lm_head.weight");
  EXPECT_EQ(table->entries.back().firstSlot, 2 + 9 * 2);
  EXPECT_EQ(table->numSlots, 2 + 9 * 2 + 1);
  const WeightSlot *k =
      table->lookup("model.layers.{layer}.self_attn.k_proj.weight");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->shape, (SmallVector<int64_t>{32, 64}));
  EXPECT_EQ(k->dtype, "f32");

  nlohmann::json manifest =
      nlohmann::json::parse(buildManifestJson(*module), nullptr, false);
  ASSERT_FALSE(manifest.is_discarded());
  EXPECT_EQ(manifest["weights"].size(), 12u);
  EXPECT_EQ(manifest["config"]["rope_scaling"]["rope_type"], "llama3");
  EXPECT_EQ(manifest["kv_cache"]["num_key_value_heads"], 2);
}

TEST(GraphBuilderTest, ManifestRejectsAModuleWithoutConfig) {
  MLIRContext context;
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  std::string seen;
  ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diag) {
    seen = diag.str();
    return success();
  });
  EXPECT_EQ(buildManifestJson(*module), "");
  EXPECT_NE(seen.find("attn.abi_version"), std::string::npos);
}

TEST(GraphBuilderTest, EverySharedConfigBuildsAVerifiedModule) {
  auto configs = attn_test::allSharedConfigs();
  if (configs.empty())
    GTEST_SKIP() << "ATTN_SHARED_DIR/configs not found";
  for (const auto &[name, text] : configs) {
    llvm::Expected<ParsedConfig> parsed = parseModelConfig(text, name);
    ASSERT_TRUE(static_cast<bool>(parsed))
        << llvm::toString(parsed.takeError());
    MLIRContext context;
    OwningOpRef<ModuleOp> module =
        buildModelGraph(&context, parsed->config, UnknownLoc::get(&context));
    EXPECT_TRUE(module) << name;
    if (module)
      EXPECT_FALSE(buildManifestJson(*module).empty()) << name;
  }
}

} // namespace
